import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';
import type { LogMetadata } from '@temporalio/common';

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
 * Installs the Temporal Runtime with a logger that keeps worker and Rust-core logs to `level` (warnings by
 * default), so command output and test output stay readable. Must run before the first Worker or
 * NativeConnection in the process; later calls are no-ops.
 */
export function installQuietRuntime(level: LogLevel = 'WARN'): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({
      logger: new QuietLogger(level),
      // Rust-core logs (e.g. an expected replay failure) follow the same level.
      telemetryOptions: {
        logging: { filter: makeTelemetryFilterString({ core: level, other: level }), forward: {} },
      },
    });
  } catch {
    // A Runtime was already installed in this process (e.g. by the host application): keep it.
  }
}
