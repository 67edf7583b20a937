import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as activities from '../support/hello-activities';
import { delayedHello } from '../workflows/hello';
import { createTimeSkippingEnv, withWorker } from '../support/temporal';

// Java and Maven are prerequisites of the test suite (README): without them this file fails loudly.
describe('the Java time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow with a one-hour durable timer without waiting an hour', async () => {
    const workflowId = `nap-${Date.now()}`;
    const result = await withWorker(env, { activities }, (taskQueue) =>
      env.client.workflow.execute(delayedHello, { taskQueue, workflowId, args: [3600, 'sleeper'] }),
    );
    expect(result).toBe('Hello, sleeper!');

    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const timer = history.events?.find((e) => e.timerStartedEventAttributes);
    expect(Number(timer?.timerStartedEventAttributes?.startToFireTimeout?.seconds)).toBe(3600);
    expect(history.events?.some((e) => e.timerFiredEventAttributes)).toBe(true);
  });
});
