/**
 * A worker that runs processes: the interpreter and router workflows, the project's event activities and
 * the user's participants, on the `bureaucrat` task queue by default. `worker.run()` stops gracefully on
 * SIGINT/SIGTERM (Temporal's runtime handles them): running participants get a grace period to finish, are
 * then cancelled, and a participant that ignores the cancellation is abandoned after a further margin, so
 * that a stopping worker always ends; workflows resume on another worker.
 */
import { Client } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  GracefulShutdownPeriodExpiredError,
  NativeConnection,
  Worker,
  type LogLevel,
  type WorkerOptions,
} from '@temporalio/worker';
import { eventActivities } from '../../activities/events';
import {
  connectionError,
  DEFAULT_TASK_QUEUE,
  resolveConnectConfig,
  type ConnectionOptions,
} from '../client/connection';
import { HOOK_NAMES, HOOKS_SINK } from '../hooks';
import { encryptionCodecFor } from '../codec/encryption';
import { hookSinks, type ProcessHooks } from './hooks';
import { installRuntimeLogging } from './logging';
import { actionLogAttributes, type LogFormat } from './log-format';
import { participantActivities, type Participants } from './participants';
import { LegacyParticipants, type LegacyParticipantsOptions } from '../amqp/legacy-participants';
import {
  prebuiltWorkflowBundle,
  withWorkerHooks,
  withWorkflowTracing,
  withoutSummaries,
  workflowsPath,
  bundleCode,
} from './workflow-bundle';
import { resolveTracing, tracingFor, tracingWorkerOptions } from '../tracing';

/**
 * How long a stopping worker lets running participants finish before it cancels them (Temporal's own
 * default is 0: cancel at once, which turns every deploy into a round of retries).
 */
export const DEFAULT_SHUTDOWN_GRACE_TIME = '10s';

/**
 * After the grace time, how long cancelled participants get to wind up before the worker gives up on them:
 * `run()` then rejects with the SDK's `GracefulShutdownPeriodExpiredError` and the activities are left to
 * time out and retry elsewhere. Without this bound a participant that never settles keeps the worker up.
 */
export const SHUTDOWN_FORCE_MARGIN_MS = 5000;

/** Options of {@link createWorker}: participants, connection, and any Temporal `WorkerOptions`. */
export type CreateWorkerOptions = Omit<ConnectionOptions, 'client' | 'connection' | 'connectTimeout'> &
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
    /** Lifecycle hooks, called on this worker (see {@link ProcessHooks}; README "Operating processes"). */
    readonly hooks?: ProcessHooks;
    /**
     * `HOST:PORT`: serve Prometheus metrics on `http://HOST:PORT/metrics`, the Temporal SDK's (`temporal_…`)
     * and the engine's (`bureaucrat_…`, see docs/production.md). It is the process's Temporal runtime
     * that serves them, so this must be the first Temporal connection of the process (or the runtime
     * installed with the same endpoint); otherwise this throws `IllegalStateError`.
     */
    readonly metrics?: string;
    /**
     * The format of the SDK's log lines, when this creates the process's Temporal runtime: `text`, or
     * `json` (one object a line, with `processId`, `activityId` and `participant`); default
     * `$BUREAUCRAT_LOG_FORMAT`, else `text`.
     */
    readonly logFormat?: LogFormat;
    /**
     * Participants written for the original engine, served over RabbitMQ by this worker (taskqueue workers
     * or Celery tasks; see README, "Moving from Bureaucrat"): their requests are published and their
     * replies complete the actions. Closed when the worker stops.
     */
    readonly legacyParticipants?: Omit<LegacyParticipantsOptions, 'client'>;
    /**
     * `false`: the processes this worker runs give their actions and delays no Web UI summary (about 45
     * bytes less history per action), as `actionOptions.summaries: false` does for one launch. Default
     * `true`. It needs a workflow bundle (the prebuilt one, or `workflowBundle`), not workflows bundled at
     * start.
     */
    readonly summaries?: boolean;
  };

/**
 * Creates a worker. Call `run()` on it (resolves after shutdown) or `runUntil(promise)`. Unless given,
 * `shutdownGraceTime` is {@link DEFAULT_SHUTDOWN_GRACE_TIME} and `shutdownForceTime` the grace time plus
 * 5 seconds. Throws `TemporalConnectionError` when the server cannot be reached.
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
    hooks,
    metrics,
    logFormat,
    tracing,
    encryptionKeyFile,
    legacyParticipants,
    summaries = true,
    ...workerOptions
  } = options;
  const reserved = Object.keys(participants).filter((name) => name.startsWith('bureaucrat.'));
  if (reserved.length)
    throw new TypeError(`participant names starting with "bureaucrat." are reserved: ${reserved.join(', ')}`);
  installRuntimeLogging(logLevel, undefined, {
    ...(metrics !== undefined && { metrics }),
    ...(logFormat !== undefined && { logFormat }),
  });
  const codec = encryptionCodecFor(encryptionKeyFile);
  const dataConverter = codec
    ? {
        ...workerOptions.dataConverter,
        payloadCodecs: [...(workerOptions.dataConverter?.payloadCodecs ?? []), codec],
      }
    : workerOptions.dataConverter;
  const config = resolveConnectConfig({ address, namespace: ns, profile });
  const connection =
    given ??
    (await NativeConnection.connect(config.connectionOptions).catch(async (err: unknown) => {
      throw await connectionError(config.connectionOptions.address, err);
    }));
  const namespace = ns ?? config.namespace;
  const client = new Client({ connection, namespace, ...(dataConverter ? { dataConverter } : {}) });
  const legacy = legacyParticipants && (await LegacyParticipants.connect({ ...legacyParticipants, client }));
  const legacyActivities = legacy?.activities() ?? {};
  const both = Object.keys(participants).filter((name) => name in legacyActivities);
  if (both.length) {
    await legacy?.close();
    throw new TypeError(`participants both native and legacy: ${both.join(', ')}`);
  }
  const shutdownGraceTime = workerOptions.shutdownGraceTime ?? DEFAULT_SHUTDOWN_GRACE_TIME;
  const forceMs = msToNumber(
    workerOptions.shutdownForceTime ?? msToNumber(shutdownGraceTime) + SHUTDOWN_FORCE_MARGIN_MS,
  );
  const traced = resolveTracing(tracing);
  const code = await workflowCode(workerOptions, hooks ?? {}, { traced: traced !== undefined, summaries });
  const traceParts = traced && tracingWorkerOptions(tracingFor(traced), Object.keys(participants));
  const worker = await Worker.create({
    ...workerOptions,
    ...code,
    interceptors: {
      ...workerOptions.interceptors,
      // Log lines about a participant name its action (see log-format.ts), then the tracing's, then yours.
      activity: [
        actionLogAttributes,
        ...(traceParts?.activity ?? []),
        ...(workerOptions.interceptors?.activity ?? []),
      ],
      // A traced worker that bundles at startup gets the SDK's workflow interceptors directly.
      ...(traceParts &&
        (code.workflowsPath ?? workerOptions.workflowsPath) && {
          workflowModules: [
            ...(workerOptions.interceptors?.workflowModules ?? []),
            require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
          ],
        }),
    },
    shutdownGraceTime,
    shutdownForceTime: forceMs,
    ...(dataConverter ? { dataConverter } : {}),
    connection,
    namespace,
    taskQueue: taskQueue ?? DEFAULT_TASK_QUEUE,
    activities: { ...legacyActivities, ...participantActivities(participants), ...eventActivities(client) },
    sinks: { ...hookSinks(hooks), ...(traceParts && traceParts.sinks), ...workerOptions.sinks },
  });
  // Note when shutdown is requested (the runtime's SIGINT/SIGTERM handler calls this method too), to tell a
  // forced shutdown from other failures: after one, the SDK throws a bare "Worker still in use".
  let stopRequested: number | undefined;
  const shutdown = worker.shutdown.bind(worker);
  worker.shutdown = () => {
    stopRequested ??= Date.now();
    shutdown();
  };
  const run = worker.run.bind(worker);
  worker.run = async () => {
    try {
      await run().finally(() => legacy?.close());
    } catch (err) {
      // After a forced shutdown the native worker may still hold the connection: report why run() failed.
      if (!given) await connection.close().catch(() => undefined);
      if (stopRequested !== undefined && Date.now() - stopRequested >= forceMs) {
        throw new GracefulShutdownPeriodExpiredError(
          `participants still running ${forceMs / 1000} s after the shutdown request were abandoned`,
          { cause: err },
        );
      }
      throw err;
    }
    // The connection opened here belongs to this worker: close it when the worker stops, so that a program
    // whose worker shut down (Ctrl-C) can exit.
    if (!given) await connection.close();
  };
  return worker;
}

/**
 * The workflow code a worker runs: the prebuilt bundle, told which of the hooks this worker has (see
 * `withWorkerHooks`), unless the options ask for a bundle of their own (own workflows, workflow
 * interceptors or bundler options), or the package was not built (its sources are bundled then; webpack
 * reports at the INFO log level). A bundle of one's own, or a hook sink of one's own in `sinks`, gets
 * every hook. A worker without summaries has them switched off in its bundle, prebuilt or given.
 */
async function workflowCode(
  options: Partial<WorkerOptions>,
  hooks: ProcessHooks,
  flags: { readonly traced: boolean; readonly summaries: boolean },
): Promise<Partial<WorkerOptions>> {
  const given = options.workflowBundle;
  if (given) return flags.summaries ? {} : { workflowBundle: withoutSummaries(await bundleCode(given)) };
  const ownBundle = Boolean(
    options.workflowsPath || options.interceptors?.workflowModules?.length || options.bundlerOptions,
  );
  const prebuilt = ownBundle ? undefined : prebuiltWorkflowBundle();
  if (!prebuilt && !flags.summaries) {
    throw new TypeError(
      'createWorker: summaries: false needs a workflow bundle (the prebuilt one, or workflowBundle); ' +
        'with workflows bundled at start, launch with actionOptions.summaries: false instead',
    );
  }
  if (options.workflowsPath) return {};
  if (!prebuilt) return { workflowsPath: workflowsPath() };
  const ownSink = Boolean(options.sinks?.[HOOKS_SINK]);
  if (ownSink && !flags.traced && flags.summaries) return { workflowBundle: prebuilt };
  let bundle = await withWorkerHooks(
    prebuilt,
    ownSink ? HOOK_NAMES : HOOK_NAMES.filter((name) => hooks[name] !== undefined),
  );
  // A traced worker's bundle installs the OpenTelemetry workflow interceptors (workflows/tracing.ts).
  if (flags.traced) bundle = withWorkflowTracing(bundle);
  if (!flags.summaries) bundle = withoutSummaries(bundle);
  return { workflowBundle: bundle };
}
