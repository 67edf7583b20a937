/**
 * The AMQP bridge with the real parts: a private RabbitMQ node, the original's launcher and event publisher
 * (ported to Python 3 with pika, unchanged otherwise), a Celery 5 worker with the seed's `task_success`
 * handler, a taskqueue-style worker, `bureaucrat amqp` as a process of its own (so that it can be killed),
 * a Temporal dev server and a worker with native participants.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type ChannelModel, type GetMessage } from 'amqplib';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { STATE_QUERY, type ProcessSnapshot } from '../../src/protocol';
import { installQuietRuntime } from '../../src/server/quiet-runtime';
import { startDevServer, type DevServer } from '../../src/server/dev-server';
import { createWorker } from '../../src/worker/create-worker';
import { Triggers } from '../../src/client/triggers';
import { Launcher } from '../../src/client/launcher';
import type { Workitem } from '../../src/protocol';
import { startCli, stopCli } from '../support/cli';
import { startRabbitMq, type RabbitMq } from './rabbitmq';
import {
  runFakeEvent,
  runLauncher,
  startCeleryWorker,
  startTaskqueueWorker,
  type LegacyProcess,
} from './legacy-processes';

const root = mkdtempSync(path.join(tmpdir(), 'bureaucrat-amqp-'));
const taskQueue = `amqp-${randomUUID()}`;
const participantQueue = `amqp-legacy-${randomUUID()}`;
let rabbit: RabbitMq;
let server: DevServer;
let client: Client;
let worker: Worker;
let running: Promise<void>;
let bridge: ChildProcess | undefined;
let amqp: ChannelModel;
const legacy: LegacyProcess[] = [];

/** What the native participants saw: each call's process id and fields. */
const calls: { participant: string; processId: string; fields: Record<string, unknown> }[] = [];
const record =
  (participant: string, extra: Record<string, unknown> = {}) =>
  (w: Workitem) => {
    calls.push({ participant, processId: w.processId, fields: { ...w.fields } });
    return extra;
  };

/** What the bridges of this file printed after they started (shown when a wait times out). */
let bridgeOutput = '';

async function startBridge(): Promise<ChildProcess> {
  const child = await startCli(
    ['amqp', '--url', rabbit.url, '--address', server.address, '--task-queue', taskQueue,
      '--taskqueue', 'tq_*', '--celery', 'legacy_tasks.*', '--participant-queue', participantQueue,
      '--prefetch', '20'], // prettier-ignore
    /legacy participants on task queue/,
  );
  const collect = (d: Buffer) => (bridgeOutput += d.toString());
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return child;
}

/** The running bridge. */
function theBridge(): ChildProcess {
  if (!bridge) throw new Error('no bridge is running');
  return bridge;
}

/** Polls `check` every 200 ms until it returns true; fails with `what` after `ms`. */
async function until(
  what: string | (() => string),
  check: () => boolean | Promise<boolean>,
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${ms} ms waiting for ${what}; the bridge said:\n${bridgeOutput.slice(-3000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every message now in `queue`, taken off it. */
async function drain(queue: string): Promise<GetMessage[]> {
  const channel = await amqp.createChannel();
  const messages: GetMessage[] = [];
  for (let m = await channel.get(queue); m; m = await channel.get(queue)) {
    messages.push(m);
    channel.ack(m);
  }
  await channel.close();
  return messages;
}

/** Publishes `body` on the default exchange to `queue`, persistent, with `options`. */
async function publish(queue: string, body: string, options: { messageId?: string } = {}): Promise<void> {
  const channel = await amqp.createConfirmChannel();
  channel.sendToQueue(queue, Buffer.from(body), { persistent: true, ...options });
  await channel.waitForConfirms();
  await channel.close();
}

function writeDefinition(name: string, xml: string): string {
  const file = path.join(root, `${name}.xml`);
  writeFileSync(file, xml);
  return file;
}

/** The result of process `id`, once the bridge has started it. */
async function resultOf(id: string): Promise<unknown> {
  const handle = client.workflow.getHandle(id);
  await until(`process ${id} to start`, () =>
    handle.describe().then(
      () => true,
      () => false,
    ),
  );
  return handle.result();
}

async function waitUntilActive(processId: string, type: string): Promise<void> {
  await until(`${type} of ${processId}`, async () => {
    const tree = await client.workflow
      .getHandle(processId)
      .query<ProcessSnapshot>(STATE_QUERY)
      .catch(() => undefined);
    const nodes = (n: ProcessSnapshot): ProcessSnapshot[] => [n, ...n.children.flatMap(nodes)];
    return tree !== undefined && nodes(tree).some((n) => n.type === type && n.state === 'active');
  });
}

beforeAll(async () => {
  installQuietRuntime('ERROR');
  [rabbit, server] = await Promise.all([startRabbitMq(root), startDevServer({ log: () => undefined })]);
  client = new Client({ connection: await Connection.connect({ address: server.address }) });
  worker = await createWorker({
    address: server.address,
    taskQueue,
    participants: {
      'native.price': record('native.price', { amount: 120 }),
      'native.count': record('native.count'),
    },
  });
  running = worker.run();
  amqp = await connect(rabbit.url);
  const broker = { port: rabbit.port };
  legacy.push(
    ...(await Promise.all([
      startTaskqueueWorker(broker, ['tq_stamp', 'tq_flaky', 'tq_critical']),
      startCeleryWorker(rabbit.url),
    ])),
  );
  bridge = await startBridge();
}, 600_000);

afterAll(async () => {
  if (bridge) await stopCli(bridge);
  await Promise.all(legacy.map((p) => p.stop()));
  await amqp?.close().catch(() => undefined);
  worker?.shutdown();
  await running;
  await client?.connection.close();
  await server?.stop();
  await rabbit?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('the original launcher and fakeevent.py drive a process mixing native, taskqueue and Celery participants', async () => {
  const event = `paid-${randomUUID()}`;
  const file = writeDefinition(
    'mixed',
    `<process name="amqp-mixed">
      <context><property name="customer" type="str">nobody</property></context>
      <action participant="native.price"/>
      <action participant="tq_stamp"/>
      <action participant="legacy_tasks.charge"/>
      <await event="${event}"/>
    </process>`,
  );
  const launched = await runLauncher(
    { port: rabbit.port },
    { process: file, fields: { customer: 'ACME', order: 7, vip: true, rate: 1.5, tags: ['a', 'b'] } },
  );
  expect(launched.code).toBe(0);
  await until('the process to run its native action', () =>
    calls.some((c) => c.participant === 'native.price'),
  );
  const first = calls.find((c) => c.participant === 'native.price');
  const processId = first?.processId ?? '';
  // The launch fields, typed as the launcher wrote them (bool as 0/1, float, str, int, json), override the
  // definition's context.
  expect(first?.fields).toEqual({
    customer: 'ACME',
    order: 7,
    vip: true,
    rate: 1.5,
    tags: ['a', 'b'],
  });
  await waitUntilActive(processId, 'await');
  expect((await runFakeEvent({ port: rabbit.port }, { event, data: { paid: 150 } })).code).toBe(0);
  const result = await client.workflow.getHandle(processId).result();
  expect(result).toMatchObject({
    customer: 'ACME',
    amount: 120,
    tq: 'taskqueue',
    tq_count: 1,
    charged: true,
    charged_by: 'celery',
  });
});

test("replies follow the original's rules: error keeps the action waiting, critical faults it", async () => {
  const flaky = `flaky-${randomUUID()}`;
  const critical = `critical-${randomUUID()}`;
  await publish('bureaucrat', '<process><action participant="tq_flaky"/></process>', { messageId: flaky });
  await publish('bureaucrat', '<process><action participant="tq_critical"/></process>', {
    messageId: critical,
  });
  expect(await resultOf(flaky)).toMatchObject({ recovered: true });
  const failure = await resultOf(critical).catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect(String((failure as WorkflowFailedError).cause?.message)).toMatch(/out of paper/);
});

test('unusable messages go to the dead-letter queue with their reason, and the bridge keeps serving', async () => {
  await drain('bureaucrat_dead_letters');
  await publish('bureaucrat', '<process><action participant="x"');
  await publish('bureaucrat', '<process><sequence><bogus/></sequence></process>');
  await publish('bureaucrat', 'launch something please');
  await publish('bureaucrat_events', '{"event": "x", oops}');
  await publish('bureaucrat_events', '{"order": 7}');
  const id = `after-dead-letters-${randomUUID()}`;
  await publish('bureaucrat', '<process><action participant="native.count"/></process>', { messageId: id });
  expect(await resultOf(id)).toEqual({});
  let dead: GetMessage[] = [];
  await until(
    'five dead letters',
    async () => (dead = [...dead, ...(await drain('bureaucrat_dead_letters'))]).length >= 5,
  );
  const reasons = dead.map((m) => [
    m.properties.headers?.['x-bureaucrat-queue'],
    String(m.properties.headers?.['x-bureaucrat-reason']),
  ]);
  expect(reasons).toEqual(
    expect.arrayContaining([
      ['bureaucrat', expect.stringMatching(/invalid process definition|not well-formed|XML/i)],
      ['bureaucrat', expect.stringMatching(/unknown element <bogus>/)],
      ['bureaucrat', 'not XML: a launch message is a process definition'],
      ['bureaucrat_events', expect.stringMatching(/^not JSON/)],
      ['bureaucrat_events', 'no "event" name (a non-empty string)'],
    ]),
  );
  // Each went there once: never redelivered forever.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(await drain('bureaucrat_dead_letters')).toHaveLength(0);
});

test('a legacy action keeps its timeout, retries and heartbeats; a late reply is dropped; cancelling reaches it', async () => {
  // worker_tq_silent exists but nobody serves it: requests wait there, no reply ever comes.
  const setup = await amqp.createChannel();
  await setup.assertQueue('worker_tq_silent', { durable: true });
  await setup.purgeQueue('worker_tq_silent');
  await setup.close();
  const timedOut = `silent-timeout-${randomUUID()}`;
  const beating = `silent-heartbeat-${randomUUID()}`;
  await publish(
    'bureaucrat',
    '<process><action participant="tq_silent" timeout="2" retries="1"/></process>',
    {
      messageId: timedOut,
    },
  );
  await publish('bureaucrat', '<process><action participant="tq_silent" heartbeat="2"/></process>', {
    messageId: beating,
  });
  // Two attempts (timeout 2 s, one retry), each publishing its request; then the action faults.
  const failure = await resultOf(timedOut).catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const requests = await drain('worker_tq_silent');
  const targets = requests
    .map((m) => JSON.parse(m.content.toString()) as { target: string; payload: Record<string, unknown> })
    .filter((body) => body.target.startsWith(`${timedOut}_`));
  expect(targets).toHaveLength(2);
  // A reply for an attempt that no longer waits: logged and dropped.
  await publish(
    'bureaucrat_msgs',
    JSON.stringify({
      name: 'response',
      target: targets[0].target,
      origin: targets[0].target,
      payload: { status: 'done' },
    }),
  );
  await until('the late reply to be dropped', () => /which no longer waits .*: dropped/.test(bridgeOutput));
  // Heartbeated by the bridge, the other action outlives its 2 s heartbeat timeout while it waits...
  await waitUntilActive(beating, 'action');
  await new Promise((resolve) => setTimeout(resolve, 6000));
  const { pendingActivities } = await client.workflow
    .getHandle(beating)
    .describe()
    .then((d) => d.raw);
  expect(pendingActivities?.[0]?.attempt).toBe(1);
  // ... and cancelling the process reaches it through the heartbeat.
  await client.workflow.getHandle(beating).cancel();
  const cancelled = await resultOf(beating).catch((err: unknown) => err);
  expect(String((cancelled as Error).message)).toMatch(/cancel/i);
});

test('createWorker({ legacyParticipants }) serves legacy participants on a worker of its own', async () => {
  const queue = `amqp-own-${randomUUID()}`;
  const own = await createWorker({
    address: server.address,
    taskQueue: queue,
    participants: { 'native.price': record('native.price', { amount: 99 }) },
    legacyParticipants: { url: rabbit.url, taskqueue: ['tq_stamp'] },
  });
  await own.runUntil(async () => {
    const handle = await new Launcher(client, queue).launch(
      '<process><action participant="native.price"/><action participant="tq_stamp"/></process>',
    );
    expect(await handle.result()).toMatchObject({ amount: 99, tq: 'taskqueue' });
  });
});

test('SIGKILLed in the middle of 200 launches and 200 events: each launch starts once, each event is delivered once', async () => {
  const run = randomUUID().slice(0, 8);
  const tick = `tick-${run}`;
  const launchName = `crash-${run}`;
  const triggered = `ticked-${run}`;
  // Each event starts one process through a trigger: a second delivery of an event would start a second.
  const triggers = new Triggers(client, taskQueue);
  await triggers.add(
    tick,
    `<process name="${triggered}"><context><property name="i" type="int">-1</property>
      <property name="marker" type="str">none</property></context>
      <action participant="native.count"/></process>`,
  );
  const file = writeDefinition(
    launchName,
    `<process name="${launchName}"><context><property name="n" type="int">-1</property></context>
      <action participant="native.count"/></process>`,
  );
  const seen = (field: string, value: (f: Record<string, unknown>) => boolean) =>
    calls.filter((c) => c.participant === 'native.count' && value(c.fields) && field in c.fields);
  const launches = () => seen('n', (f) => typeof f.n === 'number' && f.n >= 0 && f.marker === run);
  const ticks = () => seen('i', (f) => typeof f.i === 'number' && f.i >= 0 && f.marker === run);
  const publishing = Promise.all([
    runLauncher(
      { port: rabbit.port },
      { process: file, fields: { marker: run }, count: 200, indexField: 'n' },
    ),
    runFakeEvent({ port: rabbit.port }, { event: tick, data: { marker: run }, count: 200, indexField: 'i' }),
  ]);
  await until('the bridge to be in the middle of it', () => launches().length + ticks().length >= 40);
  await stopCli(theBridge(), 'SIGKILL');
  const [launched, evented] = await publishing;
  expect(launched.code).toBe(0);
  expect(evented.code).toBe(0);
  bridge = await startBridge();
  await until(
    () =>
      `every launch and every event (${new Set(launches().map((c) => c.fields.n)).size} launches and ${new Set(ticks().map((c) => c.fields.i)).size} events so far)`,
    () =>
      new Set(launches().map((c) => c.fields.n)).size === 200 &&
      new Set(ticks().map((c) => c.fields.i)).size === 200,
    180_000,
  );
  // Let any duplicate show up before counting.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const processes = (list: typeof calls) => new Set(list.map((c) => c.processId)).size;
  expect(processes(launches())).toBe(200);
  expect(processes(ticks())).toBe(200);
  expect(new Set(launches().map((c) => c.fields.n)).size).toBe(200);
  expect(new Set(ticks().map((c) => c.fields.i)).size).toBe(200);
});

test('RabbitMQ restarted: the bridge reconnects and serves; SIGTERM stops it gracefully', async () => {
  await rabbit.restart();
  await amqp.close().catch(() => undefined);
  amqp = await connect(rabbit.url);
  // The legacy taskqueue worker does not reconnect (pika's blocking connection dies with the broker): its
  // operator restarts it, as they did with the original engine. The request waits in its durable queue.
  const [taskqueue] = legacy.splice(0, 1);
  await taskqueue.stop();
  const id = `after-restart-${randomUUID()}`;
  await publish(
    'bureaucrat',
    '<process><action participant="native.count"/><action participant="tq_stamp"/></process>',
    {
      messageId: id,
    },
  );
  await until('the request of tq_stamp to be published', async () => {
    const channel = await amqp.createChannel();
    const { messageCount } = await channel.checkQueue('worker_tq_stamp');
    await channel.close();
    return messageCount === 1;
  });
  legacy.unshift(await startTaskqueueWorker({ port: rabbit.port }, ['tq_stamp', 'tq_flaky', 'tq_critical']));
  expect(await resultOf(id)).toMatchObject({ tq: 'taskqueue' });
  let output = '';
  const stopping = theBridge();
  stopping.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => stopping.once('exit', (code) => resolve(code)));
  stopping.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(output).toMatch(/amqp bridge stopped/);
  bridge = undefined;
});
