/**
 * The two ways an expression can fail: at load time (syntax, or something outside the safe subset) and at
 * run time (a Python exception such as `KeyError`). Pure module: the workflow sandbox imports it.
 */

/** A syntax error, or a construct outside the supported Python subset, found when parsing. */
export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
  constructor(
    /** What is wrong, without position. */
    readonly reason: string,
    /** 0-based character offset in the expression text. */
    readonly offset: number,
    readonly source: string,
  ) {
    super(`${reason} at column ${offset + 1} of expression ${JSON.stringify(source)}`);
  }
}

/**
 * A Python exception raised while evaluating, before it is tied to an expression: `pyType` is the Python
 * class name (`TypeError`, `KeyError`, …) so that errors read the way Python authors expect.
 */
export class PythonError extends Error {
  override readonly name = 'PythonError';
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
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  constructor(
    readonly source: string,
    /** The Python exception class, e.g. `KeyError`. */
    readonly pyType: string,
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
