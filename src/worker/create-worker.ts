/**
 * A worker that runs processes: the interpreter and router workflows, the project's event activities and
 * the user's participants, on the `bureaucrat` task queue by default. `worker.run()` stops gracefully on
 * SIGINT/SIGTERM (Temporal's runtime handles them): running activities finish or are cancelled, and
 * workflows resume on another worker.
 */
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { eventActivities } from '../../activities/events';
import { DEFAULT_TASK_QUEUE, resolveConnectConfig, type ConnectionOptions } from '../client/connection';
import { participantActivities, type Participants } from './participants';

/** Options of {@link createWorker}: participants, connection, and any Temporal `WorkerOptions`. */
export type CreateWorkerOptions = Omit<ConnectionOptions, 'client' | 'connection'> &
  Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities'>> & {
    /** Participant name → function (names may contain dots). */
    readonly participants: Participants;
    /** A connection to reuse; by default one is opened from envconfig. */
    readonly connection?: NativeConnection;
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
    ...workerOptions
  } = options;
  const reserved = Object.keys(participants).filter((name) => name.startsWith('bureaucrat.'));
  if (reserved.length)
    throw new TypeError(`participant names starting with "bureaucrat." are reserved: ${reserved.join(', ')}`);
  const config = resolveConnectConfig({ address, namespace: ns, profile });
  const connection = given ?? (await NativeConnection.connect(config.connectionOptions));
  const namespace = ns ?? config.namespace;
  const client = new Client({ connection, namespace });
  const code =
    workerOptions.workflowBundle || workerOptions.workflowsPath
      ? {}
      : { workflowsPath: require.resolve('../../workflows') };
  const worker = await Worker.create({
    ...code,
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
