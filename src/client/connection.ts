/**
 * Where the adapter connects: an explicit `Client`/`Connection`, else `@temporalio/envconfig` (the
 * `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, TLS variables and config-file profiles the
 * Temporal CLI uses), defaulting to `localhost:7233`, namespace `default`, task queue `bureaucrat`.
 */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';

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

/** A client for `options`: the given one, one on the given connection, or a new connection. */
export async function connectClient(options: ConnectionOptions = {}): Promise<Client> {
  if (options.client) return options.client;
  const { connectionOptions, namespace } = resolveConnectConfig(options);
  const connection = options.connection ?? (await Connection.connect(connectionOptions));
  return new Client({ connection, namespace: options.namespace ?? namespace });
}
