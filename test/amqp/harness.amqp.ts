/**
 * The AMQP test harness itself: a private RabbitMQ node, and the legacy Python tools (the ported launcher and
 * fakeevent, a taskqueue participant worker, a Celery 5 worker) talking to it as the Python engine's
 * deployments did. Node stands in for the engine here (amqplib); the bridge's own tests build on this.
 */
import { participantRequest } from '../../src/amqp/wire';
import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  runFakeEvent,
  runLauncher,
  startCeleryWorker,
  startTaskqueueWorker,
  type LegacyProcess,
} from './legacy-processes';
import { legacyPythonVenv } from './python-env';
import { startRabbitMq, type RabbitMq } from './rabbitmq';

const fixture = path.join(__dirname, 'fixtures', 'launch-context.xml');

let root: string;
let rabbit: RabbitMq; // set by beforeAll (undefined when it failed)
let connection: ChannelModel | undefined;
let channel: Channel;
const processes: LegacyProcess[] = [];

/** The next message on `queue` (acknowledged on receipt), waiting up to `timeoutMs` for one. */
async function nextMessage(queue: string, timeoutMs = 30_000): Promise<GetMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (message) return message;
    if (Date.now() > deadline) throw new Error(`no message on ${queue} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function connect(url: string): Promise<ChannelModel> {
  const model = await amqp.connect(url);
  connection = model;
  channel = await model.createChannel();
  return model;
}

beforeAll(async () => {
  legacyPythonVenv(); // first run: creates the virtualenv (pip)
  root = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-amqp-'));
  rabbit = await startRabbitMq(path.join(root, 'rabbitmq'));
  await connect(rabbit.url);
  for (const queue of ['bureaucrat', 'bureaucrat_events', 'bureaucrat_msgs']) {
    await channel.assertQueue(queue, { durable: true });
  }
});

afterAll(async () => {
  for (const proc of processes) await proc.stop();
  await connection?.close().catch(() => undefined);
  await rabbit?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('the node answers rabbitmqctl and lists the durable queues', async () => {
  const queues = await rabbit.ctl(['list_queues', '-q', 'name', 'durable']);
  expect(queues).toMatch(/bureaucrat_msgs\s+true/);
  expect(rabbit.url).toBe(`amqp://guest:guest@127.0.0.1:${rabbit.port}/`);
});

test('launcher.py publishes the definition with its typed context as first child, persistent', async () => {
  const fields = {
    extra_str: 'x',
    extra_int: 7,
    extra_float: 1.5,
    extra_bool: true,
    extra_json: { k: [1] },
    urgent: true,
  };
  const run = await runLauncher({ port: rabbit.port }, { process: fixture, fields });
  expect(run).toMatchObject({ code: 0 });
  const message = await nextMessage('bureaucrat');
  expect(message.properties.deliveryMode).toBe(2);
  const body = message.content.toString();
  expect(body).toMatch(/^<process>\s*<context>/);
  const properties = [...body.matchAll(/<property type="(\w+)" name="(\w+)">([^<]*)<\/property>/g)].map(
    ([, type, name, text]) => ({ type, name, text }),
  );
  expect(properties).toEqual([
    { type: 'str', name: 'customer', text: 'ACME' },
    { type: 'int', name: 'amount', text: '3' },
    { type: 'float', name: 'rate', text: '0.5' },
    { type: 'bool', name: 'urgent', text: '1' },
    { type: 'json', name: 'tags', text: '["a", "b"]' },
    { type: 'str', name: 'extra_str', text: 'x' },
    { type: 'int', name: 'extra_int', text: '7' },
    { type: 'float', name: 'extra_float', text: '1.5' },
    { type: 'bool', name: 'extra_bool', text: '1' },
    { type: 'json', name: 'extra_json', text: '{"k": [1]}' },
  ]);
  expect(body).toContain('<action participant="tq_stamp" />');
  expect(body.match(/<context>/g)).toHaveLength(1);
});

test('launcher.py --count with --index-field launches distinct processes', async () => {
  const run = await runLauncher({ port: rabbit.port }, { process: fixture, count: 3, indexField: 'i' });
  expect(run).toMatchObject({ code: 0 });
  const indexes: string[] = [];
  for (let i = 0; i < 3; i++) {
    const body = (await nextMessage('bureaucrat')).content.toString();
    indexes.push(/<property type="int" name="i">(\d+)<\/property>/.exec(body)?.[1] ?? '?');
  }
  expect(indexes).toEqual(['0', '1', '2']);
});

test('fakeevent.py publishes the event to bureaucrat_events, persistent', async () => {
  const run = await runFakeEvent({ port: rabbit.port }, { event: 'paid', data: { order: 42, note: 'ok' } });
  expect(run).toMatchObject({ code: 0 });
  const message = await nextMessage('bureaucrat_events');
  expect(message.properties.deliveryMode).toBe(2);
  expect(JSON.parse(message.content.toString())).toEqual({ order: 42, note: 'ok', event: 'paid' });

  const many = await runFakeEvent({ port: rabbit.port }, { event: 'tick', count: 2, indexField: 'n' });
  expect(many).toMatchObject({ code: 0 });
  expect(JSON.parse((await nextMessage('bureaucrat_events')).content.toString())).toEqual({
    n: 0,
    event: 'tick',
  });
  expect(JSON.parse((await nextMessage('bureaucrat_events')).content.toString())).toEqual({
    n: 1,
    event: 'tick',
  });
});

test('the taskqueue worker answers a request on worker_tq_stamp through bureaucrat_msgs', async () => {
  processes.push(await startTaskqueueWorker({ port: rabbit.port }, ['tq_stamp', 'tq_flaky', 'tq_critical']));
  const target = `/0_1:${randomUUID()}`;
  const request = { name: 'response', target, origin: target, payload: { status: 'done', fields: 1 } };
  channel.sendToQueue('worker_tq_stamp', Buffer.from(JSON.stringify(request)), {
    persistent: true,
    contentType: 'application/x-bureaucrat-message',
  });
  const reply = await nextMessage('bureaucrat_msgs');
  expect(reply.properties).toMatchObject({
    deliveryMode: 2,
    contentType: 'application/x-bureaucrat-message',
  });
  expect(JSON.parse(reply.content.toString())).toEqual({
    name: 'response',
    target,
    origin: target,
    payload: { status: 'done', fields: 1, tq: 'taskqueue', tq_count: 1 },
  });
});

test('the taskqueue worker: tq_flaky errs then recovers, tq_critical fails', async () => {
  const send = (queue: string, target: string) =>
    channel.sendToQueue(
      queue,
      Buffer.from(JSON.stringify({ name: 'response', target, origin: target, payload: { status: 'done' } })),
      { persistent: true, contentType: 'application/x-bureaucrat-message' },
    );
  const flaky = `/0_3:${randomUUID()}`;
  send('worker_tq_flaky', flaky);
  const reply = async () => JSON.parse((await nextMessage('bureaucrat_msgs')).content.toString());
  expect(await reply()).toEqual({
    name: 'response',
    target: flaky,
    origin: flaky,
    payload: { status: 'error', error: 'try later' },
  });
  expect(await reply()).toEqual({
    name: 'response',
    target: flaky,
    origin: flaky,
    payload: { status: 'done', recovered: true },
  });
  const critical = `/0_4:${randomUUID()}`;
  send('worker_tq_critical', critical);
  expect(await reply()).toEqual({
    name: 'response',
    target: critical,
    origin: critical,
    payload: { status: 'critical', error: 'out of paper' },
  });
});

test('a Celery 5 worker runs a task protocol 1 message and replies from its task_success handler', async () => {
  const celery = await startCeleryWorker(rabbit.url);
  processes.push(celery);
  const target = `/0_2:${randomUUID()}`;
  // The engine's own request (src/amqp/wire.ts), so that this proves Celery runs what the bridge publishes.
  const request = participantRequest('celery', 'legacy_tasks.charge', target, { amount: 3 });
  const { id } = JSON.parse(request.content.toString()) as { id: string };
  channel.publish(request.exchange, request.routingKey, request.content, request.properties);
  const reply = await nextMessage('bureaucrat_msgs');
  expect(reply.properties).toMatchObject({
    deliveryMode: 2,
    contentType: 'application/x-bureaucrat-workitem',
  });
  expect(JSON.parse(reply.content.toString())).toEqual({
    name: 'response',
    target,
    origin: target,
    payload: { status: 'done', amount: 3, charged: true, charged_by: 'celery' },
  });
  await celery.waitFor(`legacy_tasks.charge[${id}] succeeded`, 10_000);
});

test('restart() keeps a durable queue and its persistent message', async () => {
  // The workers' connections would break with the node: stop them first.
  for (const proc of processes.splice(0)) await proc.stop();
  process.stderr.write(`[amqp] workers stopped\n`);
  await channel.assertQueue('harness_durable', { durable: true });
  channel.sendToQueue('harness_durable', Buffer.from('kept'), { persistent: true });
  await channel.assertQueue('harness_transient', { durable: false });
  await channel.close();
  await connection?.close();
  connection = undefined;
  await rabbit.restart();
  const reconnected = await connect(rabbit.url);
  expect((await nextMessage('harness_durable', 5_000)).content.toString()).toBe('kept');
  await expect(
    (async () => {
      const probe = await reconnected.createChannel();
      probe.on('error', () => undefined);
      await probe.checkQueue('harness_transient');
    })(),
  ).rejects.toThrow(/NOT_FOUND/);
});
