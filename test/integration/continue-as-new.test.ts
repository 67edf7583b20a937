import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { PROCESS_WORKFLOW_TYPE } from '../../src/protocol';
import { useTestServer } from '../support/temporal';
import { findNode, processStart, processState, withProcessWorker } from '../support/processes';

/** How many runs a workflow id went through (each continue-as-new starts one more). */
async function runCount(
  env: ReturnType<ReturnType<typeof useTestServer>>,
  workflowId: string,
): Promise<number> {
  let runs = 0;
  for await (const _ of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs++;
  return runs;
}

describe('continue-as-new: long loops stay under the history cap', () => {
  const testServer = useTestServer();
  const noop = { step: () => ({}) };

  it('resumes a nested while exactly where it was: scopes, iterations, call counters and node states survive', async () => {
    const env = testServer();
    const child = '<process><assign property="x">1</assign></process>';
    const xml = `<process name="looping">
      <context>
        <property name="n" type="int">0</property>
        <property name="last_outer" type="int">0</property>
        <property name="sub" type="str"><![CDATA[${child}]]></property>
      </context>
      <assign property="before">True</assign>
      <sequence>
        <context><property name="outer" type="int">7</property></context>
        <while>
          <context><property name="fresh" type="int">0</property></context>
          <condition>context["n"] &lt; 40</condition>
          <assign property="fresh">context["fresh"] + context["outer"]</assign>
          <action participant="step"/>
          <switch><case><condition>context["n"] % 10 == 0</condition><call process="$sub"/></case></switch>
          <assign property="n">context["n"] + context["fresh"] - 6</assign>
        </while>
        <assign property="outer">context["outer"] + 1</assign>
        <assign property="last_outer">context["outer"]</assign>
      </sequence>
    </process>`;
    await withProcessWorker(env, noop, async (taskQueue) => {
      const options = processStart(taskQueue, xml, { fields: { n: 0 }, continueAsNewAfterEvents: 60 });
      const handle = await env.client.workflow.start(PROCESS_WORKFLOW_TYPE, options);
      expect(await handle.result()).toEqual({ n: 40, sub: child, before: true, last_outer: 8 });
      expect(await runCount(env, handle.workflowId)).toBeGreaterThan(3);
      const state = await processState(env, handle.workflowId);
      expect(state).toMatchObject({ id: handle.workflowId, state: 'completed' });
      expect(findNode(state, '_0')?.state).toBe('completed');
      expect(findNode(state, '_1_0')).toMatchObject({ state: 'completed', iteration: 40 });
      // The call ran at n = 0, 10, 20, 30: four children with consecutive ids across the runs.
      const children: string[] = [];
      for await (const wf of env.client.workflow.list({
        query: `WorkflowId STARTS_WITH '${handle.workflowId}_1_0_2_0_0-'`,
      }))
        children.push(wf.workflowId);
      expect(children.sort()).toEqual([1, 2, 3, 4].map((k) => `${handle.workflowId}_1_0_2_0_0-${k}`));
      const described = await handle.describe();
      expect(described.memo).toMatchObject({ processName: 'looping' });
    });
  });

  it('resumes a foreach with its selection and current element', async () => {
    const env = testServer();
    const xml = `<process>
      <context><property name="items" type="json">[${Array.from({ length: 30 }, (_, i) => i).join(',')}]</property>
        <property name="sum" type="int">0</property></context>
      <foreach select="items">
        <action participant="step"/>
        <assign property="sum">context["sum"] + context["inst:current"] * context["inst:iteration"]</assign>
      </foreach>
    </process>`;
    await withProcessWorker(env, noop, async (taskQueue) => {
      const handle = await env.client.workflow.start(
        PROCESS_WORKFLOW_TYPE,
        processStart(taskQueue, xml, { continueAsNewAfterEvents: 50 }),
      );
      const result = await handle.result();
      expect(result.sum).toBe(Array.from({ length: 30 }, (_, i) => i * (i + 1)).reduce((a, b) => a + b));
      expect(await runCount(env, handle.workflowId)).toBeGreaterThan(2);
    });
  });

  it('resumes inside a fault handler, which still sees inst:fault', async () => {
    const env = testServer();
    const xml = `<process>
      <context><property name="n" type="int">0</property><property name="code" type="str"/></context>
      <sequence>
        <context><faults><default>
          <while><condition>context["n"] &lt; 25</condition>
            <action participant="step"/><assign property="n">context["n"] + 1</assign>
          </while>
          <assign property="code">context["inst:fault"]["code"]</assign>
        </default></faults></context>
        <fault code="Boom"/>
      </sequence>
    </process>`;
    await withProcessWorker(env, noop, async (taskQueue) => {
      const handle = await env.client.workflow.start(
        PROCESS_WORKFLOW_TYPE,
        processStart(taskQueue, xml, { continueAsNewAfterEvents: 50 }),
      );
      expect(await handle.result()).toEqual({ n: 25, code: 'Boom' });
      expect(await runCount(env, handle.workflowId)).toBeGreaterThan(2);
      const state = await processState(env, handle.workflowId);
      expect(findNode(state, '_0')?.state).toBe('completed');
      expect(findNode(state, '_0_faults_0')?.state).toBe('completed');
      expect(findNode(state, '_0_0')?.state).toBe('aborted');
    });
  });

  it('faults loudly with HistoryLimitError when the history grows too long inside a running all', async () => {
    const env = testServer();
    const xml = `<process>
      <all>
        <while><condition>True</condition><action participant="step"/></while>
        <await event="never"/>
      </all>
    </process>`;
    await withProcessWorker(env, noop, async (taskQueue) => {
      const err = await env.client.workflow
        .execute(PROCESS_WORKFLOW_TYPE, processStart(taskQueue, xml, { continueAsNewAfterEvents: 40 }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe('HistoryLimitError');
      expect(cause.message).toMatch(/cannot continue as new inside a running <all>/);
    });
  });
});
