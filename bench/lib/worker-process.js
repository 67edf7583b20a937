// A worker in its own process, so that the benchmark can read that process's memory (RSS) alone.
// argv: address namespace taskQueue. Prints "ready" once polling; stops on SIGTERM.
'use strict';

const { installQuietRuntime } = require('../../lib/src/server/quiet-runtime');
const { createWorker } = require('../../lib/src/worker/create-worker');

async function main() {
  const [address, namespace, taskQueue] = process.argv.slice(2);
  installQuietRuntime('ERROR');
  const worker = await createWorker({
    participants: { noop: () => ({}) },
    address,
    namespace,
    taskQueue,
    maxCachedWorkflows: 3000,
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
