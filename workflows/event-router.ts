/**
 * Broadcast events: one long-lived router workflow per event name (`bureaucrat-events:<name>`) holds the
 * subscriptions of the awaits waiting for that name, and fans each trigger out to them.
 *
 * Why this design: it needs nothing but Temporal, so it holds on a multi-worker cluster; nothing polls;
 * and ordering comes from the router's own history. An await subscribes through an activity whose
 * `signalWithStart` returns only once the router has recorded the subscription, and only then shows
 * `active`; a later trigger is recorded after it in the same history, so it always reaches that await.
 * The router applies its signals in history order, including those buffered before a run's first workflow
 * task (see the patch below), so an await never receives a trigger recorded before its subscription.
 * A subscription is one-shot: a trigger consumes all current ones, so awaits that start later never see
 * it. An await whose conditions fail subscribes again naming the trigger it saw, and the router replays
 * any newer trigger it may have missed meanwhile (it keeps the last 256).
 * Correlation keys, buffered triggers (ttl) and idempotent ids are the {@link RoutingTable}'s: a run recorded
 * before them carries none, and then the table behaves exactly as this router did (replay). Past its cap
 * of subscriptions a router passes the overflow on to the next router of its chain ({@link Overflow}), and
 * awaits that end without an event withdraw their subscription (`unsubscribe`, `workflows/withdraw.ts`).
 * Delivery is one activity per trigger that signals every target through the client (3 history events
 * per trigger here rather than 2 per target), and the router continues as new to bound its history.
 * The alternative — a visibility query for processes waiting on the name — has a lag between an await
 * starting and becoming findable, which loses events.
 */
import {
  condition,
  defineSignal,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  setDefaultSignalHandler,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  DELIVER_ACTIVITY,
  SUBSCRIBE_SIGNAL,
  SUBSCRIBES_SIGNAL,
  TRIGGER_SIGNAL,
  TRIGGERS_SIGNAL,
  UNSUBSCRIBE_SIGNAL,
  type DeliverInput,
  type RouterState,
  type Subscription,
  type Trigger,
} from '../src/wire/router';
import { Overflow } from './overflow';
import { RoutingTable } from './routing-table';
import { eventPublished } from './metrics';
import {
  FIRE_TRIGGERS_ACTIVITY,
  TRIGGERS_ON_SIGNAL,
  type FiredEvent,
  type FireTriggersInput,
} from '../src/triggers/protocol';

/** The patch under which a run applies the signals buffered before its first workflow task in history order. */
const HISTORY_ORDER_PATCH = 'router-buffered-signals-in-history-order';

/**
 * The patch under which a run hands every event to the trigger activity once triggers are registered for
 * its name (`src/triggers`). Runs recorded before it never fire triggers on replay.
 */
const TRIGGERS_PATCH = 'router-fires-triggers';

/** Events per trigger activity. */
const FIRE_BATCH = 100;

/**
 * Trigger activities in flight at once. A worker's starts share one limit (activities/triggers.ts), so
 * more batches in flight do not mean more starts at once: the batches queued behind that limit keep it
 * busy while the router's next task schedules more, instead of leaving a gap after each wave.
 */
const FIRES_IN_FLIGHT = 8;

/** Runs recorded before {@link PIPELINED_FIRES_PATCH} had at most this many trigger activities in flight. */
const OLD_FIRES_IN_FLIGHT = 4;

/** The patch under which a run has up to {@link FIRES_IN_FLIGHT} trigger activities in flight. */
const PIPELINED_FIRES_PATCH = 'router-pipelined-fires';

/**
 * The router continues as new past this many history events. A router evicted from a busy worker's cache
 * replays its run's history on its next task, at about a millisecond an event on a loaded worker: with
 * 5,000 events that replay outlasted Temporal's 10 s task timeout at 10,000 parked processes.
 */
const ROUTER_HISTORY_LIMIT = 2_000;

/** Runs recorded before {@link SHORT_HISTORY_PATCH} continued as new past this many events. */
const OLD_ROUTER_HISTORY_LIMIT = 5_000;

/** The patch under which a run continues as new past {@link ROUTER_HISTORY_LIMIT} events. */
const SHORT_HISTORY_PATCH = 'router-shorter-history';

export const subscribeSignal = defineSignal<[Subscription]>(SUBSCRIBE_SIGNAL);
export const subscribesSignal = defineSignal<[Subscription[]]>(SUBSCRIBES_SIGNAL);
export const triggerSignal = defineSignal<[Trigger]>(TRIGGER_SIGNAL);
export const triggersSignal = defineSignal<[Trigger[]]>(TRIGGERS_SIGNAL);
export const triggersOnSignal = defineSignal(TRIGGERS_ON_SIGNAL);
export const unsubscribeSignal = defineSignal<[Subscription]>(UNSUBSCRIBE_SIGNAL);

// A delivery to a full router (thousands of processes) may take longer than any fixed bound on a loaded
// cluster: it heartbeats its progress instead, and a retry resumes from there (activities/events.ts).
// Timeouts are not part of a history's commands, so this replays recorded runs unchanged.
const { [DELIVER_ACTIVITY]: deliver } = proxyActivities<{
  [DELIVER_ACTIVITY]: (input: DeliverInput) => Promise<void>;
}>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

// Starting processes retries each failed start itself (the trigger's --retries) and then dead-letters the
// event, so the activity fails only when the worker dies or the server is away: retried without end, and
// a retry starts nothing twice (process ids are deterministic).
const { [FIRE_TRIGGERS_ACTIVITY]: fireTriggers } = proxyActivities<{
  [FIRE_TRIGGERS_ACTIVITY]: (input: FireTriggersInput) => Promise<void>;
}>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** The router of one event name. Runs until there is nothing to do and then waits; never completes. */
export async function bureaucratEventRouter(state: RouterState): Promise<never> {
  const table = new RoutingTable(state);
  const overflow = new Overflow(state);
  const queue: DeliverInput[] = [];

  // Past its cap, a router passes new subscriptions on to the next router of its chain (see Overflow).
  // Runs recorded before the cap never held that many, so they replay unchanged.
  const onSubscribe = (subscription: Subscription) => {
    const missed = table.catchUp(subscription, Date.now());
    if (missed) queue.push(missed);
    else if (table.size >= overflow.cap) overflow.subscribe(subscription);
    else table.add(subscription);
  };
  const onSubscribes = (subscriptions: Subscription[]) => {
    for (const subscription of subscriptions) onSubscribe(subscription);
  };
  const onUnsubscribe = (subscription: Subscription) => {
    if (!table.withdraw(subscription)) overflow.unsubscribe(subscription);
  };
  // Triggers (see src/triggers): on for this event once a registration signalled it, never in runs
  // recorded before the patch.
  const firesTriggers = patched(TRIGGERS_PATCH);
  let triggersOn = state.triggersOn ?? false;
  const fires: FiredEvent[] = [...(state.pendingFires ?? [])];
  let firesInFlight = 0;
  let closing = false;
  const onTriggersOn = () => {
    triggersOn = true;
  };

  const onTrigger = (trigger: Trigger) => {
    const accepted = table.trigger(trigger, Date.now());
    if (!accepted) return; // an event id published before: delivered and fired once already
    if (trigger.seq === undefined) eventPublished(state.event); // the head of the chain: counted once
    if (firesTriggers && triggersOn) fires.push({ seq: accepted.seq, message: trigger.message });
    if (accepted.delivery) queue.push(accepted.delivery);
    overflow.trigger(trigger, accepted.seq);
  };
  const onTriggers = (triggers: Trigger[]) => {
    for (const trigger of triggers) onTrigger(trigger);
  };

  // Signals that reach a run before its first workflow task (at the router's start, and after each
  // continue-as-new) are buffered until a handler exists, and `setHandler` dispatches the buffered signals
  // of its own name only: registering `subscribe` first applied every buffered subscription before any
  // buffered trigger, whatever their order in the history (issue 11). A default handler drains the buffer
  // in history order instead; the named handlers then take every later signal. Runs recorded before this
  // fix keep the old order on replay (their deliveries differ), hence the patch.
  if (patched(HISTORY_ORDER_PATCH)) {
    setDefaultSignalHandler((name, ...args) => {
      if (name === SUBSCRIBE_SIGNAL) onSubscribe(args[0] as Subscription);
      else if (name === SUBSCRIBES_SIGNAL) onSubscribes(args[0] as Subscription[]);
      else if (name === TRIGGER_SIGNAL) onTrigger(args[0] as Trigger);
      else if (name === TRIGGERS_SIGNAL) onTriggers(args[0] as Trigger[]);
      else if (name === TRIGGERS_ON_SIGNAL) onTriggersOn();
      else if (name === UNSUBSCRIBE_SIGNAL) onUnsubscribe(args[0] as Subscription);
    });
  }
  setHandler(subscribeSignal, onSubscribe);
  setHandler(subscribesSignal, onSubscribes);
  setHandler(triggerSignal, onTrigger);
  setHandler(triggersSignal, onTriggers);
  setHandler(triggersOnSignal, onTriggersOn);
  setHandler(unsubscribeSignal, onUnsubscribe);
  // Later signals of other names stay buffered (unhandled), as they always were.
  setDefaultSignalHandler(undefined);

  // Triggers fire beside deliveries, in batches, so that a burst of events neither waits for awaits'
  // deliveries nor costs an activity per event.
  const origin = workflowInfo().firstExecutionRunId;
  const fireLoop = async () => {
    const maxInFlight = patched(PIPELINED_FIRES_PATCH) ? FIRES_IN_FLIGHT : OLD_FIRES_IN_FLIGHT;
    for (;;) {
      await condition(() => !closing && fires.length > 0 && firesInFlight < maxInFlight);
      const events = fires.splice(0, FIRE_BATCH);
      firesInFlight += 1;
      const done = () => {
        firesInFlight -= 1;
      };
      void fireTriggers({ event: state.event, origin, events }).then(done, done);
    }
  };
  if (firesTriggers) void fireLoop();
  void overflow.run();

  const continueAsNew = makeContinueAsNewFunc<typeof bureaucratEventRouter>();
  const limit =
    state.continueAsNewAfterEvents ??
    (patched(SHORT_HISTORY_PATCH) ? ROUTER_HISTORY_LIMIT : OLD_ROUTER_HISTORY_LIMIT);
  const tooLong = () => historyTooLong(limit, state.continueAsNewAfterEvents !== undefined);
  for (;;) {
    await condition(() => queue.length > 0 || tooLong());
    for (let next = queue.shift(); next; next = queue.shift()) await deliver(next);
    if (tooLong()) {
      if (firesTriggers) {
        closing = true; // batches in flight finish here; queued events go on to the next run
        await condition(() => firesInFlight === 0);
        if (queue.length > 0) continue; // deliveries that arrived meanwhile go out first
      }
      if (!overflow.idle) {
        // Signals for the next router are passed on before this run ends, in order (never carried over).
        await condition(() => overflow.idle);
        continue;
      }
      await continueAsNew({
        event: state.event,
        ...table.save(Date.now()),
        ...(overflow.active ? { overflowing: true, overflowAfter: overflow.cap } : {}),
        ...(triggersOn ? { triggersOn } : {}),
        ...(fires.length > 0 ? { pendingFires: fires } : {}),
        ...(state.continueAsNewAfterEvents !== undefined
          ? { continueAsNewAfterEvents: state.continueAsNewAfterEvents }
          : {}),
      });
    }
  }
}

/** Past `limit` events; unless the limit was set explicitly (tests), also when the server suggests it. */
function historyTooLong(limit: number, explicit: boolean): boolean {
  const info = workflowInfo();
  return info.historyLength > limit || (!explicit && info.continueAsNewSuggested);
}
