// A worker in its own process, so that the benchmark can read that process's CPU time and memory alone.
// argv: address namespace taskQueue [--test-bundle]. With --test-bundle it runs the test bundle (the
// interpreter beside the hand-written yardsticks of test/workflows/handwritten.ts); otherwise the product's
// createWorker with the prebuilt bundle. Prints "ready" once polling. Over IPC it answers "usage" with its
// CPU time (user + system, all threads) before and after two full GCs, and its heap after them (run it with
// --expose-gc): the collections are the measurement's, so a batch's CPU is counted from after those of the
// reading before it to before those of the reading after it.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createWorker, hookSinks, participantActivities } from '../../src';
import { eventActivities, installQuietRuntime } from '../../src/internal';
import { testWorkflowBundle } from './harness';
import { runMain } from './stats';

/** What the worker answers to "usage". */
export interface Usage {
  cpuMs: number;
  afterGcMs: number;
  heapUsed: number;
}

async function testBundleWorker(address: string, namespace: string, taskQueue: string): Promise<Worker> {
  const workflowBundle = await testWorkflowBundle();
  const client = new Client({
    connection: await Connection.connect({ address }),
    namespace,
  });
  return Worker.create({
    connection: await NativeConnection.connect({ address }),
    namespace,
    taskQueue,
    workflowBundle,
    sinks: hookSinks(),
    activities: { ...participantActivities({ noop: () => ({}) }), ...eventActivities(client) },
    maxCachedWorkflows: 3000,
  });
}

async function main(): Promise<void> {
  const [address, namespace, taskQueue, flag] = process.argv.slice(2);
  installQuietRuntime('ERROR');
  const worker =
    flag === '--test-bundle'
      ? await testBundleWorker(address, namespace, taskQueue)
      : await createWorker({
          participants: { noop: () => ({}) },
          address,
          namespace,
          taskQueue,
          maxCachedWorkflows: 3000,
        });
  process.on('message', (message) => {
    if (message !== 'usage') return;
    const ms = (cpu: NodeJS.CpuUsage): number => (cpu.user + cpu.system) / 1000;
    const cpuMs = ms(process.cpuUsage());
    global.gc?.();
    global.gc?.();
    const afterGcMs = ms(process.cpuUsage());
    const usage: Usage = { cpuMs, afterGcMs, heapUsed: process.memoryUsage().heapUsed };
    process.send?.(usage);
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
  // runMain exits: the connection createWorker opened would keep the process alive
}

runMain(main);
