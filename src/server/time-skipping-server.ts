import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { TestWorkflowEnvironment, type EphemeralServerExecutable } from '@temporalio/testing';
import { packageRoot } from './package-root';
import { findOnPath } from './temporal-cli';

const run = promisify(execFile);

/** The launcher script that runs the Java time-skipping test server: `launch.sh PORT`. */
export function timeSkippingLauncherPath(): string {
  return path.join(packageRoot(), 'tools', 'time-skipping-server', 'launch.sh');
}

/**
 * Prepares Temporal's Java time-skipping test server (Maven resolves its jars on first use) and returns it
 * as an executable for `TestWorkflowEnvironment.createTimeSkipping({ server: { executable } })`.
 * Returns `undefined`, with the reason, when Java or Maven is missing or the resolution fails: callers
 * then fall back to short real delays.
 */
export async function resolveTimeSkippingServer(env: NodeJS.ProcessEnv = process.env): Promise<
  | {
      /** The test server, ready to pass as `server.executable`. */
      executable: EphemeralServerExecutable;
    }
  | {
      /** None: Java or Maven is missing, or the resolution failed. */
      executable: undefined;
      /** Why, in words. */
      reason: string;
    }
> {
  if (!findOnPath('java', env)) return { executable: undefined, reason: '`java` not found on PATH' };
  if (!findOnPath('mvn', env)) return { executable: undefined, reason: '`mvn` not found on PATH' };
  try {
    await run(timeSkippingLauncherPath(), ['--prepare'], { env, timeout: 10 * 60_000 });
  } catch (err) {
    return { executable: undefined, reason: `preparing the test server failed: ${(err as Error).message}` };
  }
  return { executable: { type: 'existing-path', path: timeSkippingLauncherPath() } };
}

/**
 * Starts a time-skipping test environment on the Java test server (or, without Java and Maven here, the
 * one the SDK downloads). The SDK gives a server 5 s to start; a JVM on a loaded 2-core machine can take
 * longer, so a start that timed out is tried again, up to `attempts` times.
 */
export async function startTimeSkippingEnvironment(attempts = 3): Promise<TestWorkflowEnvironment> {
  const server = await resolveTimeSkippingServer();
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping(
        server.executable ? { server: { executable: server.executable } } : {},
      );
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test(String((err as Error).message))) throw err;
    }
  }
}
