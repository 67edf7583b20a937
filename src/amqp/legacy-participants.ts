/**
 * Participants written for the original engine, served over its wire: a taskqueue worker on
 * `worker_<participant>`, or a Celery task. Each matching `<action>` is a Temporal activity that publishes
 * the workitem exactly as the original did and then completes asynchronously (Temporal's async completion):
 * the reply, read from the message queue (`bureaucrat_msgs`), completes it by the task token its `target`
 * carries (see `requestTarget`). The activity keeps the action's timeouts and retries: an attempt that gets
 * no reply in time is retried, and publishes again.
 *
 * Replies follow the original's status rules: `done` completes the action with the payload's fields,
 * `critical` faults it with `ActionError`, `error` is logged and the action keeps waiting, any other
 * status is logged and ignored. A reply for an attempt that no longer waits is logged and dropped; a reply
 * that is not one goes to the dead-letter queue.
 */
import { Context, CompleteAsyncError } from '@temporalio/activity';
import { ActivityCancelledError, ActivityNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, RecoveringChannelModel } from 'amqplib';
import { workitemOf, type ActionInput, type Workitem } from '../protocol';
import { routeFor, type Routes } from '../routes';
import {
  ackQuietly,
  deadLetterOptions,
  amqpUnavailable,
  connectRecovering,
  isInvalidArgument,
  messageOf,
  untilTaken,
} from './connection';
import {
  resolveAmqpSettings,
  redactedUrl,
  type AmqpSettings,
  type AmqpSettingsSource,
  type LegacyQueueKind,
} from './settings';
import {
  celeryExchange,
  participantRequest,
  readReply,
  requestTarget,
  taskTokenOf,
  type OutgoingMessage,
} from './wire';

/** The task queue `bureaucrat amqp` serves legacy participants on, unless told otherwise. */
export const LEGACY_TASK_QUEUE = 'bureaucrat-amqp';

/** The failure type of an action routed here whose participant no pattern matches. */
export const NOT_SERVED_TYPE = 'ParticipantNotServed';

/** Options of {@link LegacyParticipants.connect}. */
export interface LegacyParticipantsOptions extends AmqpSettingsSource {
  /** The Temporal client replies complete actions through (and heartbeats go through). */
  readonly client: Client;
  /** Participant names or globs (`billing.*`) served by taskqueue workers on `worker_<participant>`. */
  readonly taskqueue?: readonly string[];
  /** Participant names or globs served as Celery tasks (protocol 1, exchange = first dotted segment). */
  readonly celery?: readonly string[];
  /** Where it reports (one line each); stderr by default. */
  readonly log?: (line: string) => void;
}

/** How often a waiting action is heartbeated when it has no heartbeat timeout (to learn of cancellation). */
const IDLE_HEARTBEAT_MS = 30_000;

/** An action waiting for its reply: heartbeated until the reply comes or Temporal forgets it. */
interface Waiting {
  readonly token: Uint8Array;
  readonly everyMs: number;
  next: number;
}

/** Legacy participants on one RabbitMQ connection (see the module comment). */
export class LegacyParticipants {
  private readonly kinds: Routes;
  private readonly log: (line: string) => void;
  private readonly waiting = new Map<string, Waiting>();
  private readonly knownExchanges = new Set<string>();
  private publisher: ConfirmChannel | undefined;
  private model: ChannelModel | undefined;
  private connection: RecoveringChannelModel | undefined;
  private heartbeats: NodeJS.Timeout | undefined;
  private readonly returned = new Set<string>();
  private closing = false;

  private constructor(
    /** The broker and queue names. */
    readonly settings: AmqpSettings,
    private readonly options: LegacyParticipantsOptions,
  ) {
    const kinds: Record<string, string> = {};
    for (const pattern of options.taskqueue ?? []) kinds[pattern] = 'taskqueue';
    for (const pattern of options.celery ?? []) kinds[pattern] = 'celery';
    if (!Object.keys(kinds).length)
      throw new TypeError('legacy participants need a --taskqueue or --celery pattern');
    this.kinds = kinds;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Connects to RabbitMQ and consumes the message queue; rejects when the broker cannot be reached now. */
  static async connect(options: LegacyParticipantsOptions): Promise<LegacyParticipants> {
    const participants = new LegacyParticipants(resolveAmqpSettings(options), options);
    const where = redactedUrl(participants.settings.url);
    participants.connection = await connectRecovering(participants.settings.url, (model) =>
      participants.open(model),
    ).catch((err: unknown) => {
      throw amqpUnavailable(where, err);
    });
    participants.connection.on('disconnect', () => {
      participants.publisher = undefined;
      participants.model = undefined;
    });
    participants.connection.on('error', () => undefined);
    participants.heartbeats = setInterval(() => void participants.heartbeat(), 1000);
    participants.heartbeats.unref();
    return participants;
  }

  /** How `participant` is reached (`taskqueue` or `celery`), or undefined when no pattern matches it. */
  kindOf(participant: string): LegacyQueueKind | undefined {
    return routeFor(this.kinds, participant) as LegacyQueueKind | undefined;
  }

  /** Routes sending every served participant to `taskQueue` (for processes that should reach them there). */
  routes(taskQueue: string): Routes {
    return Object.fromEntries(Object.keys(this.kinds).map((pattern) => [pattern, taskQueue]));
  }

  /**
   * The activities to register on a worker: one per exact name and, when a glob is among the patterns, the
   * worker's default activity (which refuses an activity type no pattern matches).
   */
  activities(): Record<string, (input: ActionInput | Workitem) => Promise<never>> {
    const request = (input: ActionInput | Workitem) => this.request(input);
    const activities: Record<string, (input: ActionInput | Workitem) => Promise<never>> = {};
    for (const pattern of Object.keys(this.kinds)) {
      if (pattern.includes('*')) activities.default = request;
      else activities[pattern] = request;
    }
    return activities;
  }

  /** Stops consuming replies and heartbeating, and closes the connection. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeats);
    await this.connection?.close().catch(() => undefined);
  }

  /** The activity: publish the request, then leave the attempt open for the reply. */
  private async request(input: ActionInput | Workitem): Promise<never> {
    const { info } = Context.current();
    const workitem = workitemOf(input, info);
    const participant = info.activityType;
    const kind = this.kindOf(participant);
    if (!kind) {
      throw ApplicationFailure.nonRetryable(
        `participant ${participant} is routed to this queue but none of its legacy patterns matches it ` +
          `(${Object.keys(this.kinds).join(', ')})`,
        NOT_SERVED_TYPE,
      );
    }
    const target = requestTarget(workitem.activityId, info.taskToken);
    await this.publish(participantRequest(kind, participant, target, { ...workitem.fields }), participant);
    const key = Buffer.from(info.taskToken).toString('base64url');
    const everyMs = info.heartbeatTimeoutMs ? Math.max(500, info.heartbeatTimeoutMs / 3) : IDLE_HEARTBEAT_MS;
    this.waiting.set(key, { token: info.taskToken, everyMs, next: Date.now() + everyMs });
    throw new CompleteAsyncError();
  }

  /**
   * Publishes a request, confirmed by the broker, and mandatory: a request no queue takes (no taskqueue
   * worker declared `worker_<participant>`) fails the attempt, which is retried, rather than vanishing.
   */
  private async publish(message: OutgoingMessage, participant: string): Promise<void> {
    const model = this.model;
    const channel = this.publisher;
    if (!model || !channel) throw new Error(`RabbitMQ at ${redactedUrl(this.settings.url)} is not connected`);
    if (message.exchange && !this.knownExchanges.has(message.exchange)) {
      const probe = await model.createChannel();
      probe.on('error', () => undefined);
      try {
        await probe.checkExchange(message.exchange);
        this.knownExchanges.add(message.exchange);
      } catch {
        throw new Error(
          `exchange ${message.exchange} does not exist: start the Celery worker of ${participant} ` +
            `(its queue declares the exchange ${celeryExchange(participant)})`,
        );
      } finally {
        await probe.close().catch(() => undefined);
      }
    }
    const messageId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    await new Promise<void>((resolve, reject) => {
      // A confirm that never comes (the connection died with the request in flight) fails the attempt.
      const timer = setTimeout(
        () => reject(new Error(`RabbitMQ did not confirm the request for ${participant}`)),
        30_000,
      );
      timer.unref();
      channel.publish(
        message.exchange,
        message.routingKey,
        message.content,
        { ...message.properties, mandatory: true, messageId },
        (err) => {
          clearTimeout(timer);
          if (err) reject(new Error(`RabbitMQ refused the request for ${participant}`));
          else resolve();
        },
      );
    });
    if (this.returned.delete(messageId)) {
      throw new Error(
        message.exchange
          ? `no queue is bound to exchange ${message.exchange} with key ${message.routingKey}: is the Celery worker of ${participant} running?`
          : `no queue ${message.routingKey}: is the taskqueue worker of ${participant} running?`,
      );
    }
  }

  /** Opens the publishing channel and the reply consumer on a new connection. */
  private async open(model: ChannelModel): Promise<void> {
    const { messageQueue, deadLetterQueue } = this.settings;
    const publisher = await model.createConfirmChannel();
    publisher.on('return', (msg: ConsumeMessage) => {
      if (msg.properties.messageId) this.returned.add(String(msg.properties.messageId));
    });
    publisher.on('error', () => undefined);
    const replies = await model.createChannel();
    replies.on('error', () => undefined);
    const durable = { durable: true, exclusive: false, autoDelete: false };
    await replies.assertQueue(messageQueue, durable);
    await replies.assertQueue(deadLetterQueue, durable);
    await replies.prefetch(50);
    await replies.consume(messageQueue, (msg) => {
      if (msg) void this.reply(replies, msg);
    });
    this.model = model;
    this.publisher = publisher;
  }

  /** One reply from the message queue (see the module comment for the rules). */
  private async reply(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const read = readReply(msg.content);
    const token = 'reply' in read ? taskTokenOf(read.reply.target) : undefined;
    if (!('reply' in read) || !token) {
      const reason =
        'problem' in read
          ? `not a reply: ${read.problem}`
          : `not a reply to this engine (target ${read.reply.target})`;
      this.log(`amqp: dead-lettered a message from ${this.settings.messageQueue}: ${reason}`);
      channel.sendToQueue(
        this.settings.deadLetterQueue,
        msg.content,
        deadLetterOptions(msg, reason, this.settings.messageQueue),
      );
      ackQuietly(channel, msg);
      return;
    }
    const { payload, target } = read.reply;
    const action = target.slice(0, target.lastIndexOf('#'));
    const status = payload.status;
    let result: unknown;
    if (status === 'done') result = payload;
    else if (status === 'critical') {
      result = { status: 'critical', error: typeof payload.error === 'string' ? payload.error : 'critical' };
    } else {
      if (status === 'error') {
        this.log(`amqp: action ${action} replied error (${String(payload.error ?? '')}); it keeps waiting`);
      } else this.log(`amqp: action ${action} replied status ${JSON.stringify(status)}: ignored`);
      ackQuietly(channel, msg);
      return;
    }
    const key = Buffer.from(token).toString('base64url');
    const taken = await untilTaken(
      () => this.options.client.activity.complete(token, result),
      (err) => err instanceof ActivityNotFoundError || isInvalidArgument(err),
      () => this.closing,
      (err, delay) =>
        this.log(
          `amqp: Temporal did not take the reply for ${action} (${messageOf(err)}); retrying in ${delay} ms`,
        ),
    );
    if ('abandoned' in taken) return; // unacked: delivered again to the next consumer
    if ('refused' in taken) {
      this.log(
        `amqp: a reply for action ${action}, which no longer waits (retried, timed out or cancelled): dropped`,
      );
    }
    this.waiting.delete(key);
    ackQuietly(channel, msg);
  }

  /** Heartbeats the waiting actions that are due; reports the cancelled ones; forgets the finished ones. */
  private async heartbeat(): Promise<void> {
    const now = Date.now();
    const due = [...this.waiting.entries()].filter(([, w]) => w.next <= now);
    await Promise.all(
      due.map(async ([key, w]) => {
        w.next = now + w.everyMs;
        try {
          await this.options.client.activity.heartbeat(w.token);
        } catch (err) {
          if (err instanceof ActivityCancelledError) {
            this.waiting.delete(key);
            await this.options.client.activity.reportCancellation(w.token).catch(() => undefined);
          } else if (err instanceof ActivityNotFoundError || isInvalidArgument(err)) this.waiting.delete(key);
        }
      }),
    );
  }
}
