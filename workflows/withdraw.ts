/**
 * An `<await>` that ends without an event (cancelled, timed out, its `<all>` failed) withdraws its
 * subscription, so that routers do not carry the subscriptions of awaits long gone — at scale, each is
 * payload carried over every continue-as-new. A signal straight from the workflow (2 history events, no
 * activity), sent even while the await is being cancelled.
 */
import { CancellationScope, getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import { eventRouterId, UNSUBSCRIBE_SIGNAL, type Subscription } from '../src/wire/router';

/** Processes recorded before it never withdrew a subscription: on replay they still do not. */
const WITHDRAW_PATCH = 'await-withdraws-subscription';

/** Withdraws `subscription` from the router of `event` (a router that is gone has nothing to withdraw). */
export async function withdraw(event: string, subscription: Subscription): Promise<void> {
  if (!patched(WITHDRAW_PATCH)) return;
  await CancellationScope.nonCancellable(async () => {
    try {
      await getExternalWorkflowHandle(eventRouterId(event)).signal(UNSUBSCRIBE_SIGNAL, subscription);
    } catch {
      // The router does not exist (never started, or terminated by hand): nothing holds the subscription.
    }
  });
}
