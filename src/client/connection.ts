/**
 * Where the adapter connects: an explicit `Client`/`Connection`, else `@temporalio/envconfig` (the
 * `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, TLS variables and config-file profiles the
 * Temporal CLI uses), defaulting to `localhost:7233`, namespace `default`, task queue `bureaucrat`.
 */
import { Socket } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { BureaucratError } from '../errors';
import { clientTracing, type TracingOptions } from '../tracing';
import { codecDataConverter, encryptionCodecFor } from '../codec/encryption';

/** The task queue processes run on unless told otherwise. */
export const DEFAULT_TASK_QUEUE = 'bureaucrat';

/** How to reach Temporal. Every field is optional. */
export interface ConnectionOptions {
  /** Use this client as is (its namespace wins). */
  readonly client?: Client;
  /** Use this connection (with `namespace`). */
  readonly connection?: Connection;
  /** Override the address from the environment/profile. */
  readonly address?: string;
  /** Override the namespace from the environment/profile. */
  readonly namespace?: string;
  /** The envconfig profile to load (default `default`, or `$TEMPORAL_PROFILE`). */
  readonly profile?: string;
  /** The task queue of the interpreter workers (default `bureaucrat`). */
  readonly taskQueue?: string;
  /** How long to keep trying to reach the server before failing (the SDK's default: 10 s). */
  readonly connectTimeout?: Duration;
  /**
   * OpenTelemetry traces of the processes this client launches (see docs/production.md, "Traces"); on by
   * default when `$OTEL_EXPORTER_OTLP_ENDPOINT`, `$OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `$OTEL_SERVICE_NAME`
   * is set, `false` turns them off. Ignored when `client` is given.
   */
  readonly tracing?: TracingOptions | false;
  /**
   * Encrypt payloads (contexts, fields, replies) with the keys of this file (see docs/production.md,
   * "Encryption at rest"); default `$BUREAUCRAT_ENCRYPTION_KEY_FILE`. Ignored when `client` is given.
   */
  readonly encryptionKeyFile?: string;
}

/**
 * The server at `address` could not be reached. `reason` says what a plain TCP connection found (refused,
 * host not found, no answer, or reachable but not speaking Temporal's gRPC); `cause` is the SDK's error.
 */
export class TemporalConnectionError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'TemporalConnectionError';
  readonly code = 'TEMPORAL_UNAVAILABLE';
  constructor(
    /** The address that could not be reached. */
    readonly address: string,
    /** What a plain TCP connection to `address` found, in words. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot connect to Temporal at ${address}: ${reason}`, options);
  }
}

/**
 * Builds the {@link TemporalConnectionError} for a failed connection to `address`. The SDK's own messages
 * ("Failed to connect before the deadline", a Rust transport dump) do not say why, so a plain TCP connection
 * is tried to find out.
 */
export async function connectionError(address: string, cause: unknown): Promise<TemporalConnectionError> {
  return new TemporalConnectionError(address, await probe(address), { cause });
}

/** What a plain TCP connection to `address` finds, in words. */
function probe(address: string, timeoutMs = 2000): Promise<string> {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address.replace(/^[a-z]+:\/\//i, ''));
  if (!match) return Promise.resolve('not a host:port address');
  const [, host, port] = match;
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (reason: string) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.once('connect', () =>
      done('the port accepts connections but no Temporal frontend answered (wrong port, or TLS settings?)'),
    );
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done('connection refused (nothing listens on that port)');
      else if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') done(`host ${host} not found`);
      else done(err.code ?? err.message);
    });
    socket.connect(Number(port), host);
  });
}

/** The connection settings envconfig resolves, with the explicit overrides applied. */
export function resolveConnectConfig(options: ConnectionOptions = {}) {
  const config = loadClientConnectConfig({ profile: options.profile });
  const address = options.address ?? config.connectionOptions.address ?? 'localhost:7233';
  return {
    connectionOptions: { ...config.connectionOptions, address },
    namespace: options.namespace ?? config.namespace ?? 'default',
  };
}

/**
 * A client for `options`: the given one, one on the given connection, or a new connection. Throws
 * {@link TemporalConnectionError} when the server cannot be reached.
 */
export async function connectClient(options: ConnectionOptions = {}): Promise<Client> {
  if (options.client) return options.client;
  const codec = encryptionCodecFor(options.encryptionKeyFile);
  const { connectionOptions, namespace } = resolveConnectConfig(options);
  let connection = options.connection;
  if (!connection) {
    try {
      connection = await Connection.connect({ ...connectionOptions, connectTimeout: options.connectTimeout });
    } catch (err) {
      throw await connectionError(connectionOptions.address, err);
    }
  }
  return new Client({
    connection,
    namespace: options.namespace ?? namespace,
    ...clientTracing(options.tracing),
    ...codecDataConverter(codec),
  });
}
