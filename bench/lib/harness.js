// Shared pieces of the benchmarks: a dev server, a worker with no-op participants, statistics.
'use strict';

const { mkdirSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker, bundleWorkflowCode } = require('@temporalio/worker');
const {
  sharedWorkflowModules,
  withBuiltinsBound,
  withWorkerHooks,
} = require('../../lib/src/worker/workflow-bundle');
const { startDevServer } = require('../../lib/src/server/dev-server');
const { installQuietRuntime } = require('../../lib/src/server/quiet-runtime');
const { parseDefinition } = require('../../lib/src/definition');
const { processStartOptions } = require('../../lib/src/process-start');
const { PROCESS_WORKFLOW_TYPE } = require('../../lib/src/protocol');
const { participantActivities } = require('../../lib/src/worker/participants');
const { hookSinks } = require('../../lib/src/worker/hooks');

const log = (message) => process.stderr.write(`${message}\n`);

/** Starts a dev server for one benchmark run (quiet logs). */
async function startServer() {
  installQuietRuntime('ERROR');
  return startDevServer({ log });
}

/** A worker on `taskQueue` with the interpreter and no-op participants `names` (plus extra options). */
function createWorker(server, taskQueue, names = ['noop'], options = {}) {
  const participants = Object.fromEntries(names.map((n) => [n, () => ({})]));
  return Worker.create({
    connection: server.env.nativeConnection,
    namespace: server.namespace,
    taskQueue,
    workflowsPath: require.resolve('../../lib/workflows'),
    sinks: hookSinks(),
    activities: participantActivities(participants),
    ...options,
  });
}

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: log };

/**
 * The test bundle (the interpreter beside the hand-written yardsticks of test/workflows/handwritten.ts),
 * from the TypeScript sources, with the same shared modules as the product's prebuilt bundle. The SDK's
 * bundler compiles TypeScript for ES2017, which turns every object spread into a helper call; the
 * product's bundle is built from `tsc`'s ES2022 output (tsconfig.json), so the bench compiles for ES2022
 * too, or it would measure code slower than users run. The bench's workers register no hooks, and the
 * bundle says so, as `createWorker` tells the prebuilt bundle (see `withWorkerHooks`).
 */
async function testWorkflowBundle() {
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../test/workflows/index.ts'),
    preloadModules: sharedWorkflowModules(path.join(__dirname, '..', '..')),
    logger: quietLogger,
    webpackConfigHook: (config) => {
      for (const rule of config.module.rules) {
        const options = rule.use && rule.use.options;
        if (options && options.jsc) options.jsc.target = 'es2022';
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
function handStart(taskQueue, workflowId, shape) {
  const { memo, typedSearchAttributes, staticSummary } = processStart(taskQueue, workflowId, shape.xml);
  return { taskQueue, workflowId, args: shape.hand.args, memo, typedSearchAttributes, staticSummary };
}

/** Start options of a process the way the launcher does it. */
function processStart(taskQueue, workflowId, definition, input = {}) {
  const { fields, ...settings } = input;
  return processStartOptions(parseDefinition(definition), {
    processId: workflowId,
    definition,
    fields,
    settings,
    taskQueue,
  });
}

function median(values) {
  const s = [...values].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** `{ median, min, max }` of a list of numbers. */
function stats(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

const machine = () => `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool(items, limit, fn) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Ends a side benchmark: its table rows go into `results.rows`, the results into
 * `bench/results/<name>.json` (`<name>-smoke.json` for a smoke run), and the rows to stdout.
 */
function writeResults(name, smoke, results, rows) {
  results.rows = rows;
  const dir = path.join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}${smoke ? '-smoke' : ''}.json`), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${rows.join('\n')}\n`);
}

/** Runs a benchmark's `main` and exits: 0 when it finished, 1 (with the error) when it threw. */
function runMain(main) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

module.exports = { writeResults, runMain, startServer, createWorker, testWorkflowBundle, quietLogger, processStart, handStart, pool, stats, median, machine, log, PROCESS_WORKFLOW_TYPE };
