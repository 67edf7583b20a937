/**
 * Lifecycle hooks: what the interpreter workflow tells the worker as a process starts, completes, faults,
 * pauses and completes a step. They travel as Temporal sink calls: the worker runs them outside the
 * workflow sandbox, after the workflow task, and never for events replayed from history; a workflow task
 * that runs again on the same worker (its first attempt did not complete) does not call them again.
 *
 * Pure module: the workflow bundle emits through these names, the worker receives them.
 */
import type { Sinks } from '@temporalio/workflow';
import type { PauseInfo } from './operations';
import type { ContextValues } from './scope';

/** The sink interface's name (as registered in `WorkerOptions.sinks`). */
export const HOOKS_SINK = 'bureaucratHooks';

/** What every hook receives. */
export interface HookEvent {
  /** The process id (the workflow id). */
  readonly processId: string;
  /** The process's `name` attribute ('' when it has none). */
  readonly processName: string;
  /** The process context at that moment. */
  readonly context: ContextValues;
}

/** A step that completed: its full activity id (`<processId>_0_2`, as `status` shows it). */
export interface StepHookEvent extends HookEvent {
  /** The full id of the step that completed. */
  readonly activityId: string;
}

/** A process that ended on an unhandled fault. */
export interface FaultHookEvent extends HookEvent {
  /** The fault code. */
  readonly code: string;
  /** The fault's message. */
  readonly message: string;
}

/** A process that paused (by `pause` or a participant's `halt` reply). */
export interface PauseHookEvent extends HookEvent {
  /** Who paused it, why and since when. */
  readonly paused: PauseInfo;
}

/** One hook occurrence, as the workflow hands it to the worker. */
export type HookCall =
  | HookCallOf<'processStarted' | 'processCompleted', HookEvent>
  | HookCallOf<'processFaulted', FaultHookEvent>
  | HookCallOf<'processPaused', PauseHookEvent>
  | HookCallOf<'stepCompleted', StepHookEvent>;

/** One occurrence of hook `H`, with its event. */
interface HookCallOf<H extends string, E extends HookEvent> {
  /** Which hook occurred. */
  readonly hook: H;
  /** What the hook receives. */
  readonly event: E;
  /**
   * Numbers the hook occurrences of one workflow run, the same each time a workflow task runs again, so
   * that the worker can drop repeats.
   */
  readonly occurrence: number;
}

/**
 * The hook sink: one call carries the occurrences of one stretch of a workflow task, in order. One call per
 * step would cost more than the step: the SDK copies the whole workflow info into every sink call and
 * passes it between threads.
 */
export interface HookSinks extends Sinks {
  /** The sink, under the name {@link HOOKS_SINK}. */
  [HOOKS_SINK]: {
    /** Receives the hook occurrences of one stretch of a workflow task, in order. */
    occurred(calls: readonly HookCall[]): void;
  };
}

/** The names of the hooks. */
export type HookName = HookCall['hook'];

/** Every hook name. */
export const HOOK_NAMES: readonly HookName[] = [
  'processStarted',
  'processCompleted',
  'processFaulted',
  'processPaused',
  'stepCompleted',
];

/**
 * The global through which a worker tells its workflows which hooks it has (a frozen array of
 * {@link HookName}s, set by code appended to the workflow bundle it loads: see `withWorkerHooks`). A
 * workflow builds and sends only those occurrences: a step event copies the process context, and on a
 * worker without a `stepCompleted` hook that copy and its trip to the worker cost more than the step.
 * Without the global (a bundle loaded as is) a workflow sends every hook.
 */
export const WORKER_HOOKS_GLOBAL = '__bureaucratWorkerHooks';
