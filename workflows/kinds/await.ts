/**
 * `await event="name"`: waits for an event of that name whose conditions hold (see `../mailbox.ts`);
 * conditions read `context` and `event` (the event message). Cancellable like any other wait; with
 * `timeout`, faults with `Timeout` when no matching event came in time.
 */
import { condition, proxyActivities } from '@temporalio/workflow';
import type { AwaitActivity } from '../../src/definition';
import { TIMEOUT_CODE } from '../../src/protocol';
import { SUBSCRIBE_ACTIVITY, type SubscribeInput } from '../../src/wire/router';
import type { Scope } from '../../src/scope';
import { ProcessFault } from '../process-fault';
import { withdraw } from '../withdraw';
import type { Runtime, StepKind } from './kind';

/** The project's own event activities: quick, idempotent, retried until they succeed. */
const eventActivities = proxyActivities<{
  [SUBSCRIBE_ACTIVITY]: (input: SubscribeInput) => Promise<void>;
}>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '10 seconds' },
});

/** `<await>`: shows `active` once it listens. */
export const awaitKind: StepKind<AwaitActivity> = {
  shape: 'step',
  activatesItself: true,
  parks: true,
  start: (node, frame, run) => wait(node, frame.scope, run),
};

async function wait(node: AwaitActivity, scope: Scope, run: Runtime): Promise<void> {
  // A deadline rather than a timer per wait: the loop below may wait several times (resubscriptions).
  const deadline = node.timeout !== undefined ? run.deadline(node, node.timeout * 1000) : undefined;
  const key = run.nextAwaitKey(node);
  const waiter = run.mailbox.enter(key, node.event, node.conditions, scope, node.key);
  const subscribe = () =>
    eventActivities[SUBSCRIBE_ACTIVITY]({
      event: node.event,
      processId: run.processId,
      ...run.mailbox.subscription(waiter),
    });
  try {
    // Broadcast: the await shows `active` only once its router knows it, so a trigger sent after the
    // state query shows it active always reaches it.
    if (run.broadcastEvents) await subscribe();
    run.activate(node);
    for (;;) {
      const woken = () => waiter.settled || waiter.resubscribe;
      if (deadline === undefined) await condition(woken);
      else if (!(await condition(woken, Math.max(deadline - Date.now(), 1)))) {
        throw new ProcessFault(
          TIMEOUT_CODE,
          `<await event="${node.event}"> waited ${node.timeout}s and no matching event came`,
        );
      }
      if (waiter.settled) break;
      waiter.resubscribe = false;
      await subscribe();
    }
  } finally {
    run.mailbox.leave(waiter);
    // Ended without its event (cancelled, timed out): the router need not carry the subscription on.
    if (run.broadcastEvents && !waiter.settled)
      await withdraw(node.event, { processId: run.processId, ...run.mailbox.subscription(waiter) });
  }
  if (waiter.fault) throw waiter.fault;
}
