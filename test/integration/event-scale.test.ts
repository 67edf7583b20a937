/**
 * Events at scale against the real server (issue 16): a router past its cap of subscriptions passes new
 * ones on to the next router of its chain, awaits that end without an event withdraw their subscription,
 * and every await gets each matching trigger exactly once while awaits subscribe, routers continue as new
 * and two workers deliver.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import path from 'node:path';
import { newRouterState } from '../../activities/events';
import { Events } from '../../src/client/events';
import { Launcher } from '../../src/client/launcher';
import { ProcessCancelledError, ProcessFaultError } from '../../src/client/process-handle';
import {
  DELIVER_ACTIVITY,
  EVENT_ROUTER_WORKFLOW_TYPE,
  eventRouterId,
  overflowRouterId,
  UNSUBSCRIBE_SIGNAL,
  type DeliverInput,
  type RouterState,
} from '../../src/wire/router';
import { startCli, stopCli } from '../support/cli';
import { activeAt, allRunsEvents, firstPayload, receivedEvents } from '../support/events';
import { eventually, routerWorker, uniqueTaskQueue, useTestServer } from '../support/temporal';

/** Patience for many processes subscribing on a loaded two-core machine: not a timing claim. */
const PATIENCE_MS = 120_000;

const participants = path.join(__dirname, '../fixtures/cli/participants.js');

describe('events at scale: overflow chain, withdrawal, races', () => {
  const testServer = useTestServer();

  /** Runs `fn` with a worker (and another in its own process) on one task queue, and the head router pre-started with `state`. */
  async function withRouter<T>(
    state: Partial<RouterState>,
    twoWorkers: boolean,
    fn: (name: string, launcher: Launcher, events: Events) => Promise<T>,
  ): Promise<T> {
    const env = testServer();
    const name = `scale-${Math.random().toString(36).slice(2, 10)}`;
    const taskQueue = uniqueTaskQueue('scale');
    await env.client.workflow.start(EVENT_ROUTER_WORKFLOW_TYPE, {
      workflowId: eventRouterId(name),
      taskQueue,
      args: [{ ...newRouterState(name), ...state }],
    });
    // A second worker runs in its own process (one process may run one worker per task queue).
    const other = twoWorkers
      ? await startCli(
          [
            'worker',
            '--participants',
            participants,
            '--address',
            process.env.BUREAUCRAT_TEST_ADDRESS ?? '',
            '--task-queue',
            taskQueue,
          ],
          /worker on .* task queue/,
        )
      : undefined;
    const worker = await routerWorker(env, taskQueue);
    try {
      return await worker.runUntil(() =>
        fn(name, new Launcher(env.client, taskQueue), new Events(env.client, taskQueue)),
      );
    } finally {
      if (other) await stopCli(other);
      for (let id = eventRouterId(name); ; id = overflowRouterId(id)) {
        const stopped = await env.client.workflow
          .getHandle(id)
          .terminate('test over')
          .then(() => true)
          .catch(() => false);
        if (!stopped) break;
      }
    }
  }

  /** The targets of every delivery a router's history (all runs) scheduled. */
  async function deliveredTo(client: Client, routerId: string): Promise<string[]> {
    return (await allRunsEvents(client, routerId))
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === DELIVER_ACTIVITY)
      .flatMap((a) => firstPayload<DeliverInput>(a?.input).targets.map((t) => t.processId));
  }

  /**
   * How many signals of `name` a router's history (all runs) recorded; 0 while the router does not exist
   * yet (a router down the chain starts when the first signal passed on to it arrives).
   */
  async function signalsOf(client: Client, routerId: string, name: string): Promise<number> {
    let events;
    try {
      events = await allRunsEvents(client, routerId);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 0; // allRunsEvents describes the workflow first
      throw err;
    }
    return events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name).length;
  }

  it('an await that times out or is cancelled withdraws its subscription: later triggers are not delivered to it', async () => {
    await withRouter({}, false, async (name, launcher, events) => {
      const client = testServer().client;
      const timedOut = await launcher.launch(`<process><await event="${name}" timeout="0.5"/></process>`);
      await expect(timedOut.result()).rejects.toBeInstanceOf(ProcessFaultError);
      const cancelled = await launcher.launch(`<process><await event="${name}"/></process>`);
      await activeAt([cancelled]);
      await cancelled.cancel();
      await expect(cancelled.result()).rejects.toBeInstanceOf(ProcessCancelledError);
      await eventually(
        () => signalsOf(client, eventRouterId(name), UNSUBSCRIBE_SIGNAL),
        (n) => n === 2,
      );
      const waiting = await launcher.launch(`<process><await event="${name}"/></process>`);
      await activeAt([waiting]);
      await events.trigger(name);
      await waiting.result();
      expect(await deliveredTo(client, eventRouterId(name))).toEqual([waiting.processId]);
    });
  });

  it('past its cap a router passes subscriptions on; a trigger reaches every await of the chain once; withdrawals travel the chain', async () => {
    await withRouter({ overflowAfter: 3 }, false, async (name, launcher, events) => {
      const client = testServer().client;
      const launchActive = async (n: number) => {
        const launched = await Promise.all(
          Array.from({ length: n }, () => launcher.launch(`<process><await event="${name}"/></process>`)),
        );
        await activeAt(launched, '_0', PATIENCE_MS);
        return launched;
      };
      const staying = await launchActive(9);
      // Subscribed last, it sits in the fourth router of the chain; its withdrawal must travel there.
      const [leaving] = await launchActive(1);
      await leaving.cancel();
      await expect(leaving.result()).rejects.toBeInstanceOf(ProcessCancelledError);
      const chainIds = [eventRouterId(name)];
      for (let i = 1; i < 4; i++) chainIds.push(overflowRouterId(chainIds[i - 1]));
      await eventually(
        async () =>
          (await Promise.all(chainIds.map((id) => signalsOf(client, id, UNSUBSCRIBE_SIGNAL)))).join(),
        (counts) => counts === '1,1,1,1',
      );
      await events.trigger(name, { n: 1 });
      await Promise.all(staying.map((h) => h.result()));
      for (const h of staying)
        expect(await receivedEvents(client, h.processId)).toEqual([{ event: name, n: 1 }]);
      expect(await receivedEvents(client, leaving.processId)).toEqual([]);
      // Each router of the chain held at most its cap; the fourth held only the withdrawn one.
      const delivered = await Promise.all(chainIds.map((id) => deliveredTo(client, id)));
      expect(delivered.map((targets) => targets.length)).toEqual([3, 3, 3, 0]);
    });
  });

  it('every await gets each trigger after its subscription exactly once: triggers while awaits subscribe, routers continuing as new, two workers', async () => {
    const ks = Array.from({ length: 8 }, (_, i) => i + 1);
    await withRouter(
      { overflowAfter: 4, continueAsNewAfterEvents: 40 },
      true,
      async (name, launcher, events) => {
        const client = testServer().client;
        const definition = `<process><await event="${name}"><condition>event["k"] == "last"</condition></await></process>`;
        const launching = Promise.all(Array.from({ length: 24 }, () => launcher.launch(definition)));
        for (const k of ks) {
          await events.trigger(name, { k });
          await new Promise((resolve) => setTimeout(resolve, 100)); // spread triggers over the subscribing
        }
        const handles = await launching;
        await activeAt(handles, '_0', PATIENCE_MS);
        await events.trigger(name, { k: 'last' });
        await Promise.all(handles.map((h) => h.result()));
        const all = [...ks, 'last'];
        for (const h of handles) {
          const got = (await receivedEvents(client, h.processId)).map((m) => m.k);
          // A contiguous tail of the triggers: none missed after it subscribed, none twice.
          expect(got).toEqual(all.slice(all.length - got.length));
        }
      },
    );
  });
});
