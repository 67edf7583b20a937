// A worker in its own process, so that the benchmark can read that process's CPU time and memory alone.
// argv: address namespace taskQueue [--test-bundle]. With --test-bundle it runs the test bundle (the
// interpreter beside the hand-written yardsticks of test/workflows/handwritten.ts); otherwise the product's
// createWorker with the prebuilt bundle. Prints "ready" once polling. Over IPC it answers "usage" with its
// CPU time (user + system, all threads) before and after two full GCs, and its heap after them (run it with
// --expose-gc): the collections are the measurement's, so a batch's CPU is counted from after those of the
// reading before it to before those of the reading after it.
'use strict';

const { Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');
const { eventActivities } = require('../../lib/activities/events');
const { installQuietRuntime } = require('../../lib/src/server/quiet-runtime');
const { createWorker } = require('../../lib/src/worker/create-worker');
const { participantActivities } = require('../../lib/src/worker/participants');
const { hookSinks } = require('../../lib/src/worker/hooks');
const { testWorkflowBundle } = require('./harness');

async function testBundleWorker(address, namespace, taskQueue) {
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

async function main() {
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
    const ms = (cpu) => (cpu.user + cpu.system) / 1000;
    const cpuMs = ms(process.cpuUsage());
    global.gc?.();
    global.gc?.();
    const afterGcMs = ms(process.cpuUsage());
    process.send({ cpuMs, afterGcMs, heapUsed: process.memoryUsage().heapUsed });
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
  process.exit(0); // the connection createWorker opened would keep the process alive
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
