/**
 * The original's global events on Temporal: `trigger(name, data)` reaches every `<await>` on that name
 * waiting at that moment, exactly once, in every process (see `workflows/event-router.ts` for how).
 */
import type { Client } from '@temporalio/client';
import { newRouterState } from '../../activities/events';
import {
  EVENT_ROUTER_WORKFLOW_TYPE,
  eventRouterId,
  TRIGGER_SIGNAL,
  type EventMessage,
  type Trigger,
} from '../protocol';
import { connectClient, DEFAULT_TASK_QUEUE, type ConnectionOptions } from './connection';
import { ProcessHandle } from './process-handle';

/**
 * Sends events.
 *
 * @example
 * const events = await Events.connect();
 * await events.trigger('payment_received', { order: 42, amount: 150 });
 * await events.publish({ event: 'payment_received', order: 42 }); // the original JSON message
 */
export class Events {
  constructor(
    readonly client: Client,
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
  ) {}

  /** Events on the connection `options` describe (envconfig by default). */
  static async connect(options: ConnectionOptions = {}): Promise<Events> {
    return new Events(await connectClient(options), options.taskQueue);
  }

  /** Broadcasts event `name` with `data`; resolves once the event is recorded (delivery follows). */
  async trigger(name: string, data: Record<string, unknown> = {}): Promise<void> {
    if (!name) throw new TypeError('an event needs a name');
    const message: EventMessage = { ...data, event: name };
    await this.client.workflow.signalWithStart(EVENT_ROUTER_WORKFLOW_TYPE, {
      workflowId: eventRouterId(name),
      taskQueue: this.taskQueue,
      args: [newRouterState(name)],
      signal: TRIGGER_SIGNAL,
      signalArgs: [{ message } satisfies Trigger],
    });
  }

  /** Broadcasts the original event message `{ event: name, ...data }`. */
  async publish(message: EventMessage): Promise<void> {
    if (typeof message?.event !== 'string') throw new TypeError('an event message needs a string "event"');
    const { event, ...data } = message;
    await this.trigger(event, data);
  }

  /** Sends event `name` to one process only. */
  async send(processId: string, name: string, data: Record<string, unknown> = {}): Promise<void> {
    await new ProcessHandle(this.client, processId).event(name, data);
  }
}
