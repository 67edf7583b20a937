/**
 * The original engine's messages, byte for byte where a legacy program reads them: the request a
 * participant receives (a taskqueue message or a Celery protocol-1 task, as its `channelwrapper.py` built
 * them), the reply it sends back on the message queue, and the launch and event messages publishers send.
 * Pure functions over buffers: the bridge and the legacy participants do the I/O.
 */
import { randomUUID } from 'node:crypto';
import type { LegacyQueueKind } from './settings';

/** The content type of the original's messages (`Message.content_type`). */
export const BUREAUCRAT_MESSAGE_TYPE = 'application/x-bureaucrat-message';

/** A message to publish: where, what, and its AMQP properties. */
export interface OutgoingMessage {
  /** The exchange (`''`: the default exchange, which routes by queue name). */
  readonly exchange: string;
  /** The routing key (a queue name on the default exchange). */
  readonly routingKey: string;
  /** The body. */
  readonly content: Buffer;
  /** The properties the original set (persistent, content type and encoding). */
  readonly properties: {
    readonly contentType: string;
    readonly contentEncoding?: string;
    readonly persistent: true;
  };
}

/** The original's `{name, target, origin, payload}` message, as participants receive and return it. */
export interface LegacyMessage {
  /** `response` for a participant's request and reply. */
  readonly name: string;
  /** Who the reply is for: the engine's id of the action. */
  readonly target: string;
  /** Who sent the request (the same id). */
  readonly origin: string;
  /** The workitem: the action's context, with `status`. */
  readonly payload: Record<string, unknown>;
}

/**
 * The request for `participant`, as the original published it: for `taskqueue`, the message itself on
 * queue `worker_<participant>`; for `celery`, a Celery task message (protocol 1) whose single argument is
 * that message, on the exchange named after the participant's first dotted segment, with that routing key.
 * `workitem` is the action's context; `status: "done"` is added as the original added it.
 */
export function participantRequest(
  kind: LegacyQueueKind,
  participant: string,
  target: string,
  workitem: Record<string, unknown>,
): OutgoingMessage {
  const body: LegacyMessage = {
    name: 'response',
    target,
    origin: target,
    payload: { ...workitem, status: 'done' },
  };
  if (kind === 'taskqueue') {
    return {
      exchange: '',
      routingKey: `worker_${participant}`,
      content: Buffer.from(JSON.stringify(body)),
      properties: { contentType: BUREAUCRAT_MESSAGE_TYPE, persistent: true },
    };
  }
  // The fields of `celery.app.amqp.TaskProducer.publish_task()` that the original sent, in its order.
  const task = {
    task: participant,
    id: randomUUID(),
    args: [body],
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
  };
  const exchange = celeryExchange(participant);
  return {
    exchange,
    routingKey: exchange,
    content: Buffer.from(JSON.stringify(task)),
    properties: { contentType: 'application/json', contentEncoding: 'utf-8', persistent: true },
  };
}

/** The exchange (and routing key) of a Celery participant: the part of its name before the first dot. */
export function celeryExchange(participant: string): string {
  return participant.split('.', 1)[0];
}

/** A reply read from the message queue, or why it cannot be used. */
export type ReadReply = { readonly reply: LegacyMessage } | { readonly problem: string };

/** Reads a participant's reply: a JSON `{name, target, origin, payload}` with an object payload. */
export function readReply(content: Buffer): ReadReply {
  const read = readJsonObject(content);
  if ('problem' in read) return read;
  const { name, target, origin, payload } = read.object;
  if (typeof target !== 'string') return { problem: 'no "target" string' };
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return { problem: 'no "payload" object' };
  return {
    reply: {
      name: typeof name === 'string' ? name : '',
      target,
      origin: typeof origin === 'string' ? origin : '',
      payload: payload as Record<string, unknown>,
    },
  };
}

/** A message body that is a JSON object, or why it is not one. */
function readJsonObject(content: Buffer): { object: Record<string, unknown> } | { problem: string } {
  let body: unknown;
  try {
    body = JSON.parse(content.toString('utf8'));
  } catch (err) {
    return { problem: `not JSON: ${(err as Error).message}` };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { problem: 'not a JSON object' };
  return { object: body as Record<string, unknown> };
}

/**
 * The `target` of a request: the action's id in the original's form (`<process>_0_2`), then `#` and the
 * activity's task token (base64url). The reply brings it back unchanged, so whichever bridge reads the
 * reply completes the very attempt that sent the request, with no state kept between the two: a bridge that
 * restarts in between loses nothing, and a reply to an attempt that was retried since finds it gone.
 */
export function requestTarget(activityId: string, taskToken: Uint8Array): string {
  return `${activityId}#${Buffer.from(taskToken).toString('base64url')}`;
}

/** The task token a reply's `target` carries, if it carries one. */
export function taskTokenOf(target: string): Uint8Array | undefined {
  const at = target.lastIndexOf('#');
  if (at === -1) return undefined;
  const token = target.slice(at + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  return new Uint8Array(Buffer.from(token, 'base64url'));
}

/** An event message read from the event queue, or why it cannot be used. */
export type ReadEvent =
  { readonly event: { event: string } & Record<string, unknown> } | { readonly problem: string };

/** Reads an event message: a JSON object with a non-empty string `event` (the original's `fakeevent.py`). */
export function readEvent(content: Buffer): ReadEvent {
  const read = readJsonObject(content);
  if ('problem' in read) return read;
  const { event } = read.object;
  if (typeof event !== 'string' || !event) return { problem: 'no "event" name (a non-empty string)' };
  return { event: read.object as { event: string } & Record<string, unknown> };
}
