import { readFile } from 'node:fs/promises';
import { checkDefinition } from '../definition';

/** Where `bureaucrat validate` writes: results to `out`, problems to `err`. */
export interface ValidateOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * `bureaucrat validate FILE...`: checks each definition and prints every problem as
 * `file:line:col: path: message`. Returns the exit code: 0 when all files are valid, 1 otherwise.
 */
export async function validateFiles(files: readonly string[], output: ValidateOutput): Promise<number> {
  let failed = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      output.err(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      failed++;
      continue;
    }
    const { definition, problems } = checkDefinition(text);
    if (definition) {
      output.out(`${file}: valid (${definition.activityCount} activities)`);
      continue;
    }
    failed++;
    for (const p of problems) {
      output.err(`${file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
    }
  }
  return failed ? 1 : 0;
}
