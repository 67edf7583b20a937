/**
 * `bureaucrat amqp` as a library call: the bridge (launch and event queues) and, when patterns are given,
 * the legacy participants with the Temporal worker that serves them on their own task queue. The processes
 * the bridge launches route those participants to that queue; processes launched elsewhere reach them
 * through `$BUREAUCRAT_ROUTES` (or the launcher's `routes`) naming the same queue, or through a worker of
 * their own created with `createWorker({ legacyParticipants })`.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  connectClient,
  connectionError,
  resolveConnectConfig,
  type ConnectionOptions,
} from '../client/connection';
import { encryptionCodecFor } from '../codec/encryption';
import { AmqpBridge } from './bridge';
import { LegacyParticipants, LEGACY_TASK_QUEUE } from './legacy-participants';
import { resolveAmqpSettings, type AmqpSettingsSource } from './settings';

/** Options of {@link startAmqpService}. */
export interface AmqpServiceOptions
  extends AmqpSettingsSource, Omit<ConnectionOptions, 'client' | 'connection' | 'tracing'> {
  /** Messages of each queue in hand at once (AMQP prefetch); 50 by default. */
  readonly prefetch?: number;
  /** Participant names or globs served by taskqueue workers (`worker_<participant>`). */
  readonly taskqueue?: readonly string[];
  /** Participant names or globs served as Celery tasks. */
  readonly celery?: readonly string[];
  /** The task queue the legacy participants are served on: `bureaucrat-amqp` by default. */
  readonly participantQueue?: string;
  /** Where it reports (one line each); stderr by default. */
  readonly log?: (line: string) => void;
}

/** A running bridge, with its legacy participants when it serves some. */
export interface AmqpService {
  /** The launch and event bridge. */
  readonly bridge: AmqpBridge;
  /** The legacy participants, when patterns were given. */
  readonly legacy?: LegacyParticipants;
  /** The task queue the legacy participants are served on, when patterns were given. */
  readonly participantQueue?: string;
  /** Stops consuming, lets messages and actions in hand finish, and closes the connections. */
  stop(): Promise<void>;
}

/** Starts the bridge and, with patterns, the legacy participants and their worker. */
export async function startAmqpService(options: AmqpServiceOptions): Promise<AmqpService> {
  // Read once, before anything connects (a config that cannot be used is reported first); the bridge and
  // the participants take the result as it is.
  const { url: _url, config: _config, ...rest } = options;
  const amqp = { ...rest, overrides: resolveAmqpSettings(options) };
  const client = await connectClient(options);
  const serving = Boolean(options.taskqueue?.length || options.celery?.length);
  const participantQueue = options.participantQueue ?? LEGACY_TASK_QUEUE;
  let legacy: LegacyParticipants | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let connection: NativeConnection | undefined;
  if (serving) {
    legacy = await LegacyParticipants.connect({ ...amqp, client });
    const { connectionOptions, namespace } = resolveConnectConfig(options);
    connection = await NativeConnection.connect(connectionOptions).catch(async (err: unknown) => {
      throw await connectionError(connectionOptions.address, err);
    });
    const codec = encryptionCodecFor(options.encryptionKeyFile);
    worker = await Worker.create({
      connection,
      namespace: options.namespace ?? namespace,
      taskQueue: participantQueue,
      activities: legacy.activities(),
      // A legacy activity only publishes (the reply completes it later): a stopping bridge waits briefly.
      shutdownGraceTime: '5s',
      shutdownForceTime: '10s',
      ...(codec && { dataConverter: { payloadCodecs: [codec] } }),
    });
    running = worker.run();
  }
  const bridge = await AmqpBridge.start({
    ...amqp,
    client,
    ...(options.taskQueue && { taskQueue: options.taskQueue }),
    ...(legacy && { routes: legacy.routes(participantQueue) }),
  });
  return {
    bridge,
    ...(legacy && { legacy, participantQueue }),
    async stop() {
      await bridge.stop();
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await legacy?.close();
      await connection?.close();
      await client.connection.close();
    },
  };
}
