/**
 * The AMQP bridge: the original engine's launch and event queues served by this engine. Publishers keep
 * publishing what they always did (the launcher's XML on `bureaucrat`, `{"event": …}` on
 * `bureaucrat_events`); the bridge starts the processes and publishes the events through the client API.
 *
 * Every message passes two steps, so that a crash at any point starts nothing twice and loses nothing:
 * 1. **Intake**: the message is checked (well-formed XML and a valid definition; a JSON object with an
 *    `event`) and given its id: the publisher's `message_id`, else its `correlation_id`, else a new UUID.
 *    In one AMQP transaction, its copy with the id in header `x-bureaucrat-id` is published to
 *    `<queue>_accepted` (or, unusable, to the dead-letter queue with the reason in `x-bureaucrat-reason`)
 *    and the original is acked. A message is therefore stamped exactly once, however often it is delivered.
 * 2. **Work**: an accepted launch starts the process under its id (a start of an id that is running or has
 *    completed starts nothing); an accepted event is published with its id as the event id (the router
 *    drops an id it has seen). The message is acked only after Temporal accepted the start or the event;
 *    while Temporal is unreachable it stays unacked and is retried with backoff.
 *
 * The connection recovers by itself when RabbitMQ restarts (unacked messages come back and go through the
 * same steps); `stop()` stops consuming, lets the messages in hand finish, and closes.
 */
import { randomUUID } from 'node:crypto';
import {
  type Channel,
  type ChannelModel,
  type ConsumeMessage,
  type Options,
  type RecoveringChannelModel,
} from 'amqplib';
import type { Client } from '@temporalio/client';
import { BureaucratError } from '../errors';
import { parseDefinition } from '../definition';
import { Launcher } from '../client/launcher';
import { Events } from '../client/events';
import { DEFAULT_TASK_QUEUE } from '../client/connection';
import { parseRoutes, ROUTES_ENV, type Routes } from '../routes';
import { resolveAmqpSettings, redactedUrl, type AmqpSettings, type AmqpSettingsSource } from './settings';
import { readEvent } from './wire';
import {
  ackQuietly,
  copyOptions,
  deadLetterOptions,
  amqpUnavailable,
  connectRecovering,
  ID_HEADER,
  isInvalidArgument,
  messageOf,
  untilTaken,
} from './connection';
import { commit, selectTransactions } from './transaction';

/** The queue accepted messages of `queue` wait in, with their ids (the bridge's own). */
export const acceptedQueue = (queue: string) => `${queue}_accepted`;

/** Options of {@link AmqpBridge.start}. */
export interface AmqpBridgeOptions extends AmqpSettingsSource {
  /** The Temporal client launches and events go through. */
  readonly client: Client;
  /** The interpreter workers' task queue (`bureaucrat` by default). */
  readonly taskQueue?: string;
  /** How many messages of each queue may be in hand at once (AMQP prefetch); 50 by default. */
  readonly prefetch?: number;
  /**
   * Routes of the processes it launches (participant name or glob → task queue), over
   * `$BUREAUCRAT_ROUTES`: how the legacy participants the bridge serves are reached.
   */
  readonly routes?: Routes;
  /** Where it reports (one line each); stderr by default. */
  readonly log?: (line: string) => void;
}

/** What the bridge has done since it started. */
export interface AmqpBridgeCounts {
  /** Processes started. */
  launched: number;
  /** Launches whose id was running or completed already: nothing started. */
  duplicates: number;
  /** Events published. */
  events: number;
  /** Messages sent to the dead-letter queue. */
  deadLettered: number;
}

/** The kinds of message the bridge takes. */
type Kind = 'launch' | 'event';

/** One connection's channels: replaced when the connection recovers. */
interface Session {
  readonly intake: Channel;
  readonly work: Channel;
  /** Each consumer's channel and tag, to cancel them on stop. */
  readonly consumers: [Channel, string][];
  closed: boolean;
}

/** A running bridge (see the module comment). */
export class AmqpBridge {
  /** What it has done so far. */
  readonly counts: AmqpBridgeCounts = { launched: 0, duplicates: 0, events: 0, deadLettered: 0 };
  private readonly launcher: Launcher;
  private readonly events: Events;
  private readonly log: (line: string) => void;
  private readonly prefetch: number;
  private readonly routes: Routes | undefined;
  private readonly inHand = new Set<Promise<void>>();
  private session: Session | undefined;
  private connection: RecoveringChannelModel | undefined;
  private stopping = false;
  private stopped: Promise<void> | undefined;

  private constructor(
    /** The queue names and broker it serves. */
    readonly settings: AmqpSettings,
    options: AmqpBridgeOptions,
  ) {
    const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
    this.launcher = new Launcher(options.client, taskQueue);
    this.events = new Events(options.client, taskQueue);
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.prefetch = options.prefetch ?? 50;
    const routes = { ...parseRoutes(process.env[ROUTES_ENV] ?? ''), ...options.routes };
    this.routes = Object.keys(routes).length ? routes : undefined;
  }

  /**
   * Connects to RabbitMQ, declares the original's queues (durable) and its own, and starts serving. Resolves
   * once it consumes; rejects when the broker cannot be reached now (later losses are recovered).
   */
  static async start(options: AmqpBridgeOptions): Promise<AmqpBridge> {
    const settings = resolveAmqpSettings(options);
    if (options.prefetch !== undefined && !(Number.isInteger(options.prefetch) && options.prefetch > 0))
      throw new TypeError(`prefetch must be a whole number from 1, got ${options.prefetch}`);
    const bridge = new AmqpBridge(settings, options);
    const where = redactedUrl(settings.url);
    const connection = await connectRecovering(settings.url, (model) => bridge.open(model)).catch(
      (err: unknown) => {
        throw amqpUnavailable(where, err);
      },
    );
    bridge.connection = connection;
    connection.on('disconnect', (err: Error) => {
      if (bridge.session) bridge.session.closed = true;
      if (!bridge.stopping) bridge.log(`amqp: connection to ${where} lost (${err.message}); reconnecting`);
    });
    let failures = 0;
    connection.on('connect', () => {
      failures = 0;
      bridge.log(`amqp: connected to ${where}`);
    });
    connection.on('connect-failed', (err: Error) => {
      // The first failure of an outage, then every tenth: a broker down for minutes fills no log.
      if (!bridge.stopping && failures++ % 10 === 0) {
        bridge.log(`amqp: reconnecting to ${where} failed (${err.message}); still trying every few seconds`);
      }
    });
    connection.on('error', () => undefined); // reported through 'disconnect'
    return bridge;
  }

  /** Stops consuming, waits for the messages in hand (up to `graceMs`), and closes the connection. */
  stop(graceMs = 10_000): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      const session = this.session;
      if (session && !session.closed) {
        for (const [channel, tag] of session.consumers) await channel.cancel(tag).catch(() => undefined);
      }
      const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.allSettled([...this.inHand]), grace]);
      await this.connection?.close().catch(() => undefined);
    })();
    return this.stopped;
  }

  /** Declares the queues and starts the consumers on a new connection. */
  private async open(model: ChannelModel): Promise<void> {
    const s = this.settings;
    const intake = await model.createChannel();
    const work = await model.createChannel();
    const durable: Options.AssertQueue = { durable: true, exclusive: false, autoDelete: false };
    for (const queue of [s.launchQueue, s.eventQueue, s.messageQueue, s.deadLetterQueue]) {
      await intake.assertQueue(queue, durable);
    }
    for (const queue of [s.launchQueue, s.eventQueue])
      await intake.assertQueue(acceptedQueue(queue), durable);
    if (s.launchExchange) await intake.bindQueue(s.launchQueue, s.launchExchange, s.launchQueue);
    await selectTransactions(intake);
    await intake.prefetch(this.prefetch);
    await work.prefetch(this.prefetch);
    const session: Session = { intake, work, consumers: [], closed: false };
    this.session = session;
    const stamper = new Stamper(intake, () => session.closed, this.log);
    const queues: [string, Kind][] = [
      [s.launchQueue, 'launch'],
      [s.eventQueue, 'event'],
    ];
    for (const [queue, kind] of queues) {
      const taken = await intake.consume(queue, (msg) => {
        if (msg) stamper.add(msg, this.intake(kind, queue, msg));
      });
      const accepted = await work.consume(acceptedQueue(queue), (msg) => {
        if (msg) this.track(this.work(session, kind, queue, msg));
      });
      session.consumers.push([intake, taken.consumerTag], [work, accepted.consumerTag]);
    }
  }

  /** Step 1 for one message: its stamped copy, or its dead letter. */
  private intake(kind: Kind, queue: string, msg: ConsumeMessage): Stamped {
    const problem = kind === 'launch' ? launchProblem(msg.content) : eventProblem(msg.content);
    const { properties } = msg;
    const id =
      (properties.messageId as string | undefined) || (properties.correlationId as string | undefined);
    if (problem) {
      this.counts.deadLettered++;
      this.log(`amqp: dead-lettered a message from ${queue}: ${problem}`);
      return {
        queue: this.settings.deadLetterQueue,
        content: msg.content,
        options: deadLetterOptions(msg, problem, queue),
      };
    }
    return {
      queue: acceptedQueue(queue),
      content: msg.content,
      options: copyOptions(msg, { [ID_HEADER]: id || randomUUID() }),
    };
  }

  /** Step 2 for one accepted message: start or publish, then ack; unusable after all: dead-letter. */
  private async work(session: Session, kind: Kind, queue: string, msg: ConsumeMessage): Promise<void> {
    const id = String((msg.properties.headers ?? {})[ID_HEADER] ?? '');
    const taken = await untilTaken(
      () => (kind === 'launch' ? this.launch(id, msg.content) : this.publishEvent(id, msg.content)),
      isPermanent,
      () => this.stopping || session.closed,
      (err, delay) =>
        this.log(`amqp: Temporal did not take ${kind} ${id} (${messageOf(err)}); retrying in ${delay} ms`),
    );
    if ('abandoned' in taken) return; // unacked: the broker delivers it again
    if ('refused' in taken) await this.deadLetterLate(session, queue, msg, messageOf(taken.refused));
    else if (!session.closed) ackQuietly(session.work, msg);
  }

  private async launch(id: string, content: Buffer): Promise<void> {
    const { started } = await this.launcher.start(
      content.toString('utf8'),
      {},
      {
        processId: id,
        ...(this.routes && { routes: this.routes }),
      },
    );
    if (started) this.counts.launched++;
    else {
      this.counts.duplicates++;
      this.log(`amqp: process ${id} was started before: this delivery starts nothing`);
    }
  }

  private async publishEvent(id: string, content: Buffer): Promise<void> {
    const read = readEvent(content);
    if ('problem' in read) throw new UnusableMessage(read.problem);
    await this.events.publish(read.event, { id });
    this.counts.events++;
  }

  /** A message Temporal refused for good: to the dead-letter queue (confirmed), then acked. */
  private async deadLetterLate(
    session: Session,
    queue: string,
    msg: ConsumeMessage,
    reason: string,
  ): Promise<void> {
    this.counts.deadLettered++;
    this.log(`amqp: dead-lettered a message from ${acceptedQueue(queue)}: ${reason}`);
    try {
      session.work.sendToQueue(
        this.settings.deadLetterQueue,
        msg.content,
        deadLetterOptions(msg, reason, queue),
      );
      ackQuietly(session.work, msg);
    } catch {
      // The channel is gone: the message comes back and is tried again.
    }
  }

  private track(work: Promise<void>): void {
    this.inHand.add(work);
    void work.finally(() => this.inHand.delete(work));
  }
}

/** A message's stamped copy or dead letter: what step 1 publishes. */
interface Stamped {
  readonly queue: string;
  readonly content: Buffer;
  readonly options: Options.Publish;
}

/**
 * Step 1's transactions: the messages delivered while a commit runs are published and acked together in
 * the next one, so a burst costs a few commits, not one each.
 */
class Stamper {
  private batch: { msg: ConsumeMessage; out: Stamped }[] = [];
  private flushing = false;

  constructor(
    private readonly channel: Channel,
    private readonly closed: () => boolean,
    private readonly log: (line: string) => void,
  ) {}

  add(msg: ConsumeMessage, out: Stamped): void {
    this.batch.push({ msg, out });
    if (!this.flushing) void this.flush();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.batch.length && !this.closed()) {
        const batch = this.batch;
        this.batch = [];
        for (const { msg, out } of batch) {
          this.channel.sendToQueue(out.queue, out.content, out.options);
          this.channel.ack(msg);
        }
        await commit(this.channel);
      }
    } catch (err) {
      // The channel or connection failed: nothing of this batch was committed; it is delivered again.
      if (!this.closed()) this.log(`amqp: intake commit failed (${messageOf(err)}); the messages come again`);
    } finally {
      this.flushing = false;
    }
  }
}

/** Why a launch message cannot start a process, or undefined when it can. */
function launchProblem(content: Buffer): string | undefined {
  const xml = content.toString('utf8');
  if (!xml.trimStart().startsWith('<')) return 'not XML: a launch message is a process definition';
  try {
    parseDefinition(xml);
    return undefined;
  } catch (err) {
    return messageOf(err);
  }
}

/** Why an event message cannot be published, or undefined when it can. */
function eventProblem(content: Buffer): string | undefined {
  const read = readEvent(content);
  return 'problem' in read ? read.problem : undefined;
}

/** A message the work step finds unusable (the intake checks should have caught it). */
class UnusableMessage extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'UnusableMessage';
  readonly code = 'UNUSABLE_MESSAGE';
}

/**
 * Whether Temporal's refusal is for good (the message goes to the dead-letter queue) rather than for now
 * (it is retried): an invalid definition or message, or a request Temporal calls invalid (too large).
 */
function isPermanent(err: unknown): boolean {
  if (err instanceof BureaucratError) return err.code !== 'TEMPORAL_UNAVAILABLE';
  return err instanceof TypeError || isInvalidArgument(err);
}
