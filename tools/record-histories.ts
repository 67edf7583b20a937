/**
 * Re-records the committed workflow histories in test/histories/ (`npm run histories:record`): starts a dev
 * server and a worker with the built interpreter (`lib/`), runs every scenario of
 * test/histories/scenarios.js (or those named on the command line), and writes each run's history as
 * JSON. The test command replays them.
 */
import { writeFileSync, readdirSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import {
  EVENT_SIGNAL,
  Events,
  PROCESS_WORKFLOW_TYPE,
  ParticipantFault,
  STATE_QUERY,
  Triggers,
  hookSinks,
  parseDefinition,
  participantActivities,
  processStartOptions,
  startDevServer,
  type ActivitySnapshot,
  type ContextValues,
  type Participant,
  type ProcessSettings,
  type ProcessSnapshot,
  type TriggerAddOptions,
  type Workitem,
} from '../src';
import { eventActivities, installQuietRuntime, resetProcess } from '../src/internal';
import { fromRoot, pollUntil, runMain } from '../bench/lib/stats';

/** A scenario of test/histories/scenarios.js (plain CommonJS: see its header). */
interface Scenario {
  name: string;
  xml: string;
  input?: ProcessSettings & { fields?: ContextValues };
  participants: Record<
    string,
    (workitem: Workitem, extra: { attempt: number; ParticipantFault: typeof ParticipantFault }) => unknown
  >;
  drive?: (helpers: ReturnType<typeof helpersOf>) => Promise<void>;
  expectFailure?: string;
  allRuns?: boolean | number;
  alsoRecord?: string[];
}

const directory = fromRoot('test', 'histories');
const scenarios = createRequire(__filename)(path.join(directory, 'scenarios.js')) as Scenario[];

/** `read()` every 50 ms until it gives a value that `done` accepts (20 s at most); resolves to that value. */
async function poll<T>(read: () => Promise<T>, done: (value: T) => unknown, what: string): Promise<T> {
  let value: T | undefined;
  const ok = await pollUntil(
    async () => (value = await read()),
    (v) => v !== undefined && Boolean(done(v)),
    20_000,
    50,
  );
  if (!ok || value === undefined) throw new Error(`timed out waiting for ${what}`);
  return value;
}

function findState(node: ActivitySnapshot, id: string): string | undefined {
  if (node.id === id) return node.state;
  for (const child of [...node.children, ...node.faults]) {
    const found = findState(child, id);
    if (found) return found;
  }
  return undefined;
}

/** What a scenario's `drive` plays the outside world with. */
function helpersOf(
  client: Client,
  taskQueue: string,
  workflowId: string,
  handle: Awaited<ReturnType<Client['workflow']['start']>>,
) {
  return {
    waitFor: (id: string, state: string) =>
      poll(
        () => handle.query<ProcessSnapshot>(STATE_QUERY),
        (s) => findState(s, `${workflowId}${id}`) === state,
        `${id} ${state}`,
      ),
    waitForChild: (suffix: string) =>
      poll(() => client.workflow.getHandle(`${workflowId}${suffix}`).query(STATE_QUERY), Boolean, suffix),
    signal: (message: unknown) => handle.signal(EVENT_SIGNAL, message),
    trigger: (name: string, data?: ContextValues) => new Events(client, taskQueue).trigger(name, data),
    cancel: () => handle.cancel(),
    addTrigger: (event: string, xml: string, options: TriggerAddOptions) =>
      new Triggers(client, taskQueue).add(event, xml, options),
    waitForPause: () =>
      poll(
        () => handle.query<ProcessSnapshot>(STATE_QUERY),
        (s) => s.paused !== undefined,
        'a pause',
      ),
    waitForEnd: () => handle.result().catch(() => undefined),
    update: (name: string, ...args: unknown[]) =>
      client.workflow.getHandle(workflowId).executeUpdate(name, { args: args as [unknown] }),
    retry: () => resetProcess(client, workflowId, 'retry'),
    reset: (activityId: string) => resetProcess(client, workflowId, { activityId }),
    waitForProcess: (id: string) =>
      poll(
        () => client.workflow.getHandle(id).result(),
        () => true,
        id,
      ),
  };
}

async function record(client: Client, taskQueue: string, scenario: Scenario): Promise<string[]> {
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
  const helpers = helpersOf(client, taskQueue, workflowId, handle);
  if (scenario.drive) await scenario.drive(helpers);
  // The latest run: after a retry or reset the first run's own result is not the process's.
  const outcome = await client.workflow
    .getHandle(workflowId)
    .result()
    .then(
      () => 'completed',
      (err: { cause?: { name?: string; type?: string } }) =>
        err.cause?.name === 'CancelledFailure' ? 'cancelled' : err.cause?.type,
    );
  if (outcome !== (scenario.expectFailure ?? 'completed')) {
    throw new Error(`${scenario.name}: ended ${outcome}, expected ${scenario.expectFailure ?? 'completed'}`);
  }
  const listRuns = async () => {
    const runs: string[] = [];
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
  const files: string[] = [];
  for (const [i, runId] of selected.reverse().entries()) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const file = selected.length > 1 ? `${scenario.name}.run-${i + 1}.json` : `${scenario.name}.json`;
    writeFileSync(
      path.join(directory, file),
      `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`,
    );
    files.push(`${file} (${history.events?.length ?? 0} events)`);
  }
  for (const other of scenario.alsoRecord ?? []) {
    const history = await client.workflow.getHandle(other).fetchHistory();
    const file = `${scenario.name}.${other.replace(/[^a-z0-9-]+/gi, '-')}.json`;
    writeFileSync(
      path.join(directory, file),
      `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`,
    );
    files.push(`${file} (${history.events?.length ?? 0} events)`);
  }
  return files;
}

async function main(): Promise<void> {
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
    const participants: Record<string, Participant> = {};
    for (const scenario of scenarios) {
      for (const [name, fn] of Object.entries(scenario.participants)) {
        participants[name] = (w) =>
          fn(w, { attempt: Context.current().info.attempt, ParticipantFault }) as ReturnType<Participant>;
      }
    }
    const taskQueue = 'record-histories';
    const worker = await Worker.create({
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue,
      workflowsPath: require.resolve(fromRoot('lib', 'workflows')),
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

runMain(main);
