/**
 * The group commit of signals to one workflow (`src/client/signal-outbox.ts`): what it sends for which
 * calls. The signal itself is a plain function here (what it does against a real router is the subject of
 * test/integration/event-publishing.test.ts).
 */
import { SignalOutbox } from '../../src/client/signal-outbox';
import type { Trigger } from '../../src/wire/router';

const trigger = (event: string, n: number, pad = ''): Trigger => ({ message: { event, n, pad } });

/** An outbox whose signals are recorded and resolve when `release()` is called. */
function recordingOutbox(fail?: (name: string, ns: number[]) => boolean) {
  const sent: { name: string; ns: number[] }[] = [];
  const pending: (() => void)[] = [];
  const outbox = new SignalOutbox<Trigger>(
    (name, triggers) =>
      new Promise<void>((resolve, reject) => {
        const ns = triggers.map((t) => t.message.n as number);
        sent.push({ name, ns });
        pending.push(() => (fail?.(name, ns) ? reject(new Error(`refused ${ns.join(',')}`)) : resolve()));
      }),
  );
  const release = async () => {
    await new Promise((r) => setImmediate(r));
    for (let next = pending.shift(); next; next = pending.shift()) next();
    await new Promise((r) => setImmediate(r));
  };
  return { outbox, sent, release };
}

describe('SignalOutbox', () => {
  it('sends the triggers of one turn as one signal and those queued behind it as the next, in order', async () => {
    const { outbox, sent, release } = recordingOutbox();
    const first = [0, 1, 2].map((n) => outbox.send('paid', trigger('paid', n)));
    await release(); // the first signal is now in flight
    const later = [3, 4].map((n) => outbox.send('paid', trigger('paid', n)));
    await release();
    await release();
    await Promise.all([...first, ...later]);
    expect(sent).toEqual([
      { name: 'paid', ns: [0, 1, 2] },
      { name: 'paid', ns: [3, 4] },
    ]);
  });

  it('keeps event names apart: each has its own signals', async () => {
    const { outbox, sent, release } = recordingOutbox();
    const all = [
      outbox.send('a', trigger('a', 1)),
      outbox.send('b', trigger('b', 2)),
      outbox.send('a', trigger('a', 3)),
    ];
    await release();
    await Promise.all(all);
    expect(sent).toEqual([
      { name: 'a', ns: [1, 3] },
      { name: 'b', ns: [2] },
    ]);
  });

  it('fails the calls of a refused signal only, and goes on with the next', async () => {
    const { outbox, sent, release } = recordingOutbox((_, ns) => ns.includes(1));
    const first = Promise.allSettled([1, 2].map((n) => outbox.send('x', trigger('x', n))));
    await release();
    const next = outbox.send('x', trigger('x', 3));
    await release();
    await release();
    expect((await first).map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual([
      'Error: refused 1,2',
      'Error: refused 1,2',
    ]);
    await expect(next).resolves.toBeUndefined();
    expect(sent.map((s) => s.ns)).toEqual([[1, 2], [3]]);
  });

  it('splits a batch by count and by size, a single large trigger going alone', async () => {
    const { outbox, sent, release } = recordingOutbox();
    const big = 'x'.repeat(200 * 1024);
    const calls = [
      ...Array.from({ length: 450 }, (_, n) => outbox.send('y', trigger('y', n))),
      outbox.send('y', trigger('y', 450, big)),
      outbox.send('y', trigger('y', 451, big)),
    ];
    for (let i = 0; i < 6; i += 1) await release();
    await Promise.all(calls);
    expect(sent.map((s) => s.ns.length)).toEqual([200, 200, 51, 1]);
    expect(sent.flatMap((s) => s.ns)).toEqual(Array.from({ length: 452 }, (_, n) => n));
  });
});
