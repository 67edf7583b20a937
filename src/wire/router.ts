/**
 * The event router's wire format (internal): the router workflow's type and signals, the subscribe, deliver
 * and forward activities and their inputs, the router's state carried over continue-as-new, and the
 * delivery a routed event signal carries. Not part of the public API: it may change between versions, as
 * long as committed histories still replay.
 *
 * Pure module (no Node APIs, no Temporal imports): the router workflow and the activities share it.
 *
 * @module
 */
import type { EventMessage } from '../protocol';

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
