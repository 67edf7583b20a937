/**
 * `bureaucrat dev` and `bureaucrat worker`: run a worker with participants, against an embedded dev
 * server or an existing Temporal, until Ctrl-C.
 */
import type { Worker } from '@temporalio/worker';
import { DEFAULT_TASK_QUEUE, resolveConnectConfig } from '../client/connection';
import { startDevServer } from '../server/dev-server';
import { createWorker } from '../worker/create-worker';
import type { Participants } from '../worker/participants';
import { participants as exampleParticipants } from '../../examples/participants';
import { loadParticipants } from './load-participants';
import type { ConnectionFlags } from './options';
import { warnAboutMissingSearchAttributes } from './setup';

const err = (line: string) => process.stderr.write(`${line}\n`);

/** The participants of `--participants MODULE`, else the example participants. */
export function participantsFrom(module: string | undefined): Participants {
  if (module) return loadParticipants(module);
  return exampleParticipants;
}

/** `bureaucrat worker --participants MODULE` against the configured server. */
export async function workerCommand(flags: ConnectionFlags & { participants?: string }): Promise<number> {
  const participants = participantsFrom(flags.participants);
  const { connectionOptions, namespace } = resolveConnectConfig({ ...flags });
  const taskQueue = flags.taskQueue ?? DEFAULT_TASK_QUEUE;
  await warnAboutMissingSearchAttributes(flags);
  const worker = await createWorker({ ...flags, participants, taskQueue });
  err(
    `worker on ${connectionOptions.address} namespace ${flags.namespace ?? namespace} task queue ${taskQueue}; ` +
      `participants: ${Object.keys(participants).join(', ')}`,
  );
  await run(worker);
  return 0;
}

/** `bureaucrat dev`: a local dev server (Web UI on) and a worker, until Ctrl-C. */
export async function devCommand(
  flags: ConnectionFlags & { port?: number; db?: string; participants?: string; uiPort?: number },
): Promise<number> {
  const participants = participantsFrom(flags.participants);
  const server = await startDevServer({
    port: flags.port,
    dbFilename: flags.db,
    uiPort: flags.uiPort ?? 8233,
    namespace: flags.namespace,
    log: err,
  });
  const taskQueue = flags.taskQueue ?? DEFAULT_TASK_QUEUE;
  try {
    const worker = await createWorker({
      participants,
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue,
    });
    process.stdout.write(
      [
        `Temporal dev server: ${server.address} (namespace ${server.namespace}${flags.db ? `, data in ${flags.db}` : ', in memory'})`,
        `Web UI: ${server.uiUrl ?? '(off)'}`,
        `Worker on task queue ${taskQueue}; participants: ${Object.keys(participants).join(', ')}`,
        `Try: bureaucrat launch examples/processes/example1.xml --address ${server.address} --wait`,
        'Ctrl-C stops.',
        '',
      ].join('\n'),
    );
    await run(worker);
  } finally {
    await server.stop();
  }
  return 0;
}

/** Runs until SIGINT/SIGTERM (the Temporal runtime shuts the worker down gracefully on them). */
async function run(worker: Worker): Promise<void> {
  await worker.run();
  err('worker stopped');
}
