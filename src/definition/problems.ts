/**
 * What is wrong with a definition, all at once: every problem names its line and column, the element
 * path, and what is wrong in plain words.
 */
import { BureaucratError } from '../errors';

/** One thing wrong with a definition. */
export interface DefinitionProblem {
  /** 1-based; 0 when the problem concerns the whole text (e.g. its size). */
  readonly line: number;
  /** 1-based; 0 when `line` is. */
  readonly column: number;
  /** Element path, e.g. `process/sequence[1]/action[2]`; empty for document-level problems. */
  readonly path: string;
  /** What is wrong, in words. */
  readonly message: string;
}

/**
 * Formats a problem as `7:9 process/sequence[1]/action[2]: missing attribute "participant"`; a problem of the
 * whole text (line 0) has no position.
 */
export function formatProblem(problem: DefinitionProblem): string {
  const what = problem.path ? `${problem.path}: ${problem.message}` : problem.message;
  return problem.line > 0 ? `${problem.line}:${problem.column} ${what}` : what;
}

/** The fault code of definition failures inside a process (e.g. an invalid `call` target). */
export const DEFINITION_ERROR_CODE = 'DefinitionError';

/** A definition that cannot be run; `problems` lists everything found. */
export class DefinitionError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'DefinitionError';
  readonly code: string = DEFINITION_ERROR_CODE;
  constructor(
    /** Every problem found (the message shows the first 20). */
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

/**
 * A definition file that cannot be read (missing, a directory, no permission): a {@link DefinitionError}
 * with one problem and no position, whose message names the path and the reason; `cause` is the system's
 * error.
 */
export class DefinitionFileError extends DefinitionError {
  override readonly code = 'DEFINITION_FILE_UNREADABLE';
  constructor(
    path: string,
    /** The reason in words, e.g. `no such file`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super([{ line: 0, column: 0, path: '', message: `cannot read the definition: ${reason}` }], path);
    this.message = `${path}: cannot read the definition: ${reason}`;
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

/** Why a file could not be read, in words, from the system error's code (`ENOENT` → `no such file`). */
export function fileErrorReason(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EISDIR: 'it is a directory, not a file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'a part of the path is not a directory',
  };
  if (typeof code === 'string' && reasons[code]) return `${reasons[code]} (${code})`;
  return err instanceof Error ? err.message : String(err);
}
