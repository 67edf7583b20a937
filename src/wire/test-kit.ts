/**
 * The test kit's wire names (internal): the activity that sends a test script's scheduled events and the
 * query of the activities that started (see `bureaucrat-temporal/testing`). Not part of the public API.
 *
 * Pure module (no Node APIs, no Temporal imports): the test kit's workflows import it.
 *
 * @module
 */
import type { EventMessage } from '../protocol';

/** The test kit's activity that sends one scheduled event (see `workflows/scheduled-events.ts`). */
export const SCHEDULED_EVENT_ACTIVITY = 'bureaucrat.testing.sendEvent';

/** One event of a test's script: sent `atMs` after the script started, broadcast or to one process. */
export interface ScheduledEvent {
  readonly atMs: number;
  readonly message: EventMessage;
  /** Send to this process only; broadcast when unset. */
  readonly processId?: string;
}

/** Query name of the ids of the activities that started, in order (the test kit's trace). */
export const TRACE_QUERY = 'trace';
