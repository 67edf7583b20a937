#!/usr/bin/env node
/**
 * The `bureaucrat` command line: the declaration of every command, its flags and its help, and the
 * dispatch to the module that does the work (loaded on demand). Over 400 lines on purpose: it is the one
 * list of the CLI's surface (36 commands), read top to bottom like `bureaucrat --help`; each command's
 * work lives in its own module (`commands.ts`, `serve.ts`, `operate-commands.ts`, …).
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { EXIT, formatError, describeError } from './errors';
import type { ApiFlags, DevFlags } from './serve';
import type { RuntimeTelemetry } from '../worker/logging';
import {
  duration,
  gracePeriod,
  jsonObject,
  otlpOption,
  port,
  withConnectionFlags,
  type ConnectionFlags,
} from './options';

/**
 * Runs a sub-command's module on demand (so `validate` does not load the Temporal worker), then exits with
 * its code once output is flushed: open gRPC connections would otherwise keep the process alive.
 */
async function run(load: () => Promise<number>, telemetry?: RuntimeTelemetry): Promise<void> {
  const { installQuietRuntime } = await import('../server/quiet-runtime');
  let code: number;
  try {
    // Throws for a `--metrics` address that cannot be bound: reported like any other failure.
    installQuietRuntime(undefined, telemetry);
    code = await load();
  } catch (err) {
    const description = describeError(err);
    process.stderr.write(formatError(err, description));
    code = description.exitCode;
  }
  // Spans still held by the exporter (only when tracing is on: no pipeline otherwise).
  await (await import('../tracing')).flushTracing().catch(() => undefined);
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(code);
}

/** A whole number from 1 (`migrate --concurrency`). */
function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`not a whole number from 1: ${value}`);
  return n;
}

/** `--metrics` of `worker` and `dev`. */
const metricsOption = [
  '--metrics <host:port>',
  "serve Prometheus metrics (the SDK's and the engine's) on http://HOST:PORT/metrics",
  metricsAddressFlag,
] as const;

/** Parses `--metrics HOST:PORT`. */
function metricsAddressFlag(value: string): string {
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(value.trim()))
    throw new InvalidArgumentError(`expected HOST:PORT, e.g. 0.0.0.0:9464: ${value}`);
  return value.trim();
}

/** `--log-format` of the commands that run a worker or a server. */
const logFormatOption = [
  '--log-format <format>',
  'text (default, or $BUREAUCRAT_LOG_FORMAT) or json: one JSON object a line, with processId, activityId and participant',
] as const;

/** What `--metrics` and `--log-format` ask of the process's Temporal runtime. */
function telemetryOf(flags: { metrics?: string; logFormat?: string }): RuntimeTelemetry {
  return {
    ...(flags.metrics !== undefined && { metrics: flags.metrics }),
    ...(flags.logFormat !== undefined && { logFormat: flags.logFormat }),
  };
}

/** `--shutdown-grace` of `worker` and `dev`. */
const shutdownGraceOption = [
  '--shutdown-grace <duration>',
  'on Ctrl-C/SIGTERM, how long running participants may finish before they are cancelled (default 10s); ' +
    'the worker exits at most 5s later',
  gracePeriod,
] as const;

/**
 * Builds the `bureaucrat` command line. Connection flags (`--address`, `--namespace`, `--task-queue`,
 * `--profile`) override `TEMPORAL_ADDRESS`/`TEMPORAL_NAMESPACE` and envconfig profiles.
 */
export function buildCli(): Command {
  const program = new Command('bureaucrat').description(
    "Run Bureaucrat's XML business processes as durable Temporal workflows",
  );
  // Commander's own usage errors (unknown option, missing argument, a rejected option value) exit 2 like
  // every other usage error, so that scripts can tell them from a process fault (1). Sub-commands inherit
  // this when they are created, so it comes first.
  program.exitOverride((err) => {
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw err;
  });

  withConnectionFlags(
    program
      .command('dev')
      .description('start a local Temporal dev server (Web UI on) and a worker; stays up until Ctrl-C')
      .option('--port <port>', 'gRPC port of the dev server (default: a free one)', port)
      .option('--db <file>', 'keep the server state in this SQLite file (default: in memory)')
      .option('--participants <module>', 'JS/TS module exporting the participants (default: the examples)')
      .option('--ui-port <port>', 'Web UI port (default 8233, or a free one when 8233 is taken)', port)
      .option(
        '--api-port <port>',
        'HTTP API and web console port (default 8080, or a free one when taken)',
        port,
      )
      .option('--console-port <port>', 'the same as --api-port (its earlier name)', port)
      .option(...shutdownGraceOption)
      .option(...metricsOption)
      .option(...otlpOption)
      .option(...logFormatOption),
  ).action((flags: DevFlags & { metrics?: string; logFormat?: string }) =>
    run(async () => (await import('./serve')).devCommand(flags), telemetryOf(flags)),
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
      .command('api')
      .description('serve the HTTP API (OpenAPI at /v1/openapi.json, reference at /docs) and the web console')
      .option('--host <host>', 'address to listen on; beyond loopback it needs --tokens', '127.0.0.1')
      .option('--port <port>', `port (default ${8080})`, port)
      .option('--tokens <file>', 'bearer tokens and their scopes, one per line (TOKEN read,launch) or JSON')
      .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (with --tls-key)')
      .option('--tls-key <file>', 'PEM private key of --tls-cert')
      .option('--allow-host <name...>', 'more names the Host header may give (the DNS name clients use)')
      .option('--web-ui <url>', 'the Temporal Web UI address, for links to each process')
      .option(...otlpOption)
      .option(...logFormatOption),
  ).action((flags: ApiFlags & { logFormat?: string }) =>
    run(async () => (await import('./serve')).apiCommand(flags), telemetryOf(flags)),
  );

  withConnectionFlags(
    program
      .command('console')
      .description('serve the web console (processes, live diagrams, events, cancel) against a server')
      .option('--port <port>', 'console port (default: a free one)', port)
      .option('--web-ui <url>', 'the Temporal Web UI address, for links to each process'),
  ).action((flags: ConnectionFlags & { port?: number; webUi?: string }) =>
    run(async () => (await import('./serve')).consoleCommand(flags)),
  );

  withConnectionFlags(
    program
      .command('worker')
      .description('run a worker with your participants against an existing Temporal server')
      .option('--participants <module>', 'JS/TS module exporting the participants (default: the examples)')
      .option(...shutdownGraceOption)
      .option(...metricsOption)
      .option(...otlpOption)
      .option(...logFormatOption)
      .option('--no-summaries', "leave out actions' and delays' Web UI summaries (less history)"),
  ).action(
    (
      flags: ConnectionFlags & {
        participants?: string;
        shutdownGrace?: number;
        metrics?: string;
        logFormat?: string;
        summaries: boolean;
      },
    ) => run(async () => (await import('./serve')).workerCommand(flags), telemetryOf(flags)),
  );

  withConnectionFlags(
    program
      .command('launch')
      .description('validate a definition and start it as a process; prints the process id')
      .argument(
        '<file>',
        'definition file (.xml), or a deployed definition: NAME (the latest) or NAME@VERSION',
      )
      .option('--fields <json>', 'launch fields (override the process context)', jsonObject)
      .option('--id <id>', 'process id (an existing running or completed one is returned, not duplicated)')
      .option('--wait', 'wait for the end: final context on stdout (exit 0), or the fault on stderr (exit 1)')
      .option('--follow', 'like --wait, printing each activity state change on stderr')
      .option(
        '--action-timeout <duration>',
        "start-to-close timeout of the process's actions (e.g. 30s)",
        duration,
      )
      .option(
        '--routes <table>',
        'participant name or glob → task queue, e.g. "billing.*=billing-py" (default: $BUREAUCRAT_ROUTES)',
      )
      .option(...otlpOption),
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
      .option('--process <id>', 'send to this process only')
      .option('--key <key>', 'correlation key: only awaits whose key equals it receive the event')
      .option('--ttl <duration>', 'keep the event this long for awaits that start later (e.g. 10m)', duration)
      .option('--id <id>', 'event id: publishing the same id again delivers nothing'),
  ).action(
    (
      name: string | undefined,
      flags: ConnectionFlags & {
        event?: string;
        data?: Record<string, unknown>;
        process?: string;
        key?: string;
        ttl?: number;
        id?: string;
      },
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
      .description('list processes: id, status, process name, start time, deployed definition (NAME@VERSION)')
      .option('--status <status>', 'running | completed | failed')
      .option('--name <name>', 'only processes of this <process name="…">')
      .option(
        '--definition <name[@version]>',
        'only processes running this deployed definition (any version, or this one)',
      ),
  ).action((flags: ConnectionFlags & { status?: string; name?: string; definition?: string }) =>
    run(async () => (await import('./commands')).listCommand(flags)),
  );

  withConnectionFlags(
    program.command('cancel').description('cancel a process').argument('<id>', 'process id'),
  ).action((id: string, flags: ConnectionFlags) =>
    run(async () => (await import('./commands')).cancelCommand(id, flags)),
  );

  withConnectionFlags(
    program
      .command('pause')
      .description('pause a process: running actions finish, no new step starts until resume')
      .argument('<id>', 'process id')
      .option('--reason <text>', 'why (shown by status)')
      .option('--by <name>', 'who pauses (default: $USER)'),
  ).action((id: string, flags: ConnectionFlags & { reason?: string; by?: string }) =>
    run(async () => (await import('./operate-commands')).pauseCommand(id, flags)),
  );

  withConnectionFlags(
    program.command('resume').description('resume a paused process').argument('<id>', 'process id'),
  ).action((id: string, flags: ConnectionFlags) =>
    run(async () => (await import('./operate-commands')).resumeCommand(id, flags)),
  );

  withConnectionFlags(
    program
      .command('set')
      .description("change fields of a running process's context; prints the new context")
      .argument('<id>', 'process id')
      .requiredOption('--fields <json>', 'the fields to set, e.g. \'{"approved": true}\'', jsonObject),
  ).action((id: string, flags: ConnectionFlags & { fields?: Record<string, unknown> }) =>
    run(async () => (await import('./operate-commands')).setCommand(id, flags)),
  );

  withConnectionFlags(
    program
      .command('retry')
      .description('run a failed process again from the step that faulted (completed steps are not rerun)')
      .argument('<id>', 'process id'),
  ).action((id: string, flags: ConnectionFlags) =>
    run(async () => (await import('./operate-commands')).retryCommand(id, flags)),
  );

  withConnectionFlags(
    program
      .command('reset')
      .description('run a process again from an activity, with the state it had when it first started')
      .argument('<id>', 'process id')
      .requiredOption('--to <activity-id>', 'activity id as `status` shows it'),
  ).action((id: string, flags: ConnectionFlags & { to?: string }) =>
    run(async () => (await import('./operate-commands')).resetCommand(id, flags)),
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

  const trigger = program
    .command('trigger')
    .description('processes that start themselves when an event is published');
  withConnectionFlags(
    trigger
      .command('add')
      .description('start DEFINITION for every published EVENT whose --when holds (one per --id value)')
      .argument('<event>', 'event name')
      .argument(
        '<definition>',
        'definition file (.xml), or a deployed definition: NAME (the latest at each start) or NAME@VERSION',
      )
      .option('--name <name>', 'trigger name (default: derived from the settings)')
      .option('--when <expr>', 'predicate over event, e.g. "event[\'total\'] > 100"')
      .option('--id <expr>', 'correlation id over event: the process id (one process per id)')
      .option('--retries <n>', 'retries of a failed start before the event is dead-lettered (default 3)')
      .option('--replace', 'replace a trigger of the same name with other settings'),
  ).action((event: string, file: string, flags: import('./trigger-commands').TriggerAddFlags) =>
    run(async () => (await import('./trigger-commands')).triggerAddCommand(event, file, flags)),
  );
  withConnectionFlags(
    trigger
      .command('list')
      .description('list triggers: name, event, process, predicate, processes started, dead letters'),
  ).action((flags: ConnectionFlags) =>
    run(async () => (await import('./trigger-commands')).triggerListCommand(flags)),
  );
  withConnectionFlags(
    trigger.command('remove').description('remove a trigger').argument('<name>', 'trigger name'),
  ).action((name: string, flags: ConnectionFlags) =>
    run(async () => (await import('./trigger-commands')).triggerRemoveCommand(name, flags)),
  );
  withConnectionFlags(
    trigger
      .command('dead-letters')
      .description('events whose start failed, with the error (one JSON line each)')
      .argument('[name]', 'trigger name (default: all)'),
  ).action((name: string | undefined, flags: ConnectionFlags) =>
    run(async () => (await import('./trigger-commands')).triggerDeadLettersCommand(name, flags)),
  );
  withConnectionFlags(
    trigger
      .command('redrive')
      .description('run a trigger again on its dead letters')
      .argument('<name>', 'trigger name'),
  ).action((name: string, flags: ConnectionFlags) =>
    run(async () => (await import('./trigger-commands')).triggerRedriveCommand(name, flags)),
  );

  const schedule = program
    .command('schedule')
    .description('processes that start on a timetable (Temporal Schedules)');
  withConnectionFlags(
    schedule
      .command('add')
      .description('create a schedule that starts DEFINITION every DURATION or on a cron expression')
      .argument('<name>', 'schedule name (its processes get ids that begin with it)')
      .argument(
        '<file>',
        'definition file (.xml), or a deployed definition: NAME (the latest at each start) or NAME@VERSION',
      )
      .option('--every <duration>', 'start a process every DURATION (e.g. 30s, 1h)', duration)
      .option('--cron <expr>', 'start a process on this cron expression (e.g. "0 2 * * *")')
      .option('--fields <json>', 'launch fields of every process', jsonObject)
      .option('--overlap <policy>', 'when the last process still runs: skip (default) | buffer | allow'),
  ).action(
    (
      name: string,
      file: string,
      flags: Parameters<typeof import('./schedule-commands').scheduleAddCommand>[2],
    ) => run(async () => (await import('./schedule-commands')).scheduleAddCommand(name, file, flags)),
  );
  withConnectionFlags(
    schedule
      .command('list')
      .description('list schedules: name, timing, state, process name, next start, deployed definition'),
  ).action((flags: ConnectionFlags) =>
    run(async () => (await import('./schedule-commands')).scheduleListCommand(flags)),
  );
  for (const [action, description] of [
    ['pause', 'stop a schedule starting processes'],
    ['resume', 'let a paused schedule start processes again'],
    ['trigger', "start the schedule's process now, once"],
    ['remove', 'delete a schedule (its processes keep running)'],
  ] as const) {
    withConnectionFlags(
      schedule.command(action).description(description).argument('<name>', 'schedule name'),
    ).action((name: string, flags: ConnectionFlags) =>
      run(async () => (await import('./schedule-commands')).scheduleActionCommand(action, name, flags)),
    );
  }

  withConnectionFlags(
    program
      .command('deploy')
      .description(
        'store definitions by name (their <process name>) as the next version; prints NAME@VERSION for each',
      )
      .argument('<files...>', 'definition files (.xml)')
      .option('--name <name>', 'deploy under this name instead of the <process name> (one file only)')
      .option('--strict', 'refuse (exit 1) a definition the lint warns about'),
  ).action((files: string[], flags: ConnectionFlags & { name?: string; strict?: boolean }) =>
    run(async () => (await import('./definition-commands')).deployCommand(files, flags)),
  );

  const definitions = program
    .command('definitions')
    .description('definitions deployed by name and version (bureaucrat deploy)');
  withConnectionFlags(
    definitions
      .command('list')
      .description('list deployed definitions: name, latest version, versions, process name, deployed at'),
  ).action((flags: ConnectionFlags) =>
    run(async () => (await import('./definition-commands')).definitionsListCommand(flags)),
  );
  withConnectionFlags(
    definitions
      .command('show')
      .description('a deployed definition: its summary, its XML text (--xml) or its picture (--svg)')
      .argument('<definition>', 'NAME (the latest) or NAME@VERSION')
      .option('--xml', 'print the XML text as deployed')
      .option('--svg [file]', 'draw it as an SVG diagram, to FILE or stdout'),
  ).action((ref: string, flags: ConnectionFlags & { xml?: boolean; svg?: string | boolean }) =>
    run(async () => (await import('./definition-commands')).definitionsShowCommand(ref, flags)),
  );
  withConnectionFlags(
    definitions
      .command('versions')
      .description('the versions of a name, oldest first: version, deployed at, size, digest')
      .argument('<name>', 'deployed name'),
  ).action((name: string, flags: ConnectionFlags) =>
    run(async () => (await import('./definition-commands')).definitionsVersionsCommand(name, flags)),
  );
  withConnectionFlags(
    definitions
      .command('diff')
      .description('a unified diff of two deployed versions (XML text, line by line)')
      .argument('<before>', 'NAME@VERSION')
      .argument('<after>', 'NAME@VERSION (or NAME: the latest)'),
  ).action((before: string, after: string, flags: ConnectionFlags) =>
    run(async () => (await import('./definition-commands')).definitionsDiffCommand(before, after, flags)),
  );

  withConnectionFlags(
    program
      .command('migrate')
      .description(
        'move running processes (by id, or all of a --definition) onto another deployed version; exit 1 when any was refused or failed',
      )
      .argument('[ids...]', 'process ids')
      .option('--definition <name[@version]>', 'every running process of this deployed definition')
      .requiredOption('--to <name[@version]>', 'the deployed definition to move them onto')
      .option(
        '--map <old=new>',
        'an activity id of the running definition and its id in the target (repeatable)',
        (pair: string, pairs: string[] = []) => [...pairs, pair],
      )
      .option('--dry-run', 'only say which processes would move, and why others cannot')
      .option('--concurrency <n>', 'how many processes to move at once', positiveInteger),
  ).action((ids: string[], flags: import('./definition-commands').MigrateFlags) =>
    run(async () => (await import('./definition-commands')).migrateCommand(ids, flags)),
  );

  withConnectionFlags(
    program
      .command('show')
      .description('draw a definition (FILE.xml) or a process (ID, coloured by state) as an SVG diagram')
      .argument('<target>', 'definition file (.xml) or process id')
      .option('--svg <file>', 'write the SVG to this file instead of stdout'),
  ).action((target: string, flags: ConnectionFlags & { svg?: string }) =>
    run(async () => (await import('./show')).showCommand(target, flags)),
  );

  program
    .command('replay')
    .description('replay exported histories against the current interpreter; exit 1 naming each mismatch')
    .argument('<files...>', 'history files (.json) or directories of them')
    .option(
      '--encryption-key-file <file>',
      'keys of encrypted histories (default: $BUREAUCRAT_ENCRYPTION_KEY_FILE)',
    )
    .action((files: string[], flags: { encryptionKeyFile?: string }) =>
      run(async () => (await import('./commands')).replayCommand(files, flags)),
    );

  withConnectionFlags(
    program
      .command('amqp')
      .description(
        "bridge the original engine's AMQP wire: launches and events from RabbitMQ, legacy participants on it",
      )
      .option(
        '--url <url>',
        'RabbitMQ: amqp://user:pass@host:5672/vhost (default: the config, else localhost)',
      )
      .option(
        '--config <file>',
        "the original's config.ini ([amqp] host user passwd vhost, [bureaucrat] queues)",
      )
      .option('--prefetch <n>', 'messages of each queue in hand at once (default 50)', positiveInteger)
      .option('--taskqueue <patterns...>', 'participants (names or globs) served by taskqueue workers')
      .option('--celery <patterns...>', 'participants (names or globs) served as Celery tasks')
      .option('--participant-queue <name>', 'task queue of those participants (default: bureaucrat-amqp)'),
  ).action((flags: import('./amqp').AmqpFlags) =>
    run(async () => (await import('./amqp')).amqpCommand(flags)),
  );

  program
    .command('codec-server')
    .description(
      'serve POST /decode and /encode (Temporal remote codec) so that the Web UI shows encrypted payloads',
    )
    .requiredOption('--port <port>', 'port to listen on', port)
    .option('--host <host>', 'address to listen on; beyond loopback it needs a token', '127.0.0.1')
    .option('--encryption-key-file <file>', 'the keys (default: $BUREAUCRAT_ENCRYPTION_KEY_FILE)')
    .option(
      '--token-file <file>',
      'bearer tokens with the read scope, as `api --tokens` takes them (default: $BUREAUCRAT_CODEC_TOKEN)',
    )
    .option('--ui-origin <url>', 'the Web UI origin allowed to call it (CORS)', 'http://localhost:8233')
    .action((flags: import('./serve').CodecServerFlags) =>
      run(async () => (await import('./serve')).codecServerCommand(flags)),
    );

  program
    .command('validate')
    .description(
      'check process definitions; prints file:line:col: problem for each problem and each lint warning',
    )
    .argument('<files...>', 'definition files (.xml)')
    .option('--strict', 'fail (exit 1) on lint warnings too (infos never fail)')
    .option('--participants <module>', 'warn about actions naming participants this module does not export')
    .option(
      '--events <files...>',
      'warn about awaits of events these files do not list (one name a line, or a JSON array)',
    )
    .action(
      async (files: string[], flags: { strict?: boolean; participants?: string; events?: string[] }) => {
        // Not through run(): validating needs no Temporal runtime, and nothing keeps the process alive.
        const { validateFiles } = await import('./validate');
        try {
          process.exitCode = await validateFiles(
            files,
            {
              out: (line) => process.stdout.write(`${line}\n`),
              err: (line) => process.stderr.write(`${line}\n`),
            },
            flags,
          );
        } catch (err) {
          process.stderr.write(`bureaucrat: ${err instanceof Error ? err.message : String(err)}\n`);
          process.exitCode = 1;
        }
      },
    );

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

/**
 * A closed stdout (`bureaucrat list | head -1`) ends the command quietly with exit 0, as Unix tools do; a
 * closed stderr is ignored so that the exit code still tells what happened.
 */
function endQuietlyOnClosedOutput(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    throw err;
  });
  process.stderr.on('error', () => undefined);
}

if (require.main === module) {
  endQuietlyOnClosedOutput();
  buildCli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      if (err instanceof CommanderError) return; // already printed; the exit code is set
      const description = describeError(err);
      process.stderr.write(formatError(err, description));
      process.exitCode = description.exitCode;
    });
}
