/**
 * The event router applies subscriptions and triggers in the order its history records them, also when they
 * are all buffered in the first workflow task of a run (issue 11): at a router's start and after each of its
 * continue-as-new. Every subscription must receive the first trigger recorded after it, and no earlier one.
 *
 * To make the interleaving deterministic, the router is started by the test on a task queue of its own that
 * no worker polls yet: the processes' subscriptions and the test's triggers are then all recorded before the
 * router's first workflow task, in an order the test controls (each await shows `active` only once its
 * subscription is recorded). Only then does a worker start polling the router's task queue.
 */
import path from 'node:path';
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { Worker } from '@temporalio/worker';
import { newRouterState } from '../../activities/events';
import { Events } from '../../src/client/events';
import { Launcher } from '../../src/client/launcher';
import type { ProcessHandle } from '../../src/client/process-handle';
import { EVENT_SIGNAL, type EventMessage } from '../../src/protocol';
import {
  EVENT_ROUTER_WORKFLOW_TYPE,
  eventRouterId,
  SUBSCRIBE_SIGNAL,
  SUBSCRIBES_SIGNAL,
  TRIGGER_SIGNAL,
  TRIGGERS_SIGNAL,
  type RouterState,
  type Subscription,
  type Trigger,
} from '../../src/wire/router';
import { readHistories, replayHistories } from '../../src/testing/replay';
import { findNode } from '../support/processes';
import {
  eventually,
  routerWorker,
  testWorkflowBundle,
  uniqueTaskQueue,
  useTestServer,
} from '../support/temporal';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const awaiting = (event: string) =>
  `<process><await event="${event}"/><assign property="done">True</assign></process>`;

/** A router signal as recorded in its history. */
type RouterSignal = { kind: 'subscribe'; subscription: Subscription } | { kind: 'trigger'; k: unknown };

/** What the router's history holds, over all its runs (oldest first). */
interface RouterRecord {
  readonly signals: RouterSignal[];
  /** Per run: how many subscriptions and triggers were recorded before its first workflow task started (all buffered). */
  readonly bufferedAtStart: number[];
}

const decode = <T>(payloads: temporal.api.common.v1.IPayloads | null | undefined, i = 0): T =>
  defaultPayloadConverter.fromPayload<T>(payloads?.payloads?.[i] ?? {});

async function eventsOf(client: Client, workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events ?? [];
}

/** Reads the router's signals from its first run `runId` on, following its continue-as-new chain. */
async function routerRecord(client: Client, workflowId: string, runId: string): Promise<RouterRecord> {
  const signals: RouterSignal[] = [];
  const bufferedAtStart: number[] = [];
  for (let run: string | undefined = runId; run;) {
    const events = await eventsOf(client, workflowId, run);
    let beforeFirstTask: number | undefined;
    let count = 0;
    run = undefined;
    for (const event of events) {
      if (event.workflowTaskStartedEventAttributes && beforeFirstTask === undefined) beforeFirstTask = count;
      const signalled = event.workflowExecutionSignaledEventAttributes;
      if (signalled?.signalName === SUBSCRIBE_SIGNAL) {
        signals.push({ kind: 'subscribe', subscription: decode<Subscription>(signalled.input) });
        count++;
      } else if (signalled?.signalName === SUBSCRIBES_SIGNAL) {
        // Awaits that subscribed together (the subscribe activity's group commit): in order, one signal.
        for (const subscription of decode<Subscription[]>(signalled.input)) {
          signals.push({ kind: 'subscribe', subscription });
          count++;
        }
      } else if (signalled?.signalName === TRIGGER_SIGNAL) {
        signals.push({ kind: 'trigger', k: decode<Trigger>(signalled.input).message.k });
        count++;
      } else if (signalled?.signalName === TRIGGERS_SIGNAL) {
        for (const trigger of decode<Trigger[]>(signalled.input)) {
          signals.push({ kind: 'trigger', k: trigger.message.k });
          count++;
        }
      }
      run = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? run;
    }
    bufferedAtStart.push(beforeFirstTask ?? count);
  }
  return { signals, bufferedAtStart };
}

/** The README's promise: each subscription gets the first trigger recorded after it (process id → `k`). */
function expectedDeliveries(signals: readonly RouterSignal[]): Map<string, unknown> {
  const expected = new Map<string, unknown>();
  let pending: Subscription[] = [];
  for (const signal of signals) {
    if (signal.kind === 'subscribe') {
      pending.push(signal.subscription);
    } else {
      for (const s of pending) expected.set(s.processId, signal.k);
      pending = [];
    }
  }
  return expected;
}

/** The `k` of every event signal the process received. */
async function receivedBy(client: Client, processId: string): Promise<unknown[]> {
  const events = await eventsOf(client, processId);
  return events
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((s) => s?.signalName === EVENT_SIGNAL)
    .map((s) => decode<EventMessage>(s?.input).k);
}

/** Sixty processes subscribing on a loaded two-core machine can take a while: patience, not a timing claim. */
const ACTIVE_TIMEOUT_MS = 120_000;

describe('the event router keeps history order for signals buffered at the start of a run', () => {
  const testServer = useTestServer();

  interface Scenario {
    readonly name: string;
    readonly launcher: Launcher;
    readonly events: Events;
    /** Launches `n` awaiting processes and returns once all of them are subscribed (`active`). */
    readonly subscribed: (n: number) => Promise<ProcessHandle[]>;
    /** Starts the worker of the router's task queue and runs `fn` while it runs. */
    readonly withRouterWorker: <T>(fn: () => Promise<T>) => Promise<T>;
    readonly router: WorkflowHandleWithFirstExecutionRunId;
    /** Starts the router anew on its own task queue (a new run of the same id) with `state`. */
    readonly startRouter: (state: RouterState) => Promise<WorkflowHandleWithFirstExecutionRunId>;
  }

  /**
   * Runs `fn` with a worker for the processes, and the event's router pre-started with `state` on a task queue
   * that no worker polls until `withRouterWorker`.
   */
  async function withScenario<T>(
    state: Partial<RouterState>,
    fn: (scenario: Scenario) => Promise<T>,
  ): Promise<T> {
    const env = testServer();
    const name = `race-${Math.random().toString(36).slice(2, 10)}`;
    const processQueue = uniqueTaskQueue('processes');
    const routerQueue = uniqueTaskQueue('router');
    const worker = async (taskQueue: string): Promise<Worker> => routerWorker(env, taskQueue);
    const startRouter = (routerState: RouterState) =>
      env.client.workflow.start(EVENT_ROUTER_WORKFLOW_TYPE, {
        workflowId: eventRouterId(name),
        taskQueue: routerQueue,
        args: [routerState],
      });
    const router = await startRouter({ ...newRouterState(name), ...state });
    const launcher = new Launcher(env.client, processQueue);
    const subscribed = async (n: number) => {
      const handles = await Promise.all(Array.from({ length: n }, () => launcher.launch(awaiting(name))));
      await Promise.all(
        handles.map((h) =>
          eventually(
            () => h.state(),
            (s) => findNode(s, '_0')?.state === 'active',
            ACTIVE_TIMEOUT_MS,
          ),
        ),
      );
      return handles;
    };
    const processWorker = await worker(processQueue);
    try {
      return await processWorker.runUntil(async () =>
        fn({
          name,
          launcher,
          events: new Events(env.client, processQueue),
          subscribed,
          router,
          startRouter,
          withRouterWorker: async (run) => (await worker(routerQueue)).runUntil(run),
        }),
      );
    } finally {
      await env.client.workflow
        .getHandle(eventRouterId(name))
        .terminate('test over')
        .catch(() => undefined);
    }
  }

  /** Checks that every process received exactly the trigger the router's history promises it. */
  async function expectHistoryOrder(
    client: Client,
    record: RouterRecord,
    groups: readonly (readonly ProcessHandle[])[],
    ks: readonly unknown[],
  ): Promise<void> {
    const expected = expectedDeliveries(record.signals);
    // The premise: the test's order is the history's order, so group i is owed trigger ks[i].
    expect(groups.map((g) => [...new Set(g.map((h) => expected.get(h.processId)))])).toEqual(
      ks.map((k) => [k]),
    );
    const received = await Promise.all(groups.flat().map((h) => receivedBy(client, h.processId)));
    expect(received).toEqual(groups.flatMap((g, i) => g.map(() => [ks[i]])));
  }

  it('at a router start: 60 processes, triggers interleaved with their subscriptions', async () => {
    const env = testServer();
    await withScenario({}, async ({ events, subscribed, router, withRouterWorker, name }) => {
      await events.trigger(name, { k: 1 }); // reaches nobody: no await is subscribed yet
      const first = await subscribed(20);
      await events.trigger(name, { k: 2 });
      const second = await subscribed(20);
      await events.trigger(name, { k: 3 });
      const third = await subscribed(20);
      const groups = [first, second, third];
      await withRouterWorker(async () => {
        await events.trigger(name, { k: 4 }); // every await is active by now
        const results = await Promise.all(groups.flat().map((h) => h.result()));
        expect(results.every((r) => r.done === true)).toBe(true);
      });
      const record = await routerRecord(env.client, eventRouterId(name), router.firstExecutionRunId);
      // All 63 signals before the trigger k=4 were buffered in the router's first activation.
      expect(record.bufferedAtStart[0]).toBeGreaterThanOrEqual(63);
      await expectHistoryOrder(env.client, record, groups, [2, 3, 4]);
    });
  }, 180_000);

  it('in a run started by continue-as-new: carried subscriptions, then triggers interleaved', async () => {
    const env = testServer();
    await withScenario({}, async ({ events, subscribed, router, startRouter, withRouterWorker, name }) => {
      // The carried subscriptions: real awaits, recorded by a run that never ran, then ended.
      const carried = await subscribed(10);
      const before = await routerRecord(env.client, eventRouterId(name), router.firstExecutionRunId);
      await router.terminate('replaced by a run with carried state');
      // The state a continue-as-new passes on: a trigger count, recent triggers, the open subscriptions.
      const next = await startRouter({
        ...newRouterState(name),
        seq: 3,
        recent: [1, 2, 3].map((seq) => ({ seq, message: { event: name, k: -seq } })),
        subscriptions: before.signals.flatMap((s) => (s.kind === 'subscribe' ? [s.subscription] : [])),
      });
      const first = await subscribed(10);
      await events.trigger(name, { k: 4 });
      const second = await subscribed(10);
      await events.trigger(name, { k: 5 });
      const third = await subscribed(10);
      await withRouterWorker(async () => {
        await events.trigger(name, { k: 6 });
        await Promise.all([...carried, ...first, ...second, ...third].map((h) => h.result()));
      });
      const record = await routerRecord(env.client, eventRouterId(name), next.firstExecutionRunId);
      expect(record.bufferedAtStart[0]).toBeGreaterThanOrEqual(32);
      // The carried subscriptions come first: prepend them to this run's signals.
      const withCarried: RouterRecord = {
        ...record,
        signals: [...before.signals, ...record.signals],
      };
      await expectHistoryOrder(env.client, withCarried, [[...carried, ...first], second, third], [4, 5, 6]);
    });
  }, 180_000);

  it('across a continue-as-new: the subscriptions it carries get the next run’s first trigger', async () => {
    const env = testServer();
    // A small threshold: the router continues as new as soon as it has delivered its first activation's
    // triggers, carrying the subscriptions recorded after the last of them.
    await withScenario(
      { continueAsNewAfterEvents: 30 },
      async ({ events, subscribed, router, withRouterWorker, name }) => {
        const first = await subscribed(12);
        await events.trigger(name, { k: 1 });
        const second = await subscribed(12);
        await events.trigger(name, { k: 2 });
        const third = await subscribed(12);
        const groups = [first, second, third];
        await withRouterWorker(async () => {
          const firstRun = env.client.workflow.getHandle(router.workflowId, router.firstExecutionRunId);
          await eventually(
            () => firstRun.describe(),
            (d) => d.status.name === 'CONTINUED_AS_NEW',
            ACTIVE_TIMEOUT_MS,
          );
          await events.trigger(name, { k: 3 });
          await Promise.all(groups.flat().map((h) => h.result()));
        });
        const record = await routerRecord(env.client, eventRouterId(name), router.firstExecutionRunId);
        expect(record.bufferedAtStart.length).toBeGreaterThanOrEqual(2);
        await expectHistoryOrder(env.client, record, groups, [1, 2, 3]);
      },
    );
  }, 180_000);

  it('as reported: 60 processes launched, then three triggers straight away, a fourth once all are active', async () => {
    // Here the processes and the triggers start the router themselves, on the processes' task queue: how
    // many signals its first activation buffers depends on timing, so the check is the promise itself.
    const env = testServer();
    const name = `race-${Math.random().toString(36).slice(2, 10)}`;
    const taskQueue = uniqueTaskQueue('as-reported');
    const worker = await routerWorker(env, taskQueue);
    const launcher = new Launcher(env.client, taskQueue);
    const events = new Events(env.client, taskQueue);
    try {
      await worker.runUntil(async () => {
        const handles = await Promise.all(Array.from({ length: 60 }, () => launcher.launch(awaiting(name))));
        for (const k of [1, 2, 3]) await events.trigger(name, { k });
        await Promise.all(
          handles.map((h) =>
            eventually(
              () => h.state(),
              (s) => s.state === 'completed' || findNode(s, '_0')?.state === 'active',
              ACTIVE_TIMEOUT_MS,
            ),
          ),
        );
        await events.trigger(name, { k: 4 });
        await Promise.all(handles.map((h) => h.result()));
        const { runId } = await env.client.workflow.getHandle(eventRouterId(name)).describe();
        const record = await routerRecord(env.client, eventRouterId(name), runId);
        const expected = expectedDeliveries(record.signals);
        const received = await Promise.all(handles.map((h) => receivedBy(env.client, h.processId)));
        expect(received).toEqual(handles.map((h) => [expected.get(h.processId)]));
      });
    } finally {
      await env.client.workflow
        .getHandle(eventRouterId(name))
        .terminate('test over')
        .catch(() => undefined);
    }
  }, 180_000);

  it('still replays router runs recorded before the fix, whose first activation took subscriptions first', async () => {
    // Recorded with the old router: trigger, 3 subscriptions, trigger, 3, trigger, 3 in the first activation;
    // it delivered the first trigger to all 9 and continued as new. Applying them in history order on replay
    // would schedule other deliveries: the patch keeps the old order for such runs.
    const recorded = readHistories(path.join(__dirname, '../histories/before-router-order-fix'));
    expect(recorded.map((h) => h.name)).toEqual([
      'router-start-race.run-1.json',
      'router-start-race.run-2.json',
    ]);
    await expect(replayHistories(recorded, { workflowBundle: testWorkflowBundle() })).resolves.toBe(2);
  });
});
