/**
 * A router's overflow (workflows/overflow.ts): past its cap, a router passes subscriptions, and from then on
 * triggers and withdrawals, on to the next router of its chain, in order, in batches. The module calls the
 * workflow API (`workflowInfo`, `condition`, and the forward activity through `proxyActivities`), which
 * needs a running workflow: those three are replaced here by stand-ins (the rest of the module is pure),
 * and the signal names are asserted as the wire values they are.
 */
import { DEFAULT_OVERFLOW_AFTER, Overflow } from '../../workflows/overflow';

/** Thrown by the stand-in `condition` when nothing is pending: ends `run()`'s endless loop. */
class Drained extends Error {}

const mockForward = jest.fn<Promise<void>, [unknown]>();

jest.mock('@temporalio/workflow', () => ({
  ...jest.requireActual('@temporalio/workflow'),
  workflowInfo: () => ({ workflowId: 'router:paid' }),
  condition: async (ready: () => boolean) => {
    if (!ready()) throw new Drained();
  },
  // The module takes the forward activity from the proxy when it loads: call the mock only when used.
  proxyActivities: () => new Proxy({}, { get: () => (input: unknown) => mockForward(input) }),
}));

type RouterState = ConstructorParameters<typeof Overflow>[0];
type Signals = { name: string; arg: unknown }[];

const state = (more: Partial<RouterState> = {}): RouterState => ({
  event: 'paid',
  seq: 0,
  subscriptions: [],
  recent: [],
  ...more,
});
const sub = (awaitKey: string) => ({ processId: 'p1', awaitKey });

/** Runs the overflow until nothing is pending; the batches the forward activity was given. */
async function drain(overflow: Overflow): Promise<{ routerId: string; state: unknown; signals: Signals }[]> {
  await expect(overflow.run()).rejects.toBeInstanceOf(Drained);
  return mockForward.mock.calls.map(
    ([input]) => input as { routerId: string; state: unknown; signals: Signals },
  );
}

beforeEach(() => {
  mockForward.mockReset();
  mockForward.mockResolvedValue(undefined);
});

describe('Overflow: what it passes on', () => {
  it('starts inactive with the default cap, or as the saved state says', () => {
    const fresh = new Overflow(state());
    expect([fresh.active, fresh.cap, fresh.idle]).toEqual([false, DEFAULT_OVERFLOW_AFTER, true]);
    expect(DEFAULT_OVERFLOW_AFTER).toBe(5_000);
    const saved = new Overflow(state({ overflowing: true, overflowAfter: 3 }));
    expect([saved.active, saved.cap]).toEqual([true, 3]);
  });

  it('passes nothing on before its first subscription past the cap', async () => {
    const overflow = new Overflow(state());
    overflow.trigger({ message: { event: 'paid' } }, 1);
    overflow.unsubscribe(sub('a#1'));
    expect(overflow.idle).toBe(true);
    expect(await drain(overflow)).toEqual([]);
  });

  it('after one, passes on every trigger and withdrawal too, in order', async () => {
    const overflow = new Overflow(state({ continueAsNewAfterEvents: 100, overflowAfter: 10 }));
    overflow.subscribe(sub('a#1'));
    expect(overflow.active).toBe(true);
    expect(overflow.idle).toBe(false);
    overflow.trigger({ message: { event: 'paid', n: 1 }, key: 'k', ttlMs: 60_000, id: 'publisher-id' }, 7);
    overflow.unsubscribe(sub('a#2'));
    overflow.trigger({ message: { event: 'paid', n: 2 } }, 8);

    expect(await drain(overflow)).toEqual([
      {
        routerId: 'router:paid+',
        // The next router starts empty, with this one's cap and continue-as-new threshold.
        state: {
          event: 'paid',
          seq: 0,
          subscriptions: [],
          recent: [],
          overflowAfter: 10,
          continueAsNewAfterEvents: 100,
        },
        signals: [
          { name: 'subscribe', arg: sub('a#1') },
          // The head's number, an id of that number, no ttl (only the head buffers).
          {
            name: 'trigger',
            arg: { message: { event: 'paid', n: 1 }, key: 'k', id: 'router:paid#7', seq: 7 },
          },
          { name: 'unsubscribe', arg: sub('a#2') },
          { name: 'trigger', arg: { message: { event: 'paid', n: 2 }, id: 'router:paid#8', seq: 8 } },
        ],
      },
    ]);
    expect(overflow.idle).toBe(true);
  });

  it('leaves out the continue-as-new threshold when the router has none', async () => {
    const overflow = new Overflow(state());
    overflow.subscribe(sub('a#1'));
    const [call] = await drain(overflow);
    expect(call.state).toStrictEqual({
      event: 'paid',
      seq: 0,
      subscriptions: [],
      recent: [],
      overflowAfter: DEFAULT_OVERFLOW_AFTER,
    });
  });
});

describe('Overflow: batches', () => {
  it('sends at most 500 signals per forward activity, in order', async () => {
    const overflow = new Overflow(state());
    for (let i = 0; i < 1_201; i++) overflow.subscribe(sub(`a#${i}`));
    const calls = await drain(overflow);
    expect(calls.map((c) => c.signals.length)).toEqual([500, 500, 201]);
    const keys = calls.flatMap((c) => c.signals.map((s) => (s.arg as { awaitKey: string }).awaitKey));
    expect(keys).toEqual(Array.from({ length: 1_201 }, (_, i) => `a#${i}`));
  });

  it('never more than a router’s cap at once', async () => {
    const overflow = new Overflow(state({ overflowAfter: 2 }));
    for (let i = 0; i < 5; i++) overflow.subscribe(sub(`a#${i}`));
    expect((await drain(overflow)).map((c) => c.signals.length)).toEqual([2, 2, 1]);
  });

  it('is not idle while a batch is in flight, and takes later signals in the next batch', async () => {
    const overflow = new Overflow(state());
    let release: () => void = () => undefined;
    mockForward.mockImplementationOnce(() => new Promise<void>((resolve) => (release = resolve)));
    overflow.subscribe(sub('a#1'));
    const running = overflow.run();
    await Promise.resolve();
    await Promise.resolve();
    expect(mockForward).toHaveBeenCalledTimes(1);
    expect(overflow.idle).toBe(false); // nothing pending, but the batch is not sent yet
    overflow.subscribe(sub('a#2'));
    release();
    await expect(running).rejects.toBeInstanceOf(Drained);
    expect(mockForward.mock.calls.map(([input]) => (input as { signals: Signals }).signals.length)).toEqual([
      1, 1,
    ]);
    expect(overflow.idle).toBe(true);
  });

  it('is idle again after a forward activity fails (the run fails with it)', async () => {
    const overflow = new Overflow(state());
    mockForward.mockRejectedValueOnce(new Error('forward failed'));
    overflow.subscribe(sub('a#1'));
    await expect(overflow.run()).rejects.toThrow('forward failed');
    expect(overflow.idle).toBe(true);
  });
});
