/**
 * What reached a process: the event messages signalled to it, read from its history (all runs), so that
 * tests state exactly which events each await received and that none came twice.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { EVENT_SIGNAL, type EventMessage } from '../../src/protocol';

/** The `event` signals in the history of process `processId` (following continue-as-new), oldest first. */
export async function receivedEvents(client: Client, processId: string): Promise<EventMessage[]> {
  const messages: EventMessage[] = [];
  for (let runId: string | undefined; ;) {
    const history = await client.workflow.getHandle(processId, runId).fetchHistory();
    let next: string | undefined;
    for (const event of history.events ?? []) {
      const signalled = event.workflowExecutionSignaledEventAttributes;
      if (signalled?.signalName === EVENT_SIGNAL)
        messages.push(
          defaultPayloadConverter.fromPayload<EventMessage>(signalled.input?.payloads?.[0] ?? {}),
        );
      next = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? next;
    }
    if (!next) return messages;
    runId = next;
  }
}
