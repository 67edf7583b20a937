/**
 * Retry and reset, built on Temporal's own reset (`ResetWorkflowExecution`): the same workflow id gets a
 * new run whose history is the old one up to the chosen workflow task, marked as a reset (the Web UI shows
 * it and links the runs), and from there the interpreter runs again. Steps that completed before that
 * point are replayed from the history, not executed again, and the context is what it was then. It works
 * on running, completed and failed processes alike, and the previous run stays inspectable.
 *
 * The chosen task comes from the process's `starts` query: the workflow task in which each step became
 * active, first and latest (see `workflows/step-starts.ts`); it covers every kind of step, not only the
 * ones that schedule a Temporal activity. Signals and updates received after that point (events, pauses,
 * `set`) are not reapplied to the new run: it continues from the state at the reset point, and whoever
 * sent them can send them again. (Reapplied, an event would reach the new run before the await it was
 * meant for is waiting again, and a pause would stop it unasked.)
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { STARTS_QUERY, type StepStart } from '../operations';
import { STATE_QUERY, type ActivitySnapshot, type ProcessSnapshot } from '../protocol';
import { BureaucratError } from '../errors';

/** Temporal's enum values (temporal.api.enums.v1), spelled out so as not to depend on the proto package. */
const EVENT_TYPE_WORKFLOW_TASK_STARTED = 6;
const WORKFLOW_TASK_ENDS = new Set([7, 8, 9]); // completed, timed out, failed
const RESET_REAPPLY_TYPE_NONE = 2;
const RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL = 1;
const RESET_REAPPLY_EXCLUDE_TYPE_UPDATE = 2;

type ResetRequest = Parameters<Client['workflowService']['resetWorkflowExecution']>[0];

/** A retry or reset that cannot be done: the message says why (unknown step, a process that did not fail…). */
export class ResetError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'ResetError';
  readonly code = 'CANNOT_RESET';
}

/** What a retry or reset did. */
export interface ResetResult {
  /** The process that was retried or reset. */
  readonly processId: string;
  /** The full id of the step the process runs again from. */
  readonly activityId: string;
  /** The run that was reset, and the new one. */
  readonly fromRunId: string;
  /** The new run. */
  readonly runId: string;
  /** The event of the old run's history the new run continues after. */
  readonly eventId: number;
}

/**
 * Resets process `processId` to the first start of `activityId` (full, `<id>_0_2`, or relative, `_0_2`),
 * or, for `'retry'`, a failed process to the latest start of the step that faulted.
 */
export async function resetProcess(
  client: Client,
  processId: string,
  target: { readonly activityId: string } | 'retry',
): Promise<ResetResult> {
  const handle = client.workflow.getHandle(processId);
  const description = await handle.describe();
  const fromRunId = description.runId;
  const run = client.workflow.getHandle(processId, fromRunId);
  let relative: string;
  if (target === 'retry') {
    if (description.status.name !== 'FAILED') {
      throw new ResetError(
        `process ${processId} did not fail (it is ${description.status.name.toLowerCase()}): only a failed process can be retried`,
      );
    }
    const step = faultedStep(await run.query<ProcessSnapshot>(STATE_QUERY));
    relative = step.id.slice(processId.length);
  } else {
    relative = target.activityId.startsWith(processId)
      ? target.activityId.slice(processId.length)
      : target.activityId;
  }
  const starts = await run.query<Record<string, StepStart>>(STARTS_QUERY);
  const start = starts[relative];
  if (!start) {
    throw new ResetError(
      `process ${processId} never reached activity ${processId}${relative} in its current run` +
        ' (`bureaucrat status` shows the activity ids; the ones not ready can be reset to)',
    );
  }
  const eventId = await taskEnd(run, target === 'retry' ? start.last : start.first);
  const answer = client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId: processId, runId: fromRunId },
    reason:
      target === 'retry'
        ? `bureaucrat retry from ${processId}${relative}`
        : `bureaucrat reset to ${processId}${relative}`,
    // An int64 field: protobufjs encodes a plain number as well as the Long its types name.
    workflowTaskFinishEventId: eventId as unknown as ResetRequest['workflowTaskFinishEventId'],
    requestId: randomUUID(),
    resetReapplyType: RESET_REAPPLY_TYPE_NONE,
    resetReapplyExcludeTypes: [RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL, RESET_REAPPLY_EXCLUDE_TYPE_UPDATE],
  });
  return {
    processId,
    activityId: `${processId}${relative}`,
    fromRunId,
    runId: (await answer).runId ?? '',
    eventId,
  };
}

/**
 * The step an unhandled fault came from: following `aborted` nodes down from the process (a fault marks
 * every activity it leaves aborted), the deepest one; through a fault handler that faulted itself rather
 * than the step whose fault it was handling.
 */
export function faultedStep(root: ActivitySnapshot): ActivitySnapshot {
  let node = root;
  for (;;) {
    // An aborted handler is where the fault escaped last (its body's own fault came before it).
    const next = [...node.faults, ...node.children].find((child) => child.state === 'aborted');
    if (!next) return node;
    node = next;
  }
}

/** The event that ended the workflow task started at (or last before) event `task`: the reset point. */
async function taskEnd(run: ReturnType<Client['workflow']['getHandle']>, task: number): Promise<number> {
  const events = ((await run.fetchHistory()).events ?? []).map((e) => ({
    id: Number(e.eventId),
    type: Number(e.eventType),
  }));
  const started = events
    .filter((e) => e.id <= task && e.type === EVENT_TYPE_WORKFLOW_TASK_STARTED)
    .reduce((last, e) => Math.max(last, e.id), 0);
  const end = events.find((e) => e.id > started && WORKFLOW_TASK_ENDS.has(e.type));
  if (started && end) return end.id;
  throw new ResetError(`no workflow task ended after event ${task} of the history: nothing to reset to`);
}
