/**
 * The original engine's AMQP wire as the bridge reads and writes it: config files, participant requests
 * (taskqueue and Celery protocol 1, as `channelwrapper.py` built them), replies and events.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AmqpConfigError,
  DEFAULT_AMQP_SETTINGS,
  parseAmqpConfig,
  resolveAmqpSettings,
} from '../../src/amqp/settings';
import { participantRequest, readEvent, readReply, requestTarget, taskTokenOf } from '../../src/amqp/wire';

describe('the original config.ini', () => {
  it('reads [amqp] into a URL and [bureaucrat] into queue names, as the example config writes them', () => {
    const text = [
      '[DEFAULT]',
      '[amqp]',
      'host = rabbit.internal',
      'user = bureau',
      'passwd = p@ss/word',
      'vhost = /prod',
      '',
      '[bureaucrat]',
      '; the engine listens to this queue to trigger events',
      'storage_dir = /tmp/process_storage',
      'taskqueue_type = celery',
      'message_queue = msgs',
      'event_queue = events',
    ].join('\n');
    expect(parseAmqpConfig(text)).toEqual({
      url: 'amqp://bureau:p%40ss%2Fword@rabbit.internal:5672/%2Fprod',
      taskqueueType: 'celery',
      messageQueue: 'msgs',
      eventQueue: 'events',
    });
  });

  it('keeps the defaults for what the file leaves out; the URL wins over [amqp]', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'amqp-config-'));
    const file = path.join(dir, 'config.ini');
    writeFileSync(file, '[amqp]\nhost = a\n[bureaucrat]\nlauncher_routing_key = launches\n');
    expect(resolveAmqpSettings({ config: file })).toEqual({
      ...DEFAULT_AMQP_SETTINGS,
      url: 'amqp://guest:guest@a:5672/%2F',
      launchQueue: 'launches',
    });
    expect(resolveAmqpSettings({ config: file, url: 'amqp://b:5672/' }).url).toBe('amqp://b:5672/');
  });

  it('names the file and the value it cannot use', () => {
    expect(() => parseAmqpConfig('[bureaucrat]\ntaskqueue_type = kafka\n', 'c.ini')).toThrow(
      new AmqpConfigError('c.ini: [bureaucrat] taskqueue_type must be taskqueue or celery, not "kafka"'),
    );
    expect(() => resolveAmqpSettings({ config: '/nonexistent/config.ini' })).toThrow(
      /cannot read the config file \/nonexistent\/config.ini/,
    );
    expect(() => resolveAmqpSettings({ url: 'http://rabbit:5672/' })).toThrow(/amqp:\/\/ or amqps:\/\/ URL/);
  });
});

describe('participant requests', () => {
  const workitem = { order: 7, customer: 'ACME' };

  it('taskqueue: the message itself on worker_<participant>, as the original sent it', () => {
    const request = participantRequest('taskqueue', 'tq_stamp', 'p1_0_1#tok', workitem);
    expect(request.exchange).toBe('');
    expect(request.routingKey).toBe('worker_tq_stamp');
    expect(request.properties).toEqual({ contentType: 'application/x-bureaucrat-message', persistent: true });
    expect(JSON.parse(request.content.toString())).toEqual({
      name: 'response',
      target: 'p1_0_1#tok',
      origin: 'p1_0_1#tok',
      payload: { order: 7, customer: 'ACME', status: 'done' },
    });
  });

  it('celery: a protocol-1 task message on the exchange of the first dotted segment', () => {
    const request = participantRequest('celery', 'webhook_launcher.tasks.handle', 'p1_0_2#tok', workitem);
    expect(request.exchange).toBe('webhook_launcher');
    expect(request.routingKey).toBe('webhook_launcher');
    expect(request.properties).toEqual({
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      persistent: true,
    });
    const task = JSON.parse(request.content.toString()) as Record<string, unknown>;
    expect(task).toEqual({
      task: 'webhook_launcher.tasks.handle',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      args: [
        {
          name: 'response',
          target: 'p1_0_2#tok',
          origin: 'p1_0_2#tok',
          payload: { order: 7, customer: 'ACME', status: 'done' },
        },
      ],
      kwargs: {},
      retries: 0,
      eta: null,
      expires: null,
      utc: true,
      callbacks: null,
      errbacks: null,
      timelimit: [null, null],
      taskset: null,
      chord: null,
    });
  });

  it("a request's target carries the task token back, whatever the process id holds", () => {
    const token = new Uint8Array([0, 1, 2, 250, 251, 255, 35, 95]);
    const target = requestTarget('order#7_with_underscores_0_1', token);
    expect(target.startsWith('order#7_with_underscores_0_1#')).toBe(true);
    expect(taskTokenOf(target)).toEqual(token);
    expect(taskTokenOf('a1b2c3_0_1')).toBeUndefined(); // the original engine's own targets
    expect(taskTokenOf('x#not base64!')).toBeUndefined();
  });
});

describe('replies and events', () => {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('reads a reply, and says why a message is not one', () => {
    const reply = { name: 'response', target: 't#a', origin: 't#a', payload: { status: 'done', x: 1 } };
    expect(readReply(json(reply))).toEqual({ reply });
    expect(readReply(Buffer.from('{oops'))).toEqual({ problem: expect.stringMatching(/^not JSON/) });
    expect(readReply(json([1]))).toEqual({ problem: 'not a JSON object' });
    expect(readReply(json({ payload: {} }))).toEqual({ problem: 'no "target" string' });
    expect(readReply(json({ target: 't', payload: [] }))).toEqual({ problem: 'no "payload" object' });
  });

  it('reads an event message as fakeevent.py wrote it, and says why a message is not one', () => {
    expect(readEvent(json({ event: 'paid', order: 7 }))).toEqual({ event: { event: 'paid', order: 7 } });
    expect(readEvent(Buffer.from('paid'))).toEqual({ problem: expect.stringMatching(/^not JSON/) });
    expect(readEvent(json({ order: 7 }))).toEqual({ problem: 'no "event" name (a non-empty string)' });
    expect(readEvent(json({ event: '' }))).toEqual({ problem: 'no "event" name (a non-empty string)' });
  });
});
