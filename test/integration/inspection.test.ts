import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { CONTEXT_QUERY, EVENT_SIGNAL } from '../../src/protocol';
import { PROCESS_NAME } from '../../src/search-attributes';
import { createWorker } from '../../src/worker/create-worker';
import { eventually, testWorkflowBundle, uniqueTaskQueue, useTestServer } from '../support/temporal';
import { findNode, processState, startProcess, withProcessWorker } from '../support/processes';

const summary = (metadata: temporal.api.sdk.v1.IUserMetadata | null | undefined): unknown =>
  metadata?.summary ? defaultPayloadConverter.fromPayload(metadata.summary) : undefined;

describe('inspection: the state and context queries, memo, search attribute and summaries', () => {
  const testServer = useTestServer();

  it('shows every node with id, type, state, local context and iteration, and a human-readable Web UI', async () => {
    const env = testServer();
    const xml = `<process name="inspected">
      <context><property name="n" type="int">0</property></context>
      <while>
        <context><property name="local" type="str">x</property></context>
        <condition>context["n"] &lt; 2</condition>
        <action participant="step"/>
      </while>
      <delay duration="1"/>
      <await event="finish"/>
      <switch><case><condition>False</condition><fault/></case></switch>
    </process>`;
    await withProcessWorker(env, { step: (w) => ({ n: (w.fields.n as number) + 1 }) }, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      const id = handle.workflowId;
      const state = await eventually(
        () => processState(env, id),
        (s) => findNode(s, '_2')?.state === 'active',
      );
      expect(state).toMatchObject({ id, type: 'process', state: 'active', context: { n: 2 } });
      expect(findNode(state, '_0')).toMatchObject({
        type: 'while',
        state: 'completed',
        iteration: 2,
        context: { local: 'x' },
      });
      expect(findNode(state, '_0_0')).toMatchObject({
        id: `${id}_0_0`,
        type: 'action',
        participant: 'step',
        state: 'completed',
      });
      expect(findNode(state, '_1')).toMatchObject({ type: 'delay', seconds: 1, state: 'completed' });
      expect(findNode(state, '_2')).toMatchObject({ type: 'await', event: 'finish', state: 'active' });
      expect(findNode(state, '_3')).toMatchObject({ type: 'switch', state: 'ready' });
      expect(findNode(state, '_3_0')).toMatchObject({ type: 'case', state: 'ready' });
      expect(await handle.query(CONTEXT_QUERY)).toEqual({ n: 2 });

      const described = await handle.describe();
      expect(described.memo).toEqual({ processName: 'inspected', activityCount: 7 });
      expect(described.typedSearchAttributes.get(PROCESS_NAME)).toBe('inspected');

      await handle.signal(EVENT_SIGNAL, { event: 'finish' });
      expect(await handle.result()).toEqual({ n: 2 });
      const final = await processState(env, id);
      expect(final.state).toBe('completed');
      expect(findNode(final, '_3')?.state).toBe('completed');

      const events = (await handle.fetchHistory()).events ?? [];
      const activitySummaries = events
        .filter((e) => e.activityTaskScheduledEventAttributes)
        .map((e) => summary(e.userMetadata));
      // The step within the process: the page is the process's, and every action's event carries it.
      expect(activitySummaries).toEqual(['step · _0_0', 'step · _0_0']);
      const timerSummaries = events
        .filter((e) => e.timerStartedEventAttributes)
        .map((e) => summary(e.userMetadata));
      expect(timerSummaries).toEqual(['delay 1s · _1']);
      // The activity's input is the context and the step; the rest of the workitem is the activity's info.
      const inputs = events
        .flatMap((e) => e.activityTaskScheduledEventAttributes?.input?.payloads ?? [])
        .map((payload) => defaultPayloadConverter.fromPayload(payload));
      expect(inputs).toEqual([
        { fields: { n: 0, local: 'x' }, step: '_0_0' },
        { fields: { n: 1, local: 'x' }, step: '_0_0' },
      ]);
      // Exact to the second: a 1 s durable timer (the original fired on a 60 s tick).
      const timer = events.find((e) => e.timerStartedEventAttributes)?.timerStartedEventAttributes;
      expect(Number(timer?.startToFireTimeout?.seconds)).toBe(1);
      // No per-step bookkeeping events: no markers, upserts or memo changes.
      expect(
        events.filter(
          (e) =>
            e.markerRecordedEventAttributes ||
            e.upsertWorkflowSearchAttributesEventAttributes ||
            e.workflowPropertiesModifiedEventAttributes,
        ),
      ).toEqual([]);
    });
  });

  it('with actionOptions.summaries false, actions and delays carry no summary (and run the same)', async () => {
    const env = testServer();
    const xml =
      '<process><action participant="noop"/><delay duration="0.01"/><action participant="noop"/></process>';
    await withProcessWorker(env, { noop: () => ({ done: true }) }, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml, { actionOptions: { summaries: false } });
      expect(await handle.result()).toEqual({ done: true });
      const events = (await handle.fetchHistory()).events ?? [];
      const steps = events.filter(
        (e) => e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes,
      );
      expect(steps).toHaveLength(3);
      expect(steps.map((e) => summary(e.userMetadata))).toEqual([undefined, undefined, undefined]);
      // The option is the process's, not an activity option: the scheduled activities are the usual ones.
      const scheduled = events.find(
        (e) => e.activityTaskScheduledEventAttributes,
      )?.activityTaskScheduledEventAttributes;
      expect(scheduled?.activityType?.name).toBe('noop');
      expect(Number(scheduled?.startToCloseTimeout?.seconds)).toBe(300);
    });
  });

  it('a worker created with summaries: false gives no process it runs a summary', async () => {
    const env = testServer();
    const taskQueue = uniqueTaskQueue('no-summaries');
    const worker = await createWorker({
      participants: { noop: () => ({ done: true }) },
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: testWorkflowBundle(),
      summaries: false,
    });
    const xml = '<process><action participant="noop"/><delay duration="0.01"/></process>';
    const events = await worker.runUntil(async () => {
      const handle = await startProcess(env, taskQueue, xml);
      expect(await handle.result()).toEqual({ done: true });
      return (await handle.fetchHistory()).events ?? [];
    });
    const steps = events.filter(
      (e) => e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes,
    );
    expect(steps.map((e) => summary(e.userMetadata))).toEqual([undefined, undefined]);
  });

  it('summaries: false with workflows bundled at start is refused, naming what to do instead', async () => {
    const env = testServer();
    await expect(
      createWorker({
        participants: {},
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue: uniqueTaskQueue('no-summaries'),
        workflowsPath: require.resolve('../../workflows'),
        summaries: false,
      }),
    ).rejects.toThrow(/summaries: false needs a workflow bundle.*actionOptions\.summaries: false/);
  });

  it('marks the aborted path and the cancelled sibling when a fault ends the process', async () => {
    const env = testServer();
    const xml = `<process>
      <all>
        <delay duration="3600"/>
        <sequence><action participant="noop"/><fault code="Stop" message="stopped"/></sequence>
      </all>
    </process>`;
    await withProcessWorker(env, { noop: () => ({}) }, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      await expect(handle.result()).rejects.toThrow();
      const state = await processState(env, handle.workflowId);
      expect(state.state).toBe('aborted');
      expect(findNode(state, '_0')?.state).toBe('aborted');
      expect(findNode(state, '_0_0')?.state).toBe('canceled');
      expect(findNode(state, '_0_1')?.state).toBe('aborted');
      expect(findNode(state, '_0_1_0')?.state).toBe('completed');
      expect(findNode(state, '_0_1_1')).toMatchObject({ type: 'fault', code: 'Stop', state: 'aborted' });
    });
  });
});
