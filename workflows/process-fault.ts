/**
 * Faults inside the interpreter, and how Temporal failures become faults.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  TimeoutFailure,
} from '@temporalio/workflow';
import { ACTION_ERROR_CODE } from '../src/protocol';
import { BureaucratError } from '../src/errors';

/** A Bureaucrat fault travelling up the activity tree until a handler takes it. */
export class ProcessFault extends BureaucratError {
  override readonly name = 'ProcessFault';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The fault an `<action>`'s failed activity raises: a non-retryable `ApplicationFailure` thrown by the
 * participant keeps its type as the code; anything else (retries exhausted, timeouts) is `ActionError`.
 */
export function actionFault(participant: string, err: ActivityFailure): ProcessFault {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && cause.nonRetryable && cause.type) {
    return new ProcessFault(cause.type, cause.message);
  }
  const why =
    cause instanceof TimeoutFailure ? `timed out (${cause.timeoutType})` : (cause?.message ?? err.message);
  return new ProcessFault(ACTION_ERROR_CODE, `participant ${participant} failed: ${why}`);
}

/** The fault a `<call>`ed sub-process ended on becomes the same fault at the `<call>`. */
export function childFault(err: ChildWorkflowFailure): ProcessFault {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && cause.type) return new ProcessFault(cause.type, cause.message);
  return new ProcessFault(ACTION_ERROR_CODE, `sub-process failed: ${cause?.message ?? err.message}`);
}
