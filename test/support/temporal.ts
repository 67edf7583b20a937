import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { installQuietRuntime } from '../../src/server/quiet-runtime';
import { startTimeSkippingEnvironment } from '../../src/server/time-skipping-server';
import { createWorker } from '../../src/worker/create-worker';
import { hookSinks } from '../../src/worker/hooks';
import { TEST_ENV } from './env-keys';

/** Connects to the dev server that jest's global setup started for this run. */
export async function connectToTestServer(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime('ERROR'); // expected activity failures would otherwise log warnings
  const address = process.env[TEST_ENV.address];
  if (!address) throw new Error(`${TEST_ENV.address} is not set: run the tests through jest (npm test)`);
  return TestWorkflowEnvironment.createFromExistingServer({
    address,
    namespace: process.env[TEST_ENV.namespace] ?? 'default',
  });
}

/**
 * Connects to the run's dev server before the test file's tests and disconnects after them; returns a
 * getter for the environment (valid inside tests).
 */
export function useTestServer(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await connectToTestServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  return () => {
    if (!env) throw new Error('the test server connection is not open (use it inside tests)');
    return env;
  };
}

/** A task queue no other test uses, so concurrent test files never steal each other's tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** The workflow bundle the global setup built once for the run (pass as `workflowBundle`). */
export function testWorkflowBundle(): { codePath: string } {
  const codePath = process.env[TEST_ENV.workflowBundle];
  if (!codePath)
    throw new Error(`${TEST_ENV.workflowBundle} is not set: run the tests through jest (npm test)`);
  return { codePath };
}

/** Options for {@link withWorker}: anything a Worker takes, except what the harness provides. */
export type TestWorkerOptions = Omit<WorkerOptions, 'connection' | 'taskQueue' | 'namespace'> & {
  taskQueue?: string;
};

/**
 * Runs a real Worker on a unique task queue (with the workflow bundle built once by the global setup,
 * unless `workflowsPath`/`workflowBundle` is given) for the duration of `fn`, then shuts it down.
 */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  options: TestWorkerOptions,
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = options.taskQueue ?? uniqueTaskQueue();
  const worker = await Worker.create({
    ...(options.workflowsPath || options.workflowBundle ? {} : { workflowBundle: testWorkflowBundle() }),
    sinks: hookSinks(),
    ...options,
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
  });
  return worker.runUntil(() => fn(taskQueue));
}

/**
 * Starts a private time-skipping test server for one test file: long `delay`s then take milliseconds.
 * Throws with the reason when the global setup could not prepare it.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime('ERROR');
  if (!process.env[TEST_ENV.timeSkippingServer]) {
    throw new Error(`time-skipping server unavailable: ${process.env[TEST_ENV.timeSkippingUnavailable]}`);
  }
  return startTimeSkippingEnvironment();
}

/** Polls `read` until `done` holds for its value (every 50 ms, up to `timeoutMs`); returns that value. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A worker made by the package's own `createWorker` (no participants: processes and event routers only) on
 * `taskQueue` of the suite's server, with the suite's workflow bundle.
 */
export function routerWorker(env: TestWorkflowEnvironment, taskQueue: string): Promise<Worker> {
  return createWorker({
    participants: {},
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: testWorkflowBundle(),
  });
}
