/**
 * What is wrong with a definition, all at once: every problem names its line and column, the element
 * path, and what is wrong in plain words.
 */

/** One thing wrong with a definition. */
export interface DefinitionProblem {
  /** 1-based; 0 when the problem concerns the whole text (e.g. its size). */
  readonly line: number;
  readonly column: number;
  /** Element path, e.g. `process/sequence[1]/action[2]`; empty for document-level problems. */
  readonly path: string;
  readonly message: string;
}

/** Formats a problem as `7:9 process/sequence[1]/action[2]: missing attribute "participant"`. */
export function formatProblem(problem: DefinitionProblem): string {
  const where = `${problem.line}:${problem.column}`;
  return problem.path ? `${where} ${problem.path}: ${problem.message}` : `${where} ${problem.message}`;
}

/** The fault code of definition failures inside a process (e.g. an invalid `call` target). */
export const DEFINITION_ERROR_CODE = 'DefinitionError';

/** A definition that cannot be run; `problems` lists everything found. */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
  constructor(
    readonly problems: readonly DefinitionProblem[],
    /** File name, when the definition came from a file. */
    readonly source?: string,
  ) {
    const count = problems.length;
    const head = `${source ? `${source}: ` : ''}invalid process definition (${count} problem${count === 1 ? '' : 's'})`;
    super(
      [
        head,
        ...problems.slice(0, 20).map((p) => `  ${formatProblem(p)}`),
        ...(count > 20 ? [`  … and ${count - 20} more`] : []),
      ].join('\n'),
    );
  }
}
