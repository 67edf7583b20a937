/**
 * The contract between the interpreter workflow and everything that talks to it: the workflow type,
 * its input, the workitem participants receive, the event signal, the queries and the state snapshot.
 *
 * Pure module (no Node APIs, no Temporal imports): the workflow bundle, the client adapter and users'
 * participants written against plain types all share it.
 */
import type { Duration, RetryPolicy } from '@temporalio/common';
import type { ProcessDefinition } from './definition/model';
import type { ContextValues } from './scope';

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

/**
 * The fault code raised when a process must continue as new to stay under Temporal's history limit but
 * cannot, because the point it has reached is inside a running `<all>` branch.
 */
export const HISTORY_LIMIT_CODE = 'HistoryLimitError';

/** The activity type (and summary) of a `<delay>` or an `<action>` shown in the Web UI. */
export const summaryOf = {
  action: (participant: string, activityId: string): string => `${participant} · ${activityId}`,
  delay: (seconds: number, activityId: string): string => `delay ${seconds}s · ${activityId}`,
  call: (property: string, activityId: string): string => `call $${property} · ${activityId}`,
} as const;

/** What a participant receives: the merged context and where the task comes from. */
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
 * A participant's answer: the fields it changed (applied with `set` semantics), or the original reply
 * protocol with a `status`. `error` replies never reach the workflow when the participant runs through
 * the worker's participant adapter: it turns them into retryable failures.
 */
export type ParticipantReply =
  ContextValues | ({ status: 'done' } & ContextValues) | { status: 'critical' | 'error'; error?: string };

/** The event signal's payload: the original's JSON event message. */
export interface EventMessage {
  readonly event: string;
  readonly [data: string]: unknown;
}

/** Input of the interpreter workflow. */
export interface ProcessInput {
  /** The definition: XML text (validated in the workflow) or an already validated model. */
  readonly definition: string | ProcessDefinition;
  /** Launch fields; they override the definition's process `<context>`. */
  readonly fields?: ContextValues;
  /** Timeouts and retry policy of this process's `<action>`s; unset ones keep the defaults (see README). */
  readonly actionOptions?: ActionOptions;
  /**
   * Continue-as-new once the history holds this many events (default 10,000), or earlier when the server
   * suggests it. Tests lower it to exercise continue-as-new cheaply.
   */
  readonly continueAsNewAfterEvents?: number;
  /** Set by the interpreter itself when it continues as new: where to resume. Never set it by hand. */
  readonly resume?: Continuation;
}

/** Timeouts and retry policy of `<action>` activities. */
export interface ActionOptions {
  readonly startToCloseTimeout?: Duration;
  readonly scheduleToCloseTimeout?: Duration;
  readonly heartbeatTimeout?: Duration;
  readonly retry?: RetryPolicy;
  /** Run actions on another task queue (e.g. participants written with another SDK). */
  readonly taskQueue?: string;
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
  readonly state: ActivityState;
  /** The node's own (local) scope, for complex activities that have one. */
  readonly context?: ContextValues;
  /** For `while` and `foreach`: the current (or last) iteration, 1-based. */
  readonly iteration?: number;
  /** What it waits on or calls: participant, event, delay seconds, called property, fault code. */
  readonly participant?: string;
  readonly event?: string;
  readonly seconds?: number;
  readonly process?: string;
  readonly code?: string;
  /** Handler only: the codes it handles, `null` for `<default>`. */
  readonly codes?: readonly string[] | null;
  readonly children: readonly ActivitySnapshot[];
  readonly faults: readonly ActivitySnapshot[];
}

/** The state query's answer: the root node is the process. */
export type ProcessSnapshot = ActivitySnapshot;

/** Details of the failure of a process that ended on an unhandled fault. */
export interface FaultDetails {
  readonly code: string;
  readonly message: string;
  readonly state: ProcessSnapshot;
}

/** Where a continued-as-new process resumes. Plain JSON. */
export interface Continuation {
  /** The complex activities on the path from the root to the resume point, outermost first. */
  readonly frames: readonly SavedFrame[];
  /** Every node's recorded state (id relative to the process). */
  readonly nodes: Readonly<Record<string, SavedNode>>;
  /** How many times each `<call>` has started a sub-process (its child ids count on from there). */
  readonly calls: Readonly<Record<string, number>>;
  /** How many runs of this process came before (for diagnostics). */
  readonly runs: number;
}

/** A complex activity that was running when the process continued as new. */
export interface SavedFrame {
  readonly id: string;
  readonly locals: ContextValues;
  /** The index of the next child to run (or of the child holding the next frame). */
  readonly index: number;
  readonly iteration?: number;
  readonly selection?: readonly unknown[];
}

/** A node's recorded state, carried over continue-as-new. */
export interface SavedNode {
  readonly state: ActivityState;
  readonly iteration?: number;
  readonly context?: ContextValues;
}
