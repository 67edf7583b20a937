/**
 * `bureaucrat schedule add | list | pause | resume | trigger | remove`: thin wrappers over
 * {@link Schedules}.
 */
import { Schedules, type ScheduleOverlap } from '../client/schedules';
import { deployedRefOf, notFoundByName } from './definition-commands';
import { readDefinitionFile } from './definition-file';
import { EXIT } from './errors';
import { connectionOptions, type ConnectionFlags } from './options';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** The overlap policies `--overlap` accepts. */
export const OVERLAPS: readonly ScheduleOverlap[] = ['skip', 'buffer', 'allow'];

/** `bureaucrat schedule add NAME FILE|DEFINITION[@V] (--every D | --cron EXPR) [--fields JSON] [--overlap P]` */
export async function scheduleAddCommand(
  name: string,
  file: string,
  flags: ConnectionFlags & {
    every?: number;
    cron?: string;
    fields?: Record<string, unknown>;
    overlap?: string;
  },
): Promise<number> {
  if ((flags.every === undefined) === (flags.cron === undefined)) {
    err('bureaucrat schedule add: give exactly one of --every DURATION or --cron EXPR');
    return EXIT.usage;
  }
  if (flags.overlap !== undefined && !OVERLAPS.includes(flags.overlap as ScheduleOverlap)) {
    err(`--overlap must be one of: ${OVERLAPS.join(', ')}`);
    return EXIT.usage;
  }
  // A file is checked before connecting, like `launch`: bad input exits 2 and creates nothing. A deployed
  // definition (`report`: the latest at each start, `report@3`: pinned) must be deployed now.
  const deployed = await deployedRefOf(file);
  const definition = deployed ? undefined : await readDefinitionFile(file, err);
  if (!deployed && !definition) return EXIT.usage;
  const schedules = await Schedules.connect(connectionOptions(flags));
  await schedules
    .add(name, deployed ?? (definition as { xml: string }).xml, {
      ...(flags.cron !== undefined ? { cron: flags.cron } : { every: flags.every as number }),
      ...(flags.fields ? { fields: flags.fields } : {}),
      ...(flags.overlap ? { overlap: flags.overlap as ScheduleOverlap } : {}),
    })
    .catch((e: unknown) => notFoundByName(file, e));
  err(`schedule ${name} created`);
  return EXIT.ok;
}

/** `bureaucrat schedule list`: name, timing, state, process name, next start, deployed definition. */
export async function scheduleListCommand(flags: ConnectionFlags): Promise<number> {
  const schedules = await Schedules.connect(connectionOptions(flags));
  for (const s of await schedules.list()) {
    const next = s.nextStarts[0]?.toISOString() ?? '-';
    const state = s.paused ? 'paused' : 'active';
    out(`${s.name}\t${s.timing}\t${state}\t${s.processName ?? ''}\t${next}\t${s.definition ?? ''}`);
  }
  return EXIT.ok;
}

/** `bureaucrat schedule pause|resume|trigger|remove NAME` */
export async function scheduleActionCommand(
  action: 'pause' | 'resume' | 'trigger' | 'remove',
  name: string,
  flags: ConnectionFlags,
): Promise<number> {
  const schedules = await Schedules.connect(connectionOptions(flags));
  await schedules[action](name);
  const done = { pause: 'paused', resume: 'resumed', trigger: 'triggered', remove: 'removed' }[action];
  err(`schedule ${name} ${done}`);
  return EXIT.ok;
}
