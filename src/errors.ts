/**
 * The base class of every error this package throws: `err instanceof BureaucratError` tells the package's
 * errors from any other, and `err.code` says which one it is, stably (messages may be reworded; codes are
 * not). Each subclass keeps its own `name` (`DefinitionError`, `ProcessEndedError`, …).
 *
 * Codes are `UPPER_SNAKE_CASE`, except for the errors that are, or become, process faults: theirs is the
 * fault code (`DefinitionError`, `ExpressionError`, or the code a participant or `<fault>` gave).
 *
 * Pure module (no Node APIs, no Temporal imports): the workflow code throws these errors too.
 *
 * @module
 */

/** An error of this package, with a stable {@link BureaucratError.code | code}. */
export abstract class BureaucratError extends Error {
  /** What the error is, stably: match on this rather than on the message. */
  abstract readonly code: string;
}
