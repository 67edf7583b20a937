/**
 * `bureaucrat deploy | definitions list | show | versions | diff | migrate`: definitions deployed by name
 * and version ({@link Definitions}), and moving running processes onto another version.
 */
import { readFile, stat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  Definitions,
  DefinitionNotFoundError,
  DefinitionWarningsError,
  type DeployResult,
} from '../client/definitions';
import { Launcher } from '../client/launcher';
import { DefinitionError, fileErrorReason } from '../definition';
import { DefinitionRefError, formatDefinitionRef, parseDefinitionRef, type DefinitionRef } from '../deployed';
import { parseMigrationMap } from '../migration';
import { renderSvg, treeOfDefinition } from '../diagram';
import { EXIT, UsageError } from './errors';
import { unifiedLineDiff } from './line-diff';
import { connectionOptions, type ConnectionFlags } from './options';
import { formatFileProblem, formatFinding } from './validate';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** `text` as a reference, or a usage error (exit 2) naming `what`. */
export function definitionRef(text: string, what = 'definition'): DefinitionRef {
  try {
    return parseDefinitionRef(text);
  } catch (e) {
    if (e instanceof DefinitionRefError) throw new UsageError(`${what}: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * What a `launch` or `schedule add` argument names: a deployed definition when it is not an existing file,
 * not XML text, not an `.xml` path and reads as `NAME` or `NAME@VERSION`; otherwise a file (or XML text),
 * read as before.
 */
export async function deployedRefOf(argument: string): Promise<DefinitionRef | undefined> {
  if (argument.trimStart().startsWith('<') || argument.endsWith('.xml') || /[/\\]/.test(argument)) {
    return undefined;
  }
  try {
    await stat(argument);
    return undefined; // an existing file (or directory: reported as a file)
  } catch {
    // not a file: maybe a name
  }
  try {
    return parseDefinitionRef(argument);
  } catch {
    return undefined;
  }
}

/** A name that is not deployed was not a file either: says both (exit 1); other errors as they are. */
export function notFoundByName(argument: string, e: unknown): never {
  if (e instanceof DefinitionNotFoundError && e.latest === undefined) {
    throw new Error(`"${argument}" is neither a definition file nor a deployed definition: ${e.message}`, {
      cause: e,
    });
  }
  throw e;
}

/** `bureaucrat deploy FILE... [--name NAME] [--strict]` */
export async function deployCommand(
  files: readonly string[],
  flags: ConnectionFlags & { name?: string; strict?: boolean },
): Promise<number> {
  if (flags.name !== undefined && files.length > 1) {
    throw new UsageError(`--name names one definition; ${files.length} files were given`);
  }
  if (flags.name !== undefined) definitionRef(flags.name, '--name');
  let definitions: Definitions | undefined;
  let failed = 0;
  for (const file of files) {
    let xml: string;
    try {
      xml = await readFile(file, 'utf8');
    } catch (e) {
      err(`${file}: cannot read the definition: ${fileErrorReason(e)}`);
      failed++;
      continue;
    }
    definitions ??= await Definitions.connect(connectionOptions(flags));
    let result: DeployResult;
    try {
      result = await definitions.deploy(xml, {
        ...(flags.name !== undefined && { name: flags.name }),
        ...(flags.strict && { strict: true }),
        source: file,
      });
    } catch (e) {
      if (e instanceof DefinitionError) {
        for (const p of e.problems) err(formatFileProblem(file, p));
      } else if (e instanceof DefinitionWarningsError) {
        for (const w of e.warnings) err(formatFinding(file, w));
        err(`${file}: ${e.message}`);
      } else if (e instanceof DefinitionRefError) {
        err(e.message.startsWith(`${file}:`) ? e.message : `${file}: ${e.message}`);
      } else {
        throw e;
      }
      failed++;
      continue;
    }
    for (const w of result.warnings) err(formatFinding(file, w));
    const label = formatDefinitionRef(result);
    out(result.unchanged ? `${label} (unchanged: the latest version has this content)` : label);
  }
  return failed ? EXIT.failed : EXIT.ok;
}

/** `bureaucrat definitions list`: name, latest version, versions, process name, deployed at. */
export async function definitionsListCommand(flags: ConnectionFlags): Promise<number> {
  const definitions = await Definitions.connect(connectionOptions(flags));
  for (const d of await definitions.list()) {
    out(`${d.name}\t${d.name}@${d.latest}\t${d.versions}\t${d.processName ?? ''}\t${d.deployedAt}`);
  }
  return EXIT.ok;
}

/** `bureaucrat definitions show NAME[@VERSION] [--xml | --svg [FILE]]` */
export async function definitionsShowCommand(
  reference: string,
  flags: ConnectionFlags & { xml?: boolean; svg?: string | boolean },
): Promise<number> {
  const ref = definitionRef(reference);
  if (flags.xml && flags.svg !== undefined) throw new UsageError('give --xml or --svg, not both');
  const definitions = await Definitions.connect(connectionOptions(flags));
  if (!flags.xml && flags.svg === undefined) {
    const info = await definitions.resolve(ref);
    const latest = await definitions.latest(info.name);
    out(`${formatDefinitionRef(info)}${info.version === latest ? ' (latest)' : ''}`);
    if (info.processName !== undefined) out(`process name: ${info.processName}`);
    out(`digest:       sha256:${info.digest}`);
    out(`size:         ${info.size} bytes`);
    out(`activities:   ${info.activityCount}`);
    out(`deployed at:  ${info.deployedAt}`);
    return EXIT.ok;
  }
  if (flags.xml) {
    process.stdout.write((await definitions.get(ref)).xml);
    return EXIT.ok;
  }
  const found = await definitions.load(ref);
  const label = formatDefinitionRef(found);
  const svg = renderSvg(treeOfDefinition(found.model), { title: label });
  if (typeof flags.svg === 'string') {
    await mkdir(path.dirname(path.resolve(flags.svg)), { recursive: true });
    await writeFile(flags.svg, `${svg}\n`);
    err(`picture of ${label} written to ${flags.svg}`);
  } else {
    out(svg);
  }
  return EXIT.ok;
}

/** `bureaucrat definitions versions NAME`: version, deployed at, size, digest prefix, `(latest)`. */
export async function definitionsVersionsCommand(name: string, flags: ConnectionFlags): Promise<number> {
  const ref = definitionRef(name);
  if (ref.version !== undefined) throw new UsageError(`give a name without a version: ${ref.name}`);
  const definitions = await Definitions.connect(connectionOptions(flags));
  const versions = await definitions.versions(ref.name);
  if (!versions.length) throw new DefinitionNotFoundError(ref);
  const latest = versions[versions.length - 1].version;
  for (const v of versions) {
    const mark = v.version === latest ? '\t(latest)' : '';
    out(`${formatDefinitionRef(v)}\t${v.deployedAt}\t${v.size} bytes\t${v.digest.slice(0, 12)}${mark}`);
  }
  return EXIT.ok;
}

/** `bureaucrat definitions diff NAME@A NAME@B`: a unified diff of the two XML texts. */
export async function definitionsDiffCommand(
  before: string,
  after: string,
  flags: ConnectionFlags,
): Promise<number> {
  const [a, b] = [definitionRef(before), definitionRef(after)];
  const definitions = await Definitions.connect(connectionOptions(flags));
  const [old, changed] = [await definitions.get(a), await definitions.get(b)];
  const labels = { before: formatDefinitionRef(old), after: formatDefinitionRef(changed) };
  const diff = unifiedLineDiff(old.xml, changed.xml, labels);
  if (diff) process.stdout.write(diff);
  else err(`${labels.before} and ${labels.after} have the same content`);
  return EXIT.ok;
}

/** Flags of `bureaucrat migrate`. */
export interface MigrateFlags extends ConnectionFlags {
  definition?: string;
  to?: string;
  map?: string[];
  dryRun?: boolean;
  concurrency?: number;
}

/** Above this many processes, `migrate` reports its progress on stderr. */
const PROGRESS_ABOVE = 50;

/**
 * `bureaucrat migrate [ID...] [--definition REF] --to REF [--map OLD=NEW ...] [--dry-run]`: one line per
 * process, then a summary; exit 1 when any process was refused or failed.
 */
export async function migrateCommand(ids: readonly string[], flags: MigrateFlags): Promise<number> {
  if (ids.length > 0 === (flags.definition !== undefined)) {
    throw new UsageError('bureaucrat migrate: give process ids or --definition NAME[@VERSION], not both');
  }
  if (flags.to === undefined) throw new UsageError('bureaucrat migrate: --to NAME[@VERSION] is required');
  const to = definitionRef(flags.to, '--to');
  const selection =
    flags.definition !== undefined ? { definition: definitionRef(flags.definition, '--definition') } : ids;
  let map: Record<string, string> | undefined;
  try {
    map = flags.map?.length ? parseMigrationMap(flags.map) : undefined;
  } catch (e) {
    if (e instanceof TypeError) throw new UsageError(`--map: ${e.message}`, { cause: e });
    throw e;
  }
  const launcher = await Launcher.connect(connectionOptions(flags));
  const verb = flags.dryRun ? 'checked' : 'migrated';
  let step = 0;
  const outcomes = await launcher.migrate(selection, {
    to,
    ...(map && { map }),
    ...(flags.dryRun && { dryRun: true }),
    ...(flags.concurrency !== undefined && { concurrency: flags.concurrency }),
    onProgress: (done, total) => {
      if (total <= PROGRESS_ABOVE) return;
      step ||= total >= 1000 ? 100 : 10;
      if (done % step === 0 || done === total) err(`${verb} ${done}/${total}`);
    },
  });
  const counts = { moved: 0, movable: 0, refused: 0, failed: 0 };
  for (const o of outcomes) {
    counts[o.outcome]++;
    const move = `${o.from ?? 'its definition'} → ${o.to}${o.when === 'after the running step' ? ` (${o.when})` : ''}`;
    const reasons = o.reasons.join('; ');
    switch (o.outcome) {
      case 'moved':
        out(`${o.processId}: moved ${move}`);
        break;
      case 'movable':
        out(`${o.processId}: would move ${move}`);
        break;
      case 'refused':
        out(`${o.processId}: refused: ${reasons}`);
        break;
      case 'failed':
        out(`${o.processId}: failed: ${reasons}`);
        break;
    }
  }
  const parts = [
    ...(flags.dryRun ? [`${counts.movable} would move`] : [`${counts.moved} moved`]),
    `${counts.refused} refused`,
    `${counts.failed} failed`,
  ];
  const n = outcomes.length;
  err(`${parts.join(', ')} (${n} process${n === 1 ? '' : 'es'}${flags.dryRun ? ', dry run' : ''})`);
  return counts.refused || counts.failed ? EXIT.failed : EXIT.ok;
}
