/**
 * The engine's metrics emitted by the worker's activities, through the activity context's
 * `metricMeter` (the Temporal runtime's meter, tagged by the SDK with `namespace`, `task_queue` and
 * `activity_type`): participants' durations and failures, event deliveries, trigger starts and dead
 * letters. Outside an activity (a participant called directly, `fireTrigger` from the CLI) nothing is
 * recorded. Names: `src/metrics.ts`.
 */
import { Context } from '@temporalio/activity';
import type { MetricMeter, MetricTags } from '@temporalio/common';
import {
  ACTION_DURATION,
  ACTION_FAILURES,
  EVENTS_DELIVERED,
  TRIGGER_DEAD_LETTERS,
  TRIGGER_STARTS,
} from '../metrics';

/** The running activity's meter, if any. */
function meter(): MetricMeter | undefined {
  try {
    return Context.current().metricMeter;
  } catch {
    return undefined;
  }
}

function count(name: string, description: string, tags: MetricTags, value = 1): void {
  if (value > 0) meter()?.createCounter(name, undefined, description).add(value, tags);
}

/** How a participant's attempt failed: a `ParticipantFault`, an `{ status: 'error' }` reply, or a throw. */
export type ActionFailureKind = 'fault' | 'error' | 'exception';

/** One attempt of `participant` took `ms`; `failure` says how it failed, if it did. */
export function actionFinished(participant: string, ms: number, failure?: ActionFailureKind): void {
  meter()
    ?.createHistogram(ACTION_DURATION, 'int', 'ms', 'Duration of participant attempts')
    .record(Math.max(0, Math.round(ms)), { participant, outcome: failure ? 'failed' : 'ok' });
  if (failure) {
    count(ACTION_FAILURES, 'Failed participant attempts', { participant, kind: failure });
  }
}

/** `n` event signals reached processes waiting for `event`. */
export function eventsDelivered(event: string, n: number): void {
  count(EVENTS_DELIVERED, 'Event signals delivered to waiting processes', { event }, n);
}

/** Trigger `trigger` started a process. */
export function triggerStarted(trigger: string): void {
  count(TRIGGER_STARTS, 'Processes started by triggers', { trigger });
}

/** Trigger `trigger` dead-lettered an event. */
export function triggerDeadLettered(trigger: string): void {
  count(TRIGGER_DEAD_LETTERS, 'Events dead-lettered by triggers', { trigger });
}
