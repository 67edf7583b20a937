// `npm run bench:events`: events at scale, side by side in one run, each side on a fresh dev server and
// worker of its own (issue 16). Rows: one trigger to N parked awaits against a loop of direct signals to N
// parked awaits (time until all N completed); keyed delivery latency p50 / p99 (a trigger with a key → its
// one process completed) with N processes parked on other keys; the largest payload any router carried
// over continue-as-new (its subscriptions, recent triggers and ids). Writes bench/results/events.json.
// Nothing is asserted: the machine is shared and noisy. `--smoke` runs tiny sizes; `--parked N` sets N (default 10,000).
'use strict';

const { Events } = require('../lib/src/client/events');
const { Launcher } = require('../lib/src/client/launcher');
const { eventActivities } = require('../lib/activities/events');
const { eventRouterId, overflowRouterId } = require('../lib/src/wire/router');
const { startServer, createWorker, pool, machine, log, writeResults, runMain } = require('./lib/harness');

const smoke = process.argv.includes('--smoke');
const parkedArg = process.argv.indexOf('--parked');
const config = {
  parked: parkedArg > 0 ? Number(process.argv[parkedArg + 1]) : smoke ? 60 : 10_000,
  probes: smoke ? 10 : 50,
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const awaiting = (event, keyed) => `<process><context><property name="k" type="str"/></context>
  <await event="${event}"${keyed ? ` key="context['k']"` : ''}/></process>`;

/** Launches `n` processes `${prefix}-i` and returns once all are parked (their await shows active). */
async function park(launcher, prefix, n, definition, fields = () => ({})) {
  const handles = new Array(n);
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
async function completedAfter(client, prefix, n, t0) {
  const query = `WorkflowId STARTS_WITH '${prefix}-' AND ExecutionStatus = 'Completed'`;
  while ((await client.workflow.count(query)).count < n) await sleep(100);
  return Date.now() - t0;
}

/** The largest continue-as-new input (bytes) over every run of every router of `event`'s chain. */
async function largestRouterPayload(client, event) {
  let largest = 0;
  let routers = 0;
  for (let id = eventRouterId(event); ; id = overflowRouterId(id)) {
    try {
      await client.workflow.getHandle(id).describe();
    } catch {
      break;
    }
    routers++;
    for (let runId; ;) {
      const history = await client.workflow.getHandle(id, runId).fetchHistory();
      let next;
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
async function onFreshServer(phase) {
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

async function main() {
  const n = config.parked;
  const results = { machine: machine(), config };
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
    results.keyedLatencies = [];
    for (let i = 0; i < probes.length; i++) {
      const t0 = Date.now();
      await events.trigger(keyedEvent, {}, { key: `probe-${i}` });
      await probes[i].result();
      results.keyedLatencies.push(Date.now() - t0);
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
  results.largestPayload = Math.max(results.keyedPayload.largest, results.broadcastPayload.largest);
  results.routers = { keyed: results.keyedPayload.routers, broadcast: results.broadcastPayload.routers };
  const s = (ms) => (ms / 1000).toFixed(1);
  const rows = [
    `| one trigger to ${n} parked awaits (all completed), s (vs a loop of ${n} direct signals, 64 in flight) | ${s(results.triggerMs)} | ${s(results.directMs)} | ${(results.triggerMs / results.directMs).toFixed(2)} | ≤ 1.2 |`,
    `| keyed delivery (trigger with a key → its process completed), ms, p50 / p99, ${n} processes parked on other keys | ${Math.round(percentile(results.keyedLatencies, 50))} / ${Math.round(percentile(results.keyedLatencies, 99))} | | | |`,
    `| largest router payload carried over continue-as-new, KB (routers in the chains: ${results.routers.broadcast} broadcast, ${results.routers.keyed} keyed) | ${(results.largestPayload / 1024).toFixed(0)} | | | < 2,048 |`,
  ];
  writeResults('events', smoke, results, rows);
}

runMain(main);
