/**
 * The worker side of the lifecycle hooks: `createWorker({ hooks })` registers them as Temporal sinks (see
 * `src/hooks.ts`). A hook runs on the worker after the workflow task that produced it, never again when the
 * workflow replays. A hook that throws (or rejects) is logged and ignored: it cannot affect the process.
 */
import { Runtime, type InjectedSinks } from '@temporalio/worker';
import {
  HOOK_NAMES,
  HOOKS_SINK,
  type FaultHookEvent,
  type HookEvent,
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
 * The sinks that carry `hooks` to the worker, for `WorkerOptions.sinks`. `createWorker` registers them;
 * pass them yourself to a Worker you create for the bundled workflows (every hook is registered, absent
 * ones as no-ops, so the workflow never calls an unregistered sink).
 */
export function hookSinks(hooks: ProcessHooks = {}): InjectedSinks<HookSinks> {
  const sink = <E>(name: keyof ProcessHooks, hook: ((event: E) => void | Promise<void>) | undefined) => ({
    fn: async (_info: unknown, event: E) => {
      if (!hook) return;
      try {
        await hook(event);
      } catch (err) {
        Runtime.instance().logger.error(`bureaucrat hook ${name} threw; the process is not affected`, {
          processId: (event as HookEvent).processId,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    },
    callDuringReplay: false,
  });
  const fns = Object.fromEntries(
    HOOK_NAMES.map((name) => [name, sink(name, hooks[name] as ((event: unknown) => void) | undefined)]),
  );
  return { [HOOKS_SINK]: fns } as unknown as InjectedSinks<HookSinks>;
}
