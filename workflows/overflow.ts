/**
 * A router's overflow: past its cap of subscriptions, a router passes new subscriptions on to the next
 * router of its chain (`<id>+`, then `<id>++`, …), and from then on every trigger and withdrawal too, so
 * that no router carries more than its cap of subscriptions over continue-as-new (Temporal caps that
 * payload at 2 MB) however many awaits wait for one event name.
 *
 * Why a chain and not a fixed set of shards: it costs nothing until an event name has that many waiting
 * awaits (a publish stays one signal), and ordering holds without coordination: the router passes its
 * signals on one batch at a time in the order its own history recorded them, so the next router records a
 * subscription before a trigger exactly when this one did. Only the head of the chain buffers (ttl), de-
 * duplicates published ids and fires triggers: a trigger passed on carries no ttl, and an id of its own
 * (the passing router's trigger number), so that a retried forward activity delivers nothing twice.
 */
import { condition, proxyActivities, workflowInfo } from '@temporalio/workflow';
import {
  FORWARD_ACTIVITY,
  overflowRouterId,
  SUBSCRIBE_SIGNAL,
  TRIGGER_SIGNAL,
  UNSUBSCRIBE_SIGNAL,
  type ForwardInput,
  type RouterState,
  type Subscription,
  type Trigger,
} from '../src/wire/router';

/** A router holds at most this many subscriptions unless its state says otherwise. */
export const DEFAULT_OVERFLOW_AFTER = 5_000;

/** Signals per forward activity. */
const FORWARD_BATCH = 500;

const { [FORWARD_ACTIVITY]: forward } = proxyActivities<{
  [FORWARD_ACTIVITY]: (input: ForwardInput) => Promise<void>;
}>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** The signals a router passes on to the next router of its chain, in its history's order. */
export class Overflow {
  /** Whether the next router exists (it gets every later trigger and withdrawal). */
  active: boolean;
  readonly cap: number;
  private readonly pending: ForwardInput['signals'][number][] = [];
  private inFlight = false;

  constructor(private readonly state: RouterState) {
    this.active = state.overflowing ?? false;
    this.cap = state.overflowAfter ?? DEFAULT_OVERFLOW_AFTER;
  }

  /** Passes on a subscription this router has no room for (starting the next router if needed). */
  subscribe(subscription: Subscription): void {
    this.active = true;
    this.pending.push({ name: SUBSCRIBE_SIGNAL, arg: subscription });
  }

  /**
   * Passes on trigger number `seq` with that number (one numbering along the chain) and without its ttl
   * (only the head buffers), under an id of its number, so that a forward activity retried after sending
   * part of its batch delivers nothing twice.
   */
  trigger({ message, key }: Trigger, seq: number): void {
    if (!this.active) return;
    const id = `${workflowInfo().workflowId}#${seq}`;
    this.pending.push({ name: TRIGGER_SIGNAL, arg: { message, ...(key !== undefined && { key }), id, seq } });
  }

  /** Passes on the withdrawal of a subscription this router does not hold. */
  unsubscribe(subscription: Subscription): void {
    if (this.active) this.pending.push({ name: UNSUBSCRIBE_SIGNAL, arg: subscription });
  }

  /** Whether nothing is waiting to be passed on (the router may continue as new). */
  get idle(): boolean {
    return this.pending.length === 0 && !this.inFlight;
  }

  /** Sends the pending signals, one batch at a time, for the life of the run. */
  async run(): Promise<void> {
    const routerId = overflowRouterId(workflowInfo().workflowId);
    const state: RouterState = {
      event: this.state.event,
      seq: 0,
      subscriptions: [],
      recent: [],
      overflowAfter: this.cap,
      ...(this.state.continueAsNewAfterEvents !== undefined && {
        continueAsNewAfterEvents: this.state.continueAsNewAfterEvents,
      }),
    };
    for (;;) {
      await condition(() => this.pending.length > 0);
      this.inFlight = true;
      try {
        // Never more than a router's worth of subscriptions at once: a cap chosen to keep a router's
        // payload under the server's limit keeps the forward activity's input under it too.
        const batch = this.pending.splice(0, Math.min(FORWARD_BATCH, this.cap));
        await forward({ routerId, state, signals: batch });
      } finally {
        this.inFlight = false;
      }
    }
  }
}
