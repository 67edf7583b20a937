// Where each side's CPU goes, first run and replay: for each shape and side of the alternatives section
// (bench/lib/alternatives.ts), a child process under `node --cpu-prof` starts a dev server and an in-process
// worker, runs a warm-up, then N processes (the measured "run" window), fetches their histories and replays
// them through one replay worker (the "replay" window). Two views of each window, in ms per process:
// - by thread, as the kernel counted it (/proc, Linux): the main thread (the SDK's worker loop, activities,
//   payload conversion, and the bench's client), Node's other threads (the workflow thread, where the
//   workflow code and the SDK's sandbox run, and V8's and libuv's helpers), the SDK's Rust core threads;
// - by code, from V8's samples of busy JS threads (wall time, not CPU): self time by category, the workflow
//   bundle's frames mapped to their sources through the bundle's inline source map. V8 leaves part of the
//   sandbox's time unresolved under `vm.runInContext` (entering the context, microtask checkpoints, frames
//   it does not walk): that is a category of its own.
// Run: npm run bench:profile [-- --processes=N] [--shapes=sequence10,all3x5] [--sides=interpreter,lean,dsl,plain]
//   → tables on stdout, bench/results/profile.json; --smoke: 10 processes, one shape, two sides.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { SourceMapConsumer } from 'source-map-js';
import { hookSinks, participantActivities } from '../src';
import { altShapes, SIDES, startOf, type Side } from './lib/alternatives';
import { startServer, testWorkflowBundle, writeResults } from './lib/harness';
import { log, pool, runMain, sleep } from './lib/stats';
import { threadTimes } from './lib/threads';

/**
 * A measured window of the child: its bounds on the profiles' clock (µs, the monotonic clock
 * `process.hrtime` reads too) and its CPU by kind of thread as the kernel counted it.
 */
interface Window {
  from: number;
  to: number;
  threads: Record<ThreadKind, number>;
}

/** The kinds of the worker's threads. */
const THREAD_KINDS = [
  'main thread (SDK worker loop, activities, payloads, the bench client)',
  "Node's other threads (the workflow thread, V8's and libuv's helpers)",
  'SDK core threads (Rust)',
] as const;
type ThreadKind = (typeof THREAD_KINDS)[number];

/** CPU ms so far of this process's threads, by kind (from /proc; zeros where it is missing). */
function threadCpu(): Record<ThreadKind, number> {
  const out = Object.fromEntries(THREAD_KINDS.map((k) => [k, 0])) as Record<ThreadKind, number>;
  for (const { tid, name, ms } of threadTimes(process.pid)) out[threadKind(tid === process.pid, name)] += ms;
  return out;
}

function threadKind(main: boolean, name: string): ThreadKind {
  if (main) return THREAD_KINDS[0];
  // Node names every thread of its own after the executable; the SDK's core names its threads.
  return name === 'node' ? THREAD_KINDS[1] : THREAD_KINDS[2];
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** A window's start: the clock and the threads' CPU. */
function windowStart(): { from: number; threads: Record<ThreadKind, number> } {
  return { from: nowUs(), threads: threadCpu() };
}

/** The window from `start` to now. */
function windowEnd(start: ReturnType<typeof windowStart>): Window {
  const threads = threadCpu();
  for (const k of THREAD_KINDS) threads[k] -= start.threads[k];
  return { from: start.from, to: nowUs(), threads };
}

/** What the child leaves beside its profiles. */
interface ChildReport {
  processes: number;
  run: Window;
  replay: Window;
}

/** The child: one side of one shape, under --cpu-prof; writes report.json and bundle.js into `dir`. */
async function child(dir: string, side: Side, key: string, processes: number): Promise<void> {
  const shape = altShapes().find((s) => s.key === key);
  if (!shape) throw new Error(`no shape ${key}`);
  const server = await startServer();
  try {
    const bundle = await testWorkflowBundle();
    writeFileSync(path.join(dir, 'bundle.js'), bundle.code);
    const taskQueue = 'profile';
    const worker = await Worker.create({
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue,
      workflowBundle: bundle,
      sinks: hookSinks(),
      activities: participantActivities({ noop: () => ({}) }),
      maxCachedWorkflows: 3000,
    });
    const runBatch = async (prefix: string, n: number): Promise<string[]> => {
      const ids = Array.from({ length: n }, (_, i) => `${key}-${prefix}-${String(i).padStart(4, '0')}`);
      const handles: WorkflowHandle[] = [];
      await pool(ids, 50, async (id) => {
        const [type, start] = startOf(side, shape, taskQueue, id);
        handles.push(await server.env.client.workflow.start(type, start));
      });
      await Promise.all(handles.map((h) => h.result()));
      return ids;
    };
    let run: Window | undefined;
    let ids: string[] = [];
    await worker.runUntil(async () => {
      await runBatch('warm', Math.max(10, processes / 5));
      const start = windowStart();
      ids = await runBatch('run', processes);
      run = windowEnd(start);
    });
    const histories = await Promise.all(
      ids.map(async (id) => ({
        workflowId: id,
        history: await server.env.client.workflow.getHandle(id).fetchHistory(),
      })),
    );
    // One replay worker for all: a warm-up of a tenth of the histories, then all of them, measured.
    const warm = histories.slice(0, Math.max(5, histories.length / 10));
    let replayStart: ReturnType<typeof windowStart> | undefined;
    let replay: Window | undefined;
    async function* paced() {
      yield* warm;
      replayStart = windowStart();
      yield* histories;
    }
    let seen = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: bundle, sinks: hookSinks() },
      paced(),
    )) {
      if (result.error) throw result.error;
      if (++seen === warm.length + histories.length && replayStart) replay = windowEnd(replayStart);
    }
    // The replay worker's thread writes its profile when it ends, which it does shortly after the loop.
    await sleep(2000);
    if (!run || !replay) throw new Error('a window was not measured');
    const report: ChildReport = { processes, run, replay };
    writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report));
  } finally {
    await server.stop();
  }
}

/** The categories of V8's samples, in the order the tables show them. */
const CATEGORIES = [
  'interpreter (workflows/, src/)',
  'DSL-style and plain workflows',
  'SDK in the workflow sandbox',
  'sandbox time V8 left under vm.runInContext',
  'SDK worker, Node side',
  'protobuf and payload conversion',
  'V8: GC',
  'V8: compile, Node internals, other',
  "the bench's client",
] as const;
type Category = (typeof CATEGORIES)[number];

/** A CPU profile as `--cpu-prof` writes it. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The category of a source file inside the workflow bundle. */
function bundleCategory(source: string): Category {
  if (source.includes('node_modules/')) {
    return /@temporalio\/(proto|common\/lib\/converter)|protobufjs/.test(source)
      ? 'protobuf and payload conversion'
      : 'SDK in the workflow sandbox';
  }
  if (/(^|\/)test\/workflows\//.test(source)) return 'DSL-style and plain workflows';
  if (/(^|\/)(workflows|src)\//.test(source)) return 'interpreter (workflows/, src/)';
  return 'SDK in the workflow sandbox'; // webpack's runtime
}

/** The category of a frame outside the bundle (by its script's URL and name); undefined when idle. */
function hostCategory(url: string, name: string): Category | undefined {
  if (name === '(idle)') return undefined;
  if (name === '(garbage collector)') return 'V8: GC';
  if (/@temporalio\/client|@grpc\/grpc-js|\/bench\//.test(url)) return "the bench's client";
  if ((url === '' && name === 'runInContext') || /evalmachine|vm-shared|reusable-vm|^node:vm$/.test(url)) {
    return 'sandbox time V8 left under vm.runInContext';
  }
  if (url === '' && name === 'postMessage') return 'SDK worker, Node side';
  if (/protobufjs|@temporalio\/proto|@temporalio\/common/.test(url)) return 'protobuf and payload conversion';
  if (/@temporalio\/(worker|core-bridge|activity|workflow)|\/src\/worker\//.test(url)) {
    return 'SDK worker, Node side';
  }
  return 'V8: compile, Node internals, other';
}

type Phase = 'run' | 'replay';
const PHASES: readonly Phase[] = ['run', 'replay'];

/** Sampled time (ms) by category of the child's profiles (every thread) inside each window. */
function categorize(dir: string, report: ChildReport): Record<Phase, Record<Category, number>> {
  const code = readFileSync(path.join(dir, 'bundle.js'), 'utf8');
  const mapAt = code.lastIndexOf('sourceMappingURL=data:application/json');
  const map = new SourceMapConsumer(
    JSON.parse(Buffer.from(code.slice(code.indexOf(',', mapAt) + 1).trim(), 'base64').toString('utf8')),
  );
  const empty = (): Record<Category, number> =>
    Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const out = { run: empty(), replay: empty() };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const categoryOf = new Map<number, Category | undefined>();
    for (const node of profile.nodes) {
      const { url, functionName, lineNumber, columnNumber } = node.callFrame;
      const inBundle = /workflow-bundle-[0-9a-f]+\.js$/.test(url);
      const source = inBundle
        ? (map.originalPositionFor({ line: lineNumber + 1, column: columnNumber }).source ?? '')
        : undefined;
      categoryOf.set(
        node.id,
        source === undefined ? hostCategory(url, functionName) : bundleCategory(source),
      );
    }
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i];
      const category = categoryOf.get(profile.samples[i]);
      if (!category) continue;
      // A sample stands for the time until the next one.
      const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i]) / 1000;
      for (const phase of PHASES) {
        if (t >= report[phase].from && t <= report[phase].to) out[phase][category] += ms;
      }
    }
  }
  return out;
}

/** One side's figures: ms per process by thread and by sampled category, per phase. */
interface SideProfile {
  threads: Record<Phase, Record<ThreadKind, number>>;
  sampled: Record<Phase, Record<Category, number>>;
}

/** A Markdown table: `labels` down, `sides` across, `value` in each cell, and the column totals. */
function table<L extends string>(
  title: string,
  labels: readonly L[],
  sides: readonly Side[],
  value: (side: Side, label: L) => number,
): string[] {
  const rows = [
    '',
    title,
    '',
    `| | ${sides.join(' | ')} |`,
    `| --- | ${sides.map(() => '---:').join(' | ')} |`,
  ];
  for (const label of labels)
    rows.push(`| ${label} | ${sides.map((s) => value(s, label).toFixed(2)).join(' | ')} |`);
  const total = (s: Side) => labels.reduce((sum, l) => sum + value(s, l), 0);
  rows.push(`| **all** | ${sides.map((s) => `**${total(s).toFixed(2)}**`).join(' | ')} |`);
  return rows;
}

async function parent(args: Map<string, string>): Promise<void> {
  // --smoke (CI): a few processes of one shape on two sides, to keep the tool working.
  const smoke = args.has('smoke');
  const processes = Number(args.get('processes') ?? (smoke ? 10 : 200));
  const keys = (args.get('shapes') ?? (smoke ? 'sequence10' : 'sequence10,all3x5')).split(',');
  const sides = (args.get('sides') ?? (smoke ? 'interpreter,dsl' : SIDES.join(','))).split(',') as Side[];
  const root = mkdtempSync(path.join(tmpdir(), 'bureaucrat-profile-'));
  const results: Record<string, Partial<Record<Side, SideProfile>>> = {};
  const rows: string[] = [];
  for (const key of keys) {
    const bySide: Partial<Record<Side, SideProfile>> = (results[key] = {});
    for (const side of sides) {
      const dir = path.join(root, `${key}-${side}`);
      mkdirSync(dir);
      log(`profiling ${key} ${side} (${processes} processes) → ${dir}`);
      await new Promise<void>((resolve, reject) => {
        const p = spawn(
          process.execPath,
          ['--cpu-prof', `--cpu-prof-dir=${dir}`, __filename, '--child', dir, side, key, String(processes)],
          { stdio: ['ignore', 'inherit', 'inherit'] },
        );
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`profile child exited ${code}`))));
      });
      const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as ChildReport;
      const sampled = categorize(dir, report);
      const per = <K extends string>(r: Record<K, number>) =>
        Object.fromEntries(Object.entries<number>(r).map(([k, v]) => [k, v / report.processes])) as Record<
          K,
          number
        >;
      bySide[side] = {
        threads: { run: per(report.run.threads), replay: per(report.replay.threads) },
        sampled: { run: per(sampled.run), replay: per(sampled.replay) },
      };
    }
    const of = (side: Side): SideProfile => bySide[side] as SideProfile;
    for (const phase of PHASES) {
      const what = `${key}, ${phase === 'run' ? 'first run' : 'replay'}`;
      const byThread = (s: Side, k: ThreadKind) => of(s).threads[phase][k];
      const byCode = (s: Side, c: Category) => of(s).sampled[phase][c];
      rows.push(
        ...table(`${what}: CPU ms per process by thread (kernel)`, THREAD_KINDS, sides, byThread),
        ...table(`${what}: sampled ms per process by code (V8)`, CATEGORIES, sides, byCode),
      );
    }
  }
  writeResults('profile', smoke, { processes, results }, rows);
}

runMain(async () => {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const [, dir, side, key, n] = argv;
    await child(dir, side as Side, key, Number(n));
    return;
  }
  const args = new Map(argv.map((a) => a.replace(/^--/, '').split('=') as [string, string]));
  await parent(args);
});
