/**
 * Participants: the functions that do a process's work. Each one becomes a Temporal activity named after
 * the participant, wrapped so that it speaks Bureaucrat's reply protocol.
 *
 * Pure of Node APIs except through `@temporalio/common` and `@temporalio/activity`, so it runs in any worker.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { workitemOf, type ActionInput, type ParticipantReply, type Workitem } from '../protocol';
import { BureaucratError } from '../errors';
import { actionFinished } from './metrics';

/**
 * What a running participant can do besides replying: its second argument. Long participants heartbeat
 * (required within `<action heartbeat="…">` seconds) and watch `signal`, which aborts when the process
 * cancels the action (the process was cancelled, or a fault cancelled its branch). The workitem stays
 * plain data; this is the seam to Temporal's activity context.
 */
export interface ParticipantContext {
  /** Records a heartbeat; `details` (JSON) is kept and shown with the activity. */
  heartbeat(details?: unknown): void;
  /** Aborts when the action is cancelled: the participant should stop and throw. Seen after a heartbeat. */
  readonly signal: AbortSignal;
}

/**
 * A participant: receives a workitem, returns the fields it changed or a reply with a status (or nothing,
 * when it changes nothing). The second argument, which short participants ignore, is its
 * {@link ParticipantContext}.
 */
export type Participant = (
  workitem: Workitem,
  context: ParticipantContext,
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
export class ParticipantFault extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'ParticipantFault';
  constructor(
    /** The fault code the process sees: what its `<faults>` handlers match on. */
    readonly code: string,
    message = '',
  ) {
    super(message);
  }
}

/** An activity made from a participant: it takes an action's input (or a whole workitem). */
export type ParticipantActivity = (input: ActionInput | Workitem) => Promise<unknown>;

/**
 * Wraps participants as activities: the action's input and the activity's info become the participant's
 * workitem; `{ status: 'error' }` → a retryable failure (so Temporal retries the action);
 * {@link ParticipantFault} → a non-retryable failure typed by its code; other errors are retried.
 */
export function participantActivities(participants: Participants): Record<string, ParticipantActivity> {
  const activities: Record<string, ParticipantActivity> = {};
  for (const [name, participant] of Object.entries(participants)) {
    activities[name] = async (input) => {
      const begun = performance.now();
      let reply: unknown;
      try {
        const activity = currentActivity();
        const workitem = activity ? workitemOf(input, activity.info) : (input as Workitem);
        reply = await participant(workitem, participantContext(activity));
      } catch (err) {
        actionFinished(
          name,
          performance.now() - begun,
          err instanceof ParticipantFault ? 'fault' : 'exception',
        );
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
      const failed = isErrorReply(reply);
      actionFinished(name, performance.now() - begun, failed ? 'error' : undefined);
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

/** The running activity's context, or undefined when a participant is called outside an activity. */
function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** The activity's heartbeat and cancellation signal (inert outside an activity). */
function participantContext(ctx: Context | undefined): ParticipantContext {
  if (!ctx) return { heartbeat: () => undefined, signal: new AbortController().signal };
  return { heartbeat: (details) => ctx.heartbeat(details), signal: ctx.cancellationSignal };
}

function isErrorReply(reply: unknown): reply is { status: 'error'; error?: string } {
  return typeof reply === 'object' && reply !== null && (reply as { status?: unknown }).status === 'error';
}
