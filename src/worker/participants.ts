/**
 * Participants: the functions that do a process's work. Each one becomes a Temporal activity named after
 * the participant, wrapped so that it speaks Bureaucrat's reply protocol.
 *
 * Pure of Node APIs except through `@temporalio/common`, so it runs in any worker.
 */
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { ParticipantReply, Workitem } from '../protocol';

/**
 * A participant: receives a workitem, returns the fields it changed or a reply with a status (or nothing,
 * when it changes nothing).
 */
export type Participant = (
  workitem: Workitem,
) => ParticipantReply | undefined | Promise<ParticipantReply | undefined> | Promise<void>;

/** Participants by name; names may contain dots (`webhook_launcher.tasks.handle_webhook`). */
export type Participants = Readonly<Record<string, Participant>>;

/** The failure type of a participant that replied `{ status: 'error' }`: retried under the retry policy. */
export const PARTICIPANT_ERROR_TYPE = 'ParticipantError';

/**
 * Thrown by a participant to raise a process fault with `code` at its `<action>`; handlers of that code
 * catch it. Not retried.
 *
 * @example
 * throw new ParticipantFault('OutOfStock', `no ${item} left`);
 */
export class ParticipantFault extends Error {
  override readonly name = 'ParticipantFault';
  constructor(
    readonly code: string,
    message = '',
  ) {
    super(message);
  }
}

/**
 * Wraps participants as activities: `{ status: 'error' }` → a retryable failure (so Temporal retries the
 * action); {@link ParticipantFault} → a non-retryable failure typed by its code; other errors are retried.
 */
export function participantActivities(
  participants: Participants,
): Record<string, (workitem: Workitem) => Promise<unknown>> {
  const activities: Record<string, (workitem: Workitem) => Promise<unknown>> = {};
  for (const [name, participant] of Object.entries(participants)) {
    activities[name] = async (workitem) => {
      let reply: unknown;
      try {
        reply = await participant(workitem);
      } catch (err) {
        if (err instanceof ParticipantFault) {
          // A business outcome, not a worker problem: BENIGN keeps it out of the worker's warnings and
          // failure metrics (the SDK logs it at DEBUG); the process sees an ordinary fault `code`.
          throw ApplicationFailure.create({
            message: err.message,
            type: err.code,
            nonRetryable: true,
            category: ApplicationFailureCategory.BENIGN,
          });
        }
        throw err;
      }
      if (isErrorReply(reply)) {
        throw ApplicationFailure.retryable(
          reply.error ?? `participant ${name} replied error`,
          PARTICIPANT_ERROR_TYPE,
        );
      }
      return reply ?? {};
    };
  }
  return activities;
}

function isErrorReply(reply: unknown): reply is { status: 'error'; error?: string } {
  return typeof reply === 'object' && reply !== null && (reply as { status?: unknown }).status === 'error';
}
