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
import type { DeliverInput, RecentTrigger, RouterState, Subscription, Trigger } from '../src/wire/router';

/** How many past triggers a router keeps for resubscribing awaits to catch up. */
export const RECENT_TRIGGERS = 256;

/** How many buffered triggers a router keeps at most; past it the oldest expire early. */
export const MAX_BUFFERED = 1_024;

/** At most this many bytes (JSON) of recent, and of buffered, messages are kept: the payload stays bounded. */
export const REMEMBERED_BYTES = 256 * 1024;

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
  private readonly recent: Remembered;
  private buffered: Remembered;
  private readonly ids: string[];
  private readonly idSet: Set<string>;

  constructor(state: TableState) {
    this.seqValue = state.seq;
    for (const s of state.subscriptions) this.add(s);
    this.recent = new Remembered(state.recent, RECENT_TRIGGERS);
    this.buffered = new Remembered(state.buffered ?? [], MAX_BUFFERED);
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
    const missed = this.catchUp(subscription, now);
    if (!missed) this.add(subscription);
    return missed;
  }

  /** The delivery of a trigger `subscription` has missed and should still receive, if any. */
  catchUp(subscription: Subscription, now: number): DeliverInput | undefined {
    const missed = this.missed(subscription, now);
    if (!missed) return undefined;
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

  /** Records a subscription (until a trigger of its key consumes it, or it is withdrawn). */
  add(subscription: Subscription): void {
    let group = this.groups.get(subscription.key);
    if (!group) this.groups.set(subscription.key, (group = new Map()));
    group.set(subscriptionKey(subscription), subscription);
  }

  /** Drops a subscription whose await ended without an event; whether this table held it. */
  withdraw(subscription: Subscription): boolean {
    const group = this.groups.get(subscription.key);
    if (!group?.delete(subscriptionKey(subscription))) return false;
    if (group.size === 0) this.groups.delete(subscription.key);
    return true;
  }

  /** Records a trigger; `undefined` when its id was published before (it is dropped). */
  trigger({ message, key, ttlMs, id, seq: given }: Trigger, now: number): Accepted | undefined {
    if (id !== undefined) {
      if (this.idSet.has(id)) return undefined;
      this.ids.push(id);
      this.idSet.add(id);
      if (this.ids.length > REMEMBERED_IDS) this.idSet.delete(this.ids.shift() as string);
    }
    const seq = given ?? this.seqValue + 1;
    this.seqValue = Math.max(this.seqValue, seq);
    const entry: RecentTrigger = { seq, message, ...(key !== undefined ? { key } : {}) };
    this.recent.push(entry);
    this.expire(now);
    if (ttlMs !== undefined && ttlMs > 0) this.buffered.push({ ...entry, expiresAt: now + ttlMs });
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
      recent: this.recent.entries,
      ...(this.buffered.entries.length > 0 ? { buffered: this.buffered.entries } : {}),
      ...(this.ids.length > 0 ? { ids: this.ids } : {}),
    };
  }

  /** Drops the buffered triggers whose time to live has passed. */
  private expire(now: number): void {
    if (this.buffered.entries.some((t) => (t.expiresAt ?? 0) <= now))
      this.buffered = new Remembered(
        this.buffered.entries.filter((t) => (t.expiresAt ?? 0) > now),
        MAX_BUFFERED,
      );
  }

  /** The oldest trigger `subscription` should still receive, if any. */
  private missed(s: Subscription, now: number): RecentTrigger | undefined {
    this.expire(now);
    const after = s.after ?? -Infinity;
    const since = s.since ?? -Infinity;
    const alive = new Set(this.buffered.entries.filter((t) => t.seq > since).map((t) => t.seq));
    let best: RecentTrigger | undefined;
    const consider = (t: RecentTrigger) => {
      if (t.seq <= after || t.key !== s.key || (best && best.seq <= t.seq)) return;
      best = t;
    };
    if (s.after !== undefined) {
      // Catching up after failed conditions: what was triggered after the await subscribed, or is buffered.
      for (const t of this.recent.entries)
        if (s.joined === undefined || t.seq > s.joined || alive.has(t.seq)) consider(t);
    }
    for (const t of this.buffered.entries) if (alive.has(t.seq)) consider(t);
    if (!best) return undefined;
    // Hand out the buffered copy when there is one, so that the delivery knows it was buffered.
    return this.buffered.entries.find((t) => t.seq === best?.seq) ?? best;
  }
}

/** Triggers kept oldest first, at most `limit` of them and {@link REMEMBERED_BYTES} of messages. */
class Remembered {
  readonly entries: RecentTrigger[];
  private readonly sizes: number[];
  private bytes = 0;

  constructor(
    entries: readonly RecentTrigger[],
    private readonly limit: number,
  ) {
    this.entries = [];
    this.sizes = [];
    for (const entry of entries) this.push(entry);
  }

  push(entry: RecentTrigger): void {
    const size = JSON.stringify(entry.message).length;
    this.entries.push(entry);
    this.sizes.push(size);
    this.bytes += size;
    while (this.entries.length > this.limit || (this.bytes > REMEMBERED_BYTES && this.entries.length > 1)) {
      this.entries.shift();
      this.bytes -= this.sizes.shift() as number;
    }
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
