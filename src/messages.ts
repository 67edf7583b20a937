/**
 * The interpreter workflow's signal and query definitions, typed, so that code using the plain Temporal
 * client can talk to a process without string names:
 *
 * ```ts
 * const handle = client.workflow.getHandle('order-42');
 * await handle.signal(eventSignal, { event: 'paid', amount: 30 });
 * const snapshot = await handle.query(stateQuery);
 * ```
 *
 * Pure module: `defineSignal`/`defineQuery` only build descriptors, so the workflow bundle and Node code
 * share these same definitions.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import {
  CONTEXT_QUERY,
  EVENT_SIGNAL,
  STATE_QUERY,
  type EventMessage,
  type ProcessSnapshot,
} from './protocol';
import type { Delivery } from './wire/router';
import { TRACE_QUERY } from './wire/test-kit';
import type { ContextValues } from './scope';

/**
 * An event for the process: `{ event: name, ...data }`, offered to every `<await>` on that name waiting at
 * arrival.
 */
export const eventSignal = defineSignal<[EventMessage]>(EVENT_SIGNAL);

/**
 * The same signal as the workflow receives it (internal): routers add a second argument, the
 * {@link Delivery}, naming the awaits that subscribed before the event was triggered.
 */
export const routedEventSignal = defineSignal<[EventMessage, Delivery?]>(EVENT_SIGNAL);

/** The snapshot tree of every activity's state (works after the process ended, too). */
export const stateQuery = defineQuery<ProcessSnapshot>(STATE_QUERY);

/** The merged process context. */
export const contextQuery = defineQuery<ContextValues>(CONTEXT_QUERY);

/**
 * The ids (relative to the process: `_0`, `_1_2`) of the activities that started in the current run, in
 * order; at most 10,000. The test kit's `trace`.
 */
export const traceQuery = defineQuery<readonly string[]>(TRACE_QUERY);
