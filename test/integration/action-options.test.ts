/**
 * Per-action options of the language against a real server: `queue` routes an action to another task
 * queue's workers, `retries` and `timeout` bound its attempts, and `<await timeout>` raises a catchable
 * `Timeout` fault naming the event.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure, type ApplicationFailure } from '@temporalio/common';
import { Launcher } from '../../src/client/launcher';
import { ROUTES_ENV } from '../../src/routes';
import { renderState } from '../../src/cli/render-state';
import { eventually, uniqueTaskQueue, useTestServer } from '../support/temporal';
import { findNode, processState, startProcess, withProcessWorker } from '../support/processes';

describe('per-action options', () => {
  const testServer = useTestServer();

  it('queue="…" runs the action on that task queue, served by another worker', async () => {
    const env = testServer();
    await withProcessWorker(
      env,
      { 'billing.charge': (w) => ({ charged: w.fields.amount, by: 'billing' }) },
      (billingQueue) =>
        withProcessWorker(env, { 'billing.charge': () => ({ by: 'main' }) }, async (taskQueue) => {
          const xml = `<process><context><property name="amount" type="int">7</property></context>
              <action participant="billing.charge" queue="${billingQueue}"/></process>`;
          const handle = await startProcess(env, taskQueue, xml);
          expect(await handle.result()).toEqual({ amount: 7, charged: 7, by: 'billing' });
        }),
    );
  });

  it('the routing table (option, else $BUREAUCRAT_ROUTES) routes by name or glob; the queue attribute wins', async () => {
    const env = testServer();
    const reply = (by: string) => ({
      'billing.charge': () => ({ charge: by }),
      'billing.audit': () => ({ audit: by }),
      'shop.ship': () => ({ ship: by }),
    });
    await withProcessWorker(env, reply('routed'), (routedQueue) =>
      withProcessWorker(env, reply('attribute'), (attributeQueue) =>
        withProcessWorker(env, reply('main'), async (taskQueue) => {
          const xml = `<process><action participant="billing.charge"/>
            <action participant="billing.audit" queue="${attributeQueue}"/><action participant="shop.ship"/></process>`;
          const launcher = new Launcher(env.client, taskQueue);
          const byOption = await launcher.launch(xml, {}, { routes: { 'billing.*': routedQueue } });
          expect(await byOption.result()).toEqual({ charge: 'routed', audit: 'attribute', ship: 'main' });
          expect(ROUTES_ENV).toBe('BUREAUCRAT_ROUTES');
          process.env.BUREAUCRAT_ROUTES = `billing.*=${routedQueue}, shop.ship=${routedQueue}`;
          try {
            const byEnv = await launcher.launch(xml);
            expect(await byEnv.result()).toEqual({ charge: 'routed', audit: 'attribute', ship: 'routed' });
          } finally {
            delete process.env.BUREAUCRAT_ROUTES;
          }
        }),
      ),
    );
  });

  it('retries="n" allows n attempts after the first, then the action faults with ActionError', async () => {
    const env = testServer();
    let attempts = 0;
    const xml = `<process><action participant="flaky" retries="1"/></process>`;
    await withProcessWorker(
      env,
      {
        flaky: () => {
          attempts++;
          throw new Error(`attempt ${attempts} failed`);
        },
      },
      async (taskQueue) => {
        const handle = await startProcess(env, taskQueue, xml);
        const err = await handle.result().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WorkflowFailedError);
        expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe('ActionError');
        expect(attempts).toBe(2);
      },
    );
  });

  it('a retry policy given in part keeps the default retry fields it does not set, as scheduled', async () => {
    const env = testServer();
    const xml = `<process><action participant="noop"/><action participant="noop" retries="4"/></process>`;
    await withProcessWorker(env, { noop: () => ({}) }, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml, {
        actionOptions: { retry: { maximumAttempts: 3 }, startToCloseTimeout: '1 minute' },
      });
      await handle.result();
      const history = await handle.fetchHistory();
      const scheduled = (history.events ?? []).flatMap((e) =>
        e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : [],
      );
      const seconds = (d: { seconds?: unknown } | null | undefined) => Number(d?.seconds ?? 0);
      expect(
        scheduled.map((a) => ({
          attempts: a.retryPolicy?.maximumAttempts,
          initial: seconds(a.retryPolicy?.initialInterval),
          backoff: a.retryPolicy?.backoffCoefficient,
          maximum: seconds(a.retryPolicy?.maximumInterval),
          startToClose: seconds(a.startToCloseTimeout),
        })),
      ).toEqual([
        { attempts: 3, initial: 1, backoff: 2, maximum: 60, startToClose: 60 },
        { attempts: 5, initial: 1, backoff: 2, maximum: 60, startToClose: 60 },
      ]);
    });
  });

  it('timeout="s" ends an attempt that runs longer; retries="0" then faults, caught by <faults>', async () => {
    const env = testServer();
    const xml = `<process>
      <context><property name="handled" type="str"/><faults><case code="ActionError"><assign property="handled">context["inst:fault"]["message"]</assign></case></faults></context>
      <action participant="slow" timeout="1" retries="0"/>
    </process>`;
    await withProcessWorker(
      env,
      {
        slow: async () => {
          await new Promise((resolve) => setTimeout(resolve, 4000));
          return { late: true };
        },
      },
      async (taskQueue) => {
        const handle = await startProcess(env, taskQueue, xml);
        const result = await handle.result();
        expect(result).not.toHaveProperty('late');
        expect(String(result.handled)).toMatch(/slow/);
      },
    );
  });

  it('heartbeat="s": an attempt that stops heartbeating fails; with retries="0" the action faults', async () => {
    const env = testServer();
    const xml = `<process><action participant="silent" heartbeat="1" retries="0"/></process>`;
    await withProcessWorker(
      env,
      {
        silent: async (_w, { heartbeat }) => {
          heartbeat('started');
          await new Promise((resolve) => setTimeout(resolve, 5000));
          return { late: true };
        },
      },
      async (taskQueue) => {
        const handle = await startProcess(env, taskQueue, xml);
        const err = await handle.result().catch((e: unknown) => e);
        expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe('ActionError');
      },
    );
  });

  it('a cancelled process cancels its running participant, which sees it through its abort signal', async () => {
    const env = testServer();
    const xml = `<process><action participant="long" heartbeat="2"/></process>`;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let aborted!: (reason: unknown) => void;
    const sawAbort = new Promise<unknown>((resolve) => (aborted = resolve));
    await withProcessWorker(
      env,
      {
        long: async (_w, { heartbeat, signal }) => {
          started();
          while (!signal.aborted) {
            heartbeat();
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          aborted(signal.reason);
          throw signal.reason;
        },
      },
      async (taskQueue) => {
        const handle = await startProcess(env, taskQueue, xml);
        await running;
        await handle.cancel();
        const err = await handle.result().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WorkflowFailedError);
        // The process ends cancelled, not on the fault ActionError; its action shows canceled.
        expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
        expect((await handle.describe()).status.name).toBe('CANCELLED');
        expect(findNode(await processState(env, handle.workflowId), '_0')?.state).toBe('canceled');
        expect(await sawAbort).toBeDefined();
      },
    );
  });

  it('an action whose queue no worker polls shows what it waits for (inspect, bureaucrat status)', async () => {
    const env = testServer();
    const nowhere = uniqueTaskQueue('nowhere');
    const xml = `<process><action participant="billing.charge" queue="${nowhere}"/></process>`;
    await withProcessWorker(env, {}, async (taskQueue) => {
      const launcher = new Launcher(env.client, taskQueue);
      const handle = await launcher.launch(xml);
      const state = await eventually(
        () => handle.inspect(),
        (s) => findNode(s, '_0')?.waiting !== undefined,
      );
      expect(findNode(state, '_0')).toMatchObject({
        state: 'active',
        queue: nowhere,
        attempt: 1,
        waiting: `waiting for a worker of participant billing.charge on task queue ${nowhere}: none polls it`,
      });
      expect(renderState(state)).toContain(`billing.charge active — waiting for a worker of participant`);
      await handle.cancel();
    });
  });

  it("the snapshot from inspect shows a running action's attempt and its last failure", async () => {
    const env = testServer();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let attempts = 0;
    const xml = `<process><action participant="flaky" retries="3"/></process>`;
    await withProcessWorker(
      env,
      {
        flaky: async () => {
          if (++attempts === 1) throw new Error('gateway down');
          await released;
          return { ok: true };
        },
      },
      async (taskQueue) => {
        const handle = new Launcher(env.client, taskQueue).get(
          (await startProcess(env, taskQueue, xml)).workflowId,
        );
        const state = await eventually(
          () => handle.inspect(),
          (s) => findNode(s, '_0')?.attempt === 2,
        );
        expect(findNode(state, '_0')).toMatchObject({ attempt: 2, lastFailure: 'gateway down' });
        expect(renderState(state)).toContain('flaky active attempt 2 (last failure: gateway down)');
        release();
        expect(await handle.result()).toEqual({ ok: true });
      },
    );
  });

  it('<await timeout="s"> faults with Timeout naming the event and the wait, catchable by <faults>', async () => {
    const env = testServer();
    const xml = `<process>
      <context><property name="why" type="str"/><faults><case code="Timeout"><assign property="why">context["inst:fault"]["message"]</assign></case></faults></context>
      <await event="payment" timeout="1"/>
      <assign property="paid">True</assign>
    </process>`;
    await withProcessWorker(env, {}, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      const result = await handle.result();
      expect(result).not.toHaveProperty('paid');
      expect(result.why).toBe('<await event="payment"> waited 1s and no matching event came');
    });
  });
});
