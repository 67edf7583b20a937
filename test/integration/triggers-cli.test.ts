/**
 * Event triggers from the command line, with real worker processes: usage errors exit 2 and register
 * nothing; a worker killed with SIGKILL in the middle of a burst of 200 matching events still ends with
 * exactly 200 processes; triggers survive a restart of `bureaucrat dev --db`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Events } from '../../src/client/events';
import { runCli, startCli, stopCli } from '../support/cli';
import { eventually, useTestServer } from '../support/temporal';

const env = useTestServer();
const fixture = (name: string) => path.join(__dirname, '../fixtures/triggers', name);
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const address = () => process.env.BUREAUCRAT_TEST_ADDRESS as string;
const namespace = () => process.env.BUREAUCRAT_TEST_NAMESPACE ?? 'default';

async function countOf(client: Client, trigger: string): Promise<number> {
  return (await client.workflow.count(`BureaucratTrigger = '${trigger}'`)).count;
}

test('bad registrations exit 2 with one clear line and register nothing; add, list, remove', async () => {
  const taskQueue = unique('trigger-cli');
  const conn = ['--address', address(), '--namespace', namespace(), '--task-queue', taskQueue];
  const worker = await startCli(['worker', ...conn], /worker on .* task queue/i);
  try {
    const event = unique('cli_event');
    const invalid = await runCli(['trigger', 'add', event, fixture('invalid.xml'), ...conn]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toBe(
      `${fixture('invalid.xml')}:3:35: process/context[1]/property[1]: value of int property "n" is not an integer: "x"\n`,
    );
    const badWhen = await runCli([
      'trigger',
      'add',
      event,
      fixture('order.xml'),
      '--when',
      "event['a'] >",
      ...conn,
    ]);
    expect(badWhen.code).toBe(2);
    expect(badWhen.stderr.trim()).toBe(
      `--when: unexpected end of expression at column 13 of expression "event['a'] >"`,
    );
    const badRetries = await runCli([
      'trigger',
      'add',
      event,
      fixture('order.xml'),
      '--retries',
      'x',
      ...conn,
    ]);
    expect(badRetries.code).toBe(2);
    expect((await runCli(['trigger', 'list', ...conn])).stdout).toBe('');

    const added = await runCli([
      'trigger',
      'add',
      event,
      fixture('order.xml'),
      '--name',
      'orders',
      '--when',
      "event['order'] > 0",
      ...conn,
    ]);
    expect(added).toMatchObject({ code: 0, stdout: 'orders\n' });
    const conflict = await runCli([
      'trigger',
      'add',
      event,
      fixture('order.xml'),
      '--name',
      'orders',
      ...conn,
    ]);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toContain('trigger orders already exists with other settings');
    const again = await runCli([
      'trigger',
      'add',
      event,
      fixture('order.xml'),
      '--name',
      'orders',
      '--when',
      "event['order'] > 0",
      ...conn,
    ]);
    expect(again.code).toBe(0);
    expect((await runCli(['event', event, '--data', '{"order": 5}', ...conn])).code).toBe(0);
    await eventually(
      () => countOf(env().client, 'orders'),
      (n) => n >= 1,
    );
    const list = await runCli(['trigger', 'list', ...conn]);
    expect(list.stdout).toMatch(
      new RegExp(`^orders\\t${event}\\ttriggered\\tevent\\['order'\\] > 0\\tstarted \\d+\\tdead 0\\n$`),
    );
    expect((await runCli(['trigger', 'dead-letters', 'orders', ...conn])).stdout).toBe('');
    expect((await runCli(['trigger', 'remove', 'orders', ...conn])).code).toBe(0);
    expect((await runCli(['trigger', 'remove', 'orders', ...conn])).code).toBe(1);
    expect((await runCli(['trigger', 'list', ...conn])).stdout).toBe('');
  } finally {
    await stopCli(worker);
  }
});

test('a worker killed during a burst of 200 matching events: exactly 200 processes', async () => {
  const taskQueue = unique('trigger-burst');
  const conn = ['--address', address(), '--namespace', namespace(), '--task-queue', taskQueue];
  let worker = await startCli(['worker', ...conn], /worker on .* task queue/i);
  try {
    const event = unique('burst');
    const added = await runCli(['trigger', 'add', event, fixture('order.xml'), '--name', event, ...conn]);
    expect(added.code).toBe(0);
    const events = new Events(env().client, taskQueue);
    const publishing = Promise.all(
      Array.from({ length: 200 }, (_, i) => events.trigger(event, { order: i })),
    );
    await eventually(
      () => countOf(env().client, event),
      (n) => n >= 10,
      60_000,
    );
    await stopCli(worker, 'SIGKILL');
    await publishing;
    worker = await startCli(['worker', ...conn], /worker on .* task queue/i);
    await eventually(
      () => countOf(env().client, event),
      (n) => n >= 200,
      120_000,
    );
    // Let any duplicate a retried start could make show up before counting exactly.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await countOf(env().client, event)).toBe(200);
    const orders = new Set<number>();
    for await (const wf of env().client.workflow.list({ query: `BureaucratTrigger = '${event}'` })) {
      orders.add(Number(wf.workflowId.split('-').pop()));
    }
    expect(orders.size).toBe(200); // 200 distinct event numbers
  } finally {
    await stopCli(worker);
  }
}, 240_000);

test('triggers survive a restart of bureaucrat dev --db between registration and event', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-triggers-db-'));
  const port = await freePort();
  const uiPort = await freePort();
  const conn = ['--address', `127.0.0.1:${port}`];
  const dev = () =>
    startCli(
      ['dev', '--db', path.join(dir, 'state.db'), '--port', String(port), '--ui-port', String(uiPort)],
      /Ctrl-C stops/,
      120_000,
    );
  let server = await dev();
  try {
    const added = await runCli([
      'trigger',
      'add',
      'restarted',
      fixture('order.xml'),
      '--name',
      'survivor',
      '--id',
      "'kept-' + str(event['order'])",
      ...conn,
    ]);
    expect(added.code).toBe(0);
    await stopCli(server);
    server = await dev();
    expect((await runCli(['event', 'restarted', '--data', '{"order": 9}', ...conn])).code).toBe(0);
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    try {
      const client = new Client({ connection });
      const result = await eventually(
        () =>
          client.workflow
            .getHandle('kept-9')
            .result()
            .then(
              (r) => r,
              () => undefined,
            ),
        (r) => r !== undefined,
        60_000,
      );
      expect(result).toEqual({ order: 9, done: true });
    } finally {
      await connection.close();
    }
    expect((await runCli(['trigger', 'list', ...conn])).stdout).toMatch(
      /^survivor\trestarted\ttriggered\t\*\tstarted 1\tdead 0\n$/,
    );
  } finally {
    await stopCli(server);
    rmSync(dir, { recursive: true, force: true });
  }
}, 240_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
