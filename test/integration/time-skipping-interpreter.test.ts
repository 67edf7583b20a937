import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { PROCESS_WORKFLOW_TYPE } from '../../src/protocol';
import { participantActivities } from '../../src/worker/participants';
import { createTimeSkippingEnv, withWorker } from '../support/temporal';
import { findNode } from '../support/processes';

/**
 * Temporal caps a history at 51,200 events; a 20,000-iteration loop of actions needs ~120,000. The
 * interpreter continues as new on its own (default threshold) and the process id and state carry over.
 *
 * It runs on Temporal's in-memory (Java) test server: the dev server on this 2-core machine takes ~45 ms
 * per activity round trip (the same for a hand-written workflow), which would make this one test ~15
 * minutes; the test server does it in a few.
 */
describe('on the time-skipping test server: a 20,000-iteration loop and a one-hour delay', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('completes through continue-as-new with the default threshold', async () => {
    const xml = `<process>
      <context><property name="n" type="int">0</property></context>
      <while><condition>context["n"] &lt; 20000</condition>
        <action participant="count"/>
      </while>
    </process>`;
    const activities = participantActivities({ count: (w) => ({ n: (w.fields.n as number) + 1 }) });
    await withWorker(env, { activities }, async (taskQueue) => {
      const handle = await env.client.workflow.start(PROCESS_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `long-loop-${Date.now()}`,
        args: [{ definition: xml }],
      });
      expect(await handle.result()).toEqual({ n: 20000 });
      const state = await handle.query<Parameters<typeof findNode>[0]>('state');
      expect(findNode(state, '_0')).toMatchObject({ state: 'completed', iteration: 20000 });
      const { events = [] } = await handle.fetchHistory();
      expect(events?.length).toBeLessThan(51_200);
      // The last run started from a continuation: its input carries the resume frames.
      const started = events?.[0].workflowExecutionStartedEventAttributes;
      expect(started?.continuedExecutionRunId).toBeTruthy();
    });
  }, 1_800_000);

  it('runs a one-hour delay as a durable timer that the time-skipping server fires at once', async () => {
    const xml = `<process><delay duration="3600"/><assign property="after">True</assign></process>`;
    await withWorker(env, {}, async (taskQueue) => {
      const handle = await env.client.workflow.start(PROCESS_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `long-delay-${Date.now()}`,
        args: [{ definition: xml }],
      });
      expect(await handle.result()).toEqual({ after: true });
      const { events } = await handle.fetchHistory();
      const timer = events?.find((e) => e.timerStartedEventAttributes)?.timerStartedEventAttributes;
      expect(Number(timer?.startToFireTimeout?.seconds)).toBe(3600);
    });
  });
});
