#!/usr/bin/env node
import { Command } from 'commander';
import { duration, jsonObject, port, withConnectionFlags, type ConnectionFlags } from './options';

/**
 * Runs a sub-command's module on demand (so `validate` does not load the Temporal worker), then exits with
 * its code once output is flushed: open gRPC connections would otherwise keep the process alive.
 */
async function run(load: () => Promise<number>): Promise<void> {
  const { installQuietRuntime } = await import('../server/quiet-runtime');
  installQuietRuntime();
  let code: number;
  try {
    code = await load();
  } catch (err) {
    process.stderr.write(`bureaucrat: ${err instanceof Error ? err.message : String(err)}\n`);
    code = 1;
  }
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(code);
}

/**
 * Builds the `bureaucrat` command line. Connection flags (`--address`, `--namespace`, `--task-queue`,
 * `--profile`) override `TEMPORAL_ADDRESS`/`TEMPORAL_NAMESPACE` and envconfig profiles.
 */
export function buildCli(): Command {
  const program = new Command('bureaucrat').description(
    "Run Bureaucrat's XML business processes as durable Temporal workflows",
  );

  withConnectionFlags(
    program
      .command('dev')
      .description('start a local Temporal dev server (Web UI on) and a worker; stays up until Ctrl-C')
      .option('--port <port>', 'gRPC port of the dev server (default: a free one)', port)
      .option('--db <file>', 'keep the server state in this SQLite file (default: in memory)')
      .option('--participants <module>', 'JS/TS module exporting the participants (default: the examples)')
      .option('--ui-port <port>', 'Web UI port (default 8233)', port),
  ).action(
    (flags: ConnectionFlags & { port?: number; db?: string; participants?: string; uiPort?: number }) =>
      run(async () => (await import('./serve')).devCommand(flags)),
  );

  withConnectionFlags(
    program
      .command('setup')
      .description(
        "prepare a cluster's namespace: register the search attributes (and the namespace with --create-namespace); idempotent",
      )
      .option('--create-namespace', 'register the namespace when it does not exist')
      .option('--retention <duration>', 'retention of a namespace created here (default 7d)', duration),
  ).action((flags: ConnectionFlags & { createNamespace?: boolean; retention?: number }) =>
    run(async () => (await import('./setup')).setupCommand(flags)),
  );

  withConnectionFlags(
    program
      .command('worker')
      .description('run a worker with your participants against an existing Temporal server')
      .option('--participants <module>', 'JS/TS module exporting the participants (default: the examples)'),
  ).action((flags: ConnectionFlags & { participants?: string }) =>
    run(async () => (await import('./serve')).workerCommand(flags)),
  );

  withConnectionFlags(
    program
      .command('launch')
      .description('validate a definition and start it as a process; prints the process id')
      .argument('<file>', 'definition file (.xml)')
      .option('--fields <json>', 'launch fields (override the process context)', jsonObject)
      .option('--id <id>', 'process id (an existing running or completed one is returned, not duplicated)')
      .option('--wait', 'wait for the end: final context on stdout (exit 0), or the fault on stderr (exit 1)')
      .option('--follow', 'like --wait, printing each activity state change on stderr')
      .option(
        '--action-timeout <duration>',
        "start-to-close timeout of the process's actions (e.g. 30s)",
        duration,
      ),
  ).action((file: string, flags: Parameters<typeof import('./commands').launchCommand>[1]) =>
    run(async () => (await import('./commands')).launchCommand(file, flags)),
  );

  withConnectionFlags(
    program
      .command('event')
      .description(
        'trigger a global event (every await waiting for it receives it), or send it to one process',
      )
      .argument('[name]', 'event name')
      .option('-e, --event <name>', 'event name (as in the original fakeevent.py)')
      .option('-d, --data <json>', 'event data', jsonObject)
      .option('--process <id>', 'send to this process only'),
  ).action(
    (
      name: string | undefined,
      flags: ConnectionFlags & { event?: string; data?: Record<string, unknown>; process?: string },
    ) =>
      run(async () => {
        const event = name ?? flags.event;
        if (!event) {
          process.stderr.write('bureaucrat event: give the event name (NAME or -e NAME)\n');
          return 2;
        }
        return (await import('./commands')).eventCommand(event, flags);
      }),
  );

  withConnectionFlags(
    program
      .command('status')
      .description("print a process's state tree")
      .argument('<id>', 'process id')
      .option('--json', 'print the raw snapshot as JSON'),
  ).action((id: string, flags: ConnectionFlags & { json?: boolean }) =>
    run(async () => (await import('./commands')).statusCommand(id, flags)),
  );

  withConnectionFlags(
    program
      .command('list')
      .description('list processes: id, status, process name, start time')
      .option('--status <status>', 'running | completed | failed'),
  ).action((flags: ConnectionFlags & { status?: string }) =>
    run(async () => (await import('./commands')).listCommand(flags)),
  );

  withConnectionFlags(
    program.command('cancel').description('cancel a process').argument('<id>', 'process id'),
  ).action((id: string, flags: ConnectionFlags) =>
    run(async () => (await import('./commands')).cancelCommand(id, flags)),
  );

  withConnectionFlags(
    program
      .command('history')
      .description("export a process's workflow history as JSON")
      .argument('<id>', 'process id')
      .option('--out <file>', 'write to this file instead of stdout'),
  ).action((id: string, flags: ConnectionFlags & { out?: string }) =>
    run(async () => (await import('./commands')).historyCommand(id, flags)),
  );

  program
    .command('replay')
    .description('replay exported histories against the current interpreter; exit 1 naming each mismatch')
    .argument('<files...>', 'history files (.json) or directories of them')
    .action((files: string[]) => run(async () => (await import('./commands')).replayCommand(files)));

  program
    .command('validate')
    .description('check process definitions; prints file:line:col: problem for each problem found')
    .argument('<files...>', 'definition files (.xml)')
    .action(async (files: string[]) => {
      const { validateFiles } = await import('./validate');
      process.exitCode = await validateFiles(files, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });

  program
    .command('demo')
    .description('the demo: dev server, worker, example processes with live progress; stays up until Ctrl-C')
    .option('--once', 'exit after the demo instead of staying up', false)
    .option('--ui-port <port>', 'serve the Temporal Web UI on this port (default 8233)', port)
    .action((opts: { once: boolean; uiPort?: number }) =>
      run(async () => {
        await (await import('./demo')).runDemo(opts);
        return 0;
      }),
    );
  return program;
}

if (require.main === module) {
  buildCli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`bureaucrat: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
