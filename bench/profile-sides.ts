// Where each side's CPU goes, first run and replay: for each shape and side of the alternatives section
// (bench/lib/alternatives.ts), a child process under `node --cpu-prof` starts a dev server and an in-process
// worker, runs a warm-up, then N processes (the measured "run" window), fetches their histories and replays
// them through one replay worker (the "replay" window). The parent reads the child's CPU profiles (one per
// thread), keeps the samples inside each window, maps the workflow bundle's frames to their sources through
// the bundle's inline source map, and sums self time by category, in ms per process. What the profiles do
// not sample (the SDK's Rust core threads, V8's helper threads) is the process's CPU time in the window less
// the sampled time. The bench's own client runs in the same process; its frames are a category of their own.
// Run (after npm run build): node lib/bench/profile-sides.js [--processes=N] [--shapes=sequence10,all3x5]
//   [--sides=interpreter,lean,dsl,plain]   → a table per shape on stdout, bench/results/profile.json
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { SourceMapConsumer } from 'source-map-js';
import { hookSinks, participantActivities } from '../src';
import { altShapes, SIDES, startOf, type Side } from './lib/alternatives';
import { startServer, testWorkflowBundle, writeResults } from './lib/harness';
import { log, pool, runMain } from './lib/stats';

/** A measured window of the child: its bounds on the profiles' clock (µs) and the process's CPU in it. */
interface Window {
  from: number;
  to: number;
  cpuMs: number;
}

/** What the child leaves beside its profiles. */
interface ChildReport {
  processes: number;
  run: Window;
  replay: Window;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

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
      const [from, cpu] = [nowUs(), cpuMs()];
      ids = await runBatch('run', processes);
      run = { from, to: nowUs(), cpuMs: cpuMs() - cpu };
    });
    const histories = await Promise.all(
      ids.map(async (id) => ({
        workflowId: id,
        history: await server.env.client.workflow.getHandle(id).fetchHistory(),
      })),
    );
    // One replay worker for all: a warm-up of a tenth of the histories, then all of them, measured.
    const warm = histories.slice(0, Math.max(5, histories.length / 10));
    let replay: Window | undefined;
    async function* paced() {
      yield* warm;
      replay = { from: nowUs(), to: 0, cpuMs: cpuMs() };
      yield* histories;
    }
    let seen = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: bundle, sinks: hookSinks() },
      paced(),
    )) {
      if (result.error) throw result.error;
      if (++seen === warm.length + histories.length && replay) {
        replay = { ...replay, to: nowUs(), cpuMs: cpuMs() - replay.cpuMs };
      }
    }
    if (!run || !replay) throw new Error('a window was not measured');
    const report: ChildReport = { processes, run, replay };
    writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report));
  } finally {
    await server.stop();
  }
}

/** The categories of self time, in the order the tables show them. */
const CATEGORIES = [
  'interpreter (workflows/, src/)',
  'DSL-style and plain workflows',
  'SDK in the workflow sandbox',
  'SDK worker, Node side',
  'protobuf and payload conversion',
  'V8: GC',
  'V8: compile, Node internals, other',
  'not sampled: SDK core threads, V8 helpers',
  "the bench's client (not the worker)",
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

/** The category of a frame outside the bundle (by its script's URL and name). */
function hostCategory(url: string, name: string): Category | undefined {
  if (name === '(idle)') return undefined;
  if (name === '(garbage collector)') return 'V8: GC';
  if (/@temporalio\/client|@grpc\/grpc-js|\/bench\//.test(url)) return "the bench's client (not the worker)";
  if (/protobufjs|@temporalio\/proto|@temporalio\/common/.test(url)) return 'protobuf and payload conversion';
  if (/@temporalio\/(worker|core-bridge|activity|workflow)|\/src\/worker\//.test(url))
    return 'SDK worker, Node side';
  return 'V8: compile, Node internals, other';
}

/** Self time (ms) by category of the samples of `profiles` inside each window. */
function categorize(dir: string, report: ChildReport): Record<'run' | 'replay', Record<Category, number>> {
  const code = readFileSync(path.join(dir, 'bundle.js'), 'utf8');
  const mapAt = code.lastIndexOf('sourceMappingURL=data:application/json;base64,');
  const map = new SourceMapConsumer(
    JSON.parse(Buffer.from(code.slice(code.indexOf(',', mapAt) + 1).trim(), 'base64').toString('utf8')),
  );
  const empty = (): Record<Category, number> =>
    Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const out = { run: empty(), replay: empty() };
  const sampled = { run: 0, replay: 0 };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const categoryOf = new Map<number, Category | undefined>();
    for (const node of profile.nodes) {
      const { url, functionName, lineNumber, columnNumber } = node.callFrame;
      let category: Category | undefined;
      if (/workflow-bundle-[0-9a-f]+\.js$/.test(url) || url.endsWith('bundle.js')) {
        const source = map.originalPositionFor({ line: lineNumber + 1, column: columnNumber }).source;
        category = bundleCategory(source ?? '');
      } else {
        category = hostCategory(url, functionName);
      }
      categoryOf.set(node.id, category);
    }
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i];
      const category = categoryOf.get(profile.samples[i]);
      if (!category) continue;
      // A sample stands for the time since the previous one.
      const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i]) / 1000;
      for (const phase of ['run', 'replay'] as const) {
        const w = report[phase];
        if (t < w.from || t > w.to) continue;
        out[phase][category] += ms;
        if (category !== "the bench's client (not the worker)") sampled[phase] += ms;
      }
    }
  }
  for (const phase of ['run', 'replay'] as const) {
    const client = out[phase]["the bench's client (not the worker)"];
    out[phase]['not sampled: SDK core threads, V8 helpers'] = Math.max(
      0,
      report[phase].cpuMs - sampled[phase] - client,
    );
  }
  return out;
}

async function parent(args: Map<string, string>): Promise<void> {
  const processes = Number(args.get('processes') ?? 200);
  const keys = (args.get('shapes') ?? 'sequence10,all3x5').split(',');
  const sides = (args.get('sides') ?? SIDES.join(',')).split(',') as Side[];
  const root = mkdtempSync(path.join(tmpdir(), 'bureaucrat-profile-'));
  const results: Record<string, Record<string, Record<'run' | 'replay', Record<Category, number>>>> = {};
  const rows: string[] = [];
  for (const key of keys) {
    results[key] = {};
    for (const side of sides) {
      const dir = path.join(root, `${key}-${side}`);
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
      const ms = categorize(dir, report);
      for (const phase of ['run', 'replay'] as const)
        for (const c of CATEGORIES) ms[phase][c] /= report.processes;
      results[key][side] = ms;
    }
    for (const phase of ['run', 'replay'] as const) {
      rows.push('', `${key}, ${phase === 'run' ? 'first run' : 'replay'}: CPU ms per process`, '');
      rows.push(`| category | ${sides.join(' | ')} |`, `| --- | ${sides.map(() => '---:').join(' | ')} |`);
      for (const c of CATEGORIES) {
        rows.push(`| ${c} | ${sides.map((s) => results[key][s][phase][c].toFixed(2)).join(' | ')} |`);
      }
      const total = (s: Side) =>
        CATEGORIES.filter((c) => c !== "the bench's client (not the worker)").reduce(
          (sum, c) => sum + results[key][s][phase][c],
          0,
        );
      rows.push(`| **worker total** | ${sides.map((s) => `**${total(s).toFixed(2)}**`).join(' | ')} |`);
    }
  }
  writeResults('profile', false, { processes, results }, rows);
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
