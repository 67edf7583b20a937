/**
 * Correlation keys, buffered events (ttl) and idempotent publishing (ids), against the real server
 * (issue 16). Which events an await received is read from its process's history (the `event` signals),
 * so every test states exactly what reached each process, and that nothing reached it twice.
 */
import { Events } from '../../src/client/events';
import { Launcher } from '../../src/client/launcher';
import type { ProcessHandle } from '../../src/client/process-handle';
import { runCli } from '../support/cli';
import { activeAt, receivedEvents } from '../support/events';
import { eventually, routerWorker, uniqueTaskQueue, useTestServer } from '../support/temporal';

/** A process that waits for `event` with the given await attributes and conditions, `times` times over. */
const waiting = (event: string, attrs = '', conditions = '', times = 1, context = '') => `<process>
  <context>${context}</context>
  ${Array.from({ length: times }, () => `<await event="${event}" ${attrs}>${conditions}</await>`).join('\n  ')}
</process>`;

describe('events: correlation keys, ttl and ids', () => {
  const testServer = useTestServer();

  async function withEvents<T>(fn: (launcher: Launcher, events: Events) => Promise<T>): Promise<T> {
    const env = testServer();
    const taskQueue = uniqueTaskQueue('keys');
    const worker = await routerWorker(env, taskQueue);
    return worker.runUntil(() => fn(new Launcher(env.client, taskQueue), new Events(env.client, taskQueue)));
  }

  const active = (handle: ProcessHandle, id = '_0') => activeAt([handle], id);
  const received = (handle: ProcessHandle) => receivedEvents(testServer().client, handle.processId);
  const orderContext = (value: string) => `<property name="order_id" type="str">${value}</property>`;

  it('a keyed event reaches only the awaits with an equal key; unkeyed awaits get only broadcasts; conditions still apply', async () => {
    await withEvents(async (launcher, events) => {
      const name = `paid-${Date.now()}`;
      const keyA = await launcher.launch(
        waiting(name, `key="context['order_id']"`, '', 1, orderContext('a')),
      );
      const key42 = await launcher.launch(waiting(name, 'key="40 + 2"'));
      const picky = await launcher.launch(
        waiting(
          name,
          `key="context['order_id']"`,
          '<condition>event["n"] == 2</condition>',
          1,
          orderContext('c'),
        ),
      );
      const plain = await launcher.launch(waiting(name));
      await Promise.all([keyA, key42, picky, plain].map((h) => active(h)));

      await events.trigger(name, { n: 0 }, { key: 'nobody' });
      await events.trigger(name, { n: 1 }, { key: 'a' });
      await events.trigger(name, { n: 1 }, { key: 42 });
      await events.trigger(name, { n: 1 }, { key: 'c' }); // fails picky's condition: it keeps waiting
      await events.trigger(name, { n: 2 }, { key: 'c' });
      await events.trigger(name, { n: 3 }); // a broadcast: only the unkeyed await
      await Promise.all([keyA, key42, picky, plain].map((h) => h.result()));

      expect(await received(keyA)).toEqual([{ event: name, n: 1 }]);
      expect(await received(key42)).toEqual([{ event: name, n: 1 }]);
      expect(await received(picky)).toEqual([
        { event: name, n: 1 },
        { event: name, n: 2 },
      ]);
      expect(await received(plain)).toEqual([{ event: name, n: 3 }]);
    });
  });

  it('a key that is neither a string nor a number faults the await with ExpressionError', async () => {
    await withEvents(async (launcher) => {
      const handle = await launcher.launch(waiting('k', 'key="[1]"'));
      await expect(handle.result()).rejects.toMatchObject({
        code: 'ExpressionError',
        message: expect.stringMatching(/key="\[1\]".*must be a string or a number/),
      });
    });
  });

  it('a buffered event reaches awaits that start within its ttl, each process once; unbuffered and keyed-elsewhere ones do not', async () => {
    await withEvents(async (launcher, events) => {
      const name = `buffered-${Date.now()}`;
      await events.trigger(name, { n: 1 }); // no ttl: gone for later awaits
      await events.trigger(name, { n: 2 }, { ttl: '10m' });
      await events.trigger(name, { n: 3 }, { ttl: '10m', key: 'x' });
      // Two awaits in a row: the first takes the buffered event, the second must not take it again.
      const twice = await launcher.launch(waiting(name, '', '', 2));
      const keyed = await launcher.launch(waiting(name, 'key="\'x\'"'));
      const other = await launcher.launch(waiting(name, 'key="\'y\'"'));
      expect(await keyed.result()).toEqual({});
      await active(twice, '_1');
      await active(other);
      await events.trigger(name, { n: 4 });
      await events.trigger(name, { n: 5 }, { key: 'y' });
      await Promise.all([twice.result(), other.result()]);

      expect(await received(twice)).toEqual([
        { event: name, n: 2 },
        { event: name, n: 4 },
      ]);
      expect(await received(keyed)).toEqual([{ event: name, n: 3 }]);
      expect(await received(other)).toEqual([{ event: name, n: 5 }]);
    });
  });

  it('a buffered event whose conditions fail lets the await catch up with later buffered ones only', async () => {
    await withEvents(async (launcher, events) => {
      const name = `catch-up-${Date.now()}`;
      await events.trigger(name, { n: 1 }, { ttl: '10m' });
      await events.trigger(name, { n: 2 }); // not buffered, triggered before the await started
      await events.trigger(name, { n: 3 }, { ttl: '10m' });
      const handle = await launcher.launch(waiting(name, '', '<condition>event["n"] == 9</condition>'));
      await eventually(
        () => received(handle),
        (got) => got.length === 2,
      );
      await events.trigger(name, { n: 9 });
      await handle.result();
      expect((await received(handle)).map((m) => m.n)).toEqual([1, 3, 9]);
    });
  });

  it('an expired buffered event is not delivered', async () => {
    await withEvents(async (launcher, events) => {
      const name = `expired-${Date.now()}`;
      await events.trigger(name, { n: 1 }, { ttl: '1ms' });
      await events.trigger(name, { n: 2 }, { ttl: '10m' });
      const handle = await launcher.launch(waiting(name));
      await handle.result();
      expect(await received(handle)).toEqual([{ event: name, n: 2 }]);
    });
  });

  it('the same event id published twice is delivered once', async () => {
    await withEvents(async (launcher, events) => {
      const name = `idempotent-${Date.now()}`;
      const handle = await launcher.launch(waiting(name, '', '', 2));
      await active(handle);
      await events.trigger(name, { n: 1 }, { id: 'order-1' });
      await active(handle, '_1');
      await events.trigger(name, { n: 1 }, { id: 'order-1' }); // the same again: dropped
      await events.publish({ event: name, n: 2 }, { id: 'order-2' });
      await handle.result();
      expect(await received(handle)).toEqual([
        { event: name, n: 1 },
        { event: name, n: 2 },
      ]);
    });
  });

  it('refuses bad options with a TypeError naming them', async () => {
    await withEvents(async (_launcher, events) => {
      await expect(events.trigger('e', {}, { ttl: 'soon' as never })).rejects.toThrow(
        /ttl must be a positive duration/,
      );
      await expect(events.trigger('e', {}, { key: {} as never })).rejects.toThrow(
        /key must be a string or a number/,
      );
      await expect(events.trigger('e', {}, { id: '' })).rejects.toThrow(/id must be a non-empty string/);
    });
  });

  it('bureaucrat event --key --ttl --id', async () => {
    await withEvents(async (launcher, events) => {
      const name = `cli-${Date.now()}`;
      const connection = [
        '--address',
        process.env.BUREAUCRAT_TEST_ADDRESS ?? '',
        '--task-queue',
        events.taskQueue,
      ];
      const cli = (...args: string[]) => runCli(['event', name, ...args, ...connection]);
      expect((await cli('--data', '{"n": 1}', '--key', '7', '--ttl', '10m', '--id', 'e1')).code).toBe(0);
      expect((await cli('--data', '{"n": 2}', '--key', '7', '--ttl', '10m', '--id', 'e1')).code).toBe(0);
      const handle = await launcher.launch(waiting(name, 'key="7"', '', 2));
      await active(handle, '_1');
      expect((await cli('--data', '{"n": 3}', '--key', '7')).code).toBe(0);
      await handle.result();
      expect((await received(handle)).map((m) => m.n)).toEqual([1, 3]);
    });
  });
});
