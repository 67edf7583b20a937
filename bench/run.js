// `npm run bench`: what the XML layer costs next to the same workflows written by hand, measured side by
// side on one dev server with one worker, plus the adapter's scale figures. Writes bench/results/latest.json
// (or smoke.json) and prints a Markdown table. `npm run bench -- --smoke` runs tiny sizes (CI keeps it
// working; its numbers mean nothing). Nothing is asserted: machines are shared and noisy.
'use strict';

const { spawn } = require('node:child_process');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { TestWorkflowEnvironment } = require('@temporalio/testing');
const { Worker, bundleWorkflowCode } = require('@temporalio/worker');
const { eventActivities } = require('../lib/activities/events');
const { Events } = require('../lib/src/client/events');
const { Launcher } = require('../lib/src/client/launcher');
const { resolveTimeSkippingServer } = require('../lib/src/server/time-skipping-server');
const { EVENT_SIGNAL, STATE_QUERY } = require('../lib/src/protocol');
const { participantActivities } = require('../lib/src/worker/participants');
const { hookSinks } = require('../lib/src/worker/hooks');
const { parseBenchmark } = require('./definition');
const {
  startServer,
  processStart,
  pool,
  stats,
  median,
  log,
  PROCESS_WORKFLOW_TYPE,
} = require('./lib/harness');
const { shapes } = require('./lib/shapes');
const { workerStartup } = require('./worker-startup');

const smoke = process.argv.includes('--smoke');
const config = smoke
  ? { reps: 1, processes: 10, fanout: 20, launches: 20, replaySteps: [100, 1000], parseReps: 3 }
  : { reps: 3, processes: 200, fanout: 1000, launches: 500, replaySteps: [1000, 10000], parseReps: 15 };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: log };

/** Starts `n` workflows (50 starts in flight) and waits for all; returns seconds and the workflow ids. */
async function batch(client, taskQueue, n, start) {
  const ids = Array.from({ length: n }, (_, i) => `${start.prefix}-${i}`);
  const t0 = performance.now();
  const handles = [];
  await pool(ids, 50, async (id) => handles.push(await start.run(id)));
  await Promise.all(handles.map((h) => h.result()));
  return { seconds: (performance.now() - t0) / 1000, ids };
}

/** Time from each activity's completion to the next activity being scheduled, from a history. */
function taskLatencies(history) {
  const out = [];
  const events = history.events ?? [];
  const time = (e) => Number(e.eventTime.seconds) * 1000 + e.eventTime.nanos / 1e6;
  for (let i = 0; i < events.length; i++) {
    if (!events[i].activityTaskCompletedEventAttributes) continue;
    const next = events.slice(i + 1).find((e) => e.activityTaskScheduledEventAttributes);
    if (next) out.push(time(next) - time(events[i]));
  }
  return out;
}

const percentile = (values, p) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function throughputAndShapes(server, client, taskQueue) {
  const rows = [];
  let run = 0;
  for (const shape of shapes) {
    const times = { interpreter: [], hand: [] };
    const events = {};
    const latencies = { interpreter: [], hand: [] };
    for (let rep = 0; rep < config.reps; rep++) {
      const order = rep % 2 === 0 ? ['interpreter', 'hand'] : ['hand', 'interpreter']; // A/B, then B/A
      for (const variant of order) {
        const prefix = `${shape.key}-${variant}-${run++}`;
        const start =
          variant === 'interpreter'
            ? {
                prefix,
                run: (id) =>
                  client.workflow.start(PROCESS_WORKFLOW_TYPE, processStart(taskQueue, id, shape.xml)),
              }
            : {
                prefix,
                run: (id) =>
                  client.workflow.start(shape.hand.type, {
                    taskQueue,
                    workflowId: id,
                    args: shape.hand.args,
                  }),
              };
        const { seconds, ids } = await batch(client, taskQueue, config.processes, start);
        times[variant].push(config.processes / seconds);
        for (const id of ids.slice(0, 20)) {
          const history = await client.workflow.getHandle(id).fetchHistory();
          (events[variant] ??= []).push(history.events.length);
          latencies[variant].push(...taskLatencies(history));
        }
        log(`${shape.name} ${variant}: ${(config.processes / seconds).toFixed(1)} processes/s`);
      }
    }
    const a = stats(times.interpreter);
    const b = stats(times.hand);
    rows.push({
      shape: shape.name,
      target: shape.target,
      interpreter: a,
      hand: b,
      ratio: a.median / b.median,
      // Parallel branches: how completions batch into workflow tasks depends on timing, for both variants
      // alike; the exact comparison (staggered completions) is test/integration/history-economy.test.ts.
      events: { interpreter: median(events.interpreter), hand: median(events.hand) },
      taskLatencyMs: {
        interpreter: {
          p50: percentile(latencies.interpreter, 50),
          p99: percentile(latencies.interpreter, 99),
        },
        hand: { p50: percentile(latencies.hand, 50), p99: percentile(latencies.hand, 99) },
      },
    });
  }
  return rows;
}

async function parkAll(handles) {
  await pool(handles, 50, async (h) => {
    for (;;) {
      const s = await h.workflowHandle.query(STATE_QUERY);
      if (s.children[0].state === 'active') return;
      await sleep(100);
    }
  });
}

/** Resident memory of process `pid` in MiB (Linux /proc). */
const rssOf = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** Starts a worker in a child process (see lib/worker-process.js) and waits until it polls. */
async function workerProcess(server, taskQueue) {
  const child = spawn(
    process.execPath,
    [path.join(__dirname, 'lib/worker-process.js'), server.address, server.namespace, taskQueue],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`worker process exited (${code})`)));
  });
  return child;
}

/**
 * One trigger to N parked awaits against a loop of direct signals (A/B alternating), on a worker in its own
 * process whose RSS growth per parked process is measured too.
 */
async function fanout(server, client) {
  const taskQueue = 'bench-fanout';
  const worker = await workerProcess(server, taskQueue);
  const launcher = new Launcher(client, taskQueue);
  const events = new Events(client, taskQueue);
  const results = { trigger: [], direct: [], rssPerProcessKiB: [] };
  try {
    // Warm-up: one parked process through the whole path, so code and caches are loaded.
    const warm = await launcher.launch('<process><await event="fan-warm"/></process>');
    await parkAll([warm]);
    await events.trigger('fan-warm');
    await warm.result();
    for (let rep = 0; rep < config.reps; rep++) {
      for (const mode of rep % 2 === 0 ? ['trigger', 'direct'] : ['direct', 'trigger']) {
        const name = `fan-${rep}-${mode}`;
        const xml = `<process name="parked"><await event="${name}"/></process>`;
        await sleep(2000);
        const before = rssOf(worker.pid);
        const handles = [];
        await pool(Array.from({ length: config.fanout }), 50, async () =>
          handles.push(await launcher.launch(xml)),
        );
        await parkAll(handles);
        await sleep(2000);
        results.rssPerProcessKiB.push(((rssOf(worker.pid) - before) * 1024) / config.fanout);
        const t0 = performance.now();
        if (mode === 'trigger') await events.trigger(name);
        else await pool(handles, 50, (h) => h.workflowHandle.signal(EVENT_SIGNAL, { event: name }));
        await Promise.all(handles.map((h) => h.result()));
        results[mode].push((performance.now() - t0) / 1000);
        log(`fan-out ${mode} to ${config.fanout}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      }
    }
  } finally {
    worker.kill('SIGKILL');
  }
  return {
    processes: config.fanout,
    triggerSeconds: stats(results.trigger),
    directSeconds: stats(results.direct),
    rssPerParkedProcessKiB: stats(results.rssPerProcessKiB),
  };
}

async function launchThroughput(client, taskQueue) {
  const launcher = new Launcher(client, taskQueue);
  const rates = [];
  for (let rep = 0; rep < config.reps; rep++) {
    const t0 = performance.now();
    await pool(Array.from({ length: config.launches }), 50, () =>
      launcher.launch('<process><assign property="x">1</assign></process>'),
    );
    rates.push(config.launches / ((performance.now() - t0) / 1000));
  }
  return { launches: config.launches, perSecond: stats(rates) };
}

/** Records loop histories on the in-memory test server (fast round trips), then replays them here. */
async function replayCost() {
  const loop = (iterations) => `<process><context><property name="n" type="int">0</property></context>
    <while><condition>context["n"] &lt; ${iterations}</condition><action participant="noop"/>
      <assign property="n">context["n"] + 1</assign></while></process>`;
  const ts = await resolveTimeSkippingServer();
  if ('reason' in ts) return { skipped: ts.reason };
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: ts.executable } });
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../lib/workflows'),
    logger: quietLogger,
  });
  const histories = {};
  try {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'replay',
      workflowBundle: bundle,
      sinks: hookSinks(),
      activities: participantActivities({ noop: () => ({}) }),
    });
    await worker.runUntil(async () => {
      for (const steps of config.replaySteps) {
        const workflowId = `replay-${steps}`;
        const handle = await env.client.workflow.start(PROCESS_WORKFLOW_TYPE, {
          taskQueue: 'replay',
          workflowId,
          args: [{ definition: loop(steps / 2), continueAsNewAfterEvents: 50_000 }],
        });
        await handle.result();
        histories[steps] = { workflowId, history: await handle.fetchHistory() };
      }
    });
  } finally {
    await env.teardown();
  }
  const rows = [];
  for (const steps of config.replaySteps) {
    const { workflowId, history } = histories[steps];
    const us = [];
    for (let i = 0; i < Math.max(3, config.reps); i++) {
      const t0 = performance.now();
      await Worker.runReplayHistory({ workflowBundle: bundle, sinks: hookSinks() }, history, workflowId);
      us.push(((performance.now() - t0) * 1000) / steps);
    }
    rows.push({ steps, events: history.events.length, usPerStep: stats(us) });
  }
  return rows;
}

const fmt = (s, digits = 1) =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

function markdown(results) {
  const lines = [
    `Benchmark ${results.smoke ? '(smoke: tiny sizes, numbers meaningless)' : ''} — ${results.machine}`,
    `Node ${results.node}, Temporal SDK ${results.sdk}, dev server ${results.server}; ${results.reps} repetitions, median (min–max)`,
    '',
    '| row | interpreter | hand-written | ratio | target |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results.shapes) {
    lines.push(
      `| ${r.shape}: processes/s (${results.processes} processes) | ${fmt(r.interpreter)} | ${fmt(r.hand)} | ${r.ratio.toFixed(2)} | ≥ ${r.target} |`,
    );
  }
  for (const r of results.shapes) {
    lines.push(
      `| ${r.shape}: history events per process (median of 20 per run) | ${r.events.interpreter} | ${r.events.hand} | ${(r.events.interpreter / r.events.hand).toFixed(2)} | equal |`,
    );
  }
  for (const r of results.shapes) {
    const l = r.taskLatencyMs;
    const ms = (x) => x.toFixed(1);
    lines.push(
      `| ${r.shape}: activity done → next scheduled, p50 / p99 ms | ${ms(l.interpreter.p50)} / ${ms(l.interpreter.p99)} | ${ms(l.hand.p50)} / ${ms(l.hand.p99)} | ${(l.interpreter.p50 / l.hand.p50).toFixed(2)} (p50) | |`,
    );
  }
  const f = results.fanout;
  lines.push(
    `| event fan-out to ${f.processes} parked awaits: s until the last completes | ${fmt(f.triggerSeconds, 2)} (one trigger) | ${fmt(f.directSeconds, 2)} (direct signals) | ${(f.triggerSeconds.median / f.directSeconds.median).toFixed(2)} | |`,
  );
  lines.push(`| worker RSS per parked process, KiB | ${fmt(f.rssPerParkedProcessKiB)} | | | |`);
  lines.push(
    `| Launcher.launch throughput, processes/s (${results.launch.launches}) | ${fmt(results.launch.perSecond)} | | | |`,
  );
  if (Array.isArray(results.replay)) {
    for (const r of results.replay)
      lines.push(
        `| replay, µs per interpreted step (${r.steps} steps, ${r.events} events) | ${fmt(r.usPerStep)} | | | |`,
      );
    if (results.replay.length === 2) {
      lines.push(
        `| replay growth: µs/step at ${results.replay[1].steps} ÷ at ${results.replay[0].steps} | ${(results.replay[1].usPerStep.median / results.replay[0].usPerStep.median).toFixed(2)} | | | ≤ 2 |`,
      );
    }
  }
  const st = results.startup;
  lines.push(
    `| worker start-up, createWorker → polling, ms (${st.reps} fresh processes each) | ${fmt(st.prebuilt, 0)} (prebuilt bundle) | ${fmt(st.bundling, 0)} (bundling at start) | ${(st.prebuilt.median / st.bundling.median).toFixed(2)} | < 1,000 ms |`,
  );
  const p = results.parse;
  lines.push(`| parse + validate a ${p.activities}-activity definition, ms | ${fmt(stats(p.ms))} | | | |`);
  return lines.join('\n');
}

async function main() {
  const started = performance.now();
  const server = await startServer();
  const client = server.env.client;
  const taskQueue = 'bench';
  let results;
  let startup;
  try {
    startup = await workerStartup(server, smoke ? 1 : 5);
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../test/workflows/index.ts'),
      logger: quietLogger,
    });
    const worker = await Worker.create({
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue,
      workflowBundle: bundle,
      sinks: hookSinks(),
      activities: { ...participantActivities({ noop: () => ({}) }), ...eventActivities(client) },
      maxCachedWorkflows: 3000,
    });
    results = await worker.runUntil(async () => ({
      shapes: await throughputAndShapes(server, client, taskQueue),
      fanout: await fanout(server, client),
      launch: await launchThroughput(client, taskQueue),
    }));
  } finally {
    await server.stop();
  }
  results.startup = startup;
  results.replay = await replayCost();
  results.parse = parseBenchmark(config.parseReps);
  const sdk = require('@temporalio/worker/package.json').version;
  const full = {
    smoke,
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
    node: process.version,
    sdk,
    server: 'temporal CLI v1.5.1 (server 1.29.1), eager activity dispatch on',
    reps: config.reps,
    processes: config.processes,
    ...results,
    seconds: (performance.now() - started) / 1000,
  };
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, smoke ? 'smoke.json' : 'latest.json'), `${JSON.stringify(full, null, 2)}\n`);
  console.log(markdown(full));
  console.log(
    `\n(${full.seconds.toFixed(0)} s; results in bench/results/${smoke ? 'smoke' : 'latest'}.json)`,
  );
}

main().then(
  () => process.exit(0), // connections and the worker child would otherwise keep the process alive
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
