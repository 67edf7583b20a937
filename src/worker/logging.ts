/**
 * The Temporal SDK's own logs (worker lifecycle, Rust core, webpack when bundling): one documented level
 * for workers created here, `$BUREAUCRAT_LOG_LEVEL` or `WARN`, so a user's console carries their own
 * output and real problems, not the SDK's start-up chatter.
 */
import { logFormat, writeJsonLog } from './log-format';
import { IllegalStateError, type LogMetadata } from '@temporalio/common';
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';
import { METRIC_BUCKETS } from '../metrics';

/** The environment variable that sets the level of the SDK's logs. */
export const LOG_LEVEL_ENV = 'BUREAUCRAT_LOG_LEVEL';

const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/** The level asked for: `level`, else `$BUREAUCRAT_LOG_LEVEL`, else `fallback`. */
export function logLevel(level?: LogLevel, fallback: LogLevel = 'WARN'): LogLevel {
  if (level) return level;
  const fromEnv = process.env[LOG_LEVEL_ENV]?.trim().toUpperCase();
  if (!fromEnv) return fallback;
  if ((LEVELS as readonly string[]).includes(fromEnv)) return fromEnv as LogLevel;
  throw new TypeError(`${LOG_LEVEL_ENV}=${fromEnv}: expected one of ${LEVELS.join(', ')}`);
}

/**
 * Leaves out the SDK's "Worker failed" dump for a worker that gave up on participants after its shutdown
 * grace period: `createWorker` reports that itself, in words.
 */
class QuietLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const error = (meta as { error?: unknown } | undefined)?.error;
    if (
      message === 'Worker failed' &&
      error instanceof Error &&
      error.name === 'GracefulShutdownPeriodExpiredError'
    )
      return;
    super.log(level, message, meta);
  }
}

let installed = false;

/** The Prometheus endpoint of the runtime installed here, if it has one (see {@link installRuntimeLogging}). */
let installedMetrics: string | undefined;

/** What else the runtime installed by {@link installRuntimeLogging} has. */
export interface RuntimeTelemetry {
  /**
   * `HOST:PORT` of a Prometheus endpoint (`/metrics`) with the SDK's metrics (prefixed `temporal_`) and
   * the engine's (`bureaucrat_…`, see docs/production.md). The runtime is per process: one endpoint.
   */
  readonly metrics?: string;
  /**
   * `text` (the SDK's lines) or `json` (one object a line, naming the process, activity and participant:
   * see `log-format.ts`); unset: `$BUREAUCRAT_LOG_FORMAT`, else `text`.
   */
  readonly logFormat?: string;
}

/** Checks a `HOST:PORT` metrics address; returns it trimmed. */
export function metricsAddress(value: string): string {
  const address = value.trim();
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(address);
  const portNumber = match ? Number(match[2]) : 0;
  if (!match || portNumber < 1 || portNumber > 65535) {
    throw new TypeError(`metrics address ${JSON.stringify(value)}: expected HOST:PORT, e.g. 0.0.0.0:9464`);
  }
  return address;
}

/**
 * Installs the process's Temporal runtime with a logger at {@link logLevel}`(level)`, once; worker and
 * core logs follow it. Must run before the first Worker or NativeConnection of the process; when the
 * application already created a runtime (or installed its own), that one is kept. With
 * `telemetry.metrics`, the runtime also serves Prometheus metrics there; asking for metrics once a runtime
 * without them (or with another endpoint) exists throws, as does an address that cannot be bound.
 */
export function installRuntimeLogging(
  level?: LogLevel,
  fallback?: LogLevel,
  telemetry: RuntimeTelemetry = {},
): void {
  const metrics = telemetry.metrics === undefined ? undefined : metricsAddress(telemetry.metrics);
  if (installed) {
    if (metrics !== undefined && metrics !== installedMetrics) throw metricsTooLate(metrics);
    return;
  }
  installed = true;
  const chosen = logLevel(level, fallback);
  const json = logFormat(telemetry.logFormat) === 'json';
  try {
    Runtime.install({
      logger: json ? new QuietLogger(chosen, writeJsonLog) : new QuietLogger(chosen),
      telemetryOptions: {
        logging: { filter: makeTelemetryFilterString({ core: chosen, other: chosen }), forward: {} },
        ...(metrics !== undefined && {
          metrics: { prometheus: { bindAddress: metrics, histogramBucketOverrides: { ...METRIC_BUCKETS } } },
        }),
      },
    });
    installedMetrics = metrics;
  } catch (err) {
    // A runtime exists already (the application's own): keep it, unless metrics were asked for.
    if (metrics === undefined) return;
    if (err instanceof IllegalStateError) throw metricsTooLate(metrics);
    throw new Error(`metrics endpoint ${metrics}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

function metricsTooLate(metrics: string): Error {
  return new IllegalStateError(
    `metrics on ${metrics}: this process's Temporal runtime was created before, without this endpoint; ` +
      'create the worker with `metrics` before any other Temporal connection of the process, or install ' +
      'the runtime yourself with telemetryOptions.metrics (there is one runtime per process)',
  );
}
