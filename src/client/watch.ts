/**
 * Follows a process from outside: polls its state query and reports each activity whose state changed.
 * For people watching (the demo, `bureaucrat launch --follow`); workflows never poll.
 */
import type { ActivitySnapshot } from '../protocol';
import type { ProcessHandle } from './process-handle';

/** One observed change of an activity's state. */
export interface ActivityChange {
  /** The activity, in its new state. */
  readonly node: ActivitySnapshot;
  /** Its state before; `undefined` for an activity seen for the first time. */
  readonly previous: ActivitySnapshot['state'] | undefined;
}

/** Every node of a snapshot tree, parents first. */
export function flatten(node: ActivitySnapshot): ActivitySnapshot[] {
  return [node, ...node.children.flatMap(flatten), ...node.faults.flatMap(flatten)];
}

/**
 * Calls `onChange` for each state change seen until the process ends (then once more for the final
 * states); resolves with the final snapshot. `intervalMs` defaults to 100.
 */
export async function watchProcess(
  handle: ProcessHandle,
  onChange: (change: ActivityChange) => void,
  intervalMs = 100,
): Promise<ActivitySnapshot> {
  const seen = new Map<string, string>();
  let ended = false;
  const done = handle.result().then(
    () => undefined,
    () => undefined,
  );
  void done.then(() => (ended = true));
  for (;;) {
    const last = ended;
    const snapshot = await handle.state();
    for (const node of flatten(snapshot)) {
      const key = `${node.state}:${node.iteration ?? ''}`;
      const previous = seen.get(node.id);
      if (previous === key || (previous === undefined && node.state === 'ready')) continue;
      seen.set(node.id, key);
      onChange({ node, previous: previous?.split(':')[0] as ActivitySnapshot['state'] | undefined });
    }
    if (last) return snapshot;
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, intervalMs))]);
  }
}
