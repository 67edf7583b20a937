/**
 * The public contract between the interpreter workflow and everything that talks to it: the workflow type,
 * its input, the workitem participants receive, the event signal, the queries, the fault codes and the
 * state snapshot. The internal wire formats (the event router's, continue-as-new's, the test kit's) are in
 * `src/wire/`.
 *
 * Pure module (no Node APIs, no Temporal imports): the workflow bundle, the client adapter and users'
 * participants written against plain types all share it.
 */
import type { Duration, RetryPolicy } from '@temporalio/common';
import type { ProcessDefinition } from './definition/model';
import type { ContextValues } from './scope';
import type { PauseInfo } from './operations';
import type { DefinitionRef } from './deployed';

/** The interpreter's workflow type name. */
export const PROCESS_WORKFLOW_TYPE = 'bureaucratProcess';

/** Signal name of events: its single argument is an {@link EventMessage}. */
export const EVENT_SIGNAL = 'event';

/** Query name of the state snapshot ({@link ProcessSnapshot}). */
export const STATE_QUERY = 'state';

/** Query name of the merged process context. */
export const CONTEXT_QUERY = 'context';

/** The fault code of participants that reply `critical`, reply malformed data or exhaust their retries. */
export const ACTION_ERROR_CODE = 'ActionError';

/** The fault code of an `<await timeout="…">` whose time passed before a matching event came. */
export const TIMEOUT_CODE = 'Timeout';

/**
 * The fault code raised when a process must continue as new to stay under Temporal's history limit but
 * cannot, because the point it has reached is inside a running `<all>` branch.
 */
export const HISTORY_LIMIT_CODE = 'HistoryLimitError';

/**
 * What a participant receives: the merged context and where the task comes from. The activity's input
 * carries only {@link ActionInput}; the participant adapters (TypeScript, Python, the AMQP bridge's) make
 * the workitem from it and the activity's info ({@link workitemOf}).
 */
export interface Workitem {
  /** The merged process context the `<action>` sees. */
  readonly fields: ContextValues;
  /** The participant name (the activity type). */
  readonly participant: string;
  /** The process id (the workflow id). */
  readonly processId: string;
  /** The action's id in the original's scheme: `<processId>_0_2`. */
  readonly activityId: string;
}

/**
 * An `<action>`'s activity input, as it travels in the history: the context and the action's step. The
 * rest of the {@link Workitem} is already in the activity's info (the participant is the activity type,
 * the process id the workflow id), so repeating it in every action's input would only add bytes to every
 * history (about 100 per action with a 30-character process id). An activity written against another
 * Temporal SDK reads it the same way: `activityId` is the workflow id followed by `step`.
 */
export interface ActionInput {
  /** The merged process context the `<action>` sees. */
  readonly fields: ContextValues;
  /** The action's place in its process: `_0_2` (its activity id without the process id). */
  readonly step: string;
}

/** The parts of an activity's info a {@link Workitem} is made from (the SDKs' `Info` has them). */
export interface ActionActivityInfo {
  /** The activity type: the participant's name. */
  readonly activityType: string;
  /** The process the action belongs to (none for an activity no workflow started). */
  readonly workflowExecution?: {
    /** The process id. */
    readonly workflowId: string;
  };
}

/**
 * The workitem of an action's activity input: an {@link ActionInput} completed from the activity's info,
 * or a whole workitem as earlier releases put in the input (a retry of an activity they scheduled still
 * carries one), passed through. Anything else (an activity that is no action) is returned as it is.
 */
export function workitemOf(input: unknown, info: ActionActivityInfo): Workitem {
  const processId = info.workflowExecution?.workflowId;
  if (typeof input !== 'object' || input === null || processId === undefined) return input as Workitem;
  const { step, fields } = input as Partial<ActionInput>;
  if (typeof step !== 'string' || 'activityId' in input) return input as Workitem;
  return {
    fields: fields ?? {},
    participant: info.activityType,
    processId,
    activityId: `${processId}${step}`,
  };
}

/**
 * A participant's answer: the fields it changed (applied with `set` semantics), or the original reply
 * protocol with a `status`. `error` replies never reach the workflow when the participant runs through
 * the worker's participant adapter: it turns them into retryable failures. A `halt` reply applies its other
 * fields and pauses the process before its next step, until it is resumed (as `pause` does).
 */
export type ParticipantReply =
  | ContextValues
  | ({
      /** Apply the other fields (as a reply without a status does). */
      status: 'done';
    } & ContextValues)
  | {
      /** `critical`: the action faults with `ActionError`; `error`: the action is retried. */
      status: 'critical' | 'error';
      /** What went wrong, in words: the message of the fault or of the failed attempt. */
      error?: string;
    }
  | ({
      /** Apply the other fields, then pause the process before its next step. */
      status: 'halt';
      /** Why the process pauses: the pause's reason. */
      reason?: string;
    } & ContextValues);

/** The event signal's payload: the original's JSON event message. */
export interface EventMessage {
  /** The event name: the awaits of this name receive the message. */
  readonly event: string;
  readonly [data: string]: unknown;
}

/** Input of the interpreter workflow. */
export interface ProcessInput {
  /**
   * The definition: XML text (validated in the workflow) or an already validated model. Unset: the process
   * reads the deployed definition {@link deployed} names when it starts.
   */
  readonly definition?: string | ProcessDefinition;
  /**
   * The deployed definition the process runs (`order@3`), when it was started by name: recorded in its
   * memo and search attributes. Without a version, the latest when the process starts.
   */
  readonly deployed?: DefinitionRef;
  /** Launch fields; they override the definition's process `<context>`. */
  readonly fields?: ContextValues;
  /**
   * Receive broadcast events: each `<await>` subscribes at its event's router before it waits (the
   * launcher sets this). Without it, events reach the process only when signalled to it directly.
   */
  readonly broadcastEvents?: boolean;
  /** Timeouts and retry policy of this process's `<action>`s; unset ones keep the defaults (see README). */
  readonly actionOptions?: ActionOptions;
  /**
   * Continue as new once the history holds this many events. Unset: 10,000, or earlier when the server
   * suggests it; set: exactly this threshold (tests and benchmarks use it).
   */
  readonly continueAsNewAfterEvents?: number;
}

/** Timeouts and retry policy of `<action>` activities. */
export interface ActionOptions {
  /** How long one attempt may take (5 minutes by default; an action's `timeout` attribute wins). */
  readonly startToCloseTimeout?: Duration;
  /** How long the action may take, retries included (no limit by default). */
  readonly scheduleToCloseTimeout?: Duration;
  /**
   * How long an attempt may go without a heartbeat (none by default; an action's `heartbeat` attribute wins).
   */
  readonly heartbeatTimeout?: Duration;
  /**
   * The retry policy; fields left out keep the default's (1 s doubling up to 1 minute apart, 10 attempts).
   */
  readonly retry?: RetryPolicy;
  /** Run actions on another task queue (e.g. participants written with another SDK). */
  readonly taskQueue?: string;
  /**
   * Participant name or glob → task queue (see `src/routes.ts`); wins over `taskQueue`, loses to an
   * action's `queue` attribute. Unset (the default) changes nothing.
   */
  readonly routes?: Readonly<Record<string, string>>;
  /**
   * Give each `<action>` and `<delay>` a summary the Temporal Web UI shows (`charge · order-42_0_2`): on by
   * default. `false` leaves them out, which saves about 65 bytes of history per step (see
   * docs/performance.md); the Web UI then shows the participant name alone.
   */
  readonly summaries?: boolean;
}

/** The states of an activity in a snapshot, as in the original engine. */
export type ActivityState =
  'ready' | 'active' | 'completed' | 'aborting' | 'aborted' | 'canceling' | 'canceled';

/** One node of the state snapshot tree. */
export interface ActivitySnapshot {
  /** The original's id: `<processId>`, `<processId>_0_2`, `<processId>_1_faults_0`. */
  readonly id: string;
  /** `process`, an activity kind, or `handler` for a fault handler. */
  readonly type: string;
  /** Where the activity is in its life. */
  readonly state: ActivityState;
  /** The node's own (local) scope, for complex activities that have one. */
  readonly context?: ContextValues;
  /** For `while` and `foreach`: the current (or last) iteration, 1-based. */
  readonly iteration?: number;
  /** What it waits on or calls: participant, event, delay seconds, called property, fault code. */
  readonly participant?: string;
  /** Action only: the task queue given by its `queue` attribute. */
  readonly queue?: string;
  /**
   * A running action, from the server (`ProcessHandle.inspect`, `bureaucrat status`; not the state query):
   * its attempt (1-based), why the previous attempt failed, and, while no worker has started it, what it
   * waits for (`waiting for a worker of participant p on task queue q: none polls it`).
   */
  readonly attempt?: number;
  /** A running action: why its previous attempt failed. */
  readonly lastFailure?: string;
  /** A running action that no worker has started: what it waits for. */
  readonly waiting?: string;
  /** Await only: the event it waits for. */
  readonly event?: string;
  /** Delay only: how long it waits, in seconds. */
  readonly seconds?: number;
  /** Call only (`process="$name"`): `$name`, the property holding the definition it calls. */
  readonly process?: string;
  /** Call only (`definition="name"`): the deployed definition it calls, `name` (the latest) or `name@2`. */
  readonly definition?: string;
  /** Fault only: the fault code it raises. */
  readonly code?: string;
  /** Handler only: the codes it handles, `null` for `<default>`. */
  readonly codes?: readonly string[] | null;
  /** Its child activities, in document order. */
  readonly children: readonly ActivitySnapshot[];
  /** The handlers of its `<faults>` section. */
  readonly faults: readonly ActivitySnapshot[];
  /** Root only: set while the process is paused (by `pause` or a participant's `halt` reply). */
  readonly paused?: PauseInfo;
}

/** The state query's answer: the root node is the process. */
export type ProcessSnapshot = ActivitySnapshot;

/** Details of the failure of a process that ended on an unhandled fault. */
export interface FaultDetails {
  /** The fault code. */
  readonly code: string;
  /** The fault's message. */
  readonly message: string;
  /** The process state when it faulted. */
  readonly state: ProcessSnapshot;
}
