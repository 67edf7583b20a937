// Where a worker's CPU goes for one shape: runs N processes of the shape through the interpreter or the
// hand-written workflow on one in-process worker with --cpu-prof (see the README's Performance section).
// Run (after npm run build): node --cpu-prof --cpu-prof-dir=prof lib/bench/profile-worker.js [interpreter|hand] [shape key] [N]
import { Worker } from '@temporalio/worker';
import { hookSinks, participantActivities } from '../src';
import {
  startServer,
  processStart,
  handStart,
  testWorkflowBundle,
  PROCESS_WORKFLOW_TYPE,
} from './lib/harness';
import { runMain } from './lib/stats';
import { shapes } from './lib/shapes';

async function main(): Promise<void> {
  const [variant = 'interpreter', key = 'while20', n = '30'] = process.argv.slice(2);
  const shape = shapes.find((s) => s.key === key);
  if (!shape) throw new Error(`no shape ${key}; one of ${shapes.map((s) => s.key).join(', ')}`);
  const server = await startServer();
  try {
    const bundle = await testWorkflowBundle();
    const worker = await Worker.create({
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue: 'profile',
      workflowBundle: bundle,
      sinks: hookSinks(),
      activities: participantActivities({ noop: () => ({}) }),
    });
    await worker.runUntil(async () => {
      for (let round = 0; round < 3; round++) {
        const cpu = process.cpuUsage();
        const t0 = performance.now();
        const handles = await Promise.all(
          Array.from({ length: Number(n) }, (_, i) => {
            const id = `${variant}-${key}-${round}-${i}`;
            return variant === 'interpreter'
              ? server.env.client.workflow.start(
                  PROCESS_WORKFLOW_TYPE,
                  processStart('profile', id, shape.xml),
                )
              : server.env.client.workflow.start(shape.hand.type, handStart('profile', id, shape));
          }),
        );
        await Promise.all(handles.map((h) => h.result()));
        const used = process.cpuUsage(cpu);
        console.log(
          `${variant} ${key} ×${n}: ${(performance.now() - t0).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms worker CPU`,
        );
      }
    });
  } finally {
    await server.stop();
  }
}

runMain(main);
