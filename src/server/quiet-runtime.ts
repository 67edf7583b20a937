import type { LogLevel } from '@temporalio/worker';
import { installRuntimeLogging } from '../worker/logging';

/**
 * Installs the Temporal runtime with the SDK's logs at `$BUREAUCRAT_LOG_LEVEL`, else `level` (warnings by
 * default), so command output and test output stay readable. Must run before the first Worker or
 * NativeConnection in the process; later calls are no-ops.
 */
export function installQuietRuntime(level: LogLevel = 'WARN'): void {
  installRuntimeLogging(undefined, level);
}
