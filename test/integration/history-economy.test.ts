import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { PROCESS_WORKFLOW_TYPE, type Workitem } from '../../src/protocol';
import { useTestServer } from '../support/temporal';
import { processId, processStart, withProcessWorker } from '../support/processes';

/**
 * The interpreter must cost no history events beyond the same process written by hand against the SDK
 * (`test/workflows/handwritten.ts`): no markers, local activities, upserts or signals per step. Parallel
 * branches finish in a fixed order, each in a workflow task of its own ({@link inTurn}), so that
 * workflow-task batching is the same for both and the comparison is exact, event type by event type.
 */
const { EVENT_TYPE_ACTIVITY_TASK_COMPLETED, EVENT_TYPE_WORKFLOW_TASK_COMPLETED } =
  temporal.api.enums.v1.EventType;
const ACTIVITY_TASK_COMPLETED = String(EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
const WORKFLOW_TASK_COMPLETED = String(EVENT_TYPE_WORKFLOW_TASK_COMPLETED);

/**
 * The `noop` participant. The action of branch b of the `all` (`_0_b_0`) completes once the workflow has
 * completed a task after branch b - 1's completion, so that each completion lands in a workflow task of
 * its own (a fixed delay per branch raced a loaded worker: two completions could share one task on one
 * side). Other shapes' actions complete at once.
 */
const inTurn =
  (env: TestWorkflowEnvironment) =>
  async (w: Workitem): Promise<Record<string, unknown>> => {
    const branch = /^_0_(\d+)_0$/.exec(w.activityId.slice(w.processId.length))?.[1];
    if (branch === undefined) return {};
    for (;;) {
      const events = await eventTypes(env, w.processId);
      const last = events.lastIndexOf(ACTIVITY_TASK_COMPLETED);
      const completions = events.filter((e) => e === ACTIVITY_TASK_COMPLETED).length;
      if (completions === Number(branch) && events.indexOf(WORKFLOW_TASK_COMPLETED, last + 1) >= 0) return {};
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

const actions = (n: number) => '<action participant="noop"/>'.repeat(n);

const shapes = [
  {
    name: 'a 10-action sequence',
    xml: `<process>${actions(10)}</process>`,
    hand: { type: 'handSequence', args: [10] },
  },
  {
    name: 'a 3-branch all',
    xml: `<process><all>${`<sequence>${actions(1)}</sequence>`.repeat(3)}</all></process>`,
    hand: { type: 'handAll', args: [3, 1] },
  },
  {
    name: 'a 5-iteration while',
    xml: `<process><context><property name="counter" type="int">0</property></context>
      <while><condition>context["counter"] &lt; 5</condition>${actions(1)}
        <assign property="counter">context["counter"] + 1</assign></while></process>`,
    hand: { type: 'handWhile', args: [5] },
  },
];

async function eventTypes(env: TestWorkflowEnvironment, workflowId: string): Promise<string[]> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((e) => String(e.eventType));
}

describe('history economy: the interpreter against hand-written workflows', () => {
  const testServer = useTestServer();

  it.each(shapes)(
    '$name produces exactly the events of its hand-written equivalent',
    async ({ xml, hand }) => {
      const env = testServer();
      await withProcessWorker(env, { noop: inTurn(env) }, async (taskQueue) => {
        const interpreted = await env.client.workflow.start(
          PROCESS_WORKFLOW_TYPE,
          processStart(taskQueue, xml),
        );
        const handWritten = await env.client.workflow.start(hand.type, {
          taskQueue,
          workflowId: processId('hand'),
          args: hand.args,
        });
        await Promise.all([interpreted.result(), handWritten.result()]);
        const [a, b] = await Promise.all([
          eventTypes(env, interpreted.workflowId),
          eventTypes(env, handWritten.workflowId),
        ]);
        expect(a.length).toBe(b.length);
        expect(a).toEqual(b);
      });
    },
  );
});
