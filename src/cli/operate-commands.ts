/**
 * `bureaucrat pause | resume | set | retry | reset`: operating a process after launch, each one a call
 * of a {@link ProcessHandle} method; what was done is printed on stderr (the new context of `set` on
 * stdout, for scripts).
 */
import { Launcher } from '../client/launcher';
import type { ProcessHandle } from '../client/process-handle';
import type { ResetResult } from '../client/reset';
import { checkFields, InvalidFieldsError } from '../operations';
import { EXIT, UsageError } from './errors';
import { connectionOptions, type ConnectionFlags } from './options';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

async function handle(id: string, flags: ConnectionFlags): Promise<ProcessHandle> {
  return (await Launcher.connect(connectionOptions(flags))).get(id);
}

/** `bureaucrat pause ID [--reason TEXT] [--by NAME]` */
export async function pauseCommand(
  id: string,
  flags: ConnectionFlags & { reason?: string; by?: string },
): Promise<number> {
  const by = flags.by ?? process.env.USER ?? 'operator';
  const paused = await (await handle(id, flags)).pause({ by, reason: flags.reason ?? '' });
  err(
    `process ${id} paused by ${paused.by} since ${paused.since}${paused.reason ? `: ${paused.reason}` : ''}` +
      ' (no new step starts until `bureaucrat resume`)',
  );
  return EXIT.ok;
}

/** `bureaucrat resume ID` */
export async function resumeCommand(id: string, flags: ConnectionFlags): Promise<number> {
  const was = await (await handle(id, flags)).resume();
  err(was ? `process ${id} resumed` : `process ${id} was not paused: nothing to resume`);
  return EXIT.ok;
}

/** `bureaucrat set ID --fields JSON`: prints the new process context. */
export async function setCommand(
  id: string,
  flags: ConnectionFlags & { fields?: Record<string, unknown> },
): Promise<number> {
  if (!flags.fields) throw new UsageError('bureaucrat set: give the fields to set: --fields JSON');
  try {
    checkFields(flags.fields); // before connecting: bad input is a usage error even with no server
  } catch (e) {
    if (e instanceof InvalidFieldsError) throw new UsageError(`--fields: ${e.message}`, { cause: e });
    throw e;
  }
  const context = await (await handle(id, flags)).setFields(flags.fields);
  err(`process ${id}: set ${Object.keys(flags.fields).join(', ')}`);
  out(JSON.stringify(context, null, 2));
  return EXIT.ok;
}

/** `bureaucrat retry ID` */
export async function retryCommand(id: string, flags: ConnectionFlags): Promise<number> {
  report('retried', await (await handle(id, flags)).retry());
  return EXIT.ok;
}

/** `bureaucrat reset ID --to ACTIVITY_ID` */
export async function resetCommand(id: string, flags: ConnectionFlags & { to?: string }): Promise<number> {
  if (!flags.to)
    throw new UsageError('bureaucrat reset: give the activity to run again from: --to ACTIVITY_ID');
  report('reset', await (await handle(id, flags)).reset(flags.to));
  return EXIT.ok;
}

function report(what: string, result: ResetResult): void {
  err(
    `process ${result.processId} ${what}: runs again from ${result.activityId}` +
      ` (run ${result.runId}; the previous run ${result.fromRunId} ends at event ${result.eventId})`,
  );
}
