// Scenario 3: the broadcast race of issue 11 at hundreds of processes. Awaiting processes are launched while
// triggers with distinct data (`k`) are sent in between, then once more after every await is subscribed.
// The router's history (over its continue-as-new chain) is the judge: each await must receive exactly the
// first trigger recorded after its subscription — one event signal, never two, never none, never an earlier one.
import type { Client } from '@temporalio/client';
import { EVENT_SIGNAL, Events, Launcher, type ProcessHandle, type ProcessSnapshot } from '../../src';
import {
  SUBSCRIBE_SIGNAL,
  SUBSCRIBES_SIGNAL,
  TRIGGER_SIGNAL,
  TRIGGERS_SIGNAL,
  eventRouterId,
} from '../../src/internal';
import * as h from './harness';

/** The sizes of a run. */
export interface BroadcastRaceConfig {
  processes: number;
  timeoutMs: number;
}

/** A subscription or a trigger, as the router recorded it. */
type RouterSignal = { kind: 'subscribe'; processId: string } | { kind: 'trigger'; k: number };

const awaiting = (event: string): string =>
  `<process name="race"><await event="${event}"/><assign property="done">True</assign></process>`;

/** The router's subscribe/trigger signals in history order over all runs from `runId`, and per-run counts. */
async function routerRecord(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<{ signals: RouterSignal[]; bufferedAtStart: number[] }> {
  const signals: RouterSignal[] = [];
  const bufferedAtStart: number[] = [];
  for (let run: string | undefined = runId; run;) {
    const events = await h.historyEvents(client, workflowId, run);
    let beforeFirstTask: number | undefined;
    let count = 0;
    run = undefined;
    for (const e of events) {
      if (e.workflowTaskStartedEventAttributes && beforeFirstTask === undefined) beforeFirstTask = count;
      const s = e.workflowExecutionSignaledEventAttributes;
      if (s?.signalName === SUBSCRIBE_SIGNAL) {
        signals.push({ kind: 'subscribe', processId: h.decode<{ processId: string }>(s.input).processId });
        count++;
      } else if (s?.signalName === SUBSCRIBES_SIGNAL) {
        // Awaits that subscribed together (the subscribe activity's group commit): in order, one signal.
        for (const sub of h.decode<{ processId: string }[]>(s.input))
          signals.push({ kind: 'subscribe', processId: sub.processId });
        count++;
      } else if (s?.signalName === TRIGGER_SIGNAL) {
        signals.push({ kind: 'trigger', k: h.decode<{ message: { k: number } }>(s.input).message.k });
        count++;
      } else if (s?.signalName === TRIGGERS_SIGNAL) {
        // Triggers published together (one publisher's group commit): recorded in order, one signal.
        for (const t of h.decode<{ message: { k: number } }[]>(s.input))
          signals.push({ kind: 'trigger', k: t.message.k });
        count++;
      }
      run = e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? run;
    }
    bufferedAtStart.push(beforeFirstTask ?? count);
  }
  return { signals, bufferedAtStart };
}

/** What the router promises: each subscription gets the first trigger recorded after it. */
function expectedDeliveries(signals: readonly RouterSignal[]): Map<string, number> {
  const expected = new Map<string, number>();
  let pending: string[] = [];
  for (const s of signals) {
    if (s.kind === 'subscribe') pending.push(s.processId);
    else {
      for (const id of pending) expected.set(id, s.k);
      pending = [];
    }
  }
  return expected;
}

export async function broadcastRace({
  server,
  dir,
  config,
}: h.ScenarioInput<BroadcastRaceConfig>): Promise<h.ScenarioResult> {
  const checks = new h.Checks('broadcast race');
  const { processes } = config;
  const client = server.env.client;
  const taskQueue = 'chaos-race';
  const worker = await h.startWorker({ server, taskQueue, logFile: `${dir}/broadcast-race-worker.log` });
  const event = `chaos-race-${Date.now()}`;
  const launcher = new Launcher(client, taskQueue);
  const events = new Events(client, taskQueue);
  const t0 = performance.now();
  try {
    // Three waves: a trigger straight after each wave is launched, and another once half of the wave has
    // subscribed, so that triggers land among the subscriptions (and in the router's first activation).
    const handles: ProcessHandle[] = [];
    let k = 0;
    const isSubscribed = (s: ProcessSnapshot): boolean =>
      s.state === 'completed' || s.children?.[0]?.state === 'active';
    const subscribed = (hd: ProcessHandle): Promise<boolean> => hd.state().then(isSubscribed, () => false);
    for (let wave = 0; wave < 3; wave++) {
      const n = wave < 2 ? Math.floor(processes / 3) : processes - 2 * Math.floor(processes / 3);
      const mine = await h.pool(Array.from({ length: n }), 50, () => launcher.launch(awaiting(event)));
      handles.push(...mine);
      await events.trigger(event, { k: ++k });
      await h.until(
        async () => (await h.pool(mine, 20, subscribed)).filter(Boolean).length,
        (count) => count >= n / 2,
        config.timeoutMs,
        50,
      );
      await events.trigger(event, { k: ++k });
    }
    // Then once more when every await has subscribed (or already completed).
    const settled = await h.pool(handles, 20, (hd) =>
      h.until(() => hd.state(), isSubscribed, config.timeoutMs),
    );
    checks.check(
      'every await subscribes or completes',
      settled.every(Boolean),
      `${settled.filter((x) => !x).length} did not`,
    );
    await events.trigger(event, { k: ++k });
    const results = await h.within(Promise.all(handles.map((hd) => h.outcome(hd))), config.timeoutMs);
    if (!Array.isArray(results)) {
      checks.check(`all ${processes} processes end`, false, results.error);
      return { checks, figures: { processes } };
    }
    const notDone = results.filter((o) => o.context?.done !== true);
    checks.check(`all ${processes} processes complete`, notDone.length === 0, h.sample(notDone));
    const seconds = (performance.now() - t0) / 1000;

    const described = await client.workflow.getHandle(eventRouterId(event)).describe();
    const firstRunId = described.raw.workflowExecutionInfo?.firstRunId || described.runId;
    const record = await routerRecord(client, eventRouterId(event), firstRunId);
    const expected = expectedDeliveries(record.signals);
    const received = await h.pool(handles, 20, async (hd) => {
      const evs = await h.historyEvents(client, hd.processId);
      return {
        k: evs
          .map((e) => e.workflowExecutionSignaledEventAttributes)
          .filter((s) => s?.signalName === EVENT_SIGNAL)
          .map((s) => h.decode<{ k: number }>(s?.input).k),
        failedTasks: h.workflowTaskFailures(evs),
      };
    });
    const twoOrNone = received.filter((r) => r.k.length !== 1);
    checks.check(
      'every process received exactly one event (none got two or none)',
      twoOrNone.length === 0,
      h.sample(twoOrNone.map((r, i) => ({ i, k: r.k }))),
    );
    const subscribedTwice = record.signals.filter((s) => s.kind === 'subscribe').length - handles.length;
    checks.check(
      'the router recorded one subscription per process',
      subscribedTwice === 0,
      `${subscribedTwice} extra`,
    );
    const wrong = handles
      .map((hd, i) => ({ id: hd.processId, expected: expected.get(hd.processId), received: received[i].k }))
      .filter((r) => r.received.length !== 1 || r.received[0] !== r.expected);
    checks.check(
      'each await got the first trigger recorded after its subscription (router history order)',
      wrong.length === 0,
      h.sample(wrong),
    );
    checks.noFailedWorkflowTasks(received.map((r) => r.failedTasks));
    const byTrigger: Record<string, number> = {};
    for (const r of received) for (const x of r.k) byTrigger[`k=${x}`] = (byTrigger[`k=${x}`] ?? 0) + 1;
    return {
      checks,
      figures: {
        processes,
        triggers: k,
        deliveriesByTrigger: byTrigger,
        routerRuns: record.bufferedAtStart.length,
        signalsBufferedAtRouterStart: record.bufferedAtStart[0],
        seconds: Math.round(seconds),
      },
    };
  } finally {
    await h.stopWorker(worker, 'SIGKILL');
    await client.workflow
      .getHandle(eventRouterId(event))
      .terminate('chaos run over')
      .catch(() => undefined);
  }
}
