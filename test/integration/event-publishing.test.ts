/**
 * Publishing a burst of events (issue 20's publish path, shared with the awaits of issue 16): events
 * published together on one name go to its router several to a signal, in the order of the calls, and each
 * still reaches the waiting awaits and fires the triggers exactly once; the router runs at the service
 * priority, in every run of its continue-as-new chain.
 */
import { newRouterState, signalRouter } from '../../activities/events';
import { Events } from '../../src/client/events';
import { Launcher } from '../../src/client/launcher';
import { Triggers } from '../../src/client/triggers';
import { eventRouterId, SERVICE_PRIORITY, TRIGGER_SIGNAL, TRIGGERS_SIGNAL } from '../../src/wire/router';
import { TRIGGERS_ON_SIGNAL } from '../../src/triggers/protocol';
import { activeAt, allRunsEvents, receivedEvents } from '../support/events';
import { eventually, routerWorker, uniqueTaskQueue, useTestServer } from '../support/temporal';

/** Patience for a burst on a loaded two-core machine: not a timing claim. */
const PATIENCE_MS = 120_000;

describe('publishing a burst of events', () => {
  const testServer = useTestServer();

  it('sends events published together as few signals, in call order, each delivered and fired once', async () => {
    const env = testServer();
    const { client } = env;
    const taskQueue = uniqueTaskQueue('publish');
    const event = `burst-${Math.random().toString(36).slice(2, 10)}`;
    const worker = await routerWorker(env, taskQueue);
    await worker.runUntil(async () => {
      // The router starts with a low continue-as-new threshold, so that the burst spans several runs.
      await signalRouter(client, {
        routerId: eventRouterId(event),
        taskQueue,
        state: { ...newRouterState(event), continueAsNewAfterEvents: 15 },
        signal: TRIGGERS_ON_SIGNAL,
        args: [],
      });
      const triggers = new Triggers(client, taskQueue);
      const { name } = await triggers.add(
        event,
        `<process name="burst"><context><property name="n" type="int">-1</property></context></process>`,
        { when: "event['n'] % 3 == 0", id: `'${event}-' + str(event['n'])` },
      );
      const launcher = new Launcher(client, taskQueue);
      const waiting = await Promise.all(
        [1, 2, 3].map(() => launcher.launch(`<process><await event="${event}"/></process>`)),
      );
      await activeAt(waiting);

      const events = new Events(client, taskQueue);
      const count = 150;
      await Promise.all(Array.from({ length: count }, (_, n) => events.trigger(event, { n })));

      // Every await received the first event published, only that one.
      for (const handle of waiting) {
        await handle.result();
        expect((await receivedEvents(client, handle.processId)).map((m) => m.n)).toEqual([0]);
      }
      // One process per matching event (n = 0, 3, …, 147), none twice.
      const started = await eventually(
        async () => (await client.workflow.count(`BureaucratTrigger = '${name}'`)).count,
        (n) => n >= count / 3,
        PATIENCE_MS,
      );
      expect(started).toBe(count / 3);

      const history = await allRunsEvents(client, eventRouterId(event));
      const published = history
        .map((e) => e.workflowExecutionSignaledEventAttributes)
        .filter((s) => s?.signalName === TRIGGER_SIGNAL || s?.signalName === TRIGGERS_SIGNAL);
      expect(published.length).toBeLessThan(count / 5);
      const runs = history.filter((e) => e.workflowExecutionStartedEventAttributes);
      expect(runs.length).toBeGreaterThan(1);
      for (const run of runs) {
        expect(run.workflowExecutionStartedEventAttributes?.priority?.priorityKey).toBe(
          SERVICE_PRIORITY.priorityKey,
        );
        // A longer task timeout than Temporal's 10 s, for a replay after eviction (activities/events.ts).
        expect(Number(run.workflowExecutionStartedEventAttributes?.workflowTaskTimeout?.seconds)).toBe(30);
      }
    });
  }, 180_000);
});
