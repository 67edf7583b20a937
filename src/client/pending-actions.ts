/**
 * What the server knows of a process's running actions, merged into its state snapshot: the attempt an
 * action is on, why the previous attempt failed, and whether it waits for a worker that nobody runs. The
 * workflow cannot know these (it hears of an action only when it ends), so `ProcessHandle.inspect` and
 * `bureaucrat status` ask the server's description of the workflow.
 */
import type { ActivitySnapshot, ProcessSnapshot } from '../protocol';

/** One pending activity as the server describes it, reduced to what the snapshot shows. */
export interface PendingAction {
  /** The activity type: the participant name. */
  readonly participant: string;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Scheduled but no worker has started it yet. */
  readonly scheduled: boolean;
  readonly lastFailure?: string;
  readonly taskQueue?: string;
  /** The task queue has no activity pollers: no worker serves it. */
  readonly noWorkers?: boolean;
  /** For ordering several pending actions of the same participant (scheduling order). */
  readonly order: number;
}

/**
 * The snapshot with each active action matched to its pending activity: same participant, in tree order
 * against scheduling order (several parallel actions of one participant cannot be told apart otherwise;
 * their attempts may then be shown on each other's node).
 */
export function withPendingActions(
  snapshot: ProcessSnapshot,
  pending: readonly PendingAction[],
): ProcessSnapshot {
  const queues = new Map<string, PendingAction[]>();
  for (const p of [...pending].sort((a, b) => a.order - b.order)) {
    const list = queues.get(p.participant) ?? [];
    list.push(p);
    queues.set(p.participant, list);
  }
  const visit = (node: ActivitySnapshot): ActivitySnapshot => {
    let extra: Partial<ActivitySnapshot> = {};
    if (node.type === 'action' && node.state === 'active' && node.participant !== undefined) {
      const match = queues.get(node.participant)?.shift();
      if (match) extra = details(match);
    }
    return {
      ...node,
      ...extra,
      children: node.children.map(visit),
      faults: node.faults.map(visit),
    };
  };
  return visit(snapshot);
}

function details(p: PendingAction): Partial<ActivitySnapshot> {
  const queue = p.taskQueue ? ` on task queue ${p.taskQueue}` : '';
  return {
    attempt: p.attempt,
    ...(p.lastFailure !== undefined && { lastFailure: p.lastFailure }),
    ...(p.scheduled && {
      waiting: p.noWorkers
        ? `waiting for a worker of participant ${p.participant}${queue}: none polls it`
        : `waiting for a worker of participant ${p.participant}${queue}`,
    }),
  };
}
