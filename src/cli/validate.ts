import { readFile } from 'node:fs/promises';
import { checkDefinition, fileErrorReason, formatProblem } from '../definition';

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
      output.err(`${file}: cannot read the definition: ${fileErrorReason(err)}`);
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
      // `file:line:col: …` as compilers print it; a problem of the whole text has no position.
      output.err(
        p.line > 0 ? `${file}:${formatProblem(p).replace(' ', ': ')}` : `${file}: ${formatProblem(p)}`,
      );
    }
  }
  return failed ? 1 : 0;
}
