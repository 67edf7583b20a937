/**
 * A process's timeline: the steps a person cares about, read from its Temporal history (the rest is
 * Temporal's bookkeeping). The console shows it; the API serves it at `/v1/processes/{id}/timeline`.
 */
import type { WorkflowHandle } from '@temporalio/client';

/** temporal.api.enums.v1.WorkflowTaskFailedCause RESET_WORKFLOW: the first task of a run made by a reset. */
const RESET_CAUSE = 20;

/** One step of the timeline: when, and what happened (from the workflow history). */
export interface Step {
  readonly time: string;
  readonly what: string;
}

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** The steps a person cares about, read from the history's events (the rest is Temporal's bookkeeping). */
export function timelineOf(history: History): Step[] {
  const steps: Step[] = [];
  const scheduled = new Map<string, string>();
  for (const event of history.events ?? []) {
    const seconds = Number(event.eventTime?.seconds ?? 0);
    const time = new Date(seconds * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6)).toISOString();
    const id = String(event.eventId ?? '');
    let what: string | undefined;
    if (event.workflowExecutionStartedEventAttributes) what = 'process started';
    else if (event.activityTaskScheduledEventAttributes) {
      const name = event.activityTaskScheduledEventAttributes.activityType?.name ?? '?';
      scheduled.set(id, name);
      what = `${name} scheduled`;
    } else if (event.activityTaskCompletedEventAttributes) {
      what = `${scheduled.get(String(event.activityTaskCompletedEventAttributes.scheduledEventId ?? '')) ?? 'activity'} completed`;
    } else if (event.activityTaskFailedEventAttributes) {
      const a = event.activityTaskFailedEventAttributes;
      what = `${scheduled.get(String(a.scheduledEventId ?? '')) ?? 'activity'} failed: ${a.failure?.message ?? ''}`;
    } else if (event.timerStartedEventAttributes) what = 'delay started';
    else if (event.timerFiredEventAttributes) what = 'delay fired';
    else if (event.workflowExecutionSignaledEventAttributes)
      what = `signal ${event.workflowExecutionSignaledEventAttributes.signalName ?? ''} received`;
    else if (event.workflowExecutionUpdateAcceptedEventAttributes)
      what = `${event.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input?.name ?? 'update'} by the operator`;
    else if (event.workflowTaskFailedEventAttributes?.cause === RESET_CAUSE)
      what = `run again from here (reset): ${event.workflowTaskFailedEventAttributes.failure?.message ?? ''}`;
    else if (event.startChildWorkflowExecutionInitiatedEventAttributes) what = 'sub-process started';
    else if (event.childWorkflowExecutionCompletedEventAttributes) what = 'sub-process completed';
    else if (event.childWorkflowExecutionFailedEventAttributes) what = 'sub-process failed';
    else if (event.workflowExecutionCancelRequestedEventAttributes) what = 'cancellation requested';
    else if (event.workflowExecutionCompletedEventAttributes) what = 'process completed';
    else if (event.workflowExecutionFailedEventAttributes)
      what = `process failed: ${event.workflowExecutionFailedEventAttributes.failure?.message ?? ''}`;
    else if (event.workflowExecutionCanceledEventAttributes) what = 'process cancelled';
    else if (event.workflowExecutionTerminatedEventAttributes) what = 'process terminated';
    else if (event.workflowExecutionContinuedAsNewEventAttributes) what = 'continued as new';
    if (what) steps.push({ time, what });
  }
  return steps;
}
