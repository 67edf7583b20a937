/**
 * The project's own activities behind broadcast events (see `workflows/event-router.ts` for the design):
 * subscribing an `<await>` at its event's router, and delivering a trigger to the subscribed processes.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { EVENT_SIGNAL } from '../src/protocol';
import {
  DELIVER_ACTIVITY,
  EVENT_ROUTER_WORKFLOW_TYPE,
  eventRouterId,
  FORWARD_ACTIVITY,
  type ForwardInput,
  SERVICE_PRIORITY,
  SUBSCRIBE_ACTIVITY,
  SUBSCRIBE_SIGNAL,
  SUBSCRIBES_SIGNAL,
  TRIGGER_SIGNAL,
  TRIGGERS_SIGNAL,
  type DeliverInput,
  type RouterState,
  type SubscribeInput,
  type Subscription,
} from '../src/wire/router';
import { definitionActivities } from './definitions';
import { SignalOutbox } from '../src/client/signal-outbox';
import { InFlightLimit } from './in-flight-limit';
import { eventsDelivered } from '../src/worker/metrics';
import { triggerActivities } from './triggers';

/**
 * How many delivery signals a worker has in flight at once, all its deliveries together. When each
 * delivery had 64 of its own, the two routers of a chain delivering at once sent 10,000 signals faster
 * than the worker could run the processes they woke: a backlog of workflow tasks, which timed out and ran
 * again (see README, Performance, events at scale).
 */
const DELIVERY_CONCURRENCY = 64;

/**
 * A router's workflow task timeout, instead of Temporal's 10 s. A router evicted from a loaded worker's
 * cache replays its history on its next task (thousands of events while awaits park); at 10,000 parked
 * processes that took 6 s and more, and a task that times out is replayed again from the start.
 */
const ROUTER_TASK_TIMEOUT = '30 seconds';

/** The initial state of the router of `event`. */
export const newRouterState = (event: string): RouterState => ({
  event,
  seq: 0,
  subscriptions: [],
  recent: [],
});

/** One signal to a router, and how to start it if it does not run yet. */
export interface RouterSignal {
  readonly routerId: string;
  readonly taskQueue: string;
  /** The state the router starts with (`newRouterState`, or an overflow router's). */
  readonly state: RouterState;
  readonly signal: string;
  readonly args: unknown[];
}

/**
 * Sends a signal to a router, starting the router if need be, and resolves once the signal is in its
 * history. Routers (and so their deliver and trigger activities, which inherit it) run at
 * {@link SERVICE_PRIORITY}: they share the task queue with the processes, and a backlog of process tasks
 * must not hold up the events that processes wait for, nor the starts of triggered ones.
 */
export async function signalRouter(
  client: Client,
  { routerId, taskQueue, state, signal, args }: RouterSignal,
): Promise<void> {
  await client.workflow.signalWithStart(EVENT_ROUTER_WORKFLOW_TYPE, {
    workflowId: routerId,
    taskQueue,
    args: [state],
    signal,
    signalArgs: args,
    priority: SERVICE_PRIORITY,
    workflowTaskTimeout: ROUTER_TASK_TIMEOUT,
  });
}

/**
 * How far a delivery got: the targets before {@link done} all have their signal. Signals finish out of
 * order (several in flight), so a target counts only once every one before it has finished too.
 */
export class DeliveryProgress {
  /** The targets before this index have their signal. */
  done: number;
  private readonly finished = new Set<number>();

  /** `resumed`: the heartbeat details of a previous attempt (how far it got), if any. */
  constructor(total: number, resumed: unknown) {
    this.done = typeof resumed === 'number' && resumed >= 0 && resumed <= total ? resumed : 0;
  }

  /** Records that target `index` has its signal; returns how far the delivery got. */
  sent(index: number): number {
    this.finished.add(index);
    while (this.finished.delete(this.done)) this.done += 1;
    return this.done;
  }
}

/** Signals that have a batch form: a run of them in a row goes as one signal of that form. */
const BATCH_FORMS: Readonly<Record<string, string>> = {
  [SUBSCRIBE_SIGNAL]: SUBSCRIBES_SIGNAL,
  [TRIGGER_SIGNAL]: TRIGGERS_SIGNAL,
};

/**
 * The one signal that carries `items` of signal `name` (`subscribe` or `trigger`), in order: the signal
 * itself for a lone item, its batch form for several.
 */
export function batchSignal(
  name: typeof SUBSCRIBE_SIGNAL | typeof TRIGGER_SIGNAL,
  items: readonly unknown[],
): Pick<RouterSignal, 'signal' | 'args'> {
  return items.length === 1
    ? { signal: name, args: [items[0]] }
    : { signal: BATCH_FORMS[name], args: [items] };
}

/** A forward batch's signals with each run of subscriptions, or of triggers, as one signal; order kept. */
function grouped(signals: ForwardInput['signals']): Pick<RouterSignal, 'signal' | 'args'>[] {
  const runs: { name: string; items: unknown[] }[] = [];
  for (const { name, arg } of signals) {
    const last = runs[runs.length - 1];
    if (last && last.name === name && BATCH_FORMS[name]) last.items.push(arg);
    else runs.push({ name, items: [arg] });
  }
  return runs.map(({ name, items }) =>
    BATCH_FORMS[name] ? batchSignal(name as typeof SUBSCRIBE_SIGNAL, items) : { signal: name, args: items },
  );
}

/** The event activities, bound to a client of the worker's namespace. */
export function eventActivities(client: Client) {
  // The awaits that subscribe to one event name at once (a burst of processes reaching their await) go
  // to its router together, a signal at a time (see SignalOutbox).
  const subscriptions = new SignalOutbox<Subscription>(async (key, batch) => {
    const [taskQueue, event] = JSON.parse(key) as [string, string];
    await signalRouter(client, {
      routerId: eventRouterId(event),
      taskQueue,
      state: newRouterState(event),
      ...batchSignal(SUBSCRIBE_SIGNAL, batch),
    });
  });
  const deliveries = new InFlightLimit(DELIVERY_CONCURRENCY);
  return {
    ...triggerActivities(client),
    ...definitionActivities(client),

    /** Records the subscription at the router (starting it if needed); returns once it is in its history. */
    async [SUBSCRIBE_ACTIVITY]({ event, ...subscription }: SubscribeInput): Promise<void> {
      await subscriptions.send(JSON.stringify([Context.current().info.taskQueue, event]), subscription);
    },

    /** Passes a router's overflow on to the next router of its chain, in order, starting it if needed. */
    async [FORWARD_ACTIVITY]({ routerId, state, signals }: ForwardInput): Promise<void> {
      const taskQueue = Context.current().info.taskQueue;
      for (const { signal, args } of grouped(signals)) {
        await signalRouter(client, { routerId, taskQueue, state, signal, args });
      }
    },

    /** Signals the event to every target; a process that has ended meanwhile is skipped. */
    async [DELIVER_ACTIVITY]({ message, seq, targets, joined }: DeliverInput): Promise<void> {
      const delivery = (awaitKeys: readonly string[]) => ({
        seq,
        awaitKeys,
        ...(joined !== undefined && { joined }),
      });
      // A delivery to thousands of processes takes minutes: it heartbeats how far it got (every target
      // before that index has its signal), and a retry (its worker died, or a heartbeat went missing)
      // goes on from there instead of signalling everyone again.
      const progress = new DeliveryProgress(targets.length, Context.current().info.heartbeatDetails);
      let next = progress.done;
      const lane = async () => {
        while (next < targets.length) {
          const index = next++;
          const { processId, awaitKeys } = targets[index];
          try {
            await deliveries.run(() =>
              client.workflow.getHandle(processId).signal(EVENT_SIGNAL, message, delivery(awaitKeys)),
            );
            eventsDelivered(message.event, 1);
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }
          Context.current().heartbeat(progress.sent(index));
        }
      };
      await Promise.all(Array.from({ length: Math.min(DELIVERY_CONCURRENCY, targets.length) }, lane));
    },
  };
}
