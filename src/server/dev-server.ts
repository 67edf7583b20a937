import { TestWorkflowEnvironment } from '@temporalio/testing';
import { BUREAUCRAT_SEARCH_ATTRIBUTES } from '../search-attributes';
import { resolveTemporalCli, TemporalCliNotFoundError, type ResolvedTemporalCli } from './temporal-cli';

/** Options for {@link startDevServer}. */
export interface DevServerOptions {
  /** gRPC port; a free one is picked when omitted. */
  readonly port?: number;
  /** Serve the Web UI on this port (off when omitted). */
  readonly uiPort?: number;
  /** SQLite file to persist state in; in-memory when omitted. */
  readonly dbFilename?: string;
  readonly namespace?: string;
  /** Progress messages (e.g. the first Go build of the CLI). Defaults to stderr. */
  readonly log?: (message: string) => void;
}

/** A running local Temporal dev server, with connections to it. */
export interface DevServer {
  /** `host:port` of the server's gRPC frontend. */
  readonly address: string;
  readonly namespace: string;
  /** The Web UI, when enabled. */
  readonly uiUrl?: string;
  /** Client, `Connection` and `NativeConnection` bound to the server. */
  readonly env: TestWorkflowEnvironment;
  readonly cli: ResolvedTemporalCli;
  /** Milliseconds from spawning the server to its frontend accepting connections (CLI lookup excluded). */
  readonly startupMs: number;
  /** Stops the server and closes the connections. */
  stop(): Promise<void>;
}

/**
 * Starts a local Temporal dev server (`temporal server start-dev`) with this project's search attributes
 * registered. The CLI binary comes from {@link resolveTemporalCli}.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = await resolveTemporalCli({ log: options.log });
  const namespace = options.namespace ?? 'default';
  let env: TestWorkflowEnvironment;
  const started = performance.now();
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
        extraArgs: ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'],
      },
    });
  } catch (err) {
    if (cli.source === 'sdk-download') throw new TemporalCliNotFoundError(cli.tried, err);
    throw err;
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
    stop: () => env.teardown(),
  };
}
