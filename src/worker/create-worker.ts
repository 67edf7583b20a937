/**
 * A worker that runs processes: the interpreter and router workflows, the project's event activities and
 * the user's participants, on the `bureaucrat` task queue by default. `worker.run()` stops gracefully on
 * SIGINT/SIGTERM (Temporal's runtime handles them): running activities finish or are cancelled, and
 * workflows resume on another worker.
 */
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { eventActivities } from '../../activities/events';
import { DEFAULT_TASK_QUEUE, resolveConnectConfig, type ConnectionOptions } from '../client/connection';
import { installRuntimeLogging } from './logging';
import { participantActivities, type Participants } from './participants';
import { prebuiltWorkflowBundle, workflowsPath } from './workflow-bundle';

/** Options of {@link createWorker}: participants, connection, and any Temporal `WorkerOptions`. */
export type CreateWorkerOptions = Omit<ConnectionOptions, 'client' | 'connection'> &
  Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities'>> & {
    /** Participant name → function (names may contain dots). */
    readonly participants: Participants;
    /** A connection to reuse; by default one is opened from envconfig. */
    readonly connection?: NativeConnection;
    /**
     * The level of the Temporal SDK's own logs (worker and core), when this creates the process's Temporal
     * runtime: default `$BUREAUCRAT_LOG_LEVEL`, else `WARN`. A runtime you installed yourself is kept.
     */
    readonly logLevel?: LogLevel;
  };

/**
 * Creates a worker. Call `run()` on it (resolves after shutdown) or `runUntil(promise)`.
 *
 * @example
 * const worker = await createWorker({ participants: { charge: async (w) => ({ charged: true }) } });
 * await worker.run();
 */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const {
    participants,
    connection: given,
    address,
    namespace: ns,
    profile,
    taskQueue,
    logLevel,
    ...workerOptions
  } = options;
  const reserved = Object.keys(participants).filter((name) => name.startsWith('bureaucrat.'));
  if (reserved.length)
    throw new TypeError(`participant names starting with "bureaucrat." are reserved: ${reserved.join(', ')}`);
  installRuntimeLogging(logLevel);
  const config = resolveConnectConfig({ address, namespace: ns, profile });
  const connection = given ?? (await NativeConnection.connect(config.connectionOptions));
  const namespace = ns ?? config.namespace;
  const client = new Client({ connection, namespace });
  const worker = await Worker.create({
    ...workflowCode(workerOptions),
    ...workerOptions,
    connection,
    namespace,
    taskQueue: taskQueue ?? DEFAULT_TASK_QUEUE,
    activities: { ...participantActivities(participants), ...eventActivities(client) },
  });
  if (!given) {
    // The connection opened here belongs to this worker: close it when the worker stops, so that a program
    // whose worker shut down (Ctrl-C) can exit.
    const run = worker.run.bind(worker);
    worker.run = async () => {
      try {
        await run();
      } finally {
        await connection.close();
      }
    };
  }
  return worker;
}

/**
 * The workflow code a worker runs: the prebuilt bundle, unless the options ask for a bundle of their own
 * (own workflows, workflow interceptors or bundler options), or the package was not built (its sources
 * are bundled then; webpack reports at the INFO log level).
 */
function workflowCode(options: Partial<WorkerOptions>): Partial<WorkerOptions> {
  if (options.workflowBundle || options.workflowsPath) return {};
  const ownBundle = Boolean(options.interceptors?.workflowModules?.length || options.bundlerOptions);
  const prebuilt = ownBundle ? undefined : prebuiltWorkflowBundle();
  return prebuilt ? { workflowBundle: prebuilt } : { workflowsPath: workflowsPath() };
}
