// `npm run bench:events`: events at scale, side by side in one run, each side on a fresh dev server and
// worker of its own (issue 16). Rows: one trigger to N parked awaits against a loop of direct signals to N
// parked awaits (time until all N completed); keyed delivery latency p50 / p99 (a trigger with a key → its
// one process completed) with N processes parked on other keys; the largest payload any router carried
// over continue-as-new (its subscriptions, recent triggers and ids). Writes bench/results/events.json.
// Nothing is asserted: the machine is shared and noisy. `--smoke` runs tiny sizes; `--parked N` sets N (default 10,000).
import type { Client } from '@temporalio/client';
import { Events, Launcher, type ContextValues, type ProcessHandle } from '../src';
import { eventActivities, eventRouterId, overflowRouterId } from '../src/internal';
import { startServer, createWorker, writeResults } from './lib/harness';
import { log, machine, percentile, pool, runMain, sleep } from './lib/stats';

const smoke = process.argv.includes('--smoke');
const parkedArg = process.argv.indexOf('--parked');
const config = {
  parked: parkedArg > 0 ? Number(process.argv[parkedArg + 1]) : smoke ? 60 : 10_000,
  probes: smoke ? 10 : 50,
};
const awaiting = (
  event: string,
  keyed: boolean,
): string => `<process><context><property name="k" type="str"/></context>
  <await event="${event}"${keyed ? ` key="context['k']"` : ''}/></process>`;

/** Launches `n` processes `${prefix}-i` and returns once all are parked (their await shows active). */
async function park(
  launcher: Launcher,
  prefix: string,
  n: number,
  definition: string,
  fields: (i: number) => ContextValues = () => ({}),
): Promise<ProcessHandle[]> {
  const handles = new Array<ProcessHandle>(n);
  await pool(
    Array.from({ length: n }, (_, i) => i),
    20,
    async (i) => {
      handles[i] = await launcher.launch(definition, fields(i), { processId: `${prefix}-${i}` });
    },
  );
  // Every await subscribes before it shows active; checking all of them is cheap next to launching.
  await pool(handles, 20, async (h) => {
    for (;;) {
      // A loaded worker may time a query out: ask again.
      const s = await h.state().catch(() => undefined);
      if (s?.children[0]?.state === 'active') return;
      await sleep(500);
    }
  });
  return handles;
}

/** Ms from `t0` until `n` processes whose id starts with `prefix` have completed (visibility). */
async function completedAfter(client: Client, prefix: string, n: number, t0: number): Promise<number> {
  const query = `WorkflowId STARTS_WITH '${prefix}-' AND ExecutionStatus = 'Completed'`;
  while ((await client.workflow.count(query)).count < n) await sleep(100);
  return Date.now() - t0;
}

/** The largest continue-as-new input (bytes) over every run of every router of `event`'s chain. */
async function largestRouterPayload(
  client: Client,
  event: string,
): Promise<{ largest: number; routers: number }> {
  let largest = 0;
  let routers = 0;
  for (let id = eventRouterId(event); ; id = overflowRouterId(id)) {
    try {
      await client.workflow.getHandle(id).describe();
    } catch {
      break;
    }
    routers++;
    for (let runId: string | undefined; ;) {
      const history = await client.workflow.getHandle(id, runId).fetchHistory();
      let next: string | undefined;
      for (const e of history.events ?? []) {
        const started = e.workflowExecutionStartedEventAttributes;
        const size = (started?.input?.payloads ?? []).reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
        largest = Math.max(largest, size);
        next = e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? next;
      }
      if (!next) break;
      runId = next;
    }
  }
  return { largest, routers };
}

/**
 * Runs `phase` against a dev server and worker of its own, started for it and stopped after. Each side of
 * the comparison gets a fresh server: on a shared one, the side measured second ran against a store already
 * holding the first side's 10,000 finished processes.
 */
async function onFreshServer(
  phase: (sides: { client: Client; launcher: Launcher; events: Events }) => Promise<void>,
): Promise<void> {
  const server = await startServer();
  const taskQueue = 'bench-events';
  const client = server.env.client;
  try {
    const worker = await createWorker(server, taskQueue, ['noop'], { activities: eventActivities(client) });
    await worker.runUntil(() =>
      phase({ client, launcher: new Launcher(client, taskQueue), events: new Events(client, taskQueue) }),
    );
  } finally {
    await server.stop();
  }
}

/** bench/results/events.json (without its rows). */
interface EventsResults {
  machine: string;
  config: typeof config;
  keyedLatencies: number[];
  directMs: number;
  keyedPayload: { largest: number; routers: number };
  triggerMs: number;
  broadcastPayload: { largest: number; routers: number };
  largestPayload: number;
  routers: { keyed: number; broadcast: number };
}

async function main(): Promise<void> {
  const n = config.parked;
  const results: Partial<EventsResults> & Pick<EventsResults, 'machine' | 'config'> = {
    machine: machine(),
    config,
  };
  await onFreshServer(async ({ client, launcher, events }) => {
    const keyedEvent = `keyed-${Date.now()}`;
    log(`parking ${n} keyed awaits`);
    const keyed = await park(launcher, 'keyed', n, awaiting(keyedEvent, true), (i) => ({
      k: `order-${i}`,
    }));
    log(`keyed latency: ${config.probes} probes`);
    const probes = await park(launcher, 'probe', config.probes, awaiting(keyedEvent, true), (i) => ({
      k: `probe-${i}`,
    }));
    const latencies: number[] = (results.keyedLatencies = []);
    for (let i = 0; i < probes.length; i++) {
      const t0 = Date.now();
      await events.trigger(keyedEvent, {}, { key: `probe-${i}` });
      await probes[i].result();
      latencies.push(Date.now() - t0);
    }
    log(`direct signals to ${n} parked awaits`);
    const t0 = Date.now();
    await pool(keyed, 64, (h) => h.event(keyedEvent));
    results.directMs = await completedAfter(client, 'keyed', n, t0);
    log(`direct: ${results.directMs} ms; keyed latencies: ${JSON.stringify(results.keyedLatencies)}`);
    results.keyedPayload = await largestRouterPayload(client, keyedEvent);
  });
  await onFreshServer(async ({ client, launcher, events }) => {
    const broadcastEvent = `broadcast-${Date.now()}`;
    log(`parking ${n} broadcast awaits`);
    await park(launcher, 'broadcast', n, awaiting(broadcastEvent, false));
    log('one trigger');
    const t0 = Date.now();
    await events.trigger(broadcastEvent);
    results.triggerMs = await completedAfter(client, 'broadcast', n, t0);
    log(`trigger: ${results.triggerMs} ms`);
    results.broadcastPayload = await largestRouterPayload(client, broadcastEvent);
  });
  const done = results as Omit<EventsResults, 'largestPayload' | 'routers'> & Partial<EventsResults>;
  const largestPayload = (done.largestPayload = Math.max(
    done.keyedPayload.largest,
    done.broadcastPayload.largest,
  ));
  const routers = (done.routers = {
    keyed: done.keyedPayload.routers,
    broadcast: done.broadcastPayload.routers,
  });
  const s = (ms: number): string => (ms / 1000).toFixed(1);
  const p = (q: number): number => Math.round(percentile(done.keyedLatencies, q) ?? NaN);
  const rows = [
    `| one trigger to ${n} parked awaits (all completed), s (vs a loop of ${n} direct signals, 64 in flight) | ${s(done.triggerMs)} | ${s(done.directMs)} | ${(done.triggerMs / done.directMs).toFixed(2)} | ≤ 1.2 |`,
    `| keyed delivery (trigger with a key → its process completed), ms, p50 / p99, ${n} processes parked on other keys | ${p(50)} / ${p(99)} | | | |`,
    `| largest router payload carried over continue-as-new, KB (routers in the chains: ${routers.broadcast} broadcast, ${routers.keyed} keyed) | ${(largestPayload / 1024).toFixed(0)} | | | < 2,048 |`,
  ];
  writeResults('events', smoke, { ...done }, rows);
}

runMain(main);
