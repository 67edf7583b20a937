import type { LogLevel } from '@temporalio/worker';
import { installRuntimeLogging, type RuntimeTelemetry } from '../worker/logging';

/**
 * Installs the Temporal runtime with the SDK's logs at `$BUREAUCRAT_LOG_LEVEL`, else `level` (warnings by
 * default), so command output and test output stay readable. Must run before the first Worker or
 * NativeConnection in the process; later calls are no-ops. `telemetry.metrics`: a Prometheus endpoint.
 */
export function installQuietRuntime(level: LogLevel = 'WARN', telemetry?: RuntimeTelemetry): void {
  installRuntimeLogging(undefined, level, telemetry);
}
