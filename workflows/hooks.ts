/**
 * The workflow side of the lifecycle hooks: each occurrence becomes one sink call (see `src/hooks.ts`).
 * Sink calls create no command and the worker drops those made while replaying, so emitting them changes
 * nothing in the history and needs no `patched()`. For the same reason nothing is emitted while
 * replaying: the event (a copy of the context) would be built only to be dropped, once per step.
 */
import { proxySinks, workflowInfo } from '@temporalio/workflow';
import { HOOKS_SINK, type HookEvent, type HookSinks } from '../src/hooks';
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

  /** Whether a sink call would reach the worker's sinks (`hookSinks` are not called during replay). */
  private live(): boolean {
    return !workflowInfo().unsafe.isReplaying;
  }

  private event(): HookEvent {
    return { processId: this.processId, processName: this.processName, context: this.context() };
  }

  /** The process started (its first run only: not after continue-as-new); `context` is its initial one. */
  started(context: ContextValues): void {
    if (!this.live()) return;
    sinks.processStarted({ ...this.event(), context });
  }

  /** The process completed; `context` is its final context. */
  completed(): void {
    if (!this.live()) return;
    sinks.processCompleted(this.event());
  }

  /** The process ended on an unhandled fault. */
  faulted(code: string, message: string): void {
    if (!this.live()) return;
    sinks.processFaulted({ ...this.event(), code, message });
  }

  /** The process paused. */
  paused(paused: PauseInfo): void {
    if (!this.live()) return;
    sinks.processPaused({ ...this.event(), paused });
  }

  /** A step completed; `id` is its id relative to the process (the hook gets the full activity id). */
  stepCompleted(id: string): void {
    if (!this.live()) return;
    sinks.stepCompleted({ ...this.event(), activityId: `${this.processId}${id}` });
  }
}
