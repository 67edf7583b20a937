/**
 * `action`: a Temporal activity whose type is the participant name, given the context and its step. The reply's
 * fields are applied with `set`; `critical` → fault `ActionError`; a non-retryable failure of type T →
 * fault T; retries exhausted or timed out → `ActionError`; a reply that would make the context too large
 * → `ContextSizeError` (not applied). An action cancelled with its process (or its `<all>` branch) ends
 * cancelled, not faulted. Its own attributes (`queue`, `timeout`, `retries`, `heartbeat`)
 * override the process's action options; absent, the command is as before.
 */
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  ActivityFailure,
  isCancellation,
  patched,
  scheduleActivity,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { ActionActivity } from '../../src/definition';
import type { ActionInput, ActionOptions } from '../../src/protocol';
import { summaryOf } from '../../src/wire/summary';
import { routeFor } from '../../src/routes';
import { checkContextSize, replyFields } from '../context-rules';
import { actionFault } from '../process-fault';
import type { StepKind } from './kind';

/**
 * How `<action>` activities run unless the worker says otherwise: 5 minutes per attempt; retried after
 * 1 s, 2 s, 4 s … up to 1 minute apart, 10 attempts in all; then the action faults with `ActionError`.
 */
export const DEFAULT_ACTION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
  },
};

/** `<action>`. */
export const actionKind: StepKind<ActionActivity> = {
  shape: 'step',
  start(node, frame, run) {
    const { participant } = node;
    // a fresh object: participants cannot reach the scopes. The participant's adapter completes the
    // workitem from the activity's info (`workitemOf`).
    const input: ActionInput = { fields: frame.scope.merged(), step: node.id };
    // `scheduleActivity` is what an activity proxy's `executeWithOptions` calls, with the call's options
    // merged over the proxy's (as `actionActivityOptions` merges them over the defaults). Called directly,
    // the stack the SDK captures for each promise of the command is one frame shorter, as short as a
    // hand-written workflow's `proxy.fn()`: each frame costs a source-map lookup per promise. The SDK is
    // pinned to one version (package.json), and every action of the test suite goes through here.
    return scheduleActivity(participant, [input], optionsOf(node, run.actionOptions, run.summaries));
  },
  done(node, frame, value, run) {
    const fields = replyFields(node.participant, run.reply(node.participant, value));
    checkContextSize(frame.scope, fields, `the reply of participant ${node.participant}`);
    frame.scope.update(fields);
  },
  failed: (node, err) =>
    err instanceof ActivityFailure && !cancelledWithItsProcess(err)
      ? actionFault(node.participant, err)
      : err,
};

/**
 * Processes recorded before this change turned the cancellation of a running action into the fault
 * `ActionError` (so a cancelled process failed): on replay they still do.
 */
export const CANCELLED_ACTION_PATCH = 'cancelled-action-is-cancelled';

/** Whether the activity failed because the workflow cancelled it: the cancellation goes on as one. */
function cancelledWithItsProcess(err: ActivityFailure): boolean {
  return isCancellation(err) && patched(CANCELLED_ACTION_PATCH);
}

/** The options last computed for each action node, with the process options they were computed from. */
const computed = new WeakMap<
  ActionActivity,
  {
    readonly from: ActionOptions | undefined;
    readonly options: ActivityOptions;
    /** The same with the step's summary, made the first time a run with summaries needs it. */
    summarized?: ActivityOptions;
  }
>();

/**
 * {@link actionActivityOptions} (with the step's summary when `summaries`), computed once per node and
 * process options rather than on every run of the node (a loop's action runs thousands of times, and
 * replaying it redoes each).
 */
function optionsOf(
  node: ActionActivity,
  processOptions: ActionOptions | undefined,
  summaries: boolean,
): ActivityOptions {
  let known = computed.get(node);
  if (!known || known.from !== processOptions) {
    known = { from: processOptions, options: inMilliseconds(actionActivityOptions(node, processOptions)) };
    computed.set(node, known);
  }
  if (!summaries) return known.options;
  return (known.summarized ??= {
    ...known.options,
    summary: summaryOf.action(node.participant, node.id),
  });
}

/**
 * `options` with every duration in milliseconds: the SDK parses a duration string (`'5 minutes'`) each time
 * it schedules an activity. The command is the same either way.
 */
function inMilliseconds(options: ActivityOptions): ActivityOptions {
  const ms = (d: Duration | undefined) => (d === undefined ? undefined : msToNumber(d));
  const { retry } = options;
  return {
    ...options,
    startToCloseTimeout: ms(options.startToCloseTimeout),
    scheduleToCloseTimeout: ms(options.scheduleToCloseTimeout),
    scheduleToStartTimeout: ms(options.scheduleToStartTimeout),
    heartbeatTimeout: ms(options.heartbeatTimeout),
    ...(retry && {
      retry: {
        ...retry,
        initialInterval: ms(retry.initialInterval),
        maximumInterval: ms(retry.maximumInterval),
      },
    }),
  };
}

/**
 * The activity options of one `<action>`: the defaults, then the process's action options, then the
 * routing table, then the action's own attributes. A `retry` policy given in part keeps the default's
 * other fields (as an activity proxy's `deepMerge` kept them). `retries="n"` allows n attempts after the
 * first; the other retry settings stay.
 */
export function actionActivityOptions(
  activity: ActionActivity,
  processOptions: ActionOptions | undefined,
): ActivityOptions {
  const { routes, summaries: _summaries, ...options } = processOptions ?? {};
  const base: ActivityOptions = {
    ...DEFAULT_ACTION_OPTIONS,
    ...options,
    ...(options.retry && { retry: { ...DEFAULT_ACTION_OPTIONS.retry, ...options.retry } }),
  };
  const queue = activity.queue ?? routeFor(routes, activity.participant);
  return {
    ...base,
    ...(queue !== undefined && { taskQueue: queue }),
    ...(activity.timeout !== undefined && { startToCloseTimeout: Math.round(activity.timeout * 1000) }),
    ...(activity.heartbeat !== undefined && { heartbeatTimeout: Math.round(activity.heartbeat * 1000) }),
    ...(activity.retries !== undefined && {
      retry: { ...base.retry, maximumAttempts: activity.retries + 1 },
    }),
  };
}
