/**
 * The Temporal SDK's own logs (worker lifecycle, Rust core, webpack when bundling): one documented level
 * for workers created here, `$BUREAUCRAT_LOG_LEVEL` or `WARN`, so a user's console carries their own
 * output and real problems, not the SDK's start-up chatter.
 */
import type { LogMetadata } from '@temporalio/common';
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';

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

/**
 * Installs the process's Temporal runtime with a logger at {@link logLevel}`(level)`, once; worker and
 * core logs follow it. Must run before the first Worker or NativeConnection of the process; when the
 * application already created a runtime (or installed its own), that one is kept.
 */
export function installRuntimeLogging(level?: LogLevel, fallback?: LogLevel): void {
  if (installed) return;
  installed = true;
  const chosen = logLevel(level, fallback);
  try {
    Runtime.install({
      logger: new QuietLogger(chosen),
      telemetryOptions: {
        logging: { filter: makeTelemetryFilterString({ core: chosen, other: chosen }), forward: {} },
      },
    });
  } catch {
    // A runtime exists already (the application's own): keep it.
  }
}
