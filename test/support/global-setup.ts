import { sharedWorkflowModules, withBuiltinsBound } from '../../src/worker/workflow-bundle';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../src/server/dev-server';
import { resolveTimeSkippingServer } from '../../src/server/time-skipping-server';
import { TEST_ENV } from './env-keys';

declare global {
  var __bureaucratDevServer: DevServer | undefined;
  var __bureaucratTmpDir: string | undefined;
}

const log = (message: string) => process.stderr.write(`[test harness] ${message}\n`);

/**
 * Starts one Temporal dev server for the whole test run (on a free port), bundles the workflow code once,
 * and prepares the time-skipping server; test files reach them through the variables in {@link TEST_ENV}.
 */
export default async function globalSetup(): Promise<void> {
  const started = performance.now();
  const [server, bundle, timeSkipping] = await Promise.all([
    startDevServer({ log }),
    bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      // The same shared modules as the product's prebuilt bundle, so that the tests run that configuration.
      preloadModules: sharedWorkflowModules(path.join(__dirname, '..', '..')),
      logger: quietBundlerLogger,
    }),
    resolveTimeSkippingServer(),
  ]);
  globalThis.__bureaucratDevServer = server;
  log(
    `dev server ready at ${server.address} (CLI from ${server.cli.source}); server start-up ` +
      `${Math.round(server.startupMs)} ms, harness set-up ${Math.round(performance.now() - started)} ms`,
  );

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-test-'));
  globalThis.__bureaucratTmpDir = tmp;
  const bundlePath = path.join(tmp, 'workflow-bundle.js');
  // Built-ins bound as in the product's bundles (`buildWorkflowBundle`), so that the tests run that code.
  writeFileSync(bundlePath, withBuiltinsBound(bundle.code));

  process.env[TEST_ENV.address] = server.address;
  process.env[TEST_ENV.namespace] = server.namespace;
  process.env[TEST_ENV.workflowBundle] = bundlePath;
  if ('reason' in timeSkipping) {
    process.env[TEST_ENV.timeSkippingUnavailable] = timeSkipping.reason;
    log(
      `time-skipping server unavailable: ${timeSkipping.reason}; long delays are tested with short real ones`,
    );
  } else if (timeSkipping.executable.type === 'existing-path') {
    process.env[TEST_ENV.timeSkippingServer] = timeSkipping.executable.path;
  }
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => log(`bundler: ${message}`),
  error: (message: string) => log(`bundler: ${message}`),
};
