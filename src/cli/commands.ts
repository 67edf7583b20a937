/**
 * The client sub-commands of `bureaucrat`: launch, event, status, list, cancel, history, replay. Each one
 * is a small function over the library API; `main.ts` wires them to the command line.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { connectClient } from '../client/connection';
import { decodeHistory } from '../codec/encryption';
import { Events } from '../client/events';
import { Launcher } from '../client/launcher';
import { definitionOf, PROCESS_STATUS_FILTERS, type ProcessStatusFilter } from '../client/process-list';
import type { MigrationRecord } from '../migration';
import { definitionRef, deployedRefOf, notFoundByName } from './definition-commands';
import { ProcessCancelledError, ProcessFaultError } from '../client/process-handle';
import { watchProcess } from '../client/watch';
import { readDefinitionFile } from './definition-file';
import { parseRoutes, ROUTES_ENV, RoutesError, type Routes } from '../routes';
import { readHistories, ReplayError, replayHistories } from '../testing/replay';
import { EXIT, UsageError } from './errors';
import { connectionOptions, type ConnectionFlags } from './options';
import { renderState } from './render-state';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** `bureaucrat launch FILE|NAME[@VERSION] [--fields JSON] [--id ID] [--wait] [--follow] [--action-timeout D]` */
export async function launchCommand(
  file: string,
  flags: ConnectionFlags & {
    fields?: Record<string, unknown>;
    id?: string;
    wait?: boolean;
    follow?: boolean;
    actionTimeout?: number;
    routes?: string;
  },
): Promise<number> {
  // A file is read and checked before connecting: bad input is reported (exit 2) even when the server is
  // down, and nothing is started. A deployed definition (`order`, `order@3`) is read from the server.
  const deployed = await deployedRefOf(file);
  const definition = deployed ? undefined : await readDefinitionFile(file, err);
  if (!deployed && !definition) return EXIT.usage;
  let routes: Routes | undefined;
  try {
    // Read here too (the launcher would) so that a malformed table is a usage error, before connecting.
    routes =
      flags.routes !== undefined
        ? parseRoutes(flags.routes, '--routes')
        : parseRoutes(process.env[ROUTES_ENV] ?? '', ROUTES_ENV);
  } catch (e) {
    if (!(e instanceof RoutesError)) throw e;
    err(e.message);
    return EXIT.usage;
  }
  const launcher = await Launcher.connect(connectionOptions(flags));
  const handle = await launcher
    .launch(deployed ?? (definition as { xml: string }).xml, flags.fields ?? {}, {
      processId: flags.id,
      ...(flags.actionTimeout ? { actionOptions: { startToCloseTimeout: flags.actionTimeout } } : {}),
      ...(routes ? { routes } : {}),
    })
    .catch((e: unknown) => notFoundByName(file, e));
  if (!flags.wait && !flags.follow) {
    out(handle.processId);
    return EXIT.ok;
  }
  err(`process ${handle.processId}`);
  if (flags.follow) {
    await watchProcess(handle, ({ node }) => err(`  ${node.id} ${node.type} ${node.state}`));
  }
  try {
    out(JSON.stringify(await handle.result(), null, 2));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ProcessFaultError) {
      err(`${e.code}: ${e.message}`);
      return EXIT.failed;
    }
    if (e instanceof ProcessCancelledError) {
      err(e.message);
      return EXIT.failed;
    }
    throw e;
  }
}

/** `bureaucrat event NAME [--data JSON] [--process ID | --key KEY] [--ttl DURATION] [--id ID]` */
export async function eventCommand(
  name: string,
  flags: ConnectionFlags & {
    data?: Record<string, unknown>;
    process?: string;
    key?: string;
    ttl?: number;
    id?: string;
  },
): Promise<number> {
  if (flags.process && (flags.key !== undefined || flags.ttl !== undefined || flags.id !== undefined)) {
    err('bureaucrat event: --key, --ttl and --id route broadcasts; they do not go with --process');
    return EXIT.usage;
  }
  const events = await Events.connect(connectionOptions(flags));
  if (flags.process) await events.send(flags.process, name, flags.data);
  else await events.trigger(name, flags.data, { key: flags.key, ttl: flags.ttl, id: flags.id });
  err(flags.process ? `event ${name} sent to ${flags.process}` : `event ${name} triggered`);
  return EXIT.ok;
}

/** `bureaucrat status ID [--json]` */
export async function statusCommand(
  id: string,
  flags: ConnectionFlags & { json?: boolean },
): Promise<number> {
  const launcher = await Launcher.connect(connectionOptions(flags));
  const handle = launcher.get(id);
  const state = await handle.inspect();
  if (flags.json) {
    out(JSON.stringify(state, null, 2));
    return EXIT.ok;
  }
  // A process started by name says which version it runs, and the migrations that brought it there.
  const { memo } = await handle.workflowHandle.describe();
  const definition = definitionOf(memo);
  if (definition) out(`definition ${definition}`);
  for (const m of migrationsOf(memo)) out(`migrated ${m.from ?? 'its definition'} → ${m.to} at ${m.at}`);
  out(renderState(state, process.stdout.isTTY));
  return EXIT.ok;
}

/** The migrations a process's memo records, oldest first. */
function migrationsOf(memo: Record<string, unknown> | undefined): MigrationRecord[] {
  const migrations = memo?.migrations;
  if (!Array.isArray(migrations)) return [];
  return migrations.filter(
    (m): m is MigrationRecord =>
      typeof m === 'object' && m !== null && typeof (m as MigrationRecord).to === 'string',
  );
}

/**
 * `bureaucrat list [--status running|completed|failed] [--name NAME] [--definition NAME[@V]]`: every
 * process, a page at a time: id, status, process name, start time, deployed definition (`order@3`).
 */
export async function listCommand(
  flags: ConnectionFlags & { status?: string; name?: string; definition?: string },
): Promise<number> {
  if (flags.status && !(PROCESS_STATUS_FILTERS as readonly string[]).includes(flags.status)) {
    err(`--status must be one of: ${PROCESS_STATUS_FILTERS.join(', ')}`);
    return EXIT.usage;
  }
  if (flags.definition !== undefined) definitionRef(flags.definition, '--definition');
  const launcher = await Launcher.connect(connectionOptions(flags));
  let pageToken: string | undefined;
  do {
    const page = await launcher.list({
      ...(flags.status ? { status: flags.status as ProcessStatusFilter } : {}),
      ...(flags.name ? { name: flags.name } : {}),
      ...(flags.definition !== undefined ? { definition: flags.definition } : {}),
      ...(pageToken ? { pageToken } : {}),
    });
    for (const p of page.processes)
      out(
        `${p.processId}\t${p.status}\t${p.name ?? ''}\t${p.startTime.toISOString()}\t${p.definition ?? ''}`,
      );
    pageToken = page.nextPageToken;
  } while (pageToken);
  return EXIT.ok;
}

/** `bureaucrat cancel ID` */
export async function cancelCommand(id: string, flags: ConnectionFlags): Promise<number> {
  const launcher = await Launcher.connect(connectionOptions(flags));
  await launcher.get(id).cancel();
  err(`cancellation requested for ${id}`);
  return EXIT.ok;
}

/** `bureaucrat history ID [--out FILE]`: the history as JSON (the format Temporal's tools use). */
export async function historyCommand(id: string, flags: ConnectionFlags & { out?: string }): Promise<number> {
  const client = await connectClient(connectionOptions(flags));
  // With an encryption key, the export holds the payloads decrypted (it replays without the key then).
  const json = historyToJSON(await decodeHistory(await client.workflow.getHandle(id).fetchHistory(), client));
  if (flags.out) {
    await mkdir(path.dirname(flags.out), { recursive: true });
    await writeFile(flags.out, `${json}\n`);
    err(`history of ${id} written to ${flags.out}`);
  } else {
    out(json);
  }
  return EXIT.ok;
}

/** `bureaucrat replay FILE...`: replays histories against the current interpreter. */
export async function replayCommand(
  files: string[],
  flags: { encryptionKeyFile?: string } = {},
): Promise<number> {
  let histories;
  try {
    histories = readHistories(...files);
  } catch (e) {
    throw new UsageError((e as Error).message, { cause: e });
  }
  try {
    const count = await replayHistories(histories, { encryptionKeyFile: flags.encryptionKeyFile });
    err(`${count} histor${count === 1 ? 'y replays' : 'ies replay'} against the current interpreter`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ReplayError) {
      err(e.message);
      return EXIT.failed;
    }
    throw e;
  }
}
