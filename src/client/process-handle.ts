/**
 * A handle on one running or finished process: its result, state, context, events and cancellation.
 */
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure } from '@temporalio/common';
import {
  CONTEXT_QUERY,
  EVENT_SIGNAL,
  STATE_QUERY,
  type FaultDetails,
  type ProcessSnapshot,
} from '../protocol';
import type { ContextValues } from '../scope';

/** A process that ended on an unhandled fault: `code`, `message` and the state snapshot at that moment. */
export class ProcessFaultError extends Error {
  override readonly name = 'ProcessFaultError';
  constructor(
    readonly processId: string,
    readonly code: string,
    message: string,
    readonly state?: ProcessSnapshot,
  ) {
    super(`process ${processId} ended on fault ${code}${message ? `: ${message}` : ''}`);
  }
}

/** A process that was cancelled or terminated before it completed. */
export class ProcessCancelledError extends Error {
  override readonly name = 'ProcessCancelledError';
  constructor(
    readonly processId: string,
    readonly how: 'cancelled' | 'terminated',
  ) {
    super(`process ${processId} was ${how}`);
  }
}

/** A handle on one process (one workflow id; continue-as-new runs included). */
export class ProcessHandle {
  readonly processId: string;
  private readonly workflow: WorkflowHandle;

  constructor(client: Client, processId: string) {
    this.processId = processId;
    this.workflow = client.workflow.getHandle(processId);
  }

  /**
   * Waits for the process to end and returns its final context. Throws {@link ProcessFaultError} for an
   * unhandled fault and {@link ProcessCancelledError} when it was cancelled or terminated.
   */
  async result(): Promise<ContextValues> {
    try {
      return (await this.workflow.result()) as ContextValues;
    } catch (err) {
      throw this.explain(err);
    }
  }

  /** The state snapshot tree (works after the process ended, too). */
  state(): Promise<ProcessSnapshot> {
    return this.workflow.query<ProcessSnapshot>(STATE_QUERY);
  }

  /** The process context. */
  context(): Promise<ContextValues> {
    return this.workflow.query<ContextValues>(CONTEXT_QUERY);
  }

  /** Sends event `name` to this process only (the awaits waiting for it now may take it). */
  async event(name: string, data: Record<string, unknown> = {}): Promise<void> {
    await this.workflow.signal(EVENT_SIGNAL, { ...data, event: name });
  }

  /** Requests cancellation: running activities, timers, awaits and sub-processes are cancelled. */
  async cancel(): Promise<void> {
    await this.workflow.cancel();
  }

  /** The underlying Temporal workflow handle. */
  get workflowHandle(): WorkflowHandle {
    return this.workflow;
  }

  private explain(err: unknown): unknown {
    if (!(err instanceof WorkflowFailedError)) return err;
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type) {
      const details = cause.details?.[0] as Partial<FaultDetails> | undefined;
      return new ProcessFaultError(this.processId, cause.type, cause.message, details?.state);
    }
    if (cause instanceof CancelledFailure) return new ProcessCancelledError(this.processId, 'cancelled');
    if (cause instanceof TerminatedFailure) return new ProcessCancelledError(this.processId, 'terminated');
    return err;
  }
}
