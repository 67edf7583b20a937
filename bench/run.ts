// `npm run bench`: what the XML layer costs next to the same workflows written by hand, measured side by
// side on one dev server with one worker, plus the adapter's scale figures. Writes bench/results/latest.json
// (or smoke.json) and prints a Markdown table. `npm run bench -- --smoke` runs tiny sizes (CI keeps it
// working; its numbers mean nothing). Nothing is asserted: machines are shared and noisy.
// Over 400 lines: one file per results file, its sections and its table side by side.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { setInterval, clearInterval } from 'node:timers';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import workerPackage from '@temporalio/worker/package.json';
import {
  EVENT_SIGNAL,
  Events,
  Launcher,
  STATE_QUERY,
  hookSinks,
  participantActivities,
  type DevServer,
  type ProcessHandle,
  type ProcessSnapshot,
} from '../src';
import { eventActivities, resolveTimeSkippingServer } from '../src/internal';
import { parseBenchmark } from './definition';
import {
  startServer,
  processStart,
  handStart,
  PROCESS_WORKFLOW_TYPE,
  testWorkflowBundle,
} from './lib/harness';
import { fromRoot, log, median, percentile, pool, runMain, sleep, stats, type Stats } from './lib/stats';
import { shapes } from './lib/shapes';
import { workerStartup } from './worker-startup';
import { alternativeRows, alternatives } from './lib/alternatives';
import { devServerPid, quiet } from './lib/threads';
import { usage, workerProcess } from './lib/worker-child';

type Variant = 'interpreter' | 'hand';
type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

const smoke = process.argv.includes('--smoke');
// `--only=while20,expr20,replay`: just those shapes' rows (and the replay rows), into bench/results/partial.json
// (a quick A/B of one change; the full run is what latest.json holds). `--only=alternatives`: just the rows
// against the DSL-sample-style interpreter and plain workflows.
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
// `--reps=N`: interleaved repetitions of each A/B row (default 3).
const reps = Number(process.argv.find((a) => a.startsWith('--reps='))?.slice('--reps='.length) ?? 3);
const config = smoke
  ? { reps: 1, scale: 0.05, fanout: 20, parked: 50, launches: 20, replaySteps: [100, 1000], parseReps: 3 }
  : {
      reps,
      scale: 0.5,
      fanout: 500,
      parked: 2000,
      launches: 300,
      replaySteps: [1000, 10000],
      parseReps: 15,
    };

/** Starts `n` workflows (50 starts in flight) and waits for all; returns seconds and the workflow ids. */
async function batch(
  n: number,
  start: { prefix: string; run: (id: string) => Promise<WorkflowHandle> },
): Promise<{ seconds: number; ids: string[] }> {
  const ids = Array.from({ length: n }, (_, i) => `${start.prefix}-${i}`);
  const t0 = performance.now();
  const handles: WorkflowHandle[] = [];
  await pool(ids, 50, async (id) => handles.push(await start.run(id)));
  await Promise.all(handles.map((h) => h.result()));
  return { seconds: (performance.now() - t0) / 1000, ids };
}

/** Time from each activity's completion to the next activity being scheduled, from a history. */
function taskLatencies(history: History): number[] {
  const out: number[] = [];
  const events = history.events ?? [];
  const time = (e: HistoryEvent): number =>
    Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  for (let i = 0; i < events.length; i++) {
    if (!events[i].activityTaskCompletedEventAttributes) continue;
    const next = events.slice(i + 1).find((e) => e.activityTaskScheduledEventAttributes);
    if (next) out.push(time(next) - time(events[i]));
  }
  return out;
}

/** The row of one shape in the results file. */
interface ShapeRow {
  shape: string;
  processes: number;
  target: number;
  interpreter: Stats;
  hand: Stats;
  ratio: number;
  pairedRatio: Stats;
  cpuMsPerProcess: { interpreter: Stats; hand: Stats; ratio: number; pairedRatio: Stats };
  events: Record<Variant, number>;
  taskLatencyMs: Record<Variant, { p50?: number; p99?: number }>;
}

/**
 * Every shape through the interpreter and its hand-written twin, interleaved (A/B, then B/A), on one worker
 * in its own process running both: processes per second, the worker's CPU time per process, history events.
 */
async function throughputAndShapes(server: DevServer, client: Client): Promise<ShapeRow[]> {
  const taskQueue = 'bench-shapes';
  const worker = await workerProcess(server, taskQueue, ['--test-bundle']);
  const pids = [devServerPid(server.address), worker.pid ?? NaN];
  const rows: ShapeRow[] = [];
  let run = 0;
  try {
    for (const shape of shapes.filter((s) => !only || only.includes(s.key))) {
      const processes = Math.max(5, Math.round(shape.processes * config.scale));
      const times: Record<Variant, number[]> = { interpreter: [], hand: [] };
      const cpu: Record<Variant, number[]> = { interpreter: [], hand: [] };
      const events: Record<Variant, number[]> = { interpreter: [], hand: [] };
      const latencies: Record<Variant, number[]> = { interpreter: [], hand: [] };
      // Rep -1 warms the worker up for the shape (its code paths compiled, its first processes' costs paid)
      // and is not measured: otherwise the first batch, always the interpreter's, paid for both.
      for (let rep = smoke ? 0 : -1; rep < config.reps; rep++) {
        const order: Variant[] = rep % 2 === 0 ? ['interpreter', 'hand'] : ['hand', 'interpreter'];
        for (const variant of order) {
          const prefix = `${shape.key}-${variant}-${run++}`;
          const start = {
            prefix,
            run: (id: string): Promise<WorkflowHandle> =>
              variant === 'interpreter'
                ? client.workflow.start(PROCESS_WORKFLOW_TYPE, processStart(taskQueue, id, shape.xml))
                : client.workflow.start(shape.hand.type, handStart(taskQueue, id, shape)),
          };
          if (rep < 0) {
            await batch(Math.max(5, Math.round(processes / 5)), start);
            continue;
          }
          await quiet(pids);
          const before = await usage(worker);
          const { seconds, ids } = await batch(processes, start);
          const after = await usage(worker);
          times[variant].push(processes / seconds);
          // The batch's own CPU: not the full collections `usage` forces for the heap figures.
          cpu[variant].push((after.cpuMs - before.afterGcMs) / processes);
          for (const id of ids.slice(0, 20)) {
            const history = await client.workflow.getHandle(id).fetchHistory();
            events[variant].push(history.events?.length ?? 0);
            latencies[variant].push(...taskLatencies(history));
          }
          log(
            `${shape.name} ${variant}: ${(processes / seconds).toFixed(1)} processes/s, ${(cpu[variant].at(-1) ?? 0).toFixed(1)} ms CPU each`,
          );
        }
      }
      const a = stats(times.interpreter);
      const b = stats(times.hand);
      const ca = stats(cpu.interpreter);
      const cb = stats(cpu.hand);
      // Each repetition's two batches ran back to back: their ratio is free of the machine's slower and
      // faster phases, which the medians of each side keep when a phase covers more than one batch.
      const paired = (x: Record<Variant, number[]>): Stats =>
        stats(x.interpreter.map((v, i) => v / x.hand[i]));
      rows.push({
        shape: shape.name,
        processes,
        target: shape.target,
        interpreter: a,
        hand: b,
        ratio: a.median / b.median,
        pairedRatio: paired(times),
        cpuMsPerProcess: {
          interpreter: ca,
          hand: cb,
          ratio: ca.median / cb.median,
          pairedRatio: paired(cpu),
        },
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
  } finally {
    worker.kill('SIGKILL');
  }
  return rows;
}

/**
 * Memory per parked process: heap of a worker (in its own process, after full GCs) holding N processes
 * parked in `<await>`, against the same worker before they started; the hand-written workflow parked on a
 * signal (`handParked`) beside it is the floor. Interleaved, `config.reps` times each.
 */
async function parkedMemory(
  server: DevServer,
  client: Client,
): Promise<{ processes: number; heapKiBPerProcess: { interpreter: Stats; hand: Stats; ratio: number } }> {
  const taskQueue = 'bench-parked';
  const worker = await workerProcess(server, taskQueue, ['--test-bundle']);
  const n = config.parked;
  const perProcess: Record<Variant, number[]> = { interpreter: [], hand: [] };
  let run = 0;
  try {
    for (let rep = 0; rep < config.reps; rep++) {
      const variants: Variant[] = rep % 2 === 0 ? ['interpreter', 'hand'] : ['hand', 'interpreter'];
      for (const variant of variants) {
        const event = `parked-${run++}`;
        const ids = Array.from({ length: n }, (_, i) => `${event}-${i}`);
        await sleep(1000);
        const before = await usage(worker);
        const handles: WorkflowHandle[] = [];
        await pool(ids, 50, async (id) =>
          handles.push(
            variant === 'interpreter'
              ? await client.workflow.start(
                  PROCESS_WORKFLOW_TYPE,
                  processStart(taskQueue, id, `<process name="parked"><await event="${event}"/></process>`),
                )
              : await client.workflow.start('handParked', { taskQueue, workflowId: id }),
          ),
        );
        // Parked: the await is active (handParked answers the same query).
        await pool(handles, 50, async (h) => {
          for (;;) {
            const s = await h.query<ProcessSnapshot>(STATE_QUERY);
            if (s.children[0].state === 'active') return;
            await sleep(100);
          }
        });
        const after = await usage(worker);
        perProcess[variant].push((after.heapUsed - before.heapUsed) / n / 1024);
        log(`parked ${variant}: ${(perProcess[variant].at(-1) ?? 0).toFixed(1)} KiB heap per process (${n})`);
        await pool(handles, 50, (h) => h.signal(EVENT_SIGNAL, { event }));
        await Promise.all(handles.map((h) => h.result()));
      }
    }
  } finally {
    worker.kill('SIGKILL');
  }
  const a = stats(perProcess.interpreter);
  const b = stats(perProcess.hand);
  return { processes: n, heapKiBPerProcess: { interpreter: a, hand: b, ratio: a.median / b.median } };
}

async function parkAll(handles: readonly ProcessHandle[]): Promise<void> {
  await pool(handles, 50, async (h) => {
    for (;;) {
      const s = await h.workflowHandle.query<ProcessSnapshot>(STATE_QUERY);
      if (s.children[0].state === 'active') return;
      await sleep(100);
    }
  });
}

/**
 * One trigger to N parked awaits against a loop of direct signals (A/B alternating), on a worker in its own
 * process.
 */
async function fanout(
  server: DevServer,
  client: Client,
): Promise<{ processes: number; triggerSeconds: Stats; directSeconds: Stats }> {
  const taskQueue = 'bench-fanout';
  const worker = await workerProcess(server, taskQueue);
  const launcher = new Launcher(client, taskQueue);
  const events = new Events(client, taskQueue);
  const results: Record<'trigger' | 'direct', number[]> = { trigger: [], direct: [] };
  try {
    // Warm-up: one parked process through the whole path, so code and caches are loaded.
    const warm = await launcher.launch('<process><await event="fan-warm"/></process>');
    await parkAll([warm]);
    await events.trigger('fan-warm');
    await warm.result();
    for (let rep = 0; rep < config.reps; rep++) {
      const modes: ('trigger' | 'direct')[] = rep % 2 === 0 ? ['trigger', 'direct'] : ['direct', 'trigger'];
      for (const mode of modes) {
        const name = `fan-${rep}-${mode}`;
        const xml = `<process name="parked"><await event="${name}"/></process>`;
        await sleep(2000);
        const handles: ProcessHandle[] = [];
        await pool(Array.from({ length: config.fanout }), 50, async () =>
          handles.push(await launcher.launch(xml)),
        );
        await parkAll(handles);
        await sleep(2000);
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
  };
}

async function launchThroughput(
  client: Client,
  taskQueue: string,
): Promise<{ launches: number; perSecond: Stats }> {
  const launcher = new Launcher(client, taskQueue);
  const rates: number[] = [];
  for (let rep = 0; rep < config.reps; rep++) {
    const t0 = performance.now();
    await pool(Array.from({ length: config.launches }), 50, () =>
      launcher.launch('<process><assign property="x">1</assign></process>'),
    );
    rates.push(config.launches / ((performance.now() - t0) / 1000));
  }
  return { launches: config.launches, perSecond: stats(rates) };
}

/**
 * Replay cost: loop histories of N activities (the interpreter's `while` of an action and an assign: 2N
 * steps; the hand-written `handWhile(N)`) recorded on the in-memory test server (fast round trips), then
 * replayed here, µs per activity. All of them go through one replay worker (`Worker.runReplayHistories`),
 * one history at a time, interleaved: a replay worker costs about a second to create, which a worker per
 * history would add to every figure. A first round, not measured, warms the worker up.
 */
/** The replay row of one history size. */
interface ReplayRow {
  steps: number;
  activities: number;
  events: number;
  handEvents: number;
  usPerActivity: { interpreter: Stats; hand: Stats; ratio: number };
}

async function replayCost(): Promise<ReplayRow[] | { skipped: string }> {
  const loop = (
    iterations: number,
  ): string => `<process><context><property name="n" type="int">0</property></context>
    <while><condition>context["n"] &lt; ${iterations}</condition><action participant="noop"/>
      <assign property="n">context["n"] + 1</assign></while></process>`;
  const ts = await resolveTimeSkippingServer();
  if ('reason' in ts) return { skipped: ts.reason };
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: ts.executable } });
  const bundle = await testWorkflowBundle();
  const histories: Record<string, { workflowId: string; history: History }> = {};
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
        const activities = steps / 2;
        const variants: Record<Variant, [string, unknown]> = {
          interpreter: [
            PROCESS_WORKFLOW_TYPE,
            { definition: loop(activities), continueAsNewAfterEvents: 50_000 },
          ],
          hand: ['handWhile', activities],
        };
        for (const [variant, [type, arg]] of Object.entries(variants)) {
          const workflowId = `replay-${variant}-${steps}`;
          const handle = await env.client.workflow.start(type, {
            taskQueue: 'replay',
            workflowId,
            args: [arg],
          });
          await handle.result();
          histories[`${variant}-${steps}`] = { workflowId, history: await handle.fetchHistory() };
        }
      }
    });
  } finally {
    await env.teardown();
  }
  // The replay order: per round, each size, the two variants in alternating order.
  const rounds = Math.max(3, config.reps);
  const order: { round: number; steps: number; variant: Variant }[] = [];
  for (let round = -1; round < rounds; round++) {
    for (const steps of config.replaySteps) {
      const variants: Variant[] = round % 2 === 0 ? ['interpreter', 'hand'] : ['hand', 'interpreter'];
      for (const variant of variants) order.push({ round, steps, variant });
    }
  }
  const us: Record<number, Record<Variant, number[]>> = {};
  let started = 0;
  async function* paced() {
    for (const entry of order) {
      started = performance.now();
      yield histories[`${entry.variant}-${entry.steps}`];
    }
  }
  let i = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, sinks: hookSinks() },
    paced(),
  )) {
    const { round, steps, variant } = order[i++];
    if (result.error) throw result.error;
    if (round >= 0)
      (us[steps] ??= { interpreter: [], hand: [] })[variant].push(
        ((performance.now() - started) * 1000) / (steps / 2),
      );
  }
  return config.replaySteps.map((steps) => {
    const a = stats(us[steps].interpreter);
    const b = stats(us[steps].hand);
    return {
      steps,
      activities: steps / 2,
      events: histories[`interpreter-${steps}`].history.events?.length ?? 0,
      handEvents: histories[`hand-${steps}`].history.events?.length ?? 0,
      usPerActivity: { interpreter: a, hand: b, ratio: a.median / b.median },
    };
  });
}

const fmt = (s: Stats, digits = 1): string =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

/** What a run measured: the shapes always, the rest on a full run (`--only` runs the shapes and replay). */
interface Measured {
  shapes: ShapeRow[];
  parked?: Awaited<ReturnType<typeof parkedMemory>>;
  fanout?: Awaited<ReturnType<typeof fanout>>;
  launch?: Awaited<ReturnType<typeof launchThroughput>>;
  startup?: Awaited<ReturnType<typeof workerStartup>>;
  parse?: ReturnType<typeof parseBenchmark>;
  replay?: Awaited<ReturnType<typeof replayCost>>;
  alternatives?: Awaited<ReturnType<typeof alternatives>>;
}

/** The results file. */
interface Results extends Measured {
  smoke: boolean;
  date: string;
  machine: string;
  node: string;
  sdk: string;
  server: string;
  reps: number;
  loadAverage1m: Stats & { samples: number };
  seconds: number;
}

/** The fan-out, parked-memory and launch rows of a full run. */
function otherRows(results: Required<Pick<Measured, 'fanout' | 'parked' | 'launch'>>, lines: string[]): void {
  const f = results.fanout;
  lines.push(
    `| event fan-out to ${f.processes} parked awaits: s until the last completes | ${fmt(f.triggerSeconds, 2)} (one trigger) | ${fmt(f.directSeconds, 2)} (direct signals) | ${(f.triggerSeconds.median / f.directSeconds.median).toFixed(2)} | |`,
  );
  const m = results.parked.heapKiBPerProcess;
  lines.push(
    `| heap per process parked in await, KiB (${results.parked.processes} in one worker, after GC, vs none) | ${fmt(m.interpreter)} | ${fmt(m.hand)} (signal wait) | ${m.ratio.toFixed(2)} | < 50 KB |`,
  );
  lines.push(
    `| Launcher.launch throughput, processes/s (${results.launch.launches}) | ${fmt(results.launch.perSecond)} | | | |`,
  );
}

function markdown(results: Results): string {
  const lines = [
    `Benchmark ${results.smoke ? '(smoke: tiny sizes, numbers meaningless)' : ''} — ${results.machine}`,
    `Node ${results.node}, Temporal SDK ${results.sdk}, dev server ${results.server}; ${results.reps} repetitions, median (min–max); 1-min load average ${fmt(results.loadAverage1m)}`,
    '',
    '| row | interpreter | hand-written | ratio | target |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results.shapes) {
    lines.push(
      `| ${r.shape}: processes/s (${r.processes} processes per batch) | ${fmt(r.interpreter)} | ${fmt(r.hand)} | ${r.ratio.toFixed(2)}; paired ${fmt(r.pairedRatio, 2)} | ≥ ${r.target} |`,
    );
  }
  for (const r of results.shapes) {
    const c = r.cpuMsPerProcess;
    lines.push(
      `| ${r.shape}: worker CPU ms per process | ${fmt(c.interpreter)} | ${fmt(c.hand)} | ${c.ratio.toFixed(2)}; paired ${fmt(c.pairedRatio, 2)} | ≤ 1.05 |`,
    );
  }
  for (const r of results.shapes) {
    lines.push(
      `| ${r.shape}: history events per process (median of 20 per run) | ${r.events.interpreter} | ${r.events.hand} | ${(r.events.interpreter / r.events.hand).toFixed(2)} | equal |`,
    );
  }
  for (const r of results.shapes) {
    const l = r.taskLatencyMs;
    const ms = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(1)); // a call's parent runs no activity
    lines.push(
      `| ${r.shape}: activity done → next scheduled, p50 / p99 ms | ${ms(l.interpreter.p50)} / ${ms(l.interpreter.p99)} | ${ms(l.hand.p50)} / ${ms(l.hand.p99)} | ${l.hand.p50 ? `${((l.interpreter.p50 ?? NaN) / l.hand.p50).toFixed(2)} (p50)` : ''} | |`,
    );
  }
  const { fanout: f, parked, launch } = results;
  if (f && parked && launch) otherRows({ fanout: f, parked, launch }, lines);
  if (Array.isArray(results.replay)) {
    for (const r of results.replay) {
      const u = r.usPerActivity;
      lines.push(
        `| replay, µs per activity (${r.activities} activities: ${r.events} / ${r.handEvents} events), one replay worker | ${fmt(u.interpreter)} | ${fmt(u.hand)} | ${u.ratio.toFixed(2)} | ≤ 1.2 |`,
      );
    }
    if (results.replay.length === 2) {
      const [small, large] = results.replay;
      const growth = (v: Variant): number => large.usPerActivity[v].median / small.usPerActivity[v].median;
      lines.push(
        `| replay growth: µs/activity at ${large.steps} steps ÷ at ${small.steps} | ${growth('interpreter').toFixed(2)} | ${growth('hand').toFixed(2)} | | ≤ 1.1 |`,
      );
    }
  }
  if (results.startup && results.parse) {
    const st = results.startup;
    lines.push(
      `| worker start-up, createWorker → polling, ms (${st.reps} fresh processes each) | ${fmt(st.prebuilt, 0)} (prebuilt bundle) | ${fmt(st.bundling, 0)} (bundling at start) | ${(st.prebuilt.median / st.bundling.median).toFixed(2)} | < 1,000 ms |`,
    );
    const p = results.parse;
    lines.push(`| parse + validate a ${p.activities}-activity definition, ms | ${fmt(stats(p.ms))} | | | |`);
  }
  if (results.alternatives) lines.push(...alternativeRows(results.alternatives));
  return lines.join('\n');
}

/** The interpreter against a DSL-sample-style interpreter and plain workflows (bench/lib/alternatives.ts). */
function alternativesSection(server: DevServer, client: Client) {
  return alternatives(server, client, {
    // Its rows decide whether the interpreter is ahead, by a few percent at most: more repetitions than
    // the other sections, so that one slow phase of a shared machine does not move a median.
    reps: smoke ? config.reps : Math.max(5, config.reps),
    processes: smoke ? 5 : 200,
    longActivities: smoke ? 20 : 500,
    workerArgs: ['--test-bundle'],
  });
}

/** The rows that need the in-process worker besides the shapes: parked memory, fan-out, launches. */
async function fullRun(server: DevServer, client: Client): Promise<Measured> {
  const taskQueue = 'bench';
  const worker = await Worker.create({
    connection: server.env.nativeConnection,
    namespace: server.namespace,
    taskQueue,
    workflowBundle: await testWorkflowBundle(),
    sinks: hookSinks(),
    activities: { ...participantActivities({ noop: () => ({}) }), ...eventActivities(client) },
    maxCachedWorkflows: 3000,
  });
  return {
    shapes: await throughputAndShapes(server, client),
    parked: await parkedMemory(server, client),
    fanout: await fanout(server, client),
    launch: await worker.runUntil(() => launchThroughput(client, taskQueue)),
    alternatives: await alternativesSection(server, client),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  // The machine is shared: the 1-minute load average, sampled every 30 s, goes into the results.
  const load = [os.loadavg()[0]];
  const sampler = setInterval(() => load.push(os.loadavg()[0]), 30_000);
  const server = await startServer();
  const client = server.env.client;
  let results: Measured;
  let startup: Awaited<ReturnType<typeof workerStartup>> | undefined;
  try {
    if (only?.length === 1 && only[0] === 'alternatives')
      results = { shapes: [], alternatives: await alternativesSection(server, client) };
    else if (only) results = { shapes: await throughputAndShapes(server, client) };
    else {
      startup = await workerStartup(server, smoke ? 1 : 3);
      results = await fullRun(server, client);
    }
  } finally {
    await server.stop();
  }
  if (!only) {
    results.startup = startup;
    results.parse = parseBenchmark(config.parseReps);
  }
  if (!only || only.includes('replay')) results.replay = await replayCost();
  clearInterval(sampler);
  const sdk = workerPackage.version;
  const full: Results = {
    smoke,
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
    node: process.version,
    sdk,
    server: 'temporal CLI v1.5.1 (server 1.29.1), eager activity dispatch on',
    reps: config.reps,
    loadAverage1m: { ...stats(load), samples: load.length },
    ...results,
    seconds: (performance.now() - started) / 1000,
  };
  const dir = fromRoot('bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = smoke ? 'smoke' : only ? 'partial' : 'latest';
  writeFileSync(path.join(dir, `${file}.json`), `${JSON.stringify(full, null, 2)}\n`);
  console.log(markdown(full));
  console.log(`\n(${full.seconds.toFixed(0)} s; results in bench/results/${file}.json)`);
}

// runMain exits: connections and the worker child would otherwise keep the process alive
runMain(main);
