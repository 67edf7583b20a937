// Shared pieces of the reliability suite: `bureaucrat worker` as a child process that can be SIGKILLed,
// bounded concurrency, history reading and the checks each scenario records.
'use strict';

const { spawn } = require('node:child_process');
const { createWriteStream } = require('node:fs');
const path = require('node:path');
const { clearTimeout } = require('node:timers');
const { setTimeout: sleep } = require('node:timers/promises');
const { defaultPayloadConverter } = require('@temporalio/common');

const CLI = path.join(__dirname, '../../lib/src/cli/main.js');
const PARTICIPANTS = path.join(__dirname, 'participants.js');

const log = (message) => process.stderr.write(`${message}\n`);

/** Runs `fn` over `items` with at most `limit` in flight; resolves to the results in order. */
async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** Polls `probe` every `intervalMs` until `done(value)` holds or `timeoutMs` passes; resolves to whether it held. */
async function until(probe, done, timeoutMs, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (done(await probe())) return true;
    } catch {
      // not there yet (e.g. a query before the first workflow task)
    }
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

/**
 * `bureaucrat worker` with the suite's participants, as a child process (so it can be SIGKILLed). Resolves
 * once it has connected and created its worker (its start line on stderr). Its output goes to `logFile`.
 */
async function startWorker({ server, taskQueue, logFile, env = {} }) {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'worker',
      '--participants',
      PARTICIPANTS,
      '--address',
      server.address,
      '--namespace',
      server.namespace,
      '--task-queue',
      taskQueue,
      '--shutdown-grace',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  const out = createWriteStream(logFile, { flags: 'a' });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  // Never outlive the suite.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready in 60 s; see ${logFile}`)), 60_000);
    child.stderr.on('data', (d) => {
      output += d.toString();
      if (/^worker on /m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${signal ?? code}) before it was ready; see ${logFile}`));
    });
  });
  return child;
}

/** Stops a worker child with `signal` and waits for it to exit. */
function stopWorker(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

const decode = (payloads, i = 0) => defaultPayloadConverter.fromPayload(payloads?.payloads?.[i] ?? {});

/** The events of one run of a workflow (the latest run when `runId` is omitted). */
async function historyEvents(client, workflowId, runId) {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events ?? [];
}

/** Milliseconds since the epoch of a history event. */
const eventTime = (e) => Number(e.eventTime.seconds) * 1000 + Math.floor(e.eventTime.nanos / 1e6);

/** How many workflow tasks of a history failed (a non-zero count means code threw in the workflow). */
const workflowTaskFailures = (events) => events.filter((e) => e.workflowTaskFailedEventAttributes).length;

/** The outcome of a process: `{ context }` or `{ code, message }` of its fault, or `{ error }`. */
async function outcome(handle) {
  try {
    return { context: await handle.result() };
  } catch (err) {
    if (err.name === 'ProcessFaultError') return { code: err.code, message: err.message };
    return { error: `${err.name}: ${err.message}` };
  }
}

/** `promise`, or `{ error: 'timed out' }` after `ms`. */
async function within(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ error: `no outcome within ${ms / 1000} s` }), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The checks of one scenario: each has a name, whether it passed and, when it failed, why. */
class Checks {
  constructor(scenario) {
    this.scenario = scenario;
    this.list = [];
  }

  /** Records a check; `detail` says what was wrong (shown when it fails). */
  check(name, ok, detail = '') {
    this.list.push({ name, ok: Boolean(ok), detail: ok ? '' : String(detail) });
    log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `: ${detail}`}`);
  }

  /** The check every scenario ends with: no workflow task failed in any history (`counts`: one per history). */
  noFailedWorkflowTasks(counts) {
    const failed = counts.reduce((a, b) => a + b, 0);
    this.check('no workflow task failed (histories)', failed === 0, `${failed} WorkflowTaskFailed events`);
  }

  get passed() {
    return this.list.filter((c) => c.ok).length;
  }

  get failed() {
    return this.list.length - this.passed;
  }
}

/** The first few items of a list, for a failure's detail. */
const sample = (items, n = 3) =>
  `${items.length}: ${JSON.stringify(items.slice(0, n)).slice(0, 600)}${items.length > n ? ' …' : ''}`;

module.exports = {
  log,
  pool,
  until,
  sleep,
  startWorker,
  stopWorker,
  decode,
  historyEvents,
  eventTime,
  workflowTaskFailures,
  outcome,
  within,
  Checks,
  sample,
};
