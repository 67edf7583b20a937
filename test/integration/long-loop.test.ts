import { PROCESS_WORKFLOW_TYPE } from '../../src/protocol';
import { useTestServer } from '../support/temporal';
import { findNode, processStart, processState, withProcessWorker } from '../support/processes';

/**
 * Temporal caps a history at 51,200 events; a 20,000-iteration loop of actions needs ~120,000. The
 * interpreter continues as new on its own (default threshold) and the process id and state carry over.
 */
describe('a 20,000-iteration while containing an action', () => {
  const testServer = useTestServer();

  it('completes through continue-as-new with the default threshold', async () => {
    const env = testServer();
    const xml = `<process>
      <context><property name="n" type="int">0</property></context>
      <while><condition>context["n"] &lt; 20000</condition>
        <action participant="count"/>
      </while>
    </process>`;
    await withProcessWorker(
      env,
      { count: (w) => ({ n: (w.fields.n as number) + 1 }) },
      async (taskQueue) => {
        const handle = await env.client.workflow.start(PROCESS_WORKFLOW_TYPE, processStart(taskQueue, xml));
        expect(await handle.result()).toEqual({ n: 20000 });
        const state = await processState(env, handle.workflowId);
        expect(findNode(state, '_0')).toMatchObject({ state: 'completed', iteration: 20000 });
        const history = await handle.fetchHistory();
        expect(history.events?.length).toBeLessThan(51_200);
      },
      { maxConcurrentActivityTaskExecutions: 10 },
    );
  }, 900_000);
});
