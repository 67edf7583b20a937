import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ParticipantReply, Workitem } from '../../src/protocol';
import { participantActivities, type Participants } from '../../src/worker/participants';
import { PROCESS_WORKFLOW_TYPE } from '../../src/protocol';
import { processId, processStart, withProcessWorker } from '../support/processes';
import { useTestServer, withWorker } from '../support/temporal';

/** Participants recording what they saw. */
function participantsLog() {
  const calls: { participant: string; activityId: string; fields: Record<string, unknown> }[] = [];
  const record = (reply: (w: Workitem) => ParticipantReply | undefined) => async (w: Workitem) => {
    calls.push({ participant: w.participant, activityId: w.activityId, fields: w.fields });
    return reply(w);
  };
  return { calls, record };
}

describe('interpreter: control flow, context and faults', () => {
  const testServer = useTestServer();

  const run = (definition: string, activities: Participants, fields = {}) => {
    const env = testServer();
    const workflowId = `proc-${Math.random().toString(36).slice(2)}`;
    return {
      workflowId,
      result: withWorker(env, { activities: participantActivities(activities) }, (taskQueue) =>
        env.client.workflow.execute('bureaucratProcess', {
          taskQueue,
          workflowId,
          args: [{ definition, fields }],
        }),
      ),
    };
  };

  it('runs example1 (adapted) end to end: sequence, switch, while, all, assign', async () => {
    const xml = readFileSync(path.join(__dirname, '../../examples/processes/example1.xml'), 'utf8').replace(
      '<call process="$some_process" />',
      '',
    );
    const { calls, record } = participantsLog();
    const { workflowId, result } = run(xml, {
      participant1: record(() => ({ status: 'done', testprop3: 7 })),
      participant2: record(() => ({})),
    });
    const context = await result;
    expect(context).toMatchObject({
      counter: 4,
      testprop3: 7,
      testprop2: 'hello world',
      testprop5: { hello: 'world' },
    });
    // 2 (sequence) + 2 (second case) + 4 × 2 (while) + 2 (all)
    expect(calls).toHaveLength(14);
    expect(calls[0]).toMatchObject({ participant: 'participant1', activityId: `${workflowId}_0_0` });
    expect(calls[2].activityId).toBe(`${workflowId}_0_2_1_0`);
  });

  it('lets launch fields override the process context and applies participant fields with set semantics', async () => {
    const xml = `<process>
      <context><property name="n" type="int">1</property></context>
      <sequence>
        <context><property name="local" type="int">0</property></context>
        <action participant="inc"/>
      </sequence>
    </process>`;
    const { result } = run(
      xml,
      { inc: (w: Workitem) => ({ n: (w.fields.n as number) + 1, local: 5, created: 'x' }) },
      { n: 10 },
    );
    // n lives in the process scope; local and created (new keys) belong to the sequence's scope.
    expect(await result).toEqual({ n: 11 });
  });

  it('handles a fault in the nearest activity with a matching handler, which sees inst:fault', async () => {
    const xml = `<process>
      <context><property name="handled" type="str"></property><property name="after" type="bool">0</property></context>
      <sequence>
        <context>
          <faults>
            <case code="Other"><assign property="handled">"wrong"</assign></case>
            <default><assign property="handled">context["inst:fault"]["code"] + ":" + context["inst:fault"]["message"]</assign></default>
          </faults>
        </context>
        <fault code="Broken" message="it broke"/>
        <assign property="after">True</assign>
      </sequence>
      <assign property="continued">True</assign>
    </process>`;
    const { result } = run(xml, {});
    expect(await result).toEqual({ handled: 'Broken:it broke', after: false, continued: true });
  });

  it('fails the workflow with a non-retryable failure typed by the fault code when nothing handles it', async () => {
    const { result } = run('<process><assign property="x">1 / 0</assign></process>', {});
    const err = await result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('ExpressionError');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain('ZeroDivisionError: division by zero');
  });

  it('turns critical replies and non-retryable participant failures into faults', async () => {
    const xml = `<process>
      <context><property name="first" type="str"></property><property name="second" type="str"></property></context>
      <sequence>
        <context><faults><case code="ActionError"><assign property="first">context["inst:fault"]["message"]</assign></case></faults></context>
        <action participant="critical"/>
      </sequence>
      <sequence>
        <context><faults><case code="OutOfStock"><assign property="second">"handled"</assign></case></faults></context>
        <action participant="throws"/>
      </sequence>
    </process>`;
    const { result } = run(xml, {
      critical: () => ({ status: 'critical', error: 'disk full' }),
      throws: () => {
        throw ApplicationFailure.nonRetryable('no stock', 'OutOfStock');
      },
    });
    expect(await result).toEqual({ first: 'disk full', second: 'handled' });
  });

  it('a fault in one all-branch cancels a sibling waiting on a one-hour delay', async () => {
    const xml = `<process>
      <context><property name="cancelled" type="bool">0</property></context>
      <all>
        <context><faults><default><assign property="cancelled">True</assign></default></faults></context>
        <delay duration="3600"/>
        <sequence><action participant="noop"/><fault code="Stop"/></sequence>
      </all>
    </process>`;
    const { workflowId, result } = run(xml, { noop: () => ({}) });
    expect(await result).toEqual({ cancelled: true });
    const history = await testServer().client.workflow.getHandle(workflowId).fetchHistory();
    expect(history.events?.some((e) => e.timerCanceledEventAttributes)).toBe(true);
  });

  it('runs foreach with inst:current and inst:iteration, and a switch without a match just completes', async () => {
    const xml = `<process>
      <context><property name="order" type="json">{"lines": [2, 0, 3]}</property><property name="total" type="int">0</property></context>
      <foreach select="order.lines">
        <condition>context["inst:current"] &gt; 0</condition>
        <assign property="total">context["total"] + context["inst:current"] * context["inst:iteration"]</assign>
      </foreach>
      <switch><case><condition>False</condition><fault/></case></switch>
    </process>`;
    const { result } = run(xml, {});
    expect(await result).toMatchObject({ total: 2 * 1 + 3 * 3 });
  });

  it('retries a participant that replies status "error", and faults with ActionError when retries run out', async () => {
    const env = testServer();
    const attempts: Record<string, number> = {};
    const count = (w: Workitem) => (attempts[w.participant] = (attempts[w.participant] ?? 0) + 1);
    const xml = `<process>
      <context><property name="outcome" type="str"/></context>
      <action participant="flaky"/>
      <sequence>
        <context><faults><case code="ActionError"><assign property="outcome">context["inst:fault"]["message"]</assign></case></faults></context>
        <action participant="broken"/>
      </sequence>
    </process>`;
    const participants: Participants = {
      flaky: (w) => (count(w) < 3 ? { status: 'error', error: 'busy' } : { outcome: 'flaky done' }),
      broken: (w) => {
        count(w);
        return { status: 'error', error: 'still broken' };
      },
    };
    const context = await withProcessWorker(env, participants, (taskQueue) =>
      env.client.workflow.execute(
        PROCESS_WORKFLOW_TYPE,
        processStart(taskQueue, xml, {
          actionOptions: { retry: { initialInterval: '10 ms', backoffCoefficient: 1, maximumAttempts: 3 } },
        }),
      ),
    );
    expect(attempts).toEqual({ flaky: 3, broken: 3 });
    expect(context).toEqual({ outcome: 'participant broken failed: still broken' });
  });

  it('fails a run whose definition text is invalid with DefinitionError, and the worker goes on serving', async () => {
    const env = testServer();
    await withProcessWorker(env, {}, async (taskQueue) => {
      const bad = env.client.workflow.execute(PROCESS_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: processId('bad'),
        args: [{ definition: '<process><while/></process>' }],
      });
      const err = (await bad.catch((e: unknown) => e)) as WorkflowFailedError;
      expect((err.cause as ApplicationFailure).type).toBe('DefinitionError');
      expect(err.cause?.message).toContain('1:10 process/while[1]');
      const good = await env.client.workflow.execute(
        PROCESS_WORKFLOW_TYPE,
        processStart(taskQueue, '<process><assign property="ok">True</assign></process>'),
      );
      expect(good).toEqual({ ok: true });
    });
  });

  it('starts every while iteration with a fresh local scope; outer values survive', async () => {
    const env = testServer();
    const xml = `<process>
      <context><property name="n" type="int">0</property><property name="seen" type="json">[]</property></context>
      <while>
        <context><property name="local" type="int">0</property></context>
        <condition>context["n"] &lt; 3</condition>
        <assign property="seen">context["seen"] + [context["local"]]</assign>
        <assign property="local">context["local"] + 10</assign>
        <assign property="n">context["n"] + 1</assign>
      </while>
    </process>`;
    await withProcessWorker(env, {}, async (taskQueue) => {
      const result = await env.client.workflow.execute(PROCESS_WORKFLOW_TYPE, processStart(taskQueue, xml));
      expect(result).toEqual({ n: 3, seen: [0, 0, 0] });
    });
  });
});
