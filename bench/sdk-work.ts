// What each side of the alternatives section (bench/lib/alternatives.ts) asks of the Temporal SDK per
// process, counted rather than timed: counts do not drift with a shared machine's load, so they explain a
// difference of a few percent that the timed rows cannot separate from noise. One history per shape and
// side is recorded on a dev server (of five runs, the history with the fewest events), then replayed
// `replays` times per side (alternated) through one replay worker in this process, which runs the same
// workflow code and the same SDK code as a live worker, on the main thread. Per process, medians:
// - promises created in the workflow sandbox: each one costs the SDK a captured, source-mapped stack trace
//   (for its stack trace query) and two lookups of the running workflow, tens of µs;
// - promises created by the worker around the sandbox: activations and completions go through the SDK's
//   payload visitor, a few promises for every payload (arguments, results, memo fields, summaries);
// - payloads in the history (each one visited on the way in or out);
// - the replay's CPU time (this process, all threads).
// Run (after npm run build): node lib/bench/sdk-work.js [replays per side] [--shapes=sequence10,all3x5]
//   [--sides=interpreter,lean,dsl,plain] → a table on stdout and in bench/results/sdk-work.json; --smoke: 3
//   replays of the sequence on two sides (CI), in sdk-work-smoke.json
import v8 from 'node:v8';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { hookSinks } from '../src';
import { altShapes, SIDES, startOf, type Side } from './lib/alternatives';
import { createWorker, startServer, testWorkflowBundle, writeResults } from './lib/harness';
import { median, runMain } from './lib/stats';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** Promises created since the counting began: in a workflow sandbox (another realm's `Promise`), and not. */
const created = { sandbox: 0, worker: 0 };

/**
 * Counts every promise the process creates from now on. The SDK installs its own promise hook when its
 * first workflow runs; V8 calls every installed hook, so this one sees what the SDK's sees.
 */
function countPromises(): void {
  v8.promiseHooks.onInit((promise) => {
    // A promise made by code of a V8 context other than this one's (a workflow's) has that context's Promise.
    if ((promise as Promise<unknown>).constructor === Promise) created.worker++;
    else created.sandbox++;
  });
}

/** The payloads a history carries (inputs, results, memo fields, summaries, and so on). */
function payloadsIn(history: History): number {
  let count = 0;
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    if (value instanceof Uint8Array) return;
    const record = value as Record<string, unknown>;
    if ('metadata' in record && 'data' in record) {
      count++;
      return;
    }
    for (const child of Object.values(record)) visit(child);
  };
  visit(history.events);
  return count;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const list = (name: string): string[] | undefined =>
    args
      .find((a) => a.startsWith(`--${name}=`))
      ?.slice(name.length + 3)
      .split(',');
  const smoke = args.includes('--smoke');
  const replays = smoke ? 3 : Number(args.find((a) => !a.startsWith('--')) ?? 50);
  const shapes = altShapes().filter(
    (s) => (smoke ? ['sequence10'] : list('shapes'))?.includes(s.key) ?? true,
  );
  const sides = (smoke ? ['interpreter', 'dsl'] : (list('sides') ?? [...SIDES])) as Side[];
  for (const side of sides) if (!SIDES.includes(side)) throw new Error(`--sides: one of ${SIDES.join(', ')}`);

  const bundle = await testWorkflowBundle();
  const server = await startServer();
  const histories = new Map<string, { workflowId: string; history: History }>();
  try {
    const worker = await createWorker(server, 'sdk-work', ['noop'], {
      workflowBundle: bundle,
      workflowsPath: undefined,
    });
    await worker.runUntil(async () => {
      for (const shape of shapes) {
        for (const side of sides) {
          // The same id on every side: an id is repeated in the history.
          const workflowId = `sdk-work-${shape.key}`;
          const [type, start] = startOf(side, shape, 'sdk-work', workflowId);
          // How many workflow tasks a run takes depends on how the activities' completions fall together
          // (`<all>`'s branches): of a few runs, the one with the fewest events, so that the sides compare
          // on the same history shape.
          for (let attempt = 0; attempt < 5; attempt++) {
            const handle = await server.env.client.workflow.start(type, start);
            await handle.result();
            const history = await handle.fetchHistory();
            const kept = histories.get(`${shape.key}/${side}`)?.history.events?.length ?? Infinity;
            if ((history.events?.length ?? 0) < kept)
              histories.set(`${shape.key}/${side}`, { workflowId, history });
          }
        }
      }
    });
  } finally {
    await server.stop();
  }

  countPromises();
  const warmUp = 5;
  const order: string[] = [];
  for (let round = 0; round < replays + warmUp; round++) {
    for (const shape of shapes) {
      const turn = round % 2 ? [...sides].reverse() : sides;
      for (const side of turn) order.push(`${shape.key}/${side}`);
    }
  }
  const measured = new Map<string, { sandbox: number[]; worker: number[]; cpuMs: number[] }>();
  let before = { ...created };
  let cpuBefore = process.cpuUsage();
  async function* paced(): AsyncGenerator<{ workflowId: string; history: History }> {
    for (const key of order) {
      before = { ...created };
      cpuBefore = process.cpuUsage();
      yield histories.get(key) as { workflowId: string; history: History };
    }
  }
  let i = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, sinks: hookSinks() },
    paced(),
  )) {
    if (result.error) throw result.error;
    const cpu = process.cpuUsage(cpuBefore);
    const key = order[i++];
    if (i <= warmUp * shapes.length * sides.length) continue;
    const m = measured.get(key) ?? { sandbox: [], worker: [], cpuMs: [] };
    m.sandbox.push(created.sandbox - before.sandbox);
    m.worker.push(created.worker - before.worker);
    m.cpuMs.push((cpu.user + cpu.system) / 1000);
    measured.set(key, m);
  }

  const rows = [
    `What each side asks of the SDK per process: medians of ${replays} replays a side`,
    '',
    '| shape / side | events | payloads | promises in the sandbox | promises of the worker | replay CPU ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const results: Record<string, Record<string, number>> = {};
  for (const [key, { history }] of histories) {
    const m = measured.get(key) as { sandbox: number[]; worker: number[]; cpuMs: number[] };
    const row = {
      events: history.events?.length ?? 0,
      payloads: payloadsIn(history),
      sandboxPromises: median(m.sandbox),
      workerPromises: median(m.worker),
      replayCpuMs: median(m.cpuMs),
    };
    results[key] = row;
    rows.push(
      `| ${key} | ${row.events} | ${row.payloads} | ${row.sandboxPromises} | ${row.workerPromises} | ${row.replayCpuMs.toFixed(2)} |`,
    );
  }
  writeResults('sdk-work', smoke, { replays, results }, rows);
}

// runMain exits: the replay worker's runtime would otherwise keep the process alive
runMain(main);
