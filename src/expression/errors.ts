/**
 * The two ways an expression can fail: at load time (syntax, or something outside the safe subset) and at
 * run time (a Python exception such as `KeyError`). Pure module: the workflow sandbox imports it.
 */
import { BureaucratError } from '../errors';

/** A syntax error, or a construct outside the supported Python subset, found when parsing. */
export class ExpressionSyntaxError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'ExpressionSyntaxError';
  readonly code = 'EXPRESSION_SYNTAX';
  constructor(
    /** What is wrong, without position. */
    readonly reason: string,
    /** 0-based character offset in the expression text. */
    readonly offset: number,
    /** The expression text. */
    readonly source: string,
  ) {
    super(`${reason} at column ${offset + 1} of expression ${JSON.stringify(source)}`);
  }
}

/**
 * A Python exception raised while evaluating, before it is tied to an expression: `pyType` is the Python
 * class name (`TypeError`, `KeyError`, …) so that errors read the way Python authors expect.
 */
export class PythonError extends BureaucratError {
  override readonly name = 'PythonError';
  readonly code = 'PYTHON_EXCEPTION';
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A run-time failure of an expression: names the expression and the cause. The interpreter turns it into a
 * process fault with code {@link EXPRESSION_ERROR_CODE}.
 */
export class ExpressionError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'ExpressionError';
  readonly code = EXPRESSION_ERROR_CODE;
  constructor(
    /** The expression text. */
    readonly source: string,
    /** The Python exception class, e.g. `KeyError`. */
    readonly pyType: string,
    /** The exception message, e.g. `'total'` for a `KeyError`. */
    readonly detail: string,
  ) {
    super(`expression ${JSON.stringify(source)} failed: ${pyType}: ${detail}`);
  }
}

/** The fault code of expression failures inside a process. */
export const EXPRESSION_ERROR_CODE = 'ExpressionError';

export const typeError = (message: string) => new PythonError('TypeError', message);
export const valueError = (message: string) => new PythonError('ValueError', message);
export const zeroDivision = (message: string) => new PythonError('ZeroDivisionError', message);
export const overflowError = (message: string) => new PythonError('OverflowError', message);
