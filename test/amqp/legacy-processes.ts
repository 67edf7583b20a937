/**
 * The legacy Python tools as processes for the AMQP tests: the ported launcher and fakeevent (run to
 * completion), and the long-running taskqueue participant worker and Celery worker (started, awaited until
 * they serve, stopped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { runCommand, type CommandResult } from '../support/run-command';
import { legacyPythonDir, legacyPythonVenv } from './python-env';

/** A long-running Python process. */
export interface LegacyProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr, interleaved). */
  output(): string;
  /** Resolves once its output contains `text` (rejects after `timeoutMs`, or when it exits first). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it exited (at once when it already had). */
  stop(): Promise<void>;
}

/** Where a broker is: host and port (guest/guest, vhost /). */
export interface BrokerAddress {
  host?: string;
  port: number;
}

function python(): string {
  return legacyPythonVenv();
}

function brokerArgs(broker: BrokerAddress): string[] {
  return ['--host', broker.host ?? '127.0.0.1', '--port', String(broker.port)];
}

const pythonEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  PYTHONUNBUFFERED: '1',
  PYTHONDONTWRITEBYTECODE: '1',
  ...extra,
});

/** Runs a script of test/amqp/python to completion. */
export function runPythonTool(script: string, args: string[], timeoutMs = 60_000): Promise<CommandResult> {
  return runCommand(python(), [path.join(legacyPythonDir, script), ...args], {
    cwd: legacyPythonDir,
    env: pythonEnv(),
    timeoutMs,
  });
}

export interface LaunchOptions {
  /** The process definition (XML file). */
  process: string;
  /** Launch fields (merged into the definition's context). */
  fields?: Record<string, unknown>;
  /** Launch this many times (default 1); one connection per launch, as the original launcher. */
  count?: number;
  /** Adds this field, set to the launch's index 0..count-1. */
  indexField?: string;
}

/** `python launcher.py`: publishes the process definition(s) to the `bureaucrat` queue. */
export function runLauncher(broker: BrokerAddress, options: LaunchOptions): Promise<CommandResult> {
  const args = [...brokerArgs(broker), '--process', options.process];
  if (options.fields) args.push('--fields', JSON.stringify(options.fields));
  if (options.count !== undefined) args.push('--count', String(options.count));
  if (options.indexField) args.push('--index-field', options.indexField);
  return runPythonTool('launcher.py', args);
}

export interface FakeEventOptions {
  event: string;
  data?: Record<string, unknown>;
  /** Send this many events (default 1), over one connection. */
  count?: number;
  /** Adds this field, set to the event's index 0..count-1. */
  indexField?: string;
}

/** `python fakeevent.py -e NAME -d JSON`: publishes the event(s) to the `bureaucrat_events` queue. */
export function runFakeEvent(broker: BrokerAddress, options: FakeEventOptions): Promise<CommandResult> {
  const args = [...brokerArgs(broker), '--event', options.event];
  if (options.data) args.push('--data', JSON.stringify(options.data));
  if (options.count !== undefined) args.push('--count', String(options.count));
  if (options.indexField) args.push('--index-field', options.indexField);
  return runPythonTool('fakeevent.py', args);
}

/** Spawns a long-running process and resolves once its output contains `ready`. */
async function startLegacyProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: string | RegExp,
  timeoutMs: number,
): Promise<LegacyProcess> {
  const child = spawn(python(), args, {
    cwd: legacyPythonDir,
    env: pythonEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => {
      for (const listener of listeners) listener();
      resolve();
    });
  });
  const matches = (text: string | RegExp) =>
    typeof text === 'string' ? output.includes(text) : text.test(output);
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;

  const proc: LegacyProcess = {
    child,
    output: () => output,
    waitFor: (text, ms = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (matches(text)) done();
          else if (hasExited())
            done(new Error(`${args.join(' ')} exited (${child.exitCode ?? child.signalCode}):\n${output}`));
        };
        const timer = setTimeout(
          () => done(new Error(`waited ${ms} ms for ${String(text)} from ${args.join(' ')}:\n${output}`)),
          ms,
        );
        const done = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (hasExited()) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => {
        process.stderr.write(`[amqp] ${args.join(' ')} ignored SIGTERM for 10 s: SIGKILL\n`);
        child.kill('SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
  try {
    await proc.waitFor(ready, timeoutMs);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return proc;
}

/** `python taskqueue_worker.py --participant NAME...`: serves the `worker_NAME` queues. */
export function startTaskqueueWorker(broker: BrokerAddress, participants: string[]): Promise<LegacyProcess> {
  const args = [path.join(legacyPythonDir, 'taskqueue_worker.py'), ...brokerArgs(broker)];
  for (const name of participants) args.push('--participant', name);
  return startLegacyProcess(args, {}, `taskqueue worker serving ${participants.join(', ')}...`, 60_000);
}

/**
 * The Celery 5 worker of `legacy_tasks` on the `legacy_tasks` queue (solo pool, one process): it runs
 * `legacy_tasks.charge` and publishes each result to `bureaucrat_msgs` from its task_success handler.
 */
export function startCeleryWorker(brokerUrl: string): Promise<LegacyProcess> {
  const args = ['-m', 'celery', '-A', 'legacy_tasks', 'worker', '-n', `legacy_tasks-${process.pid}@%h`, '-Q', 'legacy_tasks', '--pool', 'solo', '-c', '1',
    '--without-heartbeat', '--without-gossip', '--without-mingle', '-l', 'info']; // prettier-ignore
  return startLegacyProcess(args, { BROKER_URL: brokerUrl }, /@\S+ ready\./, 120_000);
}
