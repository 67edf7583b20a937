// Shared pieces of the reliability suite: `bureaucrat worker` as a child process that can be SIGKILLed,
// history reading and the checks each scenario records. Statistics, pools and polling: bench/lib/stats.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { clearTimeout } from 'node:timers';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { DevServer, ProcessHandle } from '../../src';
import { log } from '../../bench/lib/stats';

export { log, pool, pollUntil as until, sleep } from '../../bench/lib/stats';

/** The CLI of the build, and the suite's participants (this module's compiled sibling). */
const CLI = path.join(__dirname, '../../src/cli/main.js');
const PARTICIPANTS = path.join(__dirname, 'participants.js');

/** One event of a workflow history. */
export type HistoryEvent = NonNullable<
  Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']
>[number];

/** What a scenario runs against: the shared (or its own) dev server, the log directory and its sizes. */
export interface ScenarioInput<Config> {
  readonly server: DevServer;
  readonly dir: string;
  readonly config: Config;
}

/** What a scenario returns: its checks and the figures of its table. */
export interface ScenarioResult {
  readonly checks: Pick<Checks, 'list'>;
  readonly figures: Record<string, unknown>;
}

/** The options of {@link startWorker}. */
export interface WorkerOptions {
  readonly server: DevServer;
  readonly taskQueue: string;
  readonly logFile: string;
  readonly env?: Record<string, string>;
}

/**
 * `bureaucrat worker` with the suite's participants, as a child process (so it can be SIGKILLed). Resolves
 * once it has connected and created its worker (its start line on stderr). Its output goes to `logFile`.
 */
export async function startWorker({
  server,
  taskQueue,
  logFile,
  env = {},
}: WorkerOptions): Promise<ChildProcess> {
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
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready in 60 s; see ${logFile}`)), 60_000);
    child.stderr.on('data', (d: Buffer) => {
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
export function stopWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** The `i`th value of a history event's payloads, decoded (its shape is the caller's to state). */
export const decode = <T>(payloads: { payloads?: Payload[] | null } | null | undefined, i = 0): T =>
  defaultPayloadConverter.fromPayload<T>(payloads?.payloads?.[i] ?? {});

/** The events of one run of a workflow (the latest run when `runId` is omitted). */
export async function historyEvents(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<HistoryEvent[]> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events ?? [];
}

/** Milliseconds since the epoch of a history event. */
export const eventTime = (e: HistoryEvent): number =>
  Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);

/** How many workflow tasks of a history failed (a non-zero count means code threw in the workflow). */
export const workflowTaskFailures = (events: readonly HistoryEvent[]): number =>
  events.filter((e) => e.workflowTaskFailedEventAttributes).length;

/** The outcome of a process: `{ context }`, `{ code, message }` of its fault, or `{ error }`. */
export interface Outcome {
  // The context's shape is each scenario's own.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  context?: Record<string, any>;
  code?: string;
  message?: string;
  error?: string;
}

/** The outcome of a process: `{ context }` or `{ code, message }` of its fault, or `{ error }`. */
export async function outcome(handle: ProcessHandle): Promise<Outcome> {
  try {
    return { context: await handle.result() };
  } catch (caught) {
    const err = caught as Error & { code?: string };
    if (err.name === 'ProcessFaultError') return { code: err.code, message: err.message };
    return { error: `${err.name}: ${err.message}` };
  }
}

/** `promise`, or `{ error: 'no outcome within …' }` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | { error: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ error: string }>((resolve) => {
    timer = setTimeout(() => resolve({ error: `no outcome within ${ms / 1000} s` }), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One check of a scenario. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The checks of one scenario: each has a name, whether it passed and, when it failed, why. */
export class Checks {
  readonly list: Check[] = [];

  constructor(readonly scenario: string) {}

  /** Records a check; `detail` says what was wrong (shown when it fails). */
  check(name: string, ok: unknown, detail: unknown = ''): void {
    this.list.push({ name, ok: Boolean(ok), detail: ok ? '' : String(detail) });
    log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `: ${String(detail)}`}`);
  }

  /** The check every scenario ends with: no workflow task failed in any history (`counts`: one per history). */
  noFailedWorkflowTasks(counts: readonly number[]): void {
    const failed = counts.reduce((a, b) => a + b, 0);
    this.check('no workflow task failed (histories)', failed === 0, `${failed} WorkflowTaskFailed events`);
  }

  get passed(): number {
    return this.list.filter((c) => c.ok).length;
  }

  get failed(): number {
    return this.list.length - this.passed;
  }
}

/** The first few items of a list, for a failure's detail. */
export const sample = (items: readonly unknown[], n = 3): string =>
  `${items.length}: ${JSON.stringify(items.slice(0, n)).slice(0, 600)}${items.length > n ? ' …' : ''}`;
