/**
 * `startConsole`: the web console on its own, on loopback. It is the HTTP API's server with the console's
 * pages (see `src/api/`): the pages act only through the API, with the API's checks.
 */
import type { Client } from '@temporalio/client';
import { startApi } from '../api/server';

/** Options of {@link startConsole}. */
export interface ConsoleOptions {
  /** The Temporal client the console works through. */
  readonly client: Client;
  /** The namespace of `client` (for Web UI links). */
  readonly namespace: string;
  /** The Temporal Web UI's address, for links to each process (none when unset). */
  readonly webUiUrl?: string;
  /** Port to listen on (default: a free one); always on 127.0.0.1. */
  readonly port?: number;
  /** The interpreter workers' task queue (default `bureaucrat`), for launches and events. */
  readonly taskQueue?: string;
}

/** A running console. */
export interface RunningConsole {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** Stops the console and resolves once it has closed. */
  close(): Promise<void>;
}

/** Starts the console (and the API under `/v1` beside it) on 127.0.0.1; resolves once it listens. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const running = await startApi({
    client: options.client,
    namespace: options.namespace,
    host: '127.0.0.1',
    port: options.port ?? 0,
    ...(options.webUiUrl ? { webUiUrl: options.webUiUrl } : {}),
    ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}),
  });
  return { url: `${running.url}/`, close: running.close };
}
