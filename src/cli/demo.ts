import path from 'node:path';
import { Worker } from '@temporalio/worker';
import * as activities from '../../activities';
import { startDevServer } from '../server/dev-server';
import { packageRoot } from '../server/package-root';

/** Options of `bureaucrat demo`. */
export interface DemoOptions {
  /** Exit after the demo instead of staying up until Ctrl-C. */
  readonly once: boolean;
  readonly uiPort?: number;
}

/**
 * The main job on a fresh clone: starts a local dev server and a worker, runs a process and prints its
 * result. (The foundation's placeholder: it runs the proof workflow until the interpreter lands.)
 */
export async function runDemo(
  options: DemoOptions,
  out: (line: string) => void = console.log,
): Promise<void> {
  const server = await startDevServer({ uiPort: options.uiPort, log: (m) => out(m) });
  out(
    `Temporal dev server: ${server.address} (namespace ${server.namespace}), started in ${Math.round(server.startupMs)} ms`,
  );
  if (server.uiUrl) out(`Web UI: ${server.uiUrl}`);
  try {
    const taskQueue = 'bureaucrat-demo';
    const worker = await Worker.create({
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue,
      workflowsPath: path.join(packageRoot(), requiredWorkflowsEntry()),
      activities,
    });
    await worker.runUntil(async () => {
      const result = await server.env.client.workflow.execute('helloProcess', {
        taskQueue,
        workflowId: `demo-${Date.now()}`,
        args: ['Bureaucrat'],
      });
      out(`helloProcess → ${JSON.stringify(result)}`);
      if (!options.once) {
        out('Running until Ctrl-C.');
        await waitForSignal();
      }
    });
  } finally {
    await server.stop();
  }
}

/** The workflow entry point: compiled JS when running from lib/, TypeScript sources otherwise. */
function requiredWorkflowsEntry(): string {
  return __filename.endsWith('.js') && __dirname.includes(`${path.sep}lib${path.sep}`)
    ? path.join('lib', 'workflows', 'index.js')
    : path.join('workflows', 'index.ts');
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
