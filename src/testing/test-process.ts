/**
 * The test kit: run a definition on Temporal's time-skipping test server with scripted participants and
 * scripted events, and get back what happened — the final context or the fault, the order in which
 * activities ran, and the history (for a replay test). Timers are skipped, so a year of `<delay>` takes
 * milliseconds; everything else is the real interpreter on a real worker.
 *
 * One test server and one worker serve every `testProcess` call of a test file (jest gives each file its
 * own module registry); `closeTestEnvironment()` in `afterAll` stops them.
 */
import { hookSinks } from '../worker/hooks';
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { Client, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TimeoutFailure, type Duration } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { msToNumber } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { eventActivities } from '../../activities/events';
import { Events } from '../client/events';
import { loadDefinition } from '../client/definition-source';
import { traceQuery } from '../messages';
import { processStartOptions } from '../process-start';
import {
  PROCESS_WORKFLOW_TYPE,
  type ActionOptions,
  type FaultDetails,
  type ParticipantReply,
  type Workitem,
  workitemOf,
  type ActionInput,
} from '../protocol';
import { SCHEDULED_EVENT_ACTIVITY, type ScheduledEvent } from '../wire/test-kit';
import type { ContextValues } from '../scope';
import { BUREAUCRAT_SEARCH_ATTRIBUTES } from '../search-attributes';
import { startTimeSkippingEnvironment } from '../server/time-skipping-server';
import { installRuntimeLogging } from '../worker/logging';
import { codecDataConverter, encryptionCodecFor, type EncryptionCodec } from '../codec/encryption';
import { participantActivities, ParticipantFault, type Participant } from '../worker/participants';
import { prebuiltTestingBundle, testingWorkflowsPath } from '../worker/workflow-bundle';

/**
 * A scripted participant: a function (as in a worker), or its replies in order — each a reply object, or an
 * error to throw (a {@link ParticipantFault} raises that fault). A participant called more often than it
 * has replies, or one with no script, faults the process with `TestScriptExhausted`.
 */
export type ScriptedParticipant = Participant | readonly (ParticipantReply | Error)[];

/** An event of a test's script. */
export interface ScriptedEvent {
  /** When, after the process started: a duration as the CLI takes it (`90s`, `5m`, `30h`) or milliseconds. */
  readonly at: Duration;
  /** The event name. */
  readonly name: string;
  /** The event's data (`event["…"]` in conditions). */
  readonly data?: Record<string, unknown>;
  /** Send it to this process id only (a sub-process's id, say); by default it is broadcast, as `Events.trigger` does. */
  readonly processId?: string;
}

/** Options of {@link testProcess}. */
export interface TestProcessOptions {
  /** Launch fields. */
  readonly fields?: ContextValues;
  /** The participants the definition's actions (and its sub-processes') call, by name. */
  readonly participants?: Readonly<Record<string, ScriptedParticipant>>;
  /** Events, each at its time after the process started. */
  readonly events?: readonly ScriptedEvent[];
  /** The process's action options (timeouts, retry policy), as `Launcher.launch` takes them. */
  readonly actionOptions?: ActionOptions;
  /** The longest the process may run, in process time (default 10 years): past it, `testProcess` throws. */
  readonly timeoutSeconds?: number;
  /** The process id (default: a fresh `test-…` id); `trace` ids are relative to it either way. */
  readonly processId?: string;
  /**
   * Run with payloads encrypted with the keys of this file, as `createWorker({ encryptionKeyFile })` does
   * (the test's client and worker both use it; `history` then holds ciphertext: replay it with the same
   * `encryptionKeyFile`). Default: no encryption.
   */
  readonly encryptionKeyFile?: string;
}

/** What a process did under {@link testProcess}. */
export interface ProcessTestResult {
  /** The final context, when the process completed. */
  readonly context?: ContextValues;
  /** The unhandled fault, when the process faulted. */
  readonly fault?: {
    /** The fault code. */
    readonly code: string;
    /** The fault's message. */
    readonly message: string;
  };
  /**
   * The activities that started, in order, by id relative to the process (`_0`, `_1_0`, `_2_faults_0`); a
   * loop's body appears once per iteration. (Of the process itself; sub-processes have their own.)
   */
  readonly trace: readonly string[];
  /** The workflow history, e.g. for `replayHistories([{ name, history }])`. */
  readonly history: temporal.api.history.v1.IHistory;
  /** The process id. */
  readonly processId: string;
}

/** The fault code of a participant with no script, or called more often than it has replies. */
export const SCRIPT_EXHAUSTED_CODE = 'TestScriptExhausted';

const TEN_YEARS_S = 10 * 365 * 24 * 3600;

interface Kit {
  readonly env: TestWorkflowEnvironment;
  readonly client: Client;
  readonly taskQueue: string;
  readonly running: Promise<void>;
  readonly worker: Worker;
}

/** The worker and client of the tests with one encryption key file, on the shared test server. */
const encryptedKits = new Map<string, Promise<Kit>>();

/** The participants of each running test, by process id (sub-processes' ids start with it). */
const scripts = new Map<string, Readonly<Record<string, Participant>>>();
let kit: Promise<Kit> | undefined;

/**
 * Runs `definition` (XML text or the path of an `.xml` file) to its end on the time-skipping test server
 * and reports the outcome. A process that ends on an unhandled fault resolves with `fault`; a definition
 * that does not validate throws `DefinitionError`; a process still running after `timeoutSeconds` of
 * process time, or cancelled, throws.
 *
 * @example
 * const { context, trace } = await testProcess('processes/order.xml', {
 *   fields: { order: 42 },
 *   participants: { 'shop.tasks.reserve': [{ reserved: true }] },
 *   events: [{ at: '5m', name: 'paid', data: { order: 42 } }],
 * });
 */
export async function testProcess(
  definition: string,
  options: TestProcessOptions = {},
): Promise<ProcessTestResult> {
  const { xml, model } = await loadDefinition(definition);
  const participants = scriptedParticipants(options.participants ?? {});
  const { client, taskQueue } = options.encryptionKeyFile
    ? await encryptedKit(options.encryptionKeyFile)
    : await testKit();
  const processId = options.processId ?? `test-${randomUUID()}`;
  scripts.set(processId, participants);
  try {
    const handle = await client.workflow.start(PROCESS_WORKFLOW_TYPE, {
      ...processStartOptions(model, {
        processId,
        definition: xml,
        fields: options.fields,
        taskQueue,
        settings: { broadcastEvents: true, actionOptions: options.actionOptions },
      }),
      workflowExecutionTimeout: `${options.timeoutSeconds ?? TEN_YEARS_S}s`,
    });
    if (options.events?.length) {
      await client.workflow.start('bureaucratScheduledEvents', {
        taskQueue,
        workflowId: `${processId}-events`,
        args: [options.events.map(scheduledEvent)],
      });
    }
    let outcome: Pick<ProcessTestResult, 'context' | 'fault'>;
    try {
      outcome = { context: (await handle.result()) as ContextValues };
    } catch (err) {
      outcome = { fault: faultOf(err, processId, options.timeoutSeconds ?? TEN_YEARS_S) };
    }
    const [trace, history] = await Promise.all([handle.query(traceQuery), handle.fetchHistory()]);
    return { ...outcome, trace, history, processId };
  } finally {
    scripts.delete(processId);
  }
}

/** Stops the test server and worker that {@link testProcess} started (call it in `afterAll`). */
export async function closeTestEnvironment(): Promise<void> {
  const current = kit;
  kit = undefined;
  const encrypted = [...encryptedKits.values()];
  encryptedKits.clear();
  for (const lane of await Promise.all(encrypted)) {
    lane.worker.shutdown();
    await lane.running;
  }
  if (!current) return;
  const { worker, running, env } = await current;
  worker.shutdown();
  await running;
  await env.teardown();
}

/** The shared test server and worker, started on first use. */
function testKit(): Promise<Kit> {
  kit ??= startKit().catch((err: unknown) => {
    kit = undefined;
    throw err;
  });
  return kit;
}

/** A worker and client with the codec of `keyFile`, on their own task queue of the shared test server. */
function encryptedKit(keyFile: string): Promise<Kit> {
  let found = encryptedKits.get(keyFile);
  if (!found) {
    found = testKit()
      .then(({ env }) => startWorker(env, encryptionCodecFor(keyFile)))
      .catch((err: unknown) => {
        encryptedKits.delete(keyFile);
        throw err;
      });
    encryptedKits.set(keyFile, found);
  }
  return found;
}

async function startKit(): Promise<Kit> {
  installRuntimeLogging(undefined, 'ERROR');
  const env = await startTimeSkippingEnvironment();
  const namespace = env.namespace ?? 'default';
  await env.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      BUREAUCRAT_SEARCH_ATTRIBUTES.map((key) => [
        key.name,
        temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return startWorker(env);
}

/** The kit's worker on a task queue of its own, and its client: with `codec`, both encrypt. */
async function startWorker(env: TestWorkflowEnvironment, codec?: EncryptionCodec): Promise<Kit> {
  const namespace = env.namespace ?? 'default';
  const client = codec
    ? new Client({ connection: env.connection, namespace, ...codecDataConverter(codec) })
    : env.client;
  const taskQueue = `bureaucrat-test-kit-${randomUUID()}`;
  const bundle = prebuiltTestingBundle();
  const worker = await Worker.create({
    ...codecDataConverter(codec),
    connection: env.nativeConnection,
    namespace,
    taskQueue,
    ...(bundle ? { workflowBundle: bundle } : { workflowsPath: testingWorkflowsPath() }),
    sinks: hookSinks(),
    activities: {
      ...eventActivities(client),
      [SCHEDULED_EVENT_ACTIVITY]: (event: ScheduledEvent) => sendScheduledEvent(client, taskQueue, event),
      default: dispatchToScript,
    },
  });
  const running = worker.run();
  return { env, client, taskQueue, running, worker };
}

/** Every action of every test goes here: the script of the test whose process (or sub-process) it is. */
async function dispatchToScript(input: ActionInput | Workitem): Promise<unknown> {
  const { info } = Context.current();
  const { activityType } = info;
  const workitem = workitemOf(input, info);
  const owner = [...scripts.keys()].find((id) => workitem.processId.startsWith(id));
  const participant = owner === undefined ? undefined : scripts.get(owner)?.[activityType];
  if (!participant) {
    throw ApplicationFailure.nonRetryable(
      `no script for participant ${activityType} (called by ${workitem.activityId})`,
      SCRIPT_EXHAUSTED_CODE,
    );
  }
  const [activity] = Object.values(participantActivities({ [activityType]: participant }));
  return activity?.(workitem);
}

async function sendScheduledEvent(client: Client, taskQueue: string, event: ScheduledEvent): Promise<void> {
  const { event: name, ...data } = event.message;
  const events = new Events(client, taskQueue);
  if (event.processId) await events.send(event.processId, name, data);
  else await events.trigger(name, data);
}

function scheduledEvent(event: ScriptedEvent): ScheduledEvent {
  if (!event.name) throw new TypeError('testProcess: an event needs a name');
  const atMs = msToNumber(event.at);
  if (!Number.isFinite(atMs) || atMs < 0)
    throw new TypeError(`testProcess: event ${event.name}: bad time ${String(event.at)}`);
  return {
    atMs,
    message: { ...event.data, event: event.name },
    ...(event.processId ? { processId: event.processId } : {}),
  };
}

/** Canned replies become functions that answer in order, then fault. */
function scriptedParticipants(
  script: Readonly<Record<string, ScriptedParticipant>>,
): Record<string, Participant> {
  const participants: Record<string, Participant> = {};
  for (const [name, entry] of Object.entries(script)) {
    if (typeof entry === 'function') {
      participants[name] = entry;
      continue;
    }
    const replies = [...(entry as readonly (ParticipantReply | Error)[])];
    let calls = 0;
    participants[name] = () => {
      const reply = replies[calls++];
      if (reply === undefined) {
        throw new ParticipantFault(
          SCRIPT_EXHAUSTED_CODE,
          `participant ${name} was called ${calls} times; its script has ${replies.length} replies`,
        );
      }
      if (reply instanceof Error) throw reply;
      return reply;
    };
  }
  return participants;
}

function faultOf(err: unknown, processId: string, timeoutSeconds: number): { code: string; message: string } {
  if (err instanceof WorkflowFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type) {
      const details = cause.details?.[0] as Partial<FaultDetails> | undefined;
      return { code: cause.type, message: details?.message ?? cause.message };
    }
    if (cause instanceof TimeoutFailure) {
      throw new Error(
        `testProcess: process ${processId} was still running after ${timeoutSeconds} s of process time`,
      );
    }
    if (cause instanceof CancelledFailure) throw new Error(`testProcess: process ${processId} was cancelled`);
  }
  throw err;
}
