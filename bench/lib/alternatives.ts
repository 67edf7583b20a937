// The interpreter against what a team would pick instead, side by side in one run: a general interpreter in
// the style of Temporal's `dsl-interpreter` sample, and plain hand-written workflows with no memo, summaries
// or search attributes (test/workflows/alternatives.ts). Same dev server, one worker in its own process
// running all three, the same no-op activity; repetitions interleaved (the side order rotates); medians
// with ranges. Rows per shape: processes/s, worker CPU and server CPU per process, history events and
// encoded bytes per process, and replay wall and CPU per process, for the shape's histories and for
// 500-action sequences. The interpreter runs with its default features (launcher memo and search
// attributes, activity summaries, state queries, hooks).
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { hookSinks, type DevServer } from '../../src';
import type { DslProgram, DslStatement } from '../../test/workflows/alternatives';
import { processStart, PROCESS_WORKFLOW_TYPE, testWorkflowBundle } from './harness';
import { log, pool, stats, type Stats } from './stats';
import { usage, workerProcess } from './worker-child';
import { devServerPid, processCpuMs, quiet } from './threads';

type History = temporal.api.history.v1.IHistory;

/** The sides: the interpreter with its default features, and with summaries off (`lean`); the alternatives. */
export const SIDES = ['interpreter', 'lean', 'dsl', 'plain'] as const;
/** One side. */
export type Side = (typeof SIDES)[number];

/** A shape every side can run. */
export interface AltShape {
  key: string;
  name: string;
  xml: string;
  dsl: DslProgram;
  plain: { type: string; args: unknown[] };
}

const action = '<action participant="noop"/>';

/** `n` no-op calls in a row, each given the previous one's result (the sample's bindings). */
function calls(n: number, prefix: string): DslStatement[] {
  return Array.from({ length: n }, (_, i) => ({
    activity: { name: 'noop', arguments: [`${prefix}${i}`], result: `${prefix}${i + 1}` },
  }));
}

const sequence = (n: number): AltShape => ({
  key: `sequence${n}`,
  name: `${n}-action sequence`,
  xml: `<process>${action.repeat(n)}</process>`,
  dsl: { variables: { r0: {} }, root: { sequence: { elements: calls(n, 'r') } } },
  plain: { type: 'plainSequence', args: [n] },
});

const all = (branches: number, perBranch: number): AltShape => ({
  key: `all${branches}x${perBranch}`,
  name: `${branches} branches × ${perBranch} actions`,
  xml: `<process><all>${`<sequence>${action.repeat(perBranch)}</sequence>`.repeat(branches)}</all></process>`,
  dsl: {
    variables: Object.fromEntries(Array.from({ length: branches }, (_, b) => [`b${b}r0`, {}])),
    root: {
      parallel: {
        branches: Array.from({ length: branches }, (_, b) => ({
          sequence: { elements: calls(perBranch, `b${b}r`) },
        })),
      },
    },
  },
  plain: { type: 'plainAll', args: [branches, perBranch] },
});

/** The shapes the sides run: a 10-action sequence, and 3 branches of 5 actions. */
export function altShapes(): AltShape[] {
  return [sequence(10), all(3, 5)];
}

/** The measured rows of one shape. */
export interface AltRow {
  shape: string;
  processes: number;
  perSecond: Record<Side, Stats>;
  workerCpuMs: Record<Side, Stats>;
  /**
   * Per repetition, each side's batch over the DSL-style side's batch of the same repetition: what the
   * slow drifts of a shared machine (they move adjacent batches together) leave of the ratios.
   */
  paired: { perSecond: Record<Side, Stats>; workerCpuMs: Record<Side, Stats> };
  serverCpuMs: Record<Side, Stats>;
  events: Record<Side, number>;
  bytes: Record<Side, number>;
  replayWallMs: Record<Side, Stats>;
  replayCpuMs: Record<Side, Stats>;
}

/** What the section measured: the shapes, and the 500-action replay. */
export interface Alternatives {
  /** Interleaved repetitions of each side's batch (the replay rounds: at least 3). */
  reps?: number;
  rows: AltRow[];
  long: { activities: number; events: Record<Side, number>; bytes: Record<Side, number>; replayWallMs: Record<Side, Stats>; replayCpuMs: Record<Side, Stats> };
}

/** The workflow type and start options of one process of `shape` on `side`. */
export function startOf(side: Side, shape: Pick<AltShape, 'xml' | 'dsl' | 'plain'>, taskQueue: string, workflowId: string) {
  if (side === 'interpreter') return [PROCESS_WORKFLOW_TYPE, processStart(taskQueue, workflowId, shape.xml)] as const;
  if (side === 'lean') {
    const settings = { actionOptions: { summaries: false } };
    return [PROCESS_WORKFLOW_TYPE, processStart(taskQueue, workflowId, shape.xml, settings)] as const;
  }
  if (side === 'dsl') return ['dslInterpreter', { taskQueue, workflowId, args: [shape.dsl] }] as const;
  return [shape.plain.type, { taskQueue, workflowId, args: shape.plain.args }] as const;
}

const bytesOf = (history: History): number => temporal.api.history.v1.History.encode(history).finish().length;

/**
 * The `--vs=side` option of the probes (thread-cpu.js, replay-pair.js): the alternatives side to compare the
 * interpreter with, and the alternatives shape `key` names; undefined without the option. Throws on a side
 * or shape this section does not have.
 */
export function vsOption(args: readonly string[], key: string): { side: Side; shape: AltShape } | undefined {
  const side = args.find((a) => a.startsWith('--vs='))?.slice('--vs='.length) as Side | undefined;
  if (side === undefined) return undefined;
  if (!SIDES.includes(side)) throw new Error(`--vs: one of ${SIDES.join(', ')}`);
  const shape = altShapes().find((s) => s.key === key);
  if (!shape) throw new Error(`--vs runs ${altShapes().map((s) => s.key).join(', ')} only`);
  return { side, shape };
}

/** The sides on the shapes; `processes` per batch, `reps` interleaved repetitions. */
export async function alternatives(
  server: DevServer,
  client: Client,
  options: { reps: number; processes: number; longActivities: number; workerArgs: string[] },
): Promise<Alternatives> {
  const taskQueue = 'bench-alternatives';
  const shapes = altShapes();
  const worker = await workerProcess(server, taskQueue, options.workerArgs);
  const pids = { server: devServerPid(server.address), worker: worker.pid ?? NaN };
  /** Per shape and side: the batches' figures, and the histories sampled from the last batch. */
  const runs = shapes.map(() =>
    perSideOf(() => ({ rates: [] as number[], wcpu: [] as number[], scpu: [] as number[], events: [] as number[], bytes: [] as number[], histories: [] as History[] })),
  );
  const longHistories = perSideOf<History>(() => ({}));
  let run = 0;
  try {
    for (const [s, shape] of shapes.entries()) {
      for (let rep = -1; rep < options.reps; rep++) {
        // The order rotates, so that no side always follows the same one.
        const order = SIDES.map((_, i) => SIDES[(i + Math.max(rep, 0)) % SIDES.length]);
        for (const side of order) {
          const n = rep < 0 ? Math.max(5, Math.round(options.processes / 5)) : options.processes;
          // The same ids on every side (the batch's number and the process's): an interpreter's history
          // names its process in places (the start event), and no side should pay for a longer name.
          const ids = Array.from({ length: n }, (_, i) => `${shape.key}-${String(run).padStart(3, '0')}-${i}`);
          run++;
          await quiet([pids.server, pids.worker]);
          const before = await usage(worker);
          const serverBefore = processCpuMs(pids.server);
          const t0 = performance.now();
          const handles: WorkflowHandle[] = [];
          await pool(ids, 50, async (id) => {
            const [type, start] = startOf(side, shape, taskQueue, id);
            handles.push(await client.workflow.start(type, start));
          });
          await Promise.all(handles.map((h) => h.result()));
          const seconds = (performance.now() - t0) / 1000;
          const after = await usage(worker);
          if (rep < 0) continue;
          const r = runs[s][side];
          r.rates.push(n / seconds);
          r.wcpu.push((after.cpuMs - before.afterGcMs) / n);
          r.scpu.push((processCpuMs(pids.server) - serverBefore) / n);
          r.histories = await Promise.all(ids.slice(0, 20).map((id) => client.workflow.getHandle(id).fetchHistory()));
          for (const h of r.histories) {
            r.events.push(h.events?.length ?? 0);
            r.bytes.push(bytesOf(h));
          }
          log(`alternatives ${shape.name} ${side}: ${(n / seconds).toFixed(1)} processes/s, ${(r.wcpu.at(-1) ?? 0).toFixed(1)} ms worker CPU each`);
        }
      }
    }
    // One long history per side: a sequence of `longActivities` actions.
    const longShape = sequence(options.longActivities);
    for (const side of SIDES) {
      const [type, start] = startOf(side, longShape, taskQueue, `long-${String(run++).padStart(3, '0')}`);
      const handle = await client.workflow.start(type, start);
      await handle.result();
      longHistories[side] = await handle.fetchHistory();
    }
  } finally {
    worker.kill('SIGKILL');
  }
  // Replay, in this process (idle otherwise): one replay worker, groups of histories interleaved by side.
  const groups: { key: string; side: Side; histories: History[] }[] = [];
  for (const [s, shape] of shapes.entries())
    for (const side of SIDES) groups.push({ key: shape.key, side, histories: runs[s][side].histories });
  for (const side of SIDES) groups.push({ key: 'long', side, histories: [longHistories[side]] });
  const replayed = await replayGroups(groups, Math.max(3, options.reps));
  const replay = (key: string) => ({
    replayWallMs: perSideOf((side) => stats(replayed[`${key}-${side}`].wall)),
    replayCpuMs: perSideOf((side) => stats(replayed[`${key}-${side}`].cpu)),
  });
  return {
    reps: options.reps,
    rows: shapes.map((shape, s) => ({
      shape: shape.name,
      processes: options.processes,
      perSecond: perSideOf((side) => stats(runs[s][side].rates)),
      workerCpuMs: perSideOf((side) => stats(runs[s][side].wcpu)),
      paired: {
        perSecond: perSideOf((side) => stats(runs[s][side].rates.map((v, i) => v / runs[s].dsl.rates[i]))),
        workerCpuMs: perSideOf((side) => stats(runs[s][side].wcpu.map((v, i) => v / runs[s].dsl.wcpu[i]))),
      },
      serverCpuMs: perSideOf((side) => stats(runs[s][side].scpu)),
      events: perSideOf((side) => stats(runs[s][side].events).median),
      bytes: perSideOf((side) => stats(runs[s][side].bytes).median),
      ...replay(shape.key),
    })),
    long: {
      activities: options.longActivities,
      events: perSideOf((side) => longHistories[side].events?.length ?? 0),
      bytes: perSideOf((side) => bytesOf(longHistories[side])),
      ...replay('long'),
    },
  };
}

function perSideOf<T>(f: (side: Side) => T): Record<Side, T> {
  return Object.fromEntries(SIDES.map((s) => [s, f(s)])) as Record<Side, T>;
}

/**
 * Replays each group `rounds` times (after one warm-up round), the groups' order rotating per round, all
 * through one replay worker (creating one costs about a second, which would swamp a short history); wall
 * and CPU (this process, all threads) per history of each group, from its first history's turn to its last
 * result.
 */
async function replayGroups(
  groups: { key: string; side: Side; histories: History[] }[],
  rounds: number,
): Promise<Record<string, { wall: number[]; cpu: number[] }>> {
  const flat: { round: number; group: (typeof groups)[number]; history: History; first: boolean; last: boolean }[] = [];
  for (let round = -1; round < rounds; round++) {
    const shift = Math.max(round, 0) % groups.length;
    for (let i = 0; i < groups.length; i++) {
      const group = groups[(i + shift) % groups.length];
      group.histories.forEach((history, h) =>
        flat.push({ round, group, history, first: h === 0, last: h === group.histories.length - 1 }),
      );
    }
  }
  const out: Record<string, { wall: number[]; cpu: number[] }> = {};
  let mark = { t: 0, cpu: process.cpuUsage() };
  async function* paced() {
    for (const [i, item] of flat.entries()) {
      if (item.first) mark = { t: performance.now(), cpu: process.cpuUsage() };
      yield { workflowId: `replay-${i}`, history: item.history };
    }
  }
  let i = 0;
  const bundle = await testWorkflowBundle();
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, sinks: hookSinks() }, paced())) {
    if (result.error) throw result.error;
    const item = flat[i++];
    if (!item.last || item.round < 0) continue;
    const n = item.group.histories.length;
    const cpu = process.cpuUsage(mark.cpu);
    const entry = (out[`${item.group.key}-${item.group.side}`] ??= { wall: [], cpu: [] });
    entry.wall.push((performance.now() - mark.t) / n);
    entry.cpu.push((cpu.user + cpu.system) / 1000 / n);
  }
  return out;
}

const fmt = (s: Stats, digits = 1): string =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

/**
 * The Markdown rows: the interpreter (default features, then summaries off), the DSL-style side, plain
 * workflows, and the interpreter ÷ DSL-style ratios with the target.
 */
export function alternativeRows(a: Alternatives): string[] {
  const lines = [
    '',
    ...(a.reps !== undefined ? [`${a.reps} repetitions per side, each batch started once the server and the worker were idle.`, ''] : []),
    '| row (median, min–max) | interpreter | summaries off | DSL-sample style | plain hand-written | interpreter ÷ DSL (off ÷ DSL) | target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const row = (
    label: string,
    v: Record<Side, Stats | number>,
    target: string,
    digits = 1,
    paired?: Record<Side, Stats>,
  ) => {
    const m = (x: Stats | number) => (typeof x === 'number' ? x : x.median);
    const show = (x: Stats | number) =>
      typeof x === 'number' ? Math.round(x).toLocaleString('en-US') : fmt(x, digits);
    const ratio = (side: Side) =>
      (m(v[side]) / m(v.dsl)).toFixed(2) + (paired ? `, paired ${fmt(paired[side], 2)}` : '');
    lines.push(
      `| ${label} | ${SIDES.map((side) => show(v[side])).join(' | ')} | ${ratio('interpreter')} (${ratio('lean')}) | ${target} |`,
    );
  };
  for (const r of a.rows) {
    row(`${r.shape}: processes/s (${r.processes} per batch)`, r.perSecond, '≥ 1.0', 1, r.paired.perSecond);
    row(`${r.shape}: worker CPU ms per process`, r.workerCpuMs, '≤ 1.0', 1, r.paired.workerCpuMs);
    row(`${r.shape}: server CPU ms per process`, r.serverCpuMs, '');
    row(`${r.shape}: history events per process`, r.events, '');
    row(`${r.shape}: history bytes per process (encoded)`, r.bytes, '≤ 1.1');
    row(`${r.shape}: replay wall ms per process`, r.replayWallMs, '', 2);
    row(`${r.shape}: replay CPU ms per process`, r.replayCpuMs, '≤ 1.05', 2);
  }
  const l = a.long;
  row(`${l.activities}-action sequence: history events`, l.events, '');
  row(`${l.activities}-action sequence: history bytes`, l.bytes, '≤ 1.1');
  row(`${l.activities}-action sequence: replay wall ms`, l.replayWallMs, '');
  row(`${l.activities}-action sequence: replay CPU ms`, l.replayCpuMs, '≤ 1.05');
  return lines;
}
