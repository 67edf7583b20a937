import { readFile } from 'node:fs/promises';
import {
  checkDefinition,
  fileErrorReason,
  formatProblem,
  type CheckDefinitionOptions,
  type DefinitionProblem,
  type DefinitionWarning,
} from '../definition';

/** Where `bureaucrat validate` writes: results to `out`, problems and warnings to `err`. */
export interface ValidateOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Options of `bureaucrat validate`. */
export interface ValidateOptions {
  /** Warnings (not infos) fail the file. */
  readonly strict?: boolean;
  /** A participants module: actions naming participants it does not export are warned about (W005). */
  readonly participants?: string;
  /** Files listing the events something triggers: awaits of other events are warned about (W006). */
  readonly events?: readonly string[];
}

/**
 * `bureaucrat validate FILE...`: checks each definition and prints every problem as
 * `file:line:col: path: message`, then the lint's findings as `file:line:col: warning: path: message
 * [W001 endless-loop]`. Returns the exit code: 0 when all files are valid (and, with `strict`, have no
 * warnings), 1 otherwise.
 */
export async function validateFiles(
  files: readonly string[],
  output: ValidateOutput,
  options: ValidateOptions = {},
): Promise<number> {
  const lint: CheckDefinitionOptions = {
    ...(options.participants !== undefined && { participants: await participantNames(options.participants) }),
    ...(options.events !== undefined && { events: await eventNames(options.events) }),
  };
  let failed = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      output.err(`${file}: cannot read the definition: ${fileErrorReason(err)}`);
      failed++;
      continue;
    }
    const { definition, problems, warnings } = checkDefinition(text, lint);
    if (definition) {
      for (const w of warnings) output.err(formatFinding(file, w));
      const count = warnings.filter((w) => w.severity === 'warning').length;
      const infos = warnings.length - count;
      const noted = [
        ...(count ? [`${count} warning${count === 1 ? '' : 's'}`] : []),
        ...(infos ? [`${infos} info${infos === 1 ? '' : 's'}`] : []),
      ];
      if (options.strict && count) {
        failed++;
        output.err(`${file}: fails --strict (${noted.join(', ')})`);
      } else {
        output.out(`${file}: valid (${[`${definition.activityCount} activities`, ...noted].join(', ')})`);
      }
      continue;
    }
    failed++;
    for (const p of problems) output.err(formatFileProblem(file, p));
  }
  return failed ? 1 : 0;
}

/** `file:line:col: path: message` as compilers print it; a problem of the whole text has no position. */
export function formatFileProblem(file: string, p: DefinitionProblem): string {
  return p.line > 0 ? `${file}:${formatProblem(p).replace(' ', ': ')}` : `${file}: ${formatProblem(p)}`;
}

/** `file:27:5: warning: process/while[1]: the loop never ends: … [W001 endless-loop]`. */
export function formatFinding(file: string, w: DefinitionWarning): string {
  return `${file}:${w.line}:${w.column}: ${w.severity}: ${w.path}: ${w.message} [${w.rule} ${w.name}]`;
}

/** The participant names a participants module exports (see `load-participants.ts`). */
async function participantNames(module: string): Promise<string[]> {
  const { loadParticipants } = await import('./load-participants');
  return Object.keys(loadParticipants(module));
}

/**
 * The event names listed in `files`: each file is either a JSON array of names or one name per line
 * (blank lines and lines starting with `#` ignored).
 */
export async function eventNames(files: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    if (text.trimStart().startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new Error(`${file}: not a JSON array of event names: ${(err as Error).message}`);
      }
      if (!Array.isArray(parsed) || !parsed.every((n) => typeof n === 'string')) {
        throw new Error(`${file}: not a JSON array of event names (strings)`);
      }
      names.push(...parsed);
    } else {
      for (const line of text.split(/\r?\n/)) {
        const name = line.trim();
        if (name && !name.startsWith('#')) names.push(name);
      }
    }
  }
  return names;
}
