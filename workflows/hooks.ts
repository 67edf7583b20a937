/**
 * The workflow side of the lifecycle hooks: the steps completed between two waits of the interpreter go to
 * the worker as one sink call (see `src/hooks.ts`), sent when the interpreter is about to wait
 * ({@link Hooks.flush}), rather than one call per step; a process-level occurrence goes at once. Sink
 * calls create no command and the worker drops those made while replaying, so emitting them changes
 * nothing in the history and needs no `patched()`. For the same reason nothing is emitted while
 * replaying: the event (a copy of the context) would be built only to be dropped, once per step.
 *
 * Each occurrence carries its number in the run, counted on replay too, so that it is the same number
 * each time the workflow task that emits it runs: a task whose first attempt did not complete (timed out
 * under load, or refused by the server) runs again live and emits its hooks again, and the worker drops
 * the repeats by that number (`src/worker/hooks.ts`).
 */
import { proxySinks, workflowInfo } from '@temporalio/workflow';
import {
  HOOKS_SINK,
  WORKER_HOOKS_GLOBAL,
  type HookCall,
  type HookEvent,
  type HookName,
  type HookSinks,
} from '../src/hooks';
import type { PauseInfo } from '../src/operations';
import type { ContextValues } from '../src/scope';

const sinks = proxySinks<HookSinks>()[HOOKS_SINK];

/** Emits one process's hooks. */
export class Hooks {
  constructor(
    private readonly processId: string,
    private readonly processName: string,
    private readonly context: () => ContextValues,
  ) {}

  /** Hook occurrences so far in this run, replayed ones included. */
  private occurrences = 0;

  /** Steps completed since the interpreter last waited, not yet handed to the worker. */
  private pending: HookCall[] = [];

  /** The hooks the worker has, when it said (see `WORKER_HOOKS_GLOBAL`); every hook otherwise. */
  private readonly wanted = workerHooks();

  /**
   * Counts one occurrence of `hook`; its number if the sink call would reach a hook of the worker's (sinks
   * are not called during replay), otherwise undefined. Occurrences the worker has no hook for are counted
   * too, so that the numbers do not depend on which hooks a worker has.
   */
  private next(hook: HookName): number | undefined {
    this.occurrences += 1;
    if (this.wanted && !this.wanted.includes(hook)) return undefined;
    return workflowInfo().unsafe.isReplaying ? undefined : this.occurrences;
  }

  /** Hands the occurrences held back to the worker (the interpreter calls this before it waits). */
  flush(): void {
    if (this.pending.length === 0) return;
    const calls = this.pending;
    this.pending = [];
    sinks.occurred(calls);
  }

  /** A process-level occurrence goes at once, after the steps before it. */
  private emit(call: HookCall): void {
    this.pending.push(call);
    this.flush();
  }

  /** What every hook receives, with the context at this moment unless given. */
  private event(context: ContextValues = this.context()): HookEvent {
    return { processId: this.processId, processName: this.processName, context };
  }

  /** The process started (its first run only: not after continue-as-new); `context` is its initial one. */
  started(context: ContextValues): void {
    const occurrence = this.next('processStarted');
    if (occurrence !== undefined) {
      this.emit({ hook: 'processStarted', event: this.event(context), occurrence });
    }
  }

  /** The process completed; `context` is its final context. */
  completed(): void {
    const occurrence = this.next('processCompleted');
    if (occurrence !== undefined) this.emit({ hook: 'processCompleted', event: this.event(), occurrence });
  }

  /** The process ended on an unhandled fault. */
  faulted(code: string, message: string): void {
    const occurrence = this.next('processFaulted');
    if (occurrence !== undefined) {
      this.emit({ hook: 'processFaulted', event: { ...this.event(), code, message }, occurrence });
    }
  }

  /** The process paused. */
  paused(paused: PauseInfo): void {
    const occurrence = this.next('processPaused');
    if (occurrence !== undefined) {
      this.emit({ hook: 'processPaused', event: { ...this.event(), paused }, occurrence });
    }
  }

  /**
   * A step completed; `id` is its id relative to the process (the hook gets the full activity id). Held
   * back until the interpreter waits ({@link flush}).
   */
  stepCompleted(id: string): void {
    const occurrence = this.next('stepCompleted');
    if (occurrence !== undefined) {
      const activityId = `${this.processId}${id}`;
      this.pending.push({ hook: 'stepCompleted', event: { ...this.event(), activityId }, occurrence });
    }
  }
}

/** The hooks the worker declared in the bundle it loaded, if it did. */
function workerHooks(): readonly HookName[] | undefined {
  const declared: unknown = (globalThis as Record<string, unknown>)[WORKER_HOOKS_GLOBAL];
  return Array.isArray(declared) ? (declared as HookName[]) : undefined;
}
