/**
 * The main job on a fresh clone (`npm start`): a local dev server and a worker with the example
 * participants; it launches the definitions in `examples/processes/`, prints each activity as it starts
 * and completes, triggers the event the approval process awaits, prints the final contexts, and stays up
 * with the Web UI until Ctrl-C (`--once` exits).
 */
import path from 'node:path';
import { Events } from '../client/events';
import { Launcher } from '../client/launcher';
import type { ProcessHandle } from '../client/process-handle';
import { watchProcess } from '../client/watch';
import { startDevServer } from '../server/dev-server';
import { packageRoot } from '../server/package-root';
import { createWorker } from '../worker/create-worker';
import { startConsole } from '../console/server';
import { chooseUiPort, participantsFrom } from './serve';

/** Options of `bureaucrat demo`. */
export interface DemoOptions {
  /** Exit after the demo instead of staying up until Ctrl-C. */
  readonly once: boolean;
  readonly uiPort?: number;
}

/** Runs the demo; `out` receives every line it prints. */
export async function runDemo(
  options: DemoOptions,
  out: (line: string) => void = console.log,
): Promise<void> {
  const server = await startDevServer({
    uiPort:
      options.once && options.uiPort === undefined ? undefined : await chooseUiPort(options.uiPort, out),
    log: out,
  });
  out(`Temporal dev server: ${server.address} (started in ${Math.round(server.startupMs)} ms)`);
  if (server.uiUrl) out(`Web UI: ${server.uiUrl}`);
  const taskQueue = 'bureaucrat-demo';
  const web = await startConsole({
    client: server.env.client,
    namespace: server.namespace,
    webUiUrl: server.uiUrl,
    taskQueue,
  });
  out(`API: ${web.url.replace(/\/$/, '')} (reference: ${web.url}docs)`);
  out(`Console: ${web.url}`);
  try {
    const worker = await createWorker({
      participants: participantsFrom(undefined),
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue,
    });
    await worker.runUntil(async () => {
      const launcher = new Launcher(server.env.client, taskQueue);
      const events = new Events(server.env.client, taskQueue);
      const processes = path.join(packageRoot(), 'examples', 'processes');
      const example = await launcher.launch(
        path.join(processes, 'example1.xml'),
        {},
        { processId: 'demo-example1' },
      );
      const approval = await launcher.launch(
        path.join(processes, 'approval.xml'),
        { request: 7 },
        { processId: 'demo-approval' },
      );
      await Promise.all([
        follow(example, out),
        follow(approval, out, async (id, state) => {
          if (id.endsWith('_1') && state === 'active') {
            out('[demo] triggering event approval {"request": 7, "approved": true}');
            await events.trigger('approval', { request: 7, approved: true });
          }
        }),
      ]);
      if (!options.once) {
        out(`Running until Ctrl-C. Console: ${web.url} Web UI: ${server.uiUrl ?? '(off)'}`);
        await waitForSignal();
      }
    });
  } finally {
    await web.close();
    await server.stop();
  }
}

/** Prints the process's activity changes and then its final context. */
async function follow(
  handle: ProcessHandle,
  out: (line: string) => void,
  onChange?: (id: string, state: string) => Promise<void>,
): Promise<void> {
  const pending: Promise<void>[] = [];
  await watchProcess(handle, ({ node }) => {
    const what = node.participant ?? node.event ?? (node.seconds !== undefined ? `${node.seconds}s` : '');
    const iteration = node.iteration !== undefined ? ` (iteration ${node.iteration})` : '';
    out(
      `[${handle.processId}] ${node.id.slice(handle.processId.length) || '/'} ${node.type} ${what} → ${node.state}${iteration}`,
    );
    if (onChange) pending.push(onChange(node.id, node.state));
  });
  await Promise.all(pending);
  out(`[${handle.processId}] final context: ${JSON.stringify(await handle.result())}`);
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
