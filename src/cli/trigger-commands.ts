/**
 * `bureaucrat trigger add | list | remove | dead-letters | redrive`: thin wrappers over {@link Triggers}.
 */
import { existsSync } from 'node:fs';
import { DefinitionNotFoundError } from '../client/definitions';
import { TriggerConflictError, TriggerExpressionError, Triggers, validateTrigger } from '../client/triggers';
import { DefinitionError, DefinitionFileError, formatProblem } from '../definition';
import { DefinitionRefError, parseDefinitionRef, type DefinitionRef } from '../deployed';
import { EXIT } from './errors';
import { connectionOptions, type ConnectionFlags } from './options';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** The flags of `trigger add`. */
export type TriggerAddFlags = ConnectionFlags & {
  name?: string;
  when?: string;
  id?: string;
  retries?: string;
  replace?: boolean;
};

/**
 * What a DEFINITION argument names: XML text or an existing file as given, else a deployed definition
 * (`order`, `order@3`) when it reads as one, else the file (whose absence is then reported).
 */
export function definitionArgument(text: string): string | DefinitionRef {
  if (text.trimStart().startsWith('<') || existsSync(text)) return text;
  try {
    return parseDefinitionRef(text);
  } catch (e) {
    if (e instanceof DefinitionRefError) return text;
    throw e;
  }
}

/**
 * `bureaucrat trigger add EVENT DEFINITION [--name N] [--when EXPR] [--id EXPR] [--retries N] [--replace]`:
 * DEFINITION is a file, or a deployed definition (`order`: the latest at each start; `order@3`: pinned).
 */
export async function triggerAddCommand(
  event: string,
  file: string,
  flags: TriggerAddFlags,
): Promise<number> {
  const definition = definitionArgument(file);
  const retries = flags.retries === undefined ? undefined : Number(flags.retries);
  const options = {
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.when !== undefined ? { when: flags.when } : {}),
    ...(flags.id !== undefined ? { id: flags.id } : {}),
    ...(retries !== undefined ? { retries } : {}),
    replace: flags.replace ?? false,
  };
  // Everything is checked before connecting: bad input exits 2 and registers nothing.
  try {
    await validateTrigger(event, definition, options);
  } catch (e) {
    if (e instanceof DefinitionError && !(e instanceof DefinitionFileError)) {
      // As `validate` prints them: one line per problem, file:line:col: path: problem.
      for (const p of e.problems) {
        err(p.line > 0 ? `${file}:${formatProblem(p).replace(' ', ': ')}` : `${file}: ${formatProblem(p)}`);
      }
      return EXIT.usage;
    }
    if (
      e instanceof DefinitionError ||
      e instanceof DefinitionRefError ||
      e instanceof TriggerExpressionError ||
      e instanceof TypeError
    ) {
      err(e.message);
      return EXIT.usage;
    }
    throw e;
  }
  const triggers = await Triggers.connect(connectionOptions(flags));
  try {
    const { name, result } = await triggers.add(event, definition, options);
    out(name);
    err(`trigger ${name} ${result}`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof TriggerConflictError || e instanceof DefinitionNotFoundError) {
      err(e.message);
      return EXIT.usage;
    }
    throw e;
  }
}

/**
 * `bureaucrat trigger list`: name, event, definition (the deployed `order`/`order@3` it starts by name, else
 * the process name), predicate, processes started, dead letters.
 */
export async function triggerListCommand(flags: ConnectionFlags): Promise<number> {
  const triggers = await Triggers.connect(connectionOptions(flags));
  for (const t of await triggers.list()) {
    out(
      [
        t.name,
        t.event,
        t.definition ?? t.processName ?? '',
        t.when ?? '*',
        `started ${t.started}`,
        `dead ${t.deadLetters}`,
      ].join('\t'),
    );
  }
  return EXIT.ok;
}

/** `bureaucrat trigger remove NAME` */
export async function triggerRemoveCommand(name: string, flags: ConnectionFlags): Promise<number> {
  const triggers = await Triggers.connect(connectionOptions(flags));
  if (!(await triggers.remove(name))) {
    err(`no trigger named ${name}`);
    return EXIT.failed;
  }
  err(`trigger ${name} removed`);
  return EXIT.ok;
}

/** `bureaucrat trigger dead-letters [NAME]`: one JSON line per dead letter (trigger, event, error, time). */
export async function triggerDeadLettersCommand(
  name: string | undefined,
  flags: ConnectionFlags,
): Promise<number> {
  const triggers = await Triggers.connect(connectionOptions(flags));
  for (const d of await triggers.deadLetters(name)) {
    out(JSON.stringify({ trigger: d.trigger, at: d.at, error: d.error, event: d.message }));
  }
  return EXIT.ok;
}

/** `bureaucrat trigger redrive NAME` */
export async function triggerRedriveCommand(name: string, flags: ConnectionFlags): Promise<number> {
  const triggers = await Triggers.connect(connectionOptions(flags));
  const { started, skipped, failed } = await triggers.redrive(name);
  err(`trigger ${name}: ${started} started, ${skipped} skipped, ${failed} failed again`);
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
