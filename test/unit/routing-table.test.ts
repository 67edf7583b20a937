/**
 * The event router's table (workflows/routing-table.ts): subscriptions by correlation key, trigger numbers,
 * catch-up and buffering (ttl), idempotent ids and the caps on what it remembers. Pure: the router passes in
 * the workflow time, so these run without Temporal.
 */
import {
  MAX_BUFFERED,
  RECENT_TRIGGERS,
  REMEMBERED_BYTES,
  REMEMBERED_IDS,
  RoutingTable,
  type TableState,
} from '../../workflows/routing-table';

type Subscription = Parameters<RoutingTable['add']>[0];
type Trigger = Parameters<RoutingTable['trigger']>[0];

const empty = (): TableState => ({ seq: 0, subscriptions: [], recent: [] });
const message = (data: Record<string, unknown> = {}) => ({ event: 'paid', ...data });
const sub = (processId: string, awaitKey: string, more: Partial<Subscription> = {}): Subscription => ({
  processId,
  awaitKey,
  ...more,
});
const trig = (more: Partial<Trigger> = {}): Trigger => ({ message: message(), ...more });

describe('RoutingTable: subscriptions and triggers', () => {
  it('numbers triggers from the saved number on, and delivers to every subscribed await once', () => {
    const table = new RoutingTable({ ...empty(), seq: 41 });
    table.add(sub('p1', '_0#1'));
    table.add(sub('p2', '_3#1'));
    table.add(sub('p1', '_2#1'));
    expect(table.size).toBe(3);

    const first = table.trigger(trig({ message: message({ amount: 5 }) }), 1_000);
    // One target per process, its awaits in subscription order; processes in the order they subscribed.
    expect(first).toEqual({
      seq: 42,
      delivery: {
        message: { event: 'paid', amount: 5 },
        seq: 42,
        targets: [
          { processId: 'p1', awaitKeys: ['_0#1', '_2#1'] },
          { processId: 'p2', awaitKeys: ['_3#1'] },
        ],
      },
    });
    // The trigger consumed the subscriptions: the next one reaches nobody.
    expect(table.size).toBe(0);
    expect(table.trigger(trig(), 1_001)).toEqual({ seq: 43 });
    expect(table.seq).toBe(43);
  });

  it('records a subscription once per process and await (a repeated one replaces it)', () => {
    const table = new RoutingTable(empty());
    table.add(sub('p1', 'a#1'));
    table.add(sub('p1', 'a#1', { since: 3 }));
    table.add(sub('p2', 'a#1'));
    expect(table.size).toBe(2);
    expect(table.save(0).subscriptions).toEqual([sub('p1', 'a#1', { since: 3 }), sub('p2', 'a#1')]);
  });

  it('reaches only the awaits of an equal key; an unkeyed trigger only the unkeyed awaits', () => {
    const table = new RoutingTable(empty());
    table.add(sub('p1', 'a#1', { key: 'order-1' }));
    table.add(sub('p2', 'a#1', { key: 'order-2' }));
    table.add(sub('p3', 'a#1'));

    expect(table.trigger(trig({ key: 'order-1' }), 0)?.delivery?.targets).toEqual([
      { processId: 'p1', awaitKeys: ['a#1'] },
    ]);
    expect(table.trigger(trig({ key: 'order-3' }), 0)).toEqual({ seq: 2 });
    expect(table.trigger(trig(), 0)?.delivery?.targets).toEqual([{ processId: 'p3', awaitKeys: ['a#1'] }]);
    // The await on the other key still waits.
    expect(table.save(0).subscriptions).toEqual([sub('p2', 'a#1', { key: 'order-2' })]);
  });

  it('withdraws a subscription it holds, and says false for one it does not', () => {
    const table = new RoutingTable(empty());
    table.add(sub('p1', 'a#1', { key: 'k' }));
    expect(table.withdraw(sub('p1', 'a#1'))).toBe(false); // same await, other key: another group
    expect(table.withdraw(sub('p1', 'a#1', { key: 'k' }))).toBe(true);
    expect(table.withdraw(sub('p1', 'a#1', { key: 'k' }))).toBe(false);
    expect(table.size).toBe(0);
    expect(table.trigger(trig({ key: 'k' }), 0)).toEqual({ seq: 1 });
  });

  it('keeps the number a passed-on trigger carries, and never goes back', () => {
    const table = new RoutingTable(empty());
    expect(table.trigger(trig({ seq: 10 }), 0)).toEqual({ seq: 10 });
    expect(table.trigger(trig(), 0)).toEqual({ seq: 11 });
    expect(table.trigger(trig({ seq: 5 }), 0)).toEqual({ seq: 5 });
    expect(table.seq).toBe(11);
  });
});

describe('RoutingTable: idempotent ids', () => {
  it('drops a trigger whose id it has seen, without numbering it or delivering it', () => {
    const table = new RoutingTable(empty());
    expect(table.trigger(trig({ id: 'evt-1' }), 0)).toEqual({ seq: 1 });
    table.add(sub('p1', 'a#1'));
    expect(table.trigger(trig({ id: 'evt-1' }), 0)).toBeUndefined();
    expect(table.seq).toBe(1);
    expect(table.size).toBe(1);
    // Triggers without an id are never de-duplicated.
    expect(table.trigger(trig(), 0)?.seq).toBe(2);
    expect(table.trigger(trig(), 0)?.seq).toBe(3);
  });

  it(`remembers the last ${REMEMBERED_IDS} ids, across continue-as-new`, () => {
    const table = new RoutingTable(empty());
    for (let i = 0; i <= REMEMBERED_IDS; i++) table.trigger(trig({ id: `evt-${i}` }), 0);
    const saved = table.save(0);
    expect(saved.ids).toHaveLength(REMEMBERED_IDS);
    expect(saved.ids?.[0]).toBe('evt-1');

    const next = new RoutingTable(saved);
    expect(next.trigger(trig({ id: 'evt-1' }), 0)).toBeUndefined();
    expect(next.trigger(trig({ id: `evt-${REMEMBERED_IDS}` }), 0)).toBeUndefined();
    // The oldest one was forgotten: it is accepted again.
    expect(next.trigger(trig({ id: 'evt-0' }), 0)).toEqual({ seq: REMEMBERED_IDS + 2 });
  });
});

describe('RoutingTable: buffered triggers (ttl)', () => {
  it('hands a buffered trigger to an await that subscribes before it expires, once per subscription', () => {
    const table = new RoutingTable(empty());
    expect(table.trigger(trig({ ttlMs: 500, message: message({ n: 1 }) }), 1_000)).toEqual({ seq: 1 });
    table.trigger(trig(), 1_100); // seq 2, not buffered

    // A fresh await: it joined now (seq 2), and is not recorded (the delivery is its event).
    expect(table.subscribe(sub('p1', 'a#1'), 1_499)).toEqual({
      message: { event: 'paid', n: 1 },
      seq: 1,
      targets: [{ processId: 'p1', awaitKeys: ['a#1'] }],
      joined: 2,
    });
    expect(table.size).toBe(0);
    // Another process's await gets it too; this process's next await (since 1) does not.
    expect(table.subscribe(sub('p2', 'a#1'), 1_499)?.seq).toBe(1);
    expect(table.subscribe(sub('p1', 'a#2', { since: 1 }), 1_499)).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it('expires a buffered trigger at its time to live', () => {
    const table = new RoutingTable(empty());
    table.trigger(trig({ ttlMs: 500 }), 1_000);
    expect(table.save(1_499).buffered).toEqual([{ seq: 1, message: message(), expiresAt: 1_500 }]);
    expect(table.subscribe(sub('p1', 'a#1'), 1_500)).toBeUndefined();
    expect(table.size).toBe(1);
    expect(table.save(1_500)).not.toHaveProperty('buffered');
  });

  it('buffers nothing for a ttl of 0, and keeps the key of a buffered trigger', () => {
    const table = new RoutingTable(empty());
    table.trigger(trig({ ttlMs: 0 }), 0);
    table.trigger(trig({ ttlMs: 100, key: 'k' }), 0);
    expect(table.save(0).buffered).toEqual([{ seq: 2, key: 'k', message: message(), expiresAt: 100 }]);
    expect(table.subscribe(sub('p1', 'a#1'), 1)).toBeUndefined(); // unkeyed await: not for it
    expect(table.subscribe(sub('p1', 'a#2', { key: 'k' }), 1)?.seq).toBe(2);
  });

  it('offers the oldest live buffered trigger first', () => {
    const table = new RoutingTable(empty());
    table.trigger(trig({ ttlMs: 100, message: message({ n: 1 }) }), 0); // expires at 100
    table.trigger(trig({ ttlMs: 1_000, message: message({ n: 2 }) }), 0);
    table.trigger(trig({ ttlMs: 1_000, message: message({ n: 3 }) }), 0);
    expect(table.catchUp(sub('p1', 'a#1'), 50)?.message).toEqual({ event: 'paid', n: 1 });
    expect(table.catchUp(sub('p1', 'a#1'), 100)?.message).toEqual({ event: 'paid', n: 2 });
    expect(table.catchUp(sub('p1', 'a#1', { since: 2 }), 100)?.message).toEqual({ event: 'paid', n: 3 });
  });

  it(`keeps at most ${MAX_BUFFERED} buffered triggers, dropping the oldest`, () => {
    const table = new RoutingTable(empty());
    for (let i = 0; i < MAX_BUFFERED + 6; i++) table.trigger(trig({ ttlMs: 60_000 }), 0);
    const buffered = table.save(0).buffered ?? [];
    expect(buffered).toHaveLength(MAX_BUFFERED);
    expect(buffered[0].seq).toBe(7);
  });
});

describe('RoutingTable: catching up after failed conditions', () => {
  it('delivers the oldest trigger of its key after the one that failed', () => {
    const table = new RoutingTable(empty());
    table.trigger(trig({ message: message({ n: 1 }) }), 0);
    table.trigger(trig({ message: message({ n: 2 }), key: 'other' }), 0);
    table.trigger(trig({ message: message({ n: 3 }) }), 0);
    table.trigger(trig({ message: message({ n: 4 }) }), 0);
    // The await failed its conditions on trigger 1: trigger 3 is the next unkeyed one.
    expect(table.subscribe(sub('p1', 'a#1', { after: 1 }), 0)).toEqual({
      message: { event: 'paid', n: 3 },
      seq: 3,
      targets: [{ processId: 'p1', awaitKeys: ['a#1'] }],
    });
    // Nothing after the last one: it is recorded and waits.
    expect(table.subscribe(sub('p1', 'a#1', { after: 4 }), 0)).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it('offers only triggers after it joined, or still buffered, to an await that joined on a buffered one', () => {
    const table = new RoutingTable(empty());
    table.trigger(trig({ ttlMs: 1_000, message: message({ n: 1 }) }), 0);
    table.trigger(trig({ message: message({ n: 2 }) }), 0); // before it joined, not buffered
    table.trigger(trig({ message: message({ n: 3 }) }), 0);
    // It joined at 3 on buffered trigger 1, which failed its conditions.
    const missed = table.catchUp(sub('p1', 'a#1', { after: 1, joined: 3 }), 10);
    expect(missed).toBeUndefined();
    table.trigger(trig({ message: message({ n: 4 }) }), 10);
    const caught = table.catchUp(sub('p1', 'a#1', { after: 1, joined: 3 }), 10);
    // A resubscription keeps the number it joined at.
    expect(caught).toMatchObject({ seq: 4, joined: 3, message: { n: 4 } });
  });
});

describe('RoutingTable: what it remembers, and continue-as-new', () => {
  it('saves only what it holds, and a table made from the save behaves the same', () => {
    expect(new RoutingTable(empty()).save(0)).toStrictEqual({ seq: 0, subscriptions: [], recent: [] });

    const table = new RoutingTable(empty());
    table.trigger(trig({ id: 'x', ttlMs: 100 }), 0);
    table.add(sub('p1', 'a#1', { key: 'k' }));
    const saved = table.save(50);
    expect(saved).toStrictEqual({
      seq: 1,
      subscriptions: [sub('p1', 'a#1', { key: 'k' })],
      recent: [{ seq: 1, message: message() }],
      buffered: [{ seq: 1, message: message(), expiresAt: 100 }],
      ids: ['x'],
    });

    const next = new RoutingTable(JSON.parse(JSON.stringify(saved)));
    expect(next.seq).toBe(1);
    expect(next.subscribe(sub('p2', 'a#1'), 60)?.seq).toBe(1);
    expect(next.trigger(trig({ key: 'k' }), 60)?.delivery?.targets).toEqual([
      { processId: 'p1', awaitKeys: ['a#1'] },
    ]);
  });

  it('reads a state saved before keys, ttls and ids (no buffered, no ids)', () => {
    const table = new RoutingTable({
      seq: 7,
      subscriptions: [sub('p1', 'a#1'), sub('p1', 'b#1')],
      recent: [{ seq: 7, message: message() }],
    });
    expect(table.trigger(trig(), 0)?.delivery).toEqual({
      message: message(),
      seq: 8,
      targets: [{ processId: 'p1', awaitKeys: ['a#1', 'b#1'] }],
    });
  });

  it(`keeps the last ${RECENT_TRIGGERS} triggers for catch-up`, () => {
    const table = new RoutingTable(empty());
    for (let i = 0; i < RECENT_TRIGGERS + 44; i++) table.trigger(trig(), 0);
    const recent = table.save(0).recent;
    expect(recent).toHaveLength(RECENT_TRIGGERS);
    expect(recent[0].seq).toBe(45);
    expect(recent[RECENT_TRIGGERS - 1].seq).toBe(RECENT_TRIGGERS + 44);
  });

  it(`keeps at most ${REMEMBERED_BYTES} bytes of messages, but always the newest one`, () => {
    const big = (n: number) => message({ n, text: 'x'.repeat(100_000) });
    const table = new RoutingTable(empty());
    for (let n = 1; n <= 3; n++) table.trigger(trig({ message: big(n) }), 0);
    expect(table.save(0).recent.map((t) => t.seq)).toEqual([2, 3]);

    const huge = new RoutingTable(empty());
    huge.trigger(trig({ message: message({ text: 'x'.repeat(REMEMBERED_BYTES + 1) }) }), 0);
    expect(huge.save(0).recent.map((t) => t.seq)).toEqual([1]);
  });
});
