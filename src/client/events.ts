/**
 * The original's global events on Temporal: `trigger(name, data)` reaches every `<await>` on that name
 * waiting at that moment, exactly once, in every process (see `workflows/event-router.ts` for how).
 * Options narrow it to the awaits of one correlation key, keep it for awaits that start later (ttl), and
 * make publishing idempotent (id).
 */
import type { Client } from '@temporalio/client';
import { msToNumber, type Duration } from '@temporalio/common/lib/time';
import { batchSignal, newRouterState, signalRouter } from '../../activities/events';
import type { EventMessage } from '../protocol';
import { eventRouterId, TRIGGER_SIGNAL, type Trigger } from '../wire/router';
import { connectClient, DEFAULT_TASK_QUEUE, type ConnectionOptions } from './connection';
import { ProcessHandle } from './process-handle';
import { SignalOutbox } from './signal-outbox';

/** How a triggered event is routed (all optional; none = a broadcast to the awaits waiting now). */
export interface TriggerOptions {
  /**
   * Correlation key: only awaits whose `key="…"` evaluated to an equal value receive it (a number and its
   * decimal text are equal); awaits without a key do not.
   */
  readonly key?: string | number;
  /**
   * Time to live (`'10m'`, `'30s'` or milliseconds): awaits that start within it still receive the event,
   * each once. Without it, only the awaits waiting at trigger time receive it.
   */
  readonly ttl?: Duration;
  /** Event id: publishing the same id again (on the same event name) is delivered and fires triggers once. */
  readonly id?: string;
}

/**
 * Sends events.
 *
 * @example
 * const events = await Events.connect();
 * await events.trigger('payment_received', { order: 42, amount: 150 });
 * await events.publish({ event: 'payment_received', order: 42 }); // the original JSON message
 */
export class Events {
  /** Triggers published while another of their name is in flight go together, as one signal. */
  private readonly outbox = new SignalOutbox<Trigger>((name, triggers) => this.signal(name, triggers));

  constructor(
    /** The Temporal client it works through. */
    readonly client: Client,
    /** The task queue of the interpreter workers. */
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
  ) {}

  /** Events on the connection `options` describe (envconfig by default). */
  static async connect(options: ConnectionOptions = {}): Promise<Events> {
    return new Events(await connectClient(options), options.taskQueue);
  }

  /**
   * Broadcasts event `name` with `data` (see {@link TriggerOptions} for keys, ttl and ids); resolves once
   * the event is recorded (delivery follows). Events published concurrently on one name are recorded in
   * the order of these calls, several to a signal.
   */
  async trigger(
    name: string,
    data: Record<string, unknown> = {},
    options: TriggerOptions = {},
  ): Promise<void> {
    if (!name) throw new TypeError('an event needs a name');
    const message: EventMessage = { ...data, event: name };
    await this.outbox.send(name, { message, ...routing(options) });
  }

  /** Broadcasts the original event message `{ event: name, ...data }`. */
  async publish(message: EventMessage, options: TriggerOptions = {}): Promise<void> {
    if (typeof message?.event !== 'string') throw new TypeError('an event message needs a string "event"');
    const { event, ...data } = message;
    await this.trigger(event, data, options);
  }

  /** Sends event `name` to one process only. */
  async send(processId: string, name: string, data: Record<string, unknown> = {}): Promise<void> {
    await new ProcessHandle(this.client, processId).event(name, data);
  }

  /** Records `triggers` of event `name` in its router (starting it if need be): one signal. */
  private async signal(name: string, triggers: readonly Trigger[]): Promise<void> {
    await signalRouter(this.client, {
      routerId: eventRouterId(name),
      taskQueue: this.taskQueue,
      state: newRouterState(name),
      ...batchSignal(TRIGGER_SIGNAL, triggers),
    });
  }
}

/** The routing fields of a trigger, validated: a bad option throws a TypeError naming it. */
function routing({ key, ttl, id }: TriggerOptions): Pick<Trigger, 'key' | 'ttlMs' | 'id'> {
  if (key !== undefined && typeof key !== 'string' && !(typeof key === 'number' && Number.isFinite(key)))
    throw new TypeError(`key must be a string or a number, got ${JSON.stringify(key)}`);
  if (id !== undefined && (typeof id !== 'string' || !id))
    throw new TypeError(`id must be a non-empty string, got ${JSON.stringify(id)}`);
  let ttlMs: number | undefined;
  if (ttl !== undefined) {
    try {
      ttlMs = msToNumber(ttl);
    } catch {
      ttlMs = NaN;
    }
    if (!Number.isFinite(ttlMs) || ttlMs <= 0)
      throw new TypeError(`ttl must be a positive duration such as '10m', got ${JSON.stringify(ttl)}`);
  }
  return {
    ...(key !== undefined && { key: String(key) }),
    ...(ttlMs !== undefined && { ttlMs }),
    ...(id !== undefined && { id }),
  };
}
