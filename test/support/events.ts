/**
 * What reached a process or a router, read from its history over all its runs (following continue-as-new):
 * tests state exactly which events each await received, and that none came twice.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { ProcessHandle } from '../../src/client/process-handle';
import { EVENT_SIGNAL, type EventMessage } from '../../src/protocol';
import { findNode } from './processes';
import { eventually } from './temporal';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * Every history event of workflow `workflowId`, over all its runs, oldest first; `WorkflowNotFoundError`
 * when there is no such workflow.
 */
export async function allRunsEvents(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  const all: HistoryEvent[] = [];
  // A handle without a run id reads the latest run: start from the first one instead.
  const first = (await client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo
    ?.firstRunId;
  for (let runId: string | undefined = first || undefined; ;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    let next: string | undefined;
    for (const event of history.events ?? []) {
      all.push(event);
      next = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? next;
    }
    if (!next) return all;
    runId = next;
  }
}

/** The first payload of `payloads`, decoded. */
export const firstPayload = <T>(payloads: temporal.api.common.v1.IPayloads | null | undefined): T =>
  defaultPayloadConverter.fromPayload<T>(payloads?.payloads?.[0] ?? {});

/** The `event` signals process `processId` received, oldest first. */
export async function receivedEvents(client: Client, processId: string): Promise<EventMessage[]> {
  return (await allRunsEvents(client, processId))
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((s) => s?.signalName === EVENT_SIGNAL)
    .map((s) => firstPayload<EventMessage>(s?.input));
}

/** Waits until activity `id` (default the first, `_0`) of each process shows `active`. */
export async function activeAt(
  handles: readonly ProcessHandle[],
  id = '_0',
  timeoutMs?: number,
): Promise<void> {
  await Promise.all(
    handles.map((h) =>
      eventually(
        () => h.state(),
        (s) => findNode(s, id)?.state === 'active',
        timeoutMs,
      ),
    ),
  );
}
