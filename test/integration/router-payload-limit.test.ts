/**
 * Where the old router design broke, found against a real server, and the new one past that point
 * (issue 16). The old router carried every subscription of its event name across continue-as-new, so
 * its input grew with the awaits waiting on the name until Temporal refused it (a payload past the blob
 * size limit, 2 MiB by default). Reaching that at 2 MiB takes about 25,000 parked awaits; this test gives
 * its own dev server a limit of 32 KiB, where the same break comes at a few hundred, finds it, and then
 * shows a chain of capped routers carrying three times as many subscriptions through continue-as-new.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { newRouterState } from '../../activities/events';
import { createWorker } from '../../src/worker/create-worker';
import { startDevServer, type DevServer } from '../../src/server/dev-server';
import {
  DELIVER_ACTIVITY,
  EVENT_ROUTER_WORKFLOW_TYPE,
  eventRouterId,
  overflowRouterId,
  SUBSCRIBE_SIGNAL,
  SUBSCRIBES_SIGNAL,
  TRIGGER_SIGNAL,
  type DeliverInput,
  type RouterState,
  type Subscription,
} from '../../src/wire/router';
import { allRunsEvents, firstPayload } from '../support/events';
import { eventually, testWorkflowBundle, uniqueTaskQueue } from '../support/temporal';

/** The blob size limit of this test's server: 1/64 of Temporal's default. */
const LIMIT = 32 * 1024;
const DEFAULT_LIMIT = 2 * 1024 * 1024;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** `WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND`. */
const UNHANDLED_COMMAND = 1;

/** A router continues as new this often (history events), so every few subscriptions it carries them. */
const CONTINUE_AS_NEW_AFTER = 30;

/** A subscription as an await sends it: a launcher-style process id. */
const subscription = (): Subscription => ({ processId: `order-process-${randomUUID()}`, awaitKey: '_0#1' });

/** Patience for a burst of signals on a loaded two-core machine: not a timing claim. */
const PATIENCE_MS = 180_000;

describe('router payloads against the server limit', () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer({
      log: () => undefined,
      dynamicConfig: { 'limit.blobSize.error': LIMIT, 'limit.blobSize.warn': LIMIT / 2 },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** Starts the router of a new event name with `state` and a worker for it; runs `fn`. */
  async function withRouter<T>(
    state: Partial<RouterState>,
    fn: (client: Client, routerId: string) => Promise<T>,
  ): Promise<T> {
    const taskQueue = uniqueTaskQueue('limit');
    const name = `limit-${randomUUID().slice(0, 8)}`;
    const routerId = eventRouterId(name);
    await server.env.client.workflow.start(EVENT_ROUTER_WORKFLOW_TYPE, {
      workflowId: routerId,
      taskQueue,
      args: [{ ...newRouterState(name), continueAsNewAfterEvents: CONTINUE_AS_NEW_AFTER, ...state }],
    });
    const worker = await createWorker({
      participants: {},
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue,
      workflowBundle: testWorkflowBundle(),
    });
    return worker.runUntil(() => fn(server.env.client, routerId));
  }

  /**
   * Whether a history event shows the server refusing the run's payload: a failed workflow task for any
   * cause but an unhandled command (a continue-as-new that raced new signals, retried as normal), or the
   * run terminated.
   */
  const refused = (e: HistoryEvent): boolean =>
    Boolean(
      e.workflowExecutionTerminatedEventAttributes ||
      (e.workflowTaskFailedEventAttributes &&
        e.workflowTaskFailedEventAttributes.cause !== UNHANDLED_COMMAND),
    );

  /** What one router's runs carried: the subscriptions in each run's input, and whether a run broke. */
  async function runsOf(client: Client, routerId: string) {
    const events = await allRunsEvents(client, routerId);
    const carried = events
      .map((e) => e.workflowExecutionStartedEventAttributes)
      .filter((a) => a)
      .map((a) => firstPayload<RouterState>(a?.input).subscriptions.length);
    const broke = events.some(refused);
    return { events, carried, broke };
  }

  /** How many subscriptions these history events recorded (one per `subscribe`, a batch's per `subscribes`). */
  const subscriptionsIn = (events: Awaited<ReturnType<typeof allRunsEvents>>): number =>
    events
      .map((e) => e.workflowExecutionSignaledEventAttributes)
      .reduce(
        (n, s) =>
          n +
          (s?.signalName === SUBSCRIBE_SIGNAL
            ? 1
            : s?.signalName === SUBSCRIBES_SIGNAL
              ? firstPayload<Subscription[]>(s.input).length
              : 0),
        0,
      );

  /**
   * Sends `n` subscriptions to `routerId`, `lanes` at a time; stops early once the router is gone (the
   * server terminated it). Returns how many it sent.
   */
  async function subscribe(client: Client, routerId: string, n: number, lanes: number): Promise<number> {
    const handle = client.workflow.getHandle(routerId);
    let sent = 0;
    let gone = false;
    const lane = async () => {
      while (sent < n && !gone) {
        sent += 1;
        try {
          await handle.signal(SUBSCRIBE_SIGNAL, subscription());
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          gone = true;
          sent -= 1;
        }
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    return sent;
  }

  it('the old design (every subscription carried) breaks where its input passes the limit; capped routers go past it', async () => {
    const bytesPerSubscription = JSON.stringify(subscription()).length + 1;
    const predicted = Math.floor(LIMIT / bytesPerSubscription);

    // The old design: no cap. Subscriptions accumulate until a continue-as-new is refused.
    const breakAt = await withRouter({ overflowAfter: 1_000_000_000 }, async (client, routerId) => {
      // One at a time: a continue-as-new that races a new signal is refused as an unhandled command
      // before its size is checked, so a burst would carry the count past the limit unseen.
      await subscribe(client, routerId, predicted * 3, 1);
      await eventually(
        async () => (await runsOf(client, routerId)).broke,
        (b) => b,
        PATIENCE_MS,
      );
      const { events, carried } = await runsOf(client, routerId);
      // The run that broke held what it carried plus the subscriptions it recorded before its failure.
      const lastRun = events.slice(
        events.map((e) => Boolean(e.workflowExecutionStartedEventAttributes)).lastIndexOf(true),
      );
      const failedAt = lastRun.findIndex(refused);
      const recorded = subscriptionsIn(lastRun.slice(0, failedAt));
      // Refused for its size, and nothing else.
      const refusal = lastRun[failedAt];
      expect(
        refusal.workflowTaskFailedEventAttributes?.failure?.message ??
          refusal.workflowExecutionTerminatedEventAttributes?.reason,
      ).toMatch(/ContinueAsNew.*exceeds size limit/);
      const largestCarried = Math.max(...carried);
      const held = carried[carried.length - 1] + recorded;
      expect(largestCarried).toBeLessThan(held);
      // Both sides of the break bracket the limit, as the payload's size says they should.
      expect(largestCarried).toBeLessThanOrEqual(predicted);
      expect(held).toBeGreaterThan(predicted * 0.95); // the rest of the router's input counts too
      console.info(
        `old router design: carried ${largestCarried} subscriptions, broke holding ${held} ` +
          `(${bytesPerSubscription} B each, limit ${LIMIT} B); at the default ${DEFAULT_LIMIT} B: ~${Math.round((held * DEFAULT_LIMIT) / LIMIT)}`,
      );
      return held;
    });

    // The new design: a cap well under the break; the overflow goes down the chain. Three times as many
    // subscriptions, then one trigger that must reach every one of them.
    const cap = Math.floor(breakAt / 4);
    await withRouter({ overflowAfter: cap }, async (client, head) => {
      const total = breakAt * 3;
      expect(await subscribe(client, head, total, 16)).toBe(total);
      const chain = async () => {
        const routers = [];
        for (let id = head; ; id = overflowRouterId(id)) {
          try {
            routers.push({ id, ...(await runsOf(client, id)) });
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) return routers; // the next router does not exist
            throw err;
          }
        }
      };
      // Order holds along the chain: the trigger reaches each router after the subscriptions it keeps.
      await client.workflow.getHandle(head).signal(TRIGGER_SIGNAL, { message: { event: 'limit' } });
      const delivered = async () =>
        (await chain())
          .flatMap((r) => r.events)
          .map((e) => e.activityTaskScheduledEventAttributes)
          .filter((a) => a?.activityType?.name === DELIVER_ACTIVITY)
          .reduce((n, a) => n + firstPayload<DeliverInput>(a?.input).targets.length, 0);
      expect(await eventually(delivered, (n) => n >= total, PATIENCE_MS)).toBe(total);
      for (const router of await chain()) {
        expect(router.broke).toBe(false);
        expect(Math.max(...router.carried)).toBeLessThanOrEqual(cap);
      }
    });
  }, 600_000);
});
