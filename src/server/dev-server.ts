import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { TypedSearchAttributes } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { BUREAUCRAT_SEARCH_ATTRIBUTES } from '../search-attributes';
import {
  logToStderr,
  resolveTemporalCli,
  TemporalCliNotFoundError,
  type ResolvedTemporalCli,
} from './temporal-cli';
import { BureaucratError } from '../errors';

/** Options for {@link startDevServer}. */
export interface DevServerOptions {
  /** gRPC port; a free one is picked when omitted. */
  readonly port?: number;
  /** Serve the Web UI on this port (off when omitted). */
  readonly uiPort?: number;
  /** SQLite file to persist state in; in-memory when omitted. */
  readonly dbFilename?: string;
  /** The namespace to create and connect to; `default` when omitted. */
  readonly namespace?: string;
  /** Progress messages (e.g. the first Go build of the CLI). Defaults to stderr. */
  readonly log?: (message: string) => void;
  /**
   * More dynamic config values (`--dynamic-config-value key=value`), after this package's own (see
   * `EXTRA_ARGS`), e.g. `{ 'limit.blobSize.error': 65536 }` to try a cluster's limits locally.
   */
  readonly dynamicConfig?: Readonly<Record<string, string | number | boolean>>;
}

/** A running local Temporal dev server, with connections to it. */
export interface DevServer {
  /** `host:port` of the server's gRPC frontend. */
  readonly address: string;
  /** The namespace the connections use. */
  readonly namespace: string;
  /** The Web UI, when enabled. */
  readonly uiUrl?: string;
  /** Client, `Connection` and `NativeConnection` bound to the server. */
  readonly env: TestWorkflowEnvironment;
  /** The Temporal CLI the server runs on, and how it was found. */
  readonly cli: ResolvedTemporalCli;
  /** Milliseconds from spawning the server to its frontend accepting connections (CLI lookup excluded). */
  readonly startupMs: number;
  /** Stops the server and closes the connections. */
  stop(): Promise<void>;
}

/** The embedded dev server did not start; the message is the server's own account of why. */
export class DevServerStartError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'DevServerStartError';
  readonly code = 'DEV_SERVER_START_FAILED';
  constructor(
    message: string,
    /** The server's output before it gave up (its last lines). */
    readonly output: string,
  ) {
    super(message);
  }
}

/** How long the server may take to print its address before it counts as failed (a slow, busy machine). */
const STARTUP_LIMIT_MS = 60_000;

/**
 * Starts a local Temporal dev server (`temporal server start-dev`) with this project's search attributes
 * registered. The CLI binary comes from {@link resolveTemporalCli}. When the server cannot start, throws
 * {@link DevServerStartError} carrying the server's own message (e.g. `can't set UI port 8233: … address
 * already in use`), not a timeout.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = await resolveTemporalCli({ log: options.log });
  const namespace = options.namespace ?? 'default';
  const started = performance.now();
  let env: TestWorkflowEnvironment;
  let stopServer: () => Promise<void>;
  if (cli.executable.type === 'existing-path') {
    // Spawned here rather than by the SDK, which lets the server write to this process's stderr and, when it
    // fails, only reports that it did not start within 5 s: here its output is captured and becomes the error.
    const server = await spawnDevServerRetrying(cli.executable.path, namespace, options);
    try {
      env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address, namespace });
    } catch (err) {
      await server.stop();
      throw err;
    }
    stopServer = server.stop;
  } else {
    try {
      env = await TestWorkflowEnvironment.createLocal({
        server: {
          executable: cli.executable,
          namespace,
          ...(options.port !== undefined && { port: options.port }),
          ...(options.uiPort !== undefined && { ui: true, uiPort: options.uiPort }),
          ...(options.dbFilename !== undefined && { dbFilename: options.dbFilename }),
          searchAttributes: [...BUREAUCRAT_SEARCH_ATTRIBUTES],
          log: { format: 'pretty', level: 'warn' },
          extraArgs: [...EXTRA_ARGS],
        },
      });
    } catch (err) {
      if (cli.source === 'sdk-download') throw new TemporalCliNotFoundError(cli.tried, err);
      throw err;
    }
    stopServer = async () => undefined; // the environment's teardown stops a server the SDK started
  }
  const startupMs = performance.now() - started;
  const [host] = env.address.split(':');
  return {
    address: env.address,
    namespace,
    ...(options.uiPort !== undefined && { uiUrl: `http://${host}:${options.uiPort}` }),
    env,
    cli,
    startupMs,
    stop: async () => {
      try {
        await env.teardown();
      } finally {
        await stopServer();
      }
    },
  };
}

/**
 * Dynamic config: eager activity dispatch (as a production cluster has it), for realistic throughput; and
 * room for 1,000 signals arriving during one workflow task (Temporal's default, 100, fails the task in
 * flight past it, so an event router receiving a burst of published events was livelocked: each failed
 * task evicts the router and replays it in full, slower each time, while more events arrive; see README,
 * triggers); and timers that fire when due: Temporal's `history.timerProcessorMaxTimeShift` (default 1 s)
 * holds back any timer due within that shift of its creation until the shift has passed, so a schedule
 * every second drifted up to a second late (its scheduler sleeps less than a second between starts) and a
 * `<delay duration="0.3">` took a second.
 */
const EXTRA_ARGS = [
  '--dynamic-config-value',
  'system.enableActivityEagerExecution=true',
  '--dynamic-config-value',
  'history.maximumBufferedEventsBatch=1000',
  '--dynamic-config-value',
  'matching.useNewMatcher=true',
  '--dynamic-config-value',
  'history.timerProcessorMaxTimeShift="100ms"',
] as const;

/** Whether a TCP port is free on 127.0.0.1 (where the dev server listens). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A TCP port that is free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** How many times a start that lost a port race is tried in all. */
const START_ATTEMPTS = 3;

/**
 * {@link spawnDevServer}, tried again when it lost a race for a port. The frontend's port is picked here by
 * binding a free port and letting it go, and the server picks free ports for its internal services
 * itself: another process (a second test server, a client's connection) can take one before the server
 * listens on it, and the server exits with `Failed to start gRPC listener … address already in use` (seen
 * in CI). A port the caller chose that is in use is not a race: that error is final.
 */
async function spawnDevServerRetrying(
  executable: string,
  namespace: string,
  options: DevServerOptions,
): Promise<{ address: string; stop: () => Promise<void> }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnDevServer(executable, namespace, options);
    } catch (err) {
      const lostRace =
        err instanceof DevServerStartError &&
        /address already in use/.test(err.output) &&
        (options.port === undefined || (await isPortFree(options.port)));
      if (!lostRace || attempt >= START_ATTEMPTS) throw err;
      const log = options.log ?? logToStderr;
      log(`the Temporal dev server lost a race for a port (${err.message}); starting it again`);
    }
  }
}

/**
 * Runs `temporal server start-dev` with the same arguments the SDK would pass, and resolves once it prints
 * its address (it does after the namespace and search attributes are in place). Its stderr (warnings and
 * errors) is passed on to this process's stderr once it runs; until then it is kept, so that a failure
 * reports it.
 */
async function spawnDevServer(
  executable: string,
  namespace: string,
  options: DevServerOptions,
): Promise<{ address: string; stop: () => Promise<void> }> {
  const port = options.port ?? (await freePort());
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--log-format',
    'pretty',
    '--log-level',
    'warn',
    ...(options.uiPort !== undefined ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...(options.dbFilename !== undefined ? ['--db-filename', options.dbFilename] : []),
    ...BUREAUCRAT_SEARCH_ATTRIBUTES.flatMap((key) => [
      '--search-attribute',
      `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`,
    ]),
    ...['enableServerVersionCheck=false', 'enableUpdateWorkflowExecution=true'].flatMap((v) => [
      '--dynamic-config-value',
      `frontend.${v}`,
    ]),
    ...EXTRA_ARGS,
    ...Object.entries(options.dynamicConfig ?? {}).flatMap(([key, value]) => [
      '--dynamic-config-value',
      `${key}=${JSON.stringify(value)}`,
    ]),
  ];
  const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Never outlive this process, however it ends.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';
  let stderr = '';
  let ready = false;
  child.stderr.on('data', (chunk: Buffer) => {
    // Held back while starting: a failure's message becomes the error instead of appearing twice.
    if (ready) process.stderr.write(chunk);
    else stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const stop = async () => {
    process.removeListener('exit', kill);
    ready = false; // its shutdown chatter (pollers losing their connections) is not news
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string) =>
        reject(new DevServerStartError(`${serverMessage(stderr) ?? why}`, stderr.trim()));
      const timer = setTimeout(
        () => fail(`no address printed within ${STARTUP_LIMIT_MS / 1000} s`),
        STARTUP_LIMIT_MS,
      );
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(`the Temporal dev server exited (${signal ?? `code ${code}`}) before it was ready`);
      });
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/^Server:\s/m.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  ready = true;
  if (stderr) process.stderr.write(stderr); // start-up warnings
  child.stdout.resume(); // its later output (e.g. "Stopping server...") is not needed
  return { address: `127.0.0.1:${port}`, stop };
}

/**
 * The server's own account of a failure: the message of its last error log line (`level=ERROR
 * msg="can't set UI port …"` in the pretty format), else the last line it printed.
 */
function serverMessage(output: string): string | undefined {
  const lines = output.trim().split('\n').filter(Boolean);
  for (const line of [...lines].reverse()) {
    const match = /level=ERROR\s+msg="((?:[^"\\]|\\.)*)"/.exec(line) ?? /level=ERROR\s+msg=(.*)$/.exec(line);
    if (match) return `the Temporal dev server did not start: ${match[1].replace(/\\(.)/g, '$1')}`;
  }
  const last = lines[lines.length - 1];
  return last ? `the Temporal dev server did not start: ${last}` : undefined;
}
