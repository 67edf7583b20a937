// Shared pieces of the benchmarks: a dev server, a worker with no-op participants, start options, results.
// Statistics, pools and the machine line are in ./stats (shared with tools/).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker, bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import {
  hookSinks,
  parseDefinition,
  participantActivities,
  processStartOptions,
  startDevServer,
  type ContextValues,
  type DevServer,
  type ProcessSettings,
} from '../../src';
import {
  installQuietRuntime,
  sharedWorkflowModules,
  withBuiltinsBound,
  withWorkerHooks,
} from '../../src/internal';
import type { Client } from '@temporalio/client';
import { fromRoot, log, sleep } from './stats';
import type { Shape } from './shapes';

import { PROCESS_WORKFLOW_TYPE } from '../../src';
export { PROCESS_WORKFLOW_TYPE };
export { log, machine, median, pool, runMain, stats } from './stats';

/** Starts a dev server for one benchmark run (quiet logs). */
export async function startServer(): Promise<DevServer> {
  installQuietRuntime('ERROR');
  return startDevServer({ log });
}

/** A worker on `taskQueue` with the interpreter and no-op participants `names` (plus extra options). */
export function createWorker(
  server: DevServer,
  taskQueue: string,
  names: readonly string[] = ['noop'],
  options: Partial<WorkerOptions> = {},
): Promise<Worker> {
  const participants = Object.fromEntries(names.map((n) => [n, () => ({})]));
  return Worker.create({
    connection: server.env.nativeConnection,
    namespace: server.namespace,
    taskQueue,
    workflowsPath: require.resolve(fromRoot('lib', 'workflows')),
    sinks: hookSinks(),
    activities: participantActivities(participants),
    ...options,
  });
}

/** The SDK's logger, quiet but for errors. */
export const quietLogger = {
  log(): void {},
  trace(): void {},
  debug(): void {},
  info(): void {},
  warn(): void {},
  error: log,
};

/**
 * The test bundle (the interpreter beside the hand-written yardsticks of test/workflows/handwritten.ts),
 * from the TypeScript sources, with the same shared modules as the product's prebuilt bundle. The SDK's
 * bundler compiles TypeScript for ES2017, which turns every object spread into a helper call; the
 * product's bundle is built from `tsc`'s ES2022 output (tsconfig.json), so the bench compiles for ES2022
 * too, or it would measure code slower than users run. The bench's workers register no hooks, and the
 * bundle says so, as `createWorker` tells the prebuilt bundle (see `withWorkerHooks`).
 */
export async function testWorkflowBundle(): Promise<{ code: string }> {
  const bundle = await bundleWorkflowCode({
    workflowsPath: fromRoot('test', 'workflows', 'index.ts'),
    // The TypeScript sources' copies of the modules the product's bundle shares (the repository root).
    preloadModules: sharedWorkflowModules(fromRoot()),
    logger: quietLogger,
    webpackConfigHook: (config) => {
      for (const rule of config.module?.rules ?? []) {
        if (!rule || typeof rule !== 'object') continue;
        const use = rule.use as { options?: { jsc?: { target?: string } } } | undefined;
        const options = use?.options;
        if (options?.jsc) options.jsc.target = 'es2022';
      }
      return config;
    },
  });
  return withWorkerHooks({ code: withBuiltinsBound(bundle.code) }, []);
}

/**
 * Start options of the hand-written twin of `shape`: its own workflow type and arguments, with the memo,
 * search attributes and summary the launcher gives the shape's process. Those are the launcher's (the
 * start request's), not the interpreter's, and the Temporal SDK decodes each of them on the worker: without
 * them the hand-written column would not pay for metadata that the interpreter's pays for.
 */
export function handStart(taskQueue: string, workflowId: string, shape: Pick<Shape, 'xml' | 'hand'>) {
  const { memo, typedSearchAttributes, staticSummary } = processStart(taskQueue, workflowId, shape.xml);
  return { taskQueue, workflowId, args: shape.hand.args, memo, typedSearchAttributes, staticSummary };
}

/** Start options of a process the way the launcher does it. */
export function processStart(
  taskQueue: string,
  workflowId: string,
  definition: string,
  input: ProcessSettings & { fields?: ContextValues } = {},
) {
  const { fields, ...settings } = input;
  return processStartOptions(parseDefinition(definition), {
    processId: workflowId,
    definition,
    fields,
    settings,
    taskQueue,
  });
}

/**
 * Ends a side benchmark: its table rows go into `results.rows`, the results into
 * `bench/results/<name>.json` (`<name>-smoke.json` for a smoke run), and the rows to stdout.
 */
export function writeResults(name: string, smoke: boolean, results: Record<string, unknown>, rows: string[]): void {
  results.rows = rows;
  const dir = fromRoot('bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}${smoke ? '-smoke' : ''}.json`), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${rows.join('\n')}\n`);
}

/**
 * Waits until every process launched so far has completed and this process (client, bridge or API server,
 * and worker: all their threads) uses under a fifth of a core, so that one side does not pay for the work
 * the other side left behind. Returns the ms it waited.
 */
export async function settle(client: Client): Promise<number> {
  const t0 = Date.now();
  const running = `WorkflowType = '${PROCESS_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
  while ((await client.workflow.count(running)).count > 0 && Date.now() - t0 < 180_000) await sleep(250);
  const cpuFrom = Date.now();
  for (;;) {
    const before = process.cpuUsage();
    await sleep(500);
    const used = process.cpuUsage(before);
    if ((used.user + used.system) / 1000 < 0.2 * 500 || Date.now() - cpuFrom > 30_000) break;
  }
  return Date.now() - t0;
}
