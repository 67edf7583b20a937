/**
 * The worker side of the lifecycle hooks: `createWorker({ hooks })` registers them as Temporal sinks (see
 * `src/hooks.ts`). A hook runs on the worker after the workflow task that produced it, never again when the
 * workflow replays, nor when that workflow task runs again on this worker. A worker that dies after calling
 * a hook but before its workflow task completed leaves the task to another worker, which calls it again:
 * across workers, hooks are at least once. A hook that throws (or rejects) is logged and ignored: it cannot affect the process.
 */
import { Runtime, type InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import {
  HOOKS_SINK,
  type FaultHookEvent,
  type HookCall,
  type HookEvent,
  type HookName,
  type HookSinks,
  type PauseHookEvent,
  type StepHookEvent,
} from '../hooks';

/** Hooks a worker calls as its processes start, complete, fault, pause and complete steps. */
export interface ProcessHooks {
  /** A process started (its first run; not after continue-as-new or reset). */
  readonly processStarted?: (event: HookEvent) => void | Promise<void>;
  /** A process completed; `context` is its final context. */
  readonly processCompleted?: (event: HookEvent) => void | Promise<void>;
  /** A process ended on an unhandled fault `code`. */
  readonly processFaulted?: (event: FaultHookEvent) => void | Promise<void>;
  /** A process paused (`pause`, or a participant's `halt` reply): `paused` says who, why and since when. */
  readonly processPaused?: (event: PauseHookEvent) => void | Promise<void>;
  /** A step (any activity of the definition) completed. */
  readonly stepCompleted?: (event: StepHookEvent) => void | Promise<void>;
}

/**
 * The sink that carries `hooks` to the worker, for `WorkerOptions.sinks`. `createWorker` registers it; pass
 * it yourself to a Worker you create for the bundled workflows (also with no hooks: the workflow always
 * calls it).
 */
export function hookSinks(hooks: ProcessHooks = {}): InjectedSinks<HookSinks> {
  const seen = new RecentOccurrences();
  const call = async (hook: (event: HookEvent) => void | Promise<void>, name: HookName, event: HookEvent) => {
    try {
      await hook(event);
    } catch (err) {
      Runtime.instance().logger.error(`bureaucrat hook ${name} threw; the process is not affected`, {
        processId: event.processId,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };
  return {
    [HOOKS_SINK]: {
      occurred: {
        fn: async (info: WorkflowInfo, calls: readonly HookCall[]) => {
          const running: Promise<void>[] = [];
          for (const { hook: name, event, occurrence } of calls) {
            const hook = hooks[name] as ((event: HookEvent) => void | Promise<void>) | undefined;
            if (!hook) continue;
            const step = (event as Partial<StepHookEvent>).activityId ?? '';
            if (!seen.first(`${info.runId} ${occurrence} ${name} ${step}`)) continue;
            running.push(call(hook, name, event));
          }
          await Promise.all(running);
        },
        callDuringReplay: false,
      },
    },
  };
}

/**
 * The hook occurrences this worker called lately, to drop a repeat: a workflow task whose first attempt
 * did not complete (it timed out on a loaded worker, or the server refused its completion) runs again
 * live and emits the same occurrences. A repeat comes within a workflow task timeout or two, so the last
 * {@link RECENT_OCCURRENCES} are plenty. The key names the hook and step as well as the occurrence number,
 * so that a rerun that met other new events and emitted other hooks in that order drops none of them.
 */
class RecentOccurrences {
  private readonly keys = new Set<string>();

  /** True the first time `key` is seen (lately). */
  first(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > RECENT_OCCURRENCES) this.keys.delete(this.keys.values().next().value as string);
    return true;
  }
}

/** How many hook occurrences a worker remembers to drop repeats. */
const RECENT_OCCURRENCES = 20_000;
