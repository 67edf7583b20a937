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
  readonly activityId: string;
}

/** A process that ended on an unhandled fault. */
export interface FaultHookEvent extends HookEvent {
  readonly code: string;
  readonly message: string;
}

/** A process that paused (by `pause` or a participant's `halt` reply). */
export interface PauseHookEvent extends HookEvent {
  readonly paused: PauseInfo;
}

/**
 * The hook sink functions, one per hook of `createWorker({ hooks })`. `occurrence` numbers the hook calls
 * of one workflow run, the same each time a workflow task runs again, so the worker can drop repeats.
 */
export interface HookSinks extends Sinks {
  [HOOKS_SINK]: {
    processStarted(event: HookEvent, occurrence: number): void;
    processCompleted(event: HookEvent, occurrence: number): void;
    processFaulted(event: FaultHookEvent, occurrence: number): void;
    processPaused(event: PauseHookEvent, occurrence: number): void;
    stepCompleted(event: StepHookEvent, occurrence: number): void;
  };
}

/** The names of the hooks. */
export type HookName = keyof HookSinks[typeof HOOKS_SINK];

/** Every hook name (the worker registers a sink function for each). */
export const HOOK_NAMES: readonly HookName[] = [
  'processStarted',
  'processCompleted',
  'processFaulted',
  'processPaused',
  'stepCompleted',
];
