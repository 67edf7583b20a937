/**
 * `bureaucrat dev` and `bureaucrat worker`: run a worker with participants, against an embedded dev
 * server or an existing Temporal, until Ctrl-C.
 */
import type { Worker } from '@temporalio/worker';
import { codecDataConverter, encryptionCodecFor } from '../codec/encryption';
import { DEFAULT_TASK_QUEUE, resolveConnectConfig } from '../client/connection';
import { freePort, isPortFree, startDevServer } from '../server/dev-server';
import { createWorker } from '../worker/create-worker';
import { startConsole } from '../console/server';
import { DEFAULT_API_PORT, startApi } from '../api/server';
import type { Participants } from '../worker/participants';
import { participants as exampleParticipants } from '../../examples/participants';
import { loadParticipants } from './load-participants';
import { UsageError } from './errors';
import { parseRoutes, routeFor, ROUTES_ENV, RoutesError, type Routes } from '../routes';
import { tracingFlag, type ConnectionFlags } from './options';
import { warnAboutMissingSearchAttributes } from './setup';

const err = (line: string) => process.stderr.write(`${line}\n`);

/** The participants of `--participants MODULE`, else the example participants. */
export function participantsFrom(module: string | undefined): Participants {
  if (module) return loadParticipants(module);
  return exampleParticipants;
}

/**
 * What the worker's banner says of `$BUREAUCRAT_ROUTES` (the routing table launches read, see README):
 * the table, and which of this worker's participants it sends to other queues, so an operator sees why
 * this worker will not get them. Empty when unset. A malformed table is a usage error (exit 2).
 */
export function routesNote(participants: Participants, env: NodeJS.ProcessEnv = process.env): string {
  let routes: Routes;
  try {
    routes = parseRoutes(env[ROUTES_ENV] ?? '');
  } catch (e) {
    if (e instanceof RoutesError) throw new UsageError(e.message);
    throw e;
  }
  const entries = Object.entries(routes);
  if (!entries.length) return '';
  const table = entries.map(([pattern, queue]) => `${pattern} → ${queue}`).join(', ');
  const away = Object.keys(participants).filter((name) => routeFor(routes, name) !== undefined);
  return (
    `routes ($${ROUTES_ENV}): ${table}` +
    (away.length ? `; launches route ${away.join(', ')} to those queues, not to this worker` : '')
  );
}

/** `bureaucrat worker [--participants MODULE]` against the configured server. */
export async function workerCommand(
  flags: ConnectionFlags & {
    participants?: string;
    shutdownGrace?: number;
    metrics?: string;
    summaries?: boolean;
  },
): Promise<number> {
  const participants = participantsFrom(flags.participants);
  const routing = routesNote(participants);
  const { connectionOptions, namespace } = resolveConnectConfig({ ...flags });
  const taskQueue = flags.taskQueue ?? DEFAULT_TASK_QUEUE;
  await warnAboutMissingSearchAttributes(flags);
  const worker = await createWorker({
    address: flags.address,
    namespace: flags.namespace,
    profile: flags.profile,
    encryptionKeyFile: flags.encryptionKeyFile,
    ...tracingFlag(flags),
    participants,
    taskQueue,
    ...shutdownOptions(flags.shutdownGrace),
    ...(flags.metrics !== undefined && { metrics: flags.metrics }),
    ...(flags.summaries === false && { summaries: false }),
  });
  err(
    `worker on ${connectionOptions.address} namespace ${flags.namespace ?? namespace} task queue ${taskQueue}; ` +
      `participants: ${Object.keys(participants).join(', ')}`,
  );
  if (routing) err(routing);
  if (flags.metrics !== undefined) err(`metrics: http://${flags.metrics}/metrics`);
  await run(worker);
  return 0;
}

/** The flags of `bureaucrat dev`. */
export interface DevFlags extends ConnectionFlags {
  port?: number;
  db?: string;
  participants?: string;
  uiPort?: number;
  shutdownGrace?: number;
  /** The API's (and console's) port. */
  apiPort?: number;
  /** `--console-port`: the same as `apiPort` (its earlier name). */
  consolePort?: number;
  /** `--metrics HOST:PORT`: the Prometheus endpoint of the worker. */
  metrics?: string;
}

/** `bureaucrat dev`: a local dev server (Web UI on) and a worker, until Ctrl-C. */
export async function devCommand(flags: DevFlags): Promise<number> {
  const participants = participantsFrom(flags.participants);
  const routing = routesNote(participants);
  if (flags.port !== undefined && !(await isPortFree(flags.port))) {
    throw new UsageError(`--port ${flags.port}: the port is in use; choose another, or leave --port out`);
  }
  const server = await startDevServer({
    port: flags.port,
    dbFilename: flags.db,
    uiPort: await chooseUiPort(flags.uiPort, err),
    namespace: flags.namespace,
    log: err,
  });
  const taskQueue = flags.taskQueue ?? DEFAULT_TASK_QUEUE;
  try {
    const worker = await createWorker({
      participants,
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue,
      encryptionKeyFile: flags.encryptionKeyFile,
      ...tracingFlag(flags),
      ...shutdownOptions(flags.shutdownGrace),
      ...(flags.metrics !== undefined && { metrics: flags.metrics }),
    });
    const codec = encryptionCodecFor(flags.encryptionKeyFile);
    const web = await startApi({
      client: codec
        ? new (await import('@temporalio/client')).Client({
            connection: server.env.connection,
            namespace: server.namespace,
            ...codecDataConverter(codec),
          })
        : server.env.client,
      namespace: server.namespace,
      taskQueue,
      temporalAddress: server.address,
      ...(server.uiUrl ? { webUiUrl: server.uiUrl } : {}),
      port: await chooseApiPort(flags.apiPort ?? flags.consolePort),
    });
    process.stdout.write(
      [
        `API: ${web.url} (reference: ${web.url}/docs)`,
        `Console: ${web.url}/`,
        `Temporal dev server: ${server.address} (namespace ${server.namespace}${flags.db ? `, data in ${flags.db}` : ', in memory'})`,
        `Web UI: ${server.uiUrl ?? '(off)'}`,
        `Worker on task queue ${taskQueue}; participants: ${Object.keys(participants).join(', ')}`,
        ...(flags.metrics !== undefined ? [`Metrics: http://${flags.metrics}/metrics`] : []),
        ...(routing ? [routing] : []),
        `Try: bureaucrat launch examples/processes/example1.xml --address ${server.address} --wait`,
        'Ctrl-C stops.',
        '',
      ].join('\n'),
    );
    try {
      await run(worker);
    } finally {
      await web.close();
    }
  } finally {
    await server.stop();
  }
  return 0;
}

/** `requested`, else {@link DEFAULT_API_PORT} when free, else a free port. */
async function chooseApiPort(requested: number | undefined): Promise<number> {
  if (requested !== undefined) {
    if (await isPortFree(requested)) return requested;
    throw new UsageError(`--api-port ${requested}: the port is in use; choose another, or leave it out`);
  }
  return (await isPortFree(DEFAULT_API_PORT)) ? DEFAULT_API_PORT : 0;
}

/** The flags of `bureaucrat api`. */
export interface ApiFlags extends ConnectionFlags {
  host: string;
  port?: number;
  tokens?: string;
  tlsCert?: string;
  tlsKey?: string;
  allowHost?: string[];
  webUi?: string;
}

/** `bureaucrat api`: the HTTP API and the console against the configured server, until Ctrl-C. */
export async function apiCommand(flags: ApiFlags): Promise<number> {
  const { resolveConnectConfig: resolve } = await import('../client/connection');
  const { Client, Connection } = await import('@temporalio/client');
  const { connectionOptions, namespace } = resolve({ ...flags });
  const { readTokensFile } = await import('../api/tokens');
  const tokens = flags.tokens ? readTokensFile(flags.tokens) : undefined;
  // A lazy connection: the API starts while Temporal is down and answers 503 naming its address until it
  // is back (gRPC reconnects by itself).
  const client = new Client({
    connection: Connection.lazy(connectionOptions),
    namespace: flags.namespace ?? namespace,
    ...(await import('../tracing')).clientTracing(tracingFlag(flags).tracing),
    ...codecDataConverter(encryptionCodecFor(flags.encryptionKeyFile)),
  });
  const running = await startApi({
    client,
    namespace: flags.namespace ?? namespace,
    temporalAddress: connectionOptions.address,
    host: flags.host,
    port: flags.port ?? DEFAULT_API_PORT,
    ...(tokens ? { tokens } : {}),
    ...(flags.tlsCert ? { tlsCert: flags.tlsCert } : {}),
    ...(flags.tlsKey ? { tlsKey: flags.tlsKey } : {}),
    ...(flags.allowHost ? { allowedHosts: flags.allowHost } : {}),
    ...(flags.webUi ? { webUiUrl: flags.webUi } : {}),
    ...(flags.taskQueue ? { taskQueue: flags.taskQueue } : {}),
  });
  process.stdout.write(
    `API: ${running.url} (reference: ${running.url}/docs${tokens ? `; ${tokens.length} token(s)` : '; no tokens: loopback only'})\n` +
      `Console: ${running.url}/\nCtrl-C stops.\n`,
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await running.close();
  return 0;
}

/** The Web UI's usual port. */
export const DEFAULT_UI_PORT = 8233;

/**
 * The Web UI port: `requested` when it is free (a usage error when it is taken), else 8233 when free, else a
 * free one (announced on `log`), so that a second `bureaucrat dev` or a busy 8233 does not stop the server.
 */
export async function chooseUiPort(
  requested: number | undefined,
  log: (line: string) => void,
): Promise<number> {
  if (requested !== undefined) {
    if (await isPortFree(requested)) return requested;
    throw new UsageError(
      `--ui-port ${requested}: the port is in use; choose another, or leave --ui-port out to get ${DEFAULT_UI_PORT} or a free port`,
    );
  }
  if (await isPortFree(DEFAULT_UI_PORT)) return DEFAULT_UI_PORT;
  const port = await freePort();
  log(`Web UI port ${DEFAULT_UI_PORT} is in use; serving the Web UI on ${port} instead`);
  return port;
}

/** `--shutdown-grace` as worker options (createWorker's defaults otherwise). */
function shutdownOptions(graceMs: number | undefined): { shutdownGraceTime?: number } {
  return graceMs === undefined ? {} : { shutdownGraceTime: graceMs };
}

/**
 * Runs until SIGINT/SIGTERM (the Temporal runtime shuts the worker down gracefully on them). A participant
 * still running after the grace period and the margin that follows its cancellation is abandoned: the
 * worker stops anyway, and the action times out and is retried by another worker.
 */
async function run(worker: Worker): Promise<void> {
  try {
    await worker.run();
  } catch (e) {
    if (!(e instanceof Error && e.name === 'GracefulShutdownPeriodExpiredError')) throw e;
    err(
      'worker stopped without waiting for participants that did not finish within the shutdown grace period; ' +
        'their actions will time out and be retried',
    );
    return;
  }
  err('worker stopped');
}

/** `bureaucrat console [--port N] [--web-ui URL]`: the web console against the configured server, until Ctrl-C. */
export async function consoleCommand(
  flags: ConnectionFlags & { port?: number; webUi?: string },
): Promise<number> {
  const { connectClient, resolveConnectConfig: resolve } = await import('../client/connection');
  const client = await connectClient({ ...flags });
  const { namespace } = resolve({ ...flags });
  const running = await startConsole({
    client,
    namespace: flags.namespace ?? namespace,
    webUiUrl: flags.webUi,
    port: flags.port,
    ...(flags.taskQueue ? { taskQueue: flags.taskQueue } : {}),
  });
  process.stdout.write(`Console: ${running.url}\nCtrl-C stops.\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await running.close();
  return 0;
}

/** The flags of `bureaucrat codec-server`. */
export interface CodecServerFlags {
  port: number;
  host: string;
  encryptionKeyFile?: string;
  tokenFile?: string;
  uiOrigin: string;
}

/** `bureaucrat codec-server`: decodes payloads for the Temporal Web UI, until Ctrl-C. */
export async function codecServerCommand(flags: CodecServerFlags): Promise<number> {
  const { startCodecServer } = await import('../codec/codec-server');
  const { ENCRYPTION_KEY_FILE_ENV } = await import('../codec/encryption');
  const keyFile = flags.encryptionKeyFile ?? (process.env[ENCRYPTION_KEY_FILE_ENV] || undefined);
  if (!keyFile) throw new UsageError(`give --encryption-key-file FILE (or set $${ENCRYPTION_KEY_FILE_ENV})`);
  const running = await startCodecServer({
    codec: keyFile,
    port: flags.port,
    host: flags.host,
    uiOrigin: flags.uiOrigin,
    ...(flags.tokenFile ? { tokens: flags.tokenFile } : {}),
  });
  process.stdout.write(
    `Codec server: ${running.url} (POST /decode, /encode; CORS for ${flags.uiOrigin}` +
      `${running.authenticated ? '; bearer token required' : '; no token: loopback only'})\nCtrl-C stops.\n`,
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await running.close();
  return 0;
}
