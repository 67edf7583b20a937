// One worker start for bench/worker-startup.ts: argv address namespace mode (prebuilt | bundling).
// Prints "startup-ms N": from calling createWorker (its connection included) to the worker polling; and
// "process-ms N": from the Node process's start (module loading included) to the same moment. It loads
// the package's root alone (not ./stats, not the internal entry), as a user's worker does.
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorker, workflowsPath } from '../../src';

async function main(): Promise<void> {
  const [address, namespace, mode] = process.argv.slice(2);
  const t0 = performance.now();
  const worker = await createWorker({
    participants: { noop: () => ({}) },
    address,
    namespace,
    taskQueue: `startup-${process.pid}`,
    logLevel: 'ERROR',
    ...(mode === 'bundling' ? { workflowsPath: workflowsPath() } : {}),
  });
  const running = worker.run();
  while (worker.getState() !== 'RUNNING') await sleep(2);
  const now = performance.now(); // performance.now() counts from the process's start
  process.stdout.write(`startup-ms ${(now - t0).toFixed(1)}\nprocess-ms ${now.toFixed(1)}\n`);
  worker.shutdown();
  await running;
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
