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
import type { PauseInfo } from './operations';

/** The interpreter's workflow type name. */
export const PROCESS_WORKFLOW_TYPE = 'bureaucratProcess';

/** Signal name of events: its single argument is an {@link EventMessage}. */
export const EVENT_SIGNAL = 'event';

/** Workflow type of the per-event-name router that broadcasts events to waiting awaits. */
export const EVENT_ROUTER_WORKFLOW_TYPE = 'bureaucratEventRouter';

/**
 * The task-queue priority of the project's own service workflows (event routers, the trigger registry) and
 * so of their activities: above the processes' default (3), so that a backlog of process tasks on the
 * shared task queue does not delay events and triggered starts (Temporal's task queue priority).
 */
export const SERVICE_PRIORITY = { priorityKey: 1 } as const;

/** The router of event `name`: one workflow per event name. */
export const eventRouterId = (name: string): string => `bureaucrat-events:${name}`;

/** Router signal: an `<await>` subscribes (see {@link Subscription}). */
export const SUBSCRIBE_SIGNAL = 'subscribe';

/** Router signal: several `<await>`s subscribe, in order (a `Subscription[]`, grouped by the subscribe activity). */
export const SUBSCRIBES_SIGNAL = 'subscribes';

/** Router signal: an event is triggered (see {@link Trigger}). */
export const TRIGGER_SIGNAL = 'trigger';

/**
 * Router signal: several events triggered, in order (a `Trigger[]`): what a publisher sends when its
 * triggers of one event name queue up behind one in flight (see `src/client/events.ts`).
 */
export const TRIGGERS_SIGNAL = 'triggers';

/** Router signal: an `<await>` that ended without an event (cancelled, timed out) withdraws its {@link Subscription}. */
export const UNSUBSCRIBE_SIGNAL = 'unsubscribe';

/** The activity that passes a router's overflow (subscriptions, triggers, withdrawals) on to the next router. */
export const FORWARD_ACTIVITY = 'bureaucrat.forward';

/** The router that takes a router's subscriptions past its cap: `<router id>+`. */
export const overflowRouterId = (routerId: string): string => `${routerId}+`;

/** Input of the forward activity: signals for the router `routerId`, sent in order, starting it if needed. */
export interface ForwardInput {
  readonly routerId: string;
  readonly state: RouterState;
  readonly signals: readonly { readonly name: string; readonly arg: Subscription | Trigger }[];
}

/** The activity that subscribes an `<await>` at its event's router. */
export const SUBSCRIBE_ACTIVITY = 'bureaucrat.subscribe';

/** The activity that signals a trigger to its subscribers. */
export const DELIVER_ACTIVITY = 'bureaucrat.deliver';

/** Query name of the state snapshot ({@link ProcessSnapshot}). */
export const STATE_QUERY = 'state';

/** Query name of the merged process context. */
export const CONTEXT_QUERY = 'context';

/** The test kit's activity that sends one scheduled event (see `workflows/scheduled-events.ts`). */
export const SCHEDULED_EVENT_ACTIVITY = 'bureaucrat.testing.sendEvent';

/** One event of a test's script: sent `atMs` after the script started, broadcast or to one process. */
export interface ScheduledEvent {
  readonly atMs: number;
  readonly message: EventMessage;
  /** Send to this process only; broadcast when unset. */
  readonly processId?: string;
}

/** Query name of the ids of the activities that started, in order (the test kit's trace). */
export const TRACE_QUERY = 'trace';

/** The fault code of participants that reply `critical`, reply malformed data or exhaust their retries. */
export const ACTION_ERROR_CODE = 'ActionError';

/** The fault code of an `<await timeout="…">` whose time passed before a matching event came. */
export const TIMEOUT_CODE = 'Timeout';

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
 * the worker's participant adapter: it turns them into retryable failures. A `halt` reply applies its other
 fields and pauses the process before its next step, until it is resumed (as `pause` does).
 */
export type ParticipantReply =
  | ContextValues
  | ({ status: 'done' } & ContextValues)
  | { status: 'critical' | 'error'; error?: string }
  | ({ status: 'halt'; reason?: string } & ContextValues);

/** The event signal's payload: the original's JSON event message. */
export interface EventMessage {
  readonly event: string;
  readonly [data: string]: unknown;
}

/**
 * The second argument of the event signal when a router delivers it: which router trigger it is, and which
 * of the process's awaits subscribed before it was triggered (only those may take it). Absent when an
 * event is signalled straight to one process: then every await of that name waiting at arrival takes it.
 */
export interface Delivery {
  /** The router's trigger number (increasing per event name). */
  readonly seq: number;
  /** The subscribed awaits of this process. */
  readonly awaitKeys: readonly string[];
  /**
   * Set when a buffered event (one triggered with a ttl) reaches an await that subscribed after it: the
   * router's trigger number when the await subscribed. Its resubscription echoes it, so that catching up
   * after a failed condition offers only buffered events and those triggered after the await subscribed.
   */
  readonly joined?: number;
}

/** An `<await>` subscribing at its event's router: one trigger is delivered to it, then it is dropped. */
export interface Subscription {
  readonly processId: string;
  /** Unique within the process: `<activity id>#<n>`. */
  readonly awaitKey: string;
  /** Resubscribing after trigger `after` failed its conditions: deliver any later trigger it missed. */
  readonly after?: number;
  /** `<await key="…">`'s value: only triggers with an equal key reach it; unset: only unkeyed ones. */
  readonly key?: string;
  /** The {@link Delivery.joined} of the buffered event it resubscribes after, if it was one. */
  readonly joined?: number;
  /** The newest trigger of this name the process has already taken: older buffered events are not offered. */
  readonly since?: number;
}

/** A triggered event as the router receives it. */
export interface Trigger {
  readonly message: EventMessage;
  /** The correlation key: only awaits with an equal key receive it (see {@link Subscription.key}). */
  readonly key?: string;
  /** Milliseconds to keep it for awaits that subscribe later (each receives it once). */
  readonly ttlMs?: number;
  /** The publisher's event id: a second trigger with an id the router remembers is dropped. */
  readonly id?: string;
  /**
   * Set on a trigger a router passes on to the next of its chain: the head's trigger number, kept so that
   * one numbering holds along the chain (awaits compare numbers from any router of it).
   */
  readonly seq?: number;
}

/** A trigger as the router remembers it, for catch-up and buffering. */
export interface RecentTrigger {
  readonly seq: number;
  readonly message: EventMessage;
  readonly key?: string;
  /** Buffered events only: workflow time (ms) after which awaits that subscribe no longer receive it. */
  readonly expiresAt?: number;
}

/** Input of the subscribe activity. */
export interface SubscribeInput extends Subscription {
  readonly event: string;
}

/** Input of the deliver activity: one trigger to many processes. */
export interface DeliverInput {
  readonly message: EventMessage;
  readonly seq: number;
  /** Passed on to the targets (see {@link Delivery.joined}). */
  readonly joined?: number;
  readonly targets: readonly { readonly processId: string; readonly awaitKeys: readonly string[] }[];
}

/** Input of the router workflow (its state, carried over continue-as-new). */
export interface RouterState {
  readonly event: string;
  readonly seq: number;
  readonly subscriptions: readonly Subscription[];
  /** The latest triggers, so that a resubscribing await catches up with what it missed. */
  readonly recent: readonly RecentTrigger[];
  /** Unexpired triggers sent with a ttl (see {@link Trigger.ttlMs}). */
  readonly buffered?: readonly RecentTrigger[];
  /** The latest event ids published (see {@link Trigger.id}), oldest first. */
  readonly ids?: readonly string[];
  /**
   * Continue as new once the history holds this many events. Unset: 5,000, or earlier when the server
   * suggests it; set: exactly this threshold, kept across runs (tests use a small one).
   */
  readonly continueAsNewAfterEvents?: number;
  /**
   * Past this many subscriptions, new ones go to the overflow router ({@link overflowRouterId}), so that
   * no router carries more than this many over continue-as-new. Unset: 5,000 (tests set a small one).
   */
  readonly overflowAfter?: number;
  /** Whether the overflow router has been started (then every trigger and withdrawal is passed on). */
  readonly overflowing?: boolean;
  /** Whether triggers are registered for this event (see `src/triggers`): then each event fires them. */
  readonly triggersOn?: boolean;
  /** Events whose triggers had not been fired when the last run continued as new. */
  readonly pendingFires?: readonly { readonly seq: number; readonly message: EventMessage }[];
}

/** Input of the interpreter workflow. */
export interface ProcessInput {
  /** The definition: XML text (validated in the workflow) or an already validated model. */
  readonly definition: string | ProcessDefinition;
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
  /**
   * Participant name or glob → task queue (see `src/routes.ts`); wins over `taskQueue`, loses to an
   * action's `queue` attribute. Unset (the default) changes nothing.
   */
  readonly routes?: Readonly<Record<string, string>>;
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
  /** Action only: the task queue given by its `queue` attribute. */
  readonly queue?: string;
  /**
   * A running action, from the server (`ProcessHandle.inspect`, `bureaucrat status`; not the state query):
   * its attempt (1-based), why the previous attempt failed, and, while no worker has started it, what it
   * waits for (`waiting for a worker of participant p on task queue q: none polls it`).
   */
  readonly attempt?: number;
  readonly lastFailure?: string;
  readonly waiting?: string;
  readonly event?: string;
  readonly seconds?: number;
  readonly process?: string;
  readonly code?: string;
  /** Handler only: the codes it handles, `null` for `<default>`. */
  readonly codes?: readonly string[] | null;
  readonly children: readonly ActivitySnapshot[];
  readonly faults: readonly ActivitySnapshot[];
  /** Root only: set while the process is paused (by `pause` or a participant's `halt` reply). */
  readonly paused?: PauseInfo;
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
  /** How many awaits have started (their subscription keys count on from there). */
  readonly awaits?: number;
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
