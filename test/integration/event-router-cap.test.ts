/**
 * Where the single-router design broke (issue 16): a router carried every subscription of its event name
 * over continue-as-new, and Temporal refuses a payload over 2 MiB. With `order-<uuid>` process ids a
 * subscription is 77 bytes of that payload, so about 27,000 waiting awaits on one event name broke it.
 * The test builds that load directly (a router started with its subscriptions in its input, then more
 * subscribing), once as the old design (no cap) and once with the cap (the overflow chain).
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { newRouterState } from '../../activities/events';
import {
  EVENT_ROUTER_WORKFLOW_TYPE,
  eventRouterId,
  overflowRouterId,
  SUBSCRIBE_SIGNAL,
  type RouterState,
  type Subscription,
} from '../../src/protocol';
import { createWorker } from '../../src/worker/create-worker';
import { eventually, testWorkflowBundle, uniqueTaskQueue, useTestServer } from '../support/temporal';

/** Temporal's default limit on one payload (the blob size error limit). */
const PAYLOAD_LIMIT = 2 * 1024 * 1024;

const subscription = (): Subscription => ({ processId: `order-${randomUUID()}`, awaitKey: '_0#1' });

/** What became of the router's first run: it continued as new (with this input size), or it could not. */
async function outcome(
  client: Client,
  routerId: string,
): Promise<{ continued: boolean; failedTasks: number }> {
  const history = await client.workflow.getHandle(routerId).fetchHistory();
  let failedTasks = 0;
  let continued = false;
  for (const event of history.events ?? []) {
    // The server refuses the oversized continue-as-new: it fails the workflow task (or terminates the run).
    if (event.workflowTaskFailedEventAttributes || event.workflowExecutionTerminatedEventAttributes)
      failedTasks++;
    if (event.workflowExecutionContinuedAsNewEventAttributes) continued = true;
  }
  return { continued, failedTasks };
}

describe('a router carrying every subscription over continue-as-new (the old design) breaks at the 2 MiB payload cap', () => {
  const testServer = useTestServer();

  /** Starts a router holding `held` subscriptions, records 100 more, then lets a worker run it. */
  async function load(
    state: Partial<RouterState>,
  ): Promise<{ held: number; outcome: () => Promise<{ continued: boolean; failedTasks: number }> }> {
    const env = testServer();
    const name = `cap-${randomUUID()}`;
    const taskQueue = uniqueTaskQueue('cap');
    const routerId = eventRouterId(name);
    const base = { ...newRouterState(name), continueAsNewAfterEvents: 100, ...state };
    // As many subscriptions as fit in the start input with a little room: the old design's last good size.
    const held = Math.floor((PAYLOAD_LIMIT - 4096) / (JSON.stringify(subscription()).length + 1));
    const subscriptions = Array.from({ length: held }, subscription);
    await env.client.workflow.start(EVENT_ROUTER_WORKFLOW_TYPE, {
      workflowId: routerId,
      taskQueue,
      args: [{ ...base, subscriptions }],
    });
    // Recorded before any worker polls: the first workflow task applies all of them, then continues as new.
    const handle = env.client.workflow.getHandle(routerId);
    await Promise.all(Array.from({ length: 100 }, () => handle.signal(SUBSCRIBE_SIGNAL, subscription())));
    const worker = await createWorker({
      participants: {},
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: testWorkflowBundle(),
    });
    const result = await worker.runUntil(() =>
      eventually(
        () => outcome(env.client, routerId),
        (o) => o.continued || o.failedTasks > 0,
        180_000,
      ),
    );
    for (let id = routerId, i = 0; i < 3; id = overflowRouterId(id), i++)
      await env.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    return { held, outcome: async () => result };
  }

  it('without a cap, one router cannot continue as new past ~27,000 subscriptions; with it, the overflow goes down the chain', async () => {
    const old = await load({ overflowAfter: Number.MAX_SAFE_INTEGER });
    expect(old.held).toBeGreaterThan(27_000);
    expect(await old.outcome()).toMatchObject({ continued: false });
    expect((await old.outcome()).failedTasks).toBeGreaterThan(0);

    const capped = await load({});
    expect(await capped.outcome()).toMatchObject({ continued: true, failedTasks: 0 });
  }, 300_000);
});
