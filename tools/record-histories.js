#!/usr/bin/env node
/**
 * Re-records the committed workflow histories in test/histories/ (`npm run histories:record`): starts a dev
 * server and a worker with the built interpreter (`lib/`), runs every scenario of
 * test/histories/scenarios.js (or those named on the command line), and writes each run's history as
 * JSON. The test command replays them.
 */
'use strict';

const { writeFileSync, readdirSync, unlinkSync } = require('node:fs');
const path = require('node:path');
const { Context } = require('@temporalio/activity');
const { historyToJSON } = require('@temporalio/common/lib/proto-utils');
const { Worker } = require('@temporalio/worker');
const { startDevServer } = require('../lib/src/server/dev-server');
const { installQuietRuntime } = require('../lib/src/server/quiet-runtime');
const { parseDefinition } = require('../lib/src/definition');
const { processStartOptions } = require('../lib/src/process-start');
const { PROCESS_WORKFLOW_TYPE, STATE_QUERY, EVENT_SIGNAL } = require('../lib/src/protocol');
const { participantActivities, ParticipantFault } = require('../lib/src/worker/participants');
const { resetProcess } = require('../lib/src/client/reset');
const { eventActivities } = require('../lib/activities/events');
const { hookSinks } = require('../lib/src/worker/hooks');
const { Events } = require('../lib/src/client/events');
const { Triggers } = require('../lib/src/client/triggers');
const scenarios = require('../test/histories/scenarios');

const directory = path.join(__dirname, '../test/histories');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function poll(read, done, what) {
  for (let i = 0; i < 400; i++) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function findState(node, id) {
  if (node.id === id) return node.state;
  for (const child of [...node.children, ...node.faults]) {
    const found = findState(child, id);
    if (found) return found;
  }
  return undefined;
}

async function record(client, taskQueue, scenario) {
  const workflowId = `history-${scenario.name}`;
  const { fields, ...settings } = scenario.input ?? {};
  const handle = await client.workflow.start(
    PROCESS_WORKFLOW_TYPE,
    processStartOptions(parseDefinition(scenario.xml), {
      processId: workflowId,
      definition: scenario.xml,
      fields,
      settings,
      taskQueue,
    }),
  );
  const helpers = {
    waitFor: (id, state) =>
      poll(
        () => handle.query(STATE_QUERY),
        (s) => findState(s, `${workflowId}${id}`) === state,
        `${id} ${state}`,
      ),
    waitForChild: (suffix) =>
      poll(() => client.workflow.getHandle(`${workflowId}${suffix}`).query(STATE_QUERY), Boolean, suffix),
    signal: (message) => handle.signal(EVENT_SIGNAL, message),
    trigger: (name, data) => new Events(client, taskQueue).trigger(name, data),
    cancel: () => handle.cancel(),
    addTrigger: (event, xml, options) => new Triggers(client, taskQueue).add(event, xml, options),
    waitForPause: () =>
      poll(
        () => handle.query(STATE_QUERY),
        (s) => s.paused !== undefined,
        'a pause',
      ),
    waitForEnd: () => handle.result().catch(() => undefined),
    update: (name, ...args) => client.workflow.getHandle(workflowId).executeUpdate(name, { args }),
    retry: () => resetProcess(client, workflowId, 'retry'),
    reset: (activityId) => resetProcess(client, workflowId, { activityId }),
    waitForProcess: (id) =>
      poll(
        () => client.workflow.getHandle(id).result(),
        () => true,
        id,
      ),
  };
  if (scenario.drive) await scenario.drive(helpers);
  // The latest run: after a retry or reset the first run's own result is not the process's.
  const outcome = await client.workflow
    .getHandle(workflowId)
    .result()
    .then(
      () => 'completed',
      (err) => (err.cause?.name === 'CancelledFailure' ? 'cancelled' : err.cause?.type),
    );
  if (outcome !== (scenario.expectFailure ?? 'completed')) {
    throw new Error(`${scenario.name}: ended ${outcome}, expected ${scenario.expectFailure ?? 'completed'}`);
  }
  const listRuns = async () => {
    const runs = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
      runs.push(run.runId);
    return runs;
  };
  // Visibility lags behind: wait until the runs the scenario made are all listed.
  const runs = await poll(
    listRuns,
    (r) => r.length >= (typeof scenario.allRuns === 'number' ? scenario.allRuns : 1),
    'the runs',
  );
  const selected = scenario.allRuns ? runs : [handle.firstExecutionRunId];
  const files = [];
  for (const [i, runId] of selected.reverse().entries()) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const file = selected.length > 1 ? `${scenario.name}.run-${i + 1}.json` : `${scenario.name}.json`;
    writeFileSync(
      path.join(directory, file),
      `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`,
    );
    files.push(`${file} (${history.events.length} events)`);
  }
  for (const other of scenario.alsoRecord ?? []) {
    const history = await client.workflow.getHandle(other).fetchHistory();
    const file = `${scenario.name}.${other.replace(/[^a-z0-9-]+/gi, '-')}.json`;
    writeFileSync(
      path.join(directory, file),
      `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`,
    );
    files.push(`${file} (${history.events.length} events)`);
  }
  return files;
}

async function main() {
  installQuietRuntime('ERROR');
  // `npm run histories:record -- name…` re-records only those scenarios; without names, all of them.
  const only = process.argv.slice(2);
  const selected = only.length ? scenarios.filter((s) => only.includes(s.name)) : scenarios;
  if (only.length && selected.length !== only.length)
    throw new Error(`unknown scenario in: ${only.join(', ')}`);
  if (!only.length) {
    for (const file of readdirSync(directory))
      if (file.endsWith('.json')) unlinkSync(path.join(directory, file));
  }
  const server = await startDevServer({ log: (m) => process.stderr.write(`${m}\n`) });
  try {
    const participants = {};
    for (const scenario of scenarios) {
      for (const [name, fn] of Object.entries(scenario.participants)) {
        participants[name] = (w) => fn(w, { attempt: Context.current().info.attempt, ParticipantFault });
      }
    }
    const taskQueue = 'record-histories';
    const worker = await Worker.create({
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue,
      workflowsPath: require.resolve('../lib/workflows'),
      sinks: hookSinks(),
      activities: { ...participantActivities(participants), ...eventActivities(server.env.client) },
    });
    await worker.runUntil(async () => {
      for (const scenario of selected) {
        const files = await record(server.env.client, taskQueue, scenario);
        process.stdout.write(`${scenario.name}: ${files.join(', ')}\n`);
      }
    });
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
