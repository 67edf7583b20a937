/**
 * A handle on one running or finished process: its result, state, context, events and cancellation, and
 * the operator's pause, resume, set, retry and reset.
 */
import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure } from '@temporalio/common';
import {
  CONTEXT_QUERY,
  EVENT_SIGNAL,
  STATE_QUERY,
  type FaultDetails,
  type ProcessSnapshot,
} from '../protocol';
import type { ContextValues } from '../scope';
import {
  checkFields,
  pauseUpdate,
  resumeUpdate,
  setFieldsUpdate,
  type PauseInfo,
  type PauseRequest,
} from '../operations';
import { withPendingActions, type PendingAction } from './pending-actions';
import { resetProcess, type ResetResult } from './reset';
import { BureaucratError } from '../errors';

/** Temporal's enum values (temporal.api.enums.v1), spelled out so as not to depend on the proto package. */
const PENDING_ACTIVITY_STATE_SCHEDULED = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;

/** A process that ended on an unhandled fault: `code`, `message` and the state snapshot at that moment. */
export class ProcessFaultError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'ProcessFaultError';
  constructor(
    /** The process that faulted. */
    readonly processId: string,
    /** The fault code (`<fault code>`, the participant's, or `DefinitionError`/`ExpressionError`). */
    readonly code: string,
    /** The fault's own message (what `<fault message>` or the participant said), without the process id. */
    readonly faultMessage: string,
    /** The process state when it faulted, when the workflow reported one. */
    readonly state?: ProcessSnapshot,
  ) {
    super(`process ${processId} ended on fault ${code}${faultMessage ? `: ${faultMessage}` : ''}`);
  }
}

/** A process that was cancelled or terminated before it completed. */
export class ProcessCancelledError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'ProcessCancelledError';
  readonly code = 'PROCESS_CANCELLED';
  constructor(
    /** The process that was cancelled or terminated. */
    readonly processId: string,
    /** Which of the two: a cancel lets the process clean up, a termination does not. */
    readonly how: 'cancelled' | 'terminated',
  ) {
    super(`process ${processId} was ${how}`);
  }
}

/** An operation (pause, resume, set) on a process that has ended: it no longer takes any. */
export class ProcessEndedError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'ProcessEndedError';
  readonly code = 'PROCESS_ENDED';
  constructor(
    /** The process that has ended. */
    readonly processId: string,
    /** How it ended: `completed`, `failed`, `cancelled`, `terminated` or `timed_out`. */
    readonly status: string,
    operation: string,
  ) {
    super(`process ${processId} has ended (${status}): it can no longer be ${operation}`);
  }
}

/** A handle on one process (one workflow id; continue-as-new runs included). */
export class ProcessHandle {
  /** The process id (the workflow id). */
  readonly processId: string;
  private readonly workflow: WorkflowHandle;

  constructor(
    private readonly client: Client,
    processId: string,
  ) {
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

  /**
   * The state snapshot with what the server knows of running actions: each active action's `attempt`,
   * `lastFailure` and, while no worker has started it, `waiting` (naming the participant and task queue,
   * and saying so when no worker polls that queue). One describe call, plus one per task queue of
   * actions still waiting.
   */
  async inspect(): Promise<ProcessSnapshot> {
    const [state, description] = await Promise.all([this.state(), this.workflow.describe()]);
    const infos = description.raw.pendingActivities ?? [];
    const polled = new Map<string, Promise<boolean>>();
    const pending = await Promise.all(
      infos.map(async (info, i): Promise<PendingAction> => {
        const taskQueue = info.activityOptions?.taskQueue?.name ?? undefined;
        const scheduled = Number(info.state) === PENDING_ACTIVITY_STATE_SCHEDULED;
        let noWorkers: boolean | undefined;
        if (scheduled && taskQueue) {
          if (!polled.has(taskQueue)) polled.set(taskQueue, this.hasActivityPollers(taskQueue));
          noWorkers = !(await polled.get(taskQueue));
        }
        return {
          participant: info.activityType?.name ?? '',
          attempt: info.attempt ?? 1,
          scheduled,
          ...(info.lastFailure?.message ? { lastFailure: info.lastFailure.message } : {}),
          ...(taskQueue ? { taskQueue } : {}),
          ...(noWorkers !== undefined ? { noWorkers } : {}),
          order: Number(info.activityId) || i,
        };
      }),
    );
    return withPendingActions(state, pending);
  }

  private async hasActivityPollers(taskQueue: string): Promise<boolean> {
    const answer = await this.client.workflowService.describeTaskQueue({
      namespace: this.client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: TASK_QUEUE_TYPE_ACTIVITY,
    });
    return (answer.pollers ?? []).length > 0;
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

  /**
   * Pauses the process: no new step starts until {@link resume} (running actions finish, timers keep their
   * deadlines). `state()` shows `paused` on the root with `by`, `reason` and `since`. Resolves once the
   * process has taken the pause (a Temporal Update: a worker must be running); a process already paused
   * stays paused as it was. Fails when the process has ended.
   */
  pause(request: PauseRequest = {}): Promise<PauseInfo> {
    return this.operate('paused', () => this.workflow.executeUpdate(pauseUpdate, { args: [request] }));
  }

  /** Resumes a paused process where it stopped; resolves `false` when it was not paused. */
  resume(): Promise<boolean> {
    return this.operate('resumed', () => this.workflow.executeUpdate(resumeUpdate));
  }

  /**
   * Sets fields of the process context (`set` from the process scope, as a participant's reply does) and
   * resolves with the new process context. Throws {@link InvalidFieldsError} before sending for fields that
   * are not a JSON object or name a reserved `inst:` key; the process checks them again (and refuses a
   * context over the size limit) before the change enters its history.
   */
  setFields(fields: ContextValues): Promise<ContextValues> {
    checkFields(fields);
    return this.operate('changed', () => this.workflow.executeUpdate(setFieldsUpdate, { args: [fields] }));
  }

  /**
   * Retries a failed process from the step that faulted, with the context it had when that step last
   * started; steps that completed are not run again. Same process id, a new run (Temporal's reset).
   * Throws {@link ResetError} when the process did not fail. Needs a worker (it queries the process).
   */
  retry(): Promise<ResetResult> {
    return resetProcess(this.client, this.processId, 'retry');
  }

  /**
   * Runs the process again (running, completed or failed) from the first start of `activityId` (as
   * `state()` shows it, or relative: `_0_2`), with the state it had then. Throws {@link ResetError} when
   * the process never reached that activity in its current run.
   */
  reset(activityId: string): Promise<ResetResult> {
    return resetProcess(this.client, this.processId, { activityId });
  }

  /**
   * Runs an update; the server answers one sent to an ended workflow as "not found": tell that apart from
   * an unknown id ({@link ProcessEndedError}).
   */
  private async operate<T>(what: string, update: () => Promise<T>): Promise<T> {
    try {
      return await update();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const status = await this.workflow.describe().then(
        (d) => d.status.name,
        () => undefined,
      );
      if (status === undefined || status === 'RUNNING') throw err;
      throw new ProcessEndedError(this.processId, status.toLowerCase(), what);
    }
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
