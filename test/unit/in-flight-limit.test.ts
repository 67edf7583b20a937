/** The worker-wide limit on delivery signals in flight (a pure unit: no server needed). */
import { InFlightLimit } from '../../activities/in-flight-limit';

/** An operation that runs until `finish` is called. */
function pending() {
  let finish!: (fail?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = (fail) => (fail ? reject(fail) : resolve());
  });
  return { done, finish };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('InFlightLimit', () => {
  it('runs at most max operations at once, the waiting ones in the order they came', async () => {
    const limit = new InFlightLimit(2);
    const ops = Array.from({ length: 5 }, pending);
    const started: number[] = [];
    const runs = ops.map((op, i) =>
      limit.run(() => {
        started.push(i);
        return op.done;
      }),
    );
    await turn();
    expect(started).toEqual([0, 1]);
    ops[1].finish();
    await turn();
    expect(started).toEqual([0, 1, 2]);
    ops[0].finish();
    ops[2].finish();
    await turn();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    ops[3].finish();
    ops[4].finish();
    await Promise.all(runs);
  });

  it('passes an operation’s failure on and frees its place', async () => {
    const limit = new InFlightLimit(1);
    const failing = pending();
    const first = limit.run(() => failing.done);
    const second = limit.run(async () => 'ran');
    failing.finish(new Error('refused'));
    await expect(first).rejects.toThrow('refused');
    await expect(second).resolves.toBe('ran');
  });
});
