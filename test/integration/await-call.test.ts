import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { EVENT_SIGNAL, STATE_QUERY, type FaultDetails, type ProcessSnapshot } from '../../src/protocol';
import { eventually, useTestServer } from '../support/temporal';
import { findNode, processState, startProcess, withProcessWorker } from '../support/processes';

const cdata = (xml: string) => `<![CDATA[${xml}]]>`;

describe('await: events as signals', () => {
  const testServer = useTestServer();

  it('completes on an event whose conditions hold; conditions see context and event; a failing event keeps it waiting (defect 2 fixed)', async () => {
    const env = testServer();
    const xml = `<process>
      <context><property name="minimum" type="int">100</property><property name="paid" type="int">0</property></context>
      <await event="payment">
        <condition>event["amount"] &gt;= context["minimum"]</condition>
      </await>
      <assign property="paid">1</assign>
    </process>`;
    await withProcessWorker(env, {}, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      const waiting = await eventually(
        () => processState(env, handle.workflowId),
        (s) => findNode(s, '_0')?.state === 'active',
      );
      expect(findNode(waiting, '_0')).toMatchObject({ type: 'await', event: 'payment', state: 'active' });
      await handle.signal(EVENT_SIGNAL, { event: 'payment', amount: 5 }); // conditions fail: keeps waiting
      await handle.signal(EVENT_SIGNAL, { event: 'refund', amount: 500 }); // another name: ignored
      await handle.signal(EVENT_SIGNAL, { nonsense: true }); // not an event message: ignored
      const still = await processState(env, handle.workflowId);
      expect(findNode(still, '_0')?.state).toBe('active');
      await handle.signal(EVENT_SIGNAL, { event: 'payment', amount: 150 });
      expect(await handle.result()).toEqual({ minimum: 100, paid: 1 });
    });
  });

  it('completes every await of that name waiting at the time; an await started later does not see an earlier event', async () => {
    const env = testServer();
    const xml = `<process>
      <all>
        <await event="go"/>
        <await event="go"/>
      </all>
      <assign property="phase">2</assign>
      <await event="go"/>
    </process>`;
    await withProcessWorker(env, {}, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      await eventually(
        () => processState(env, handle.workflowId),
        (s) => findNode(s, '_0_1')?.state === 'active' && findNode(s, '_0_0')?.state === 'active',
      );
      await handle.signal(EVENT_SIGNAL, { event: 'go' });
      const after = await eventually(
        () => processState(env, handle.workflowId),
        (s) => findNode(s, '_2')?.state === 'active',
      );
      expect(findNode(after, '_0')?.state).toBe('completed');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(findNode(await processState(env, handle.workflowId), '_2')?.state).toBe('active');
      await handle.signal(EVENT_SIGNAL, { event: 'go' });
      expect(await handle.result()).toEqual({ phase: 2 });
    });
  });

  it('a condition that raises faults the await with ExpressionError', async () => {
    const env = testServer();
    const xml = `<process><await event="e"><condition>event["missing"] == 1</condition></await></process>`;
    await withProcessWorker(env, {}, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      await eventually(
        () => processState(env, handle.workflowId),
        (s) => findNode(s, '_0')?.state === 'active',
      );
      await handle.signal(EVENT_SIGNAL, { event: 'e' });
      const err = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe('ExpressionError');
      expect(cause.message).toContain("KeyError: 'missing'");
      const details = cause.details?.[0] as FaultDetails;
      expect(findNode(details.state, '_0')?.state).toBe('aborted');
      expect(details.state.state).toBe('aborted');
    });
  });
});

describe('call: sub-processes as child workflows', () => {
  const testServer = useTestServer();

  it('runs the definition held in the property with its own context; ids are unique per run of the call', async () => {
    const env = testServer();
    const child = `<process name="child"><context><property name="own" type="int">1</property></context><action participant="work"/></process>`;
    const xml = `<process name="parent">
      <context>
        <property name="sub" type="str">${cdata(child)}</property>
        <property name="n" type="int">0</property>
      </context>
      <while>
        <condition>context["n"] &lt; 3</condition>
        <call process="$sub"/>
        <assign property="n">context["n"] + 1</assign>
      </while>
    </process>`;
    const seen: string[] = [];
    await withProcessWorker(
      env,
      {
        work: (w) => {
          seen.push(`${w.processId} ${w.activityId} own=${String(w.fields.own)} n=${String(w.fields.n)}`);
          return { own: 2 };
        },
      },
      async (taskQueue) => {
        const handle = await startProcess(env, taskQueue, xml);
        expect(await handle.result()).toMatchObject({ n: 3 });
        const id = handle.workflowId;
        // The child sees only its own context (n is not there); the ids count the call's runs.
        expect(seen).toEqual([1, 2, 3].map((k) => `${id}_0_0-${k} ${id}_0_0-${k}_0 own=1 n=undefined`));
        const described = await env.client.workflow.getHandle(`${id}_0_0-2`).describe();
        expect(described.status.name).toBe('COMPLETED');
        expect(described.memo).toMatchObject({ processName: 'child' });
      },
    );
  });

  it("a child's fault becomes the same fault at the call, which a handler there catches (defect 3 fixed)", async () => {
    const env = testServer();
    const child = `<process><fault code="Rejected" message="not today"/></process>`;
    const xml = `<process>
      <context><property name="sub" type="str">${cdata(child)}</property><property name="got" type="str"/></context>
      <sequence>
        <context><faults><case code="Rejected">
          <assign property="got">context["inst:fault"]["code"] + "/" + context["inst:fault"]["message"]</assign>
        </case></faults></context>
        <call process="$sub"/>
      </sequence>
    </process>`;
    await withProcessWorker(env, {}, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      expect(await handle.result()).toMatchObject({ got: 'Rejected/not today' });
    });
  });

  it('an invalid sub-process definition faults with DefinitionError naming the problem; nothing is started', async () => {
    const env = testServer();
    const xml = `<process>
      <context><property name="sub" type="str">${cdata('<process><action/></process>')}</property></context>
      <call process="$sub"/>
    </process>`;
    await withProcessWorker(env, {}, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
      const cause = err.cause as ApplicationFailure;
      expect(cause.type).toBe('DefinitionError');
      expect(cause.message).toMatch(
        /call process="\$sub".*1:10 process\/action\[1\]: missing attribute "participant"/s,
      );
      const children = await env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}_0-1'` });
      for await (const found of children) throw new Error(`child started: ${found.workflowId}`);
    });
  });

  it('cancelling the caller cancels the waiting child', async () => {
    const env = testServer();
    const child = `<process><await event="never"/></process>`;
    const xml = `<process>
      <context><property name="sub" type="str">${cdata(child)}</property></context>
      <call process="$sub"/>
    </process>`;
    await withProcessWorker(env, {}, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      const childId = `${handle.workflowId}_0-1`;
      await eventually(
        () =>
          env.client.workflow
            .getHandle(childId)
            .query<ProcessSnapshot>(STATE_QUERY)
            .catch(() => undefined),
        (s) => s !== undefined && findNode(s, '_0')?.state === 'active',
      );
      await handle.cancel();
      await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
      const childStatus = await eventually(
        () => env.client.workflow.getHandle(childId).describe(),
        (d) => d.status.name !== 'RUNNING',
      );
      expect(childStatus.status.name).toBe('CANCELLED');
      expect((await handle.describe()).status.name).toBe('CANCELLED');
    });
  });
});
