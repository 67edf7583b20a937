/**
 * What a router knows of its event name, apart from how it talks to Temporal: the subscribed awaits
 * grouped by correlation key, the recent triggers (for catch-up), the buffered ones (triggered with a
 * ttl) and the recent event ids (for idempotent publishing). Pure and deterministic: the router workflow
 * passes in the workflow time.
 *
 * Keys: a keyed trigger reaches only the awaits subscribed with an equal key, an unkeyed trigger only the
 * awaits without a key; each group is consumed by the trigger that reaches it, so a keyed trigger costs
 * nothing for the awaits on other keys. Runs recorded before keys, ttls and ids carry none of them, and
 * then every method behaves, and orders its output, exactly as the router did before (replay).
 */
import type { DeliverInput, RecentTrigger, RouterState, Subscription, Trigger } from '../src/protocol';

/** How many past triggers a router keeps for resubscribing awaits to catch up. */
export const RECENT_TRIGGERS = 256;

/** How many buffered triggers a router keeps at most; past it the oldest expire early. */
export const MAX_BUFFERED = 1_024;

/** How many published event ids a router remembers for idempotent publishing. */
export const REMEMBERED_IDS = 2_048;

/** The part of the router's state this table owns. */
export type TableState = Pick<RouterState, 'seq' | 'subscriptions' | 'recent' | 'buffered' | 'ids'>;

/** A trigger the table accepted: its number, and the delivery to the awaits it reaches (if any). */
export interface Accepted {
  readonly seq: number;
  readonly delivery?: DeliverInput;
}

const subscriptionKey = (s: Subscription) => `${s.processId}\n${s.awaitKey}`;

/** One router's subscriptions, recent and buffered triggers and remembered ids. */
export class RoutingTable {
  private seqValue: number;
  /** Subscriptions by correlation key (`undefined`: the unkeyed ones), each in subscription order. */
  private readonly groups = new Map<string | undefined, Map<string, Subscription>>();
  private readonly recent: RecentTrigger[];
  private buffered: RecentTrigger[];
  private readonly ids: string[];
  private readonly idSet: Set<string>;

  constructor(state: TableState) {
    this.seqValue = state.seq;
    for (const s of state.subscriptions) this.store(s);
    this.recent = [...state.recent];
    this.buffered = [...(state.buffered ?? [])];
    this.ids = [...(state.ids ?? [])];
    this.idSet = new Set(this.ids);
  }

  /** The latest trigger number. */
  get seq(): number {
    return this.seqValue;
  }

  /** How many awaits are subscribed. */
  get size(): number {
    let n = 0;
    for (const group of this.groups.values()) n += group.size;
    return n;
  }

  /**
   * Records a subscription, or, when it has missed a trigger meant for it (a resubscription after failed
   * conditions, or a buffered trigger still alive), returns that trigger's delivery instead.
   */
  subscribe(subscription: Subscription, now: number): DeliverInput | undefined {
    const missed = this.missed(subscription, now);
    if (!missed) {
      this.store(subscription);
      return undefined;
    }
    const buffered = missed.expiresAt !== undefined;
    // A fresh await taking a buffered trigger joined now; a resubscription keeps the number it joined at.
    const joined = subscription.after === undefined && buffered ? this.seqValue : subscription.joined;
    return {
      message: missed.message,
      seq: missed.seq,
      targets: [{ processId: subscription.processId, awaitKeys: [subscription.awaitKey] }],
      ...(joined !== undefined ? { joined } : {}),
    };
  }

  /** Records a trigger; `undefined` when its id was published before (it is dropped). */
  trigger({ message, key, ttlMs, id }: Trigger, now: number): Accepted | undefined {
    if (id !== undefined) {
      if (this.idSet.has(id)) return undefined;
      this.ids.push(id);
      this.idSet.add(id);
      if (this.ids.length > REMEMBERED_IDS) this.idSet.delete(this.ids.shift() as string);
    }
    const seq = ++this.seqValue;
    const entry: RecentTrigger = { seq, message, ...(key !== undefined ? { key } : {}) };
    this.recent.push(entry);
    if (this.recent.length > RECENT_TRIGGERS) this.recent.shift();
    this.expire(now);
    if (ttlMs !== undefined && ttlMs > 0) {
      this.buffered.push({ ...entry, expiresAt: now + ttlMs });
      if (this.buffered.length > MAX_BUFFERED) this.buffered.shift();
    }
    const group = this.groups.get(key);
    if (!group || group.size === 0) return { seq };
    this.groups.delete(key);
    return { seq, delivery: { message, seq, targets: targets([...group.values()]) } };
  }

  /** The state to carry over continue-as-new; optional parts only when they hold something. */
  save(now: number): TableState {
    this.expire(now);
    const subscriptions: Subscription[] = [];
    for (const group of this.groups.values()) subscriptions.push(...group.values());
    return {
      seq: this.seqValue,
      subscriptions,
      recent: this.recent,
      ...(this.buffered.length > 0 ? { buffered: this.buffered } : {}),
      ...(this.ids.length > 0 ? { ids: this.ids } : {}),
    };
  }

  private store(subscription: Subscription): void {
    let group = this.groups.get(subscription.key);
    if (!group) this.groups.set(subscription.key, (group = new Map()));
    group.set(subscriptionKey(subscription), subscription);
  }

  /** Drops the buffered triggers whose time to live has passed. */
  private expire(now: number): void {
    if (this.buffered.some((t) => (t.expiresAt ?? 0) <= now))
      this.buffered = this.buffered.filter((t) => (t.expiresAt ?? 0) > now);
  }

  /** The oldest trigger `subscription` should still receive, if any. */
  private missed(s: Subscription, now: number): RecentTrigger | undefined {
    this.expire(now);
    const after = s.after ?? -Infinity;
    const since = s.since ?? -Infinity;
    const alive = new Set(this.buffered.filter((t) => t.seq > since).map((t) => t.seq));
    let best: RecentTrigger | undefined;
    const consider = (t: RecentTrigger) => {
      if (t.seq <= after || t.key !== s.key || (best && best.seq <= t.seq)) return;
      best = t;
    };
    if (s.after !== undefined) {
      // Catching up after failed conditions: what was triggered after the await subscribed, or is buffered.
      for (const t of this.recent)
        if (s.joined === undefined || t.seq > s.joined || alive.has(t.seq)) consider(t);
    }
    for (const t of this.buffered) if (alive.has(t.seq)) consider(t);
    if (!best) return undefined;
    // Hand out the buffered copy when there is one, so that the delivery knows it was buffered.
    return this.buffered.find((t) => t.seq === best?.seq) ?? best;
  }
}

function target(subscriptions: Subscription[]): DeliverInput['targets'][number] {
  return { processId: subscriptions[0].processId, awaitKeys: subscriptions.map((s) => s.awaitKey) };
}

/** One target per process, listing all its subscribed awaits. */
function targets(subscriptions: Subscription[]): DeliverInput['targets'] {
  const byProcess = new Map<string, Subscription[]>();
  for (const s of subscriptions) byProcess.set(s.processId, [...(byProcess.get(s.processId) ?? []), s]);
  return [...byProcess.values()].map(target);
}
