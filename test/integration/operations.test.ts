import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ProcessEndedError, ProcessFaultError, ProcessHandle } from '../../src/client/process-handle';
import { ResetError } from '../../src/client/reset';
import { InvalidFieldsError, setFieldsUpdate } from '../../src/operations';
import { EVENT_SIGNAL, type ProcessSnapshot, type Workitem } from '../../src/protocol';
import { ParticipantFault } from '../../src/worker/participants';
import { createWorker } from '../../src/worker/create-worker';
import type { InjectedSinks } from '@temporalio/worker';
import { HOOKS_SINK, type HookCall, type HookSinks } from '../../src/hooks';
import type { ProcessHooks } from '../../src/worker/hooks';
import { withWorkerHooks } from '../../src/worker/workflow-bundle';
import { findNode, startProcess, withProcessWorker } from '../support/processes';
import {
  eventually,
  testWorkflowBundle,
  uniqueTaskQueue,
  useTestServer,
  withWorker,
} from '../support/temporal';

/** A promise with its resolve function: a participant waits on it until the test lets it finish. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const stateOf = (snapshot: ProcessSnapshot, id: string) => findNode(snapshot, id)?.state;

describe('operating processes: pause, resume, halt, set, retry, reset', () => {
  const testServer = useTestServer();
  const handleOf = (id: string) => new ProcessHandle(testServer().client, id);

  it('pauses during an <all>: running actions finish, no new step starts until resume', async () => {
    const xml = `<process>
      <all>
        <sequence><action participant="a"/><action participant="b"/></sequence>
        <sequence><action participant="c"/><action participant="d"/></sequence>
      </all>
      <action participant="e"/>
    </process>`;
    const calls: string[] = [];
    const release = latch();
    const blocking = (name: string) => async () => {
      calls.push(name);
      await release.promise;
      return {};
    };
    const quick = (name: string) => () => {
      calls.push(name);
      return {};
    };
    const participants = { a: blocking('a'), c: blocking('c'), b: quick('b'), d: quick('d'), e: quick('e') };
    await withProcessWorker(testServer(), participants, async (taskQueue) => {
      const started = await startProcess(testServer(), taskQueue, xml);
      const handle = handleOf(started.workflowId);
      await eventually(
        async () => calls.length,
        (n) => n === 2,
      );
      const paused = await handle.pause({ by: 'alice', reason: 'checking the stock' });
      expect(paused).toMatchObject({ by: 'alice', reason: 'checking the stock' });
      expect(Number.isNaN(Date.parse(paused.since))).toBe(false);
      release.open();
      const state = await eventually(
        () => handle.state(),
        (s) => stateOf(s, '_0_0_0') === 'completed' && stateOf(s, '_0_1_0') === 'completed',
      );
      // Both completions were applied in the task that would have started b and d: they did not start.
      expect(stateOf(state, '_0_0_1')).toBe('ready');
      expect(stateOf(state, '_0_1_1')).toBe('ready');
      expect(state.paused).toEqual(paused);
      expect(calls.sort()).toEqual(['a', 'c']);
      // A second pause leaves the first one standing.
      expect(await handle.pause({ by: 'bob' })).toEqual(paused);
      expect(await handle.resume()).toBe(true);
      await handle.result();
      expect(calls.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect((await handle.state()).paused).toBeUndefined();
      const ended = await handle.resume().catch((e: unknown) => e);
      expect(ended).toBeInstanceOf(ProcessEndedError);
      expect((ended as Error).message).toBe(
        `process ${started.workflowId} has ended (completed): it can no longer be resumed`,
      );
    });
  });

  it("pauses before the next step when a participant replies { status: 'halt', reason }", async () => {
    const xml = `<process><action participant="check"/><action participant="after"/></process>`;
    const after = jest.fn(() => ({}));
    const participants = {
      check: () => ({ status: 'halt' as const, reason: 'needs a human', checked: true }),
      after,
    };
    await withProcessWorker(testServer(), participants, async (taskQueue) => {
      const started = await startProcess(testServer(), taskQueue, xml);
      const handle = handleOf(started.workflowId);
      const state = await eventually(
        () => handle.state(),
        (s) => s.paused !== undefined,
      );
      expect(state.paused).toMatchObject({ by: 'participant check', reason: 'needs a human' });
      expect(stateOf(state, '_0')).toBe('completed');
      expect(stateOf(state, '_1')).toBe('ready');
      expect(await handle.context()).toEqual({ checked: true });
      expect(after).not.toHaveBeenCalled();
      await handle.resume();
      expect(await handle.result()).toEqual({ checked: true });
      expect(after).toHaveBeenCalledTimes(1);
    });
  });

  it('sets fields during an <await> whose condition then holds for the next event', async () => {
    const xml = `<process>
      <context><property name="approved" type="int">0</property></context>
      <await event="go"><condition>context["approved"] == 1</condition></await>
      <assign property="done">context["approved"] + 1</assign>
    </process>`;
    await withProcessWorker(testServer(), {}, async (taskQueue) => {
      const started = await startProcess(testServer(), taskQueue, xml);
      const handle = handleOf(started.workflowId);
      await eventually(
        () => handle.state(),
        (s) => stateOf(s, '_0') === 'active',
      );
      await handle.event('go'); // the condition fails: the await keeps waiting
      expect(await handle.setFields({ approved: 1, note: 'by phone' })).toEqual({
        approved: 1,
        note: 'by phone',
      });
      expect(() => handle.setFields({ 'inst:fault': 1 })).toThrow(InvalidFieldsError);
      // Refused by the process's validator too (the client-side check bypassed).
      const refused = await handle.workflowHandle
        .executeUpdate(setFieldsUpdate, { args: [{ 'inst:x': 1 }] })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(((refused as Error).cause as Error).message).toMatch(/reserved for the engine: inst:x/);
      await handle.event('go');
      expect(await handle.result()).toEqual({ approved: 1, note: 'by phone', done: 2 });
    });
  });

  it('retries a failed process from the faulted step after the participant fixed itself', async () => {
    const xml = `<process>
      <action participant="first"/>
      <action participant="flaky"/>
      <action participant="last"/>
    </process>`;
    let fixed = false;
    const calls: string[] = [];
    const participants = {
      first: () => {
        calls.push('first');
        return { n: 1 };
      },
      flaky: (w: Workitem) => {
        calls.push('flaky');
        if (!fixed) throw new ParticipantFault('Broken', 'the printer is on fire');
        return { n: (w.fields.n as number) + 1 };
      },
      last: () => {
        calls.push('last');
        return {};
      },
    };
    await withProcessWorker(testServer(), participants, async (taskQueue) => {
      const started = await startProcess(testServer(), taskQueue, xml);
      const handle = handleOf(started.workflowId);
      await expect(handle.result()).rejects.toBeInstanceOf(ProcessFaultError);
      fixed = true;
      const retried = await handle.retry();
      expect(retried).toMatchObject({ processId: started.workflowId, activityId: `${started.workflowId}_1` });
      expect(retried.runId).not.toBe(retried.fromRunId);
      expect(await handle.result()).toEqual({ n: 2 });
      expect(calls).toEqual(['first', 'flaky', 'flaky', 'last']);
      // Only a failed process can be retried.
      const err = await handle.retry().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResetError);
      expect((err as Error).message).toMatch(/did not fail \(it is completed\)/);
    });
  });

  it('resets a completed process into the middle of a <while>, with the state of that moment', async () => {
    const xml = `<process>
      <context><property name="n" type="int">0</property></context>
      <while><condition>context["n"] &lt; 3</condition>
        <action participant="work"/>
        <assign property="n">context["n"] + 1</assign>
      </while>
      <action participant="end"/>
    </process>`;
    const seen: number[] = [];
    const participants = {
      work: (w: Workitem) => {
        seen.push(w.fields.n as number);
        return {};
      },
      end: () => ({}),
    };
    await withProcessWorker(testServer(), participants, async (taskQueue) => {
      const started = await startProcess(testServer(), taskQueue, xml);
      const handle = handleOf(started.workflowId);
      expect(await handle.result()).toEqual({ n: 3 });
      // The assign of the first iteration: work(n=0) is not run again; iterations 2 and 3 are.
      const reset = await handle.reset(`${started.workflowId}_0_1`);
      expect(reset.activityId).toBe(`${started.workflowId}_0_1`);
      expect(await handle.result()).toEqual({ n: 3 });
      expect(seen).toEqual([0, 1, 2, 1, 2]);
      const err = await handle.reset('_7').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResetError);
      expect((err as Error).message).toMatch(/never reached activity .*_7/);
    });
  });

  it('resets a running process; what came after the reset point (here a pause) is not reapplied', async () => {
    const xml = `<process><action participant="count"/><await event="never"/></process>`;
    let count = 0;
    const participants = { count: () => ({ count: ++count }) };
    await withProcessWorker(testServer(), participants, async (taskQueue) => {
      const started = await startProcess(testServer(), taskQueue, xml);
      const handle = handleOf(started.workflowId);
      await eventually(
        () => handle.state(),
        (s) => stateOf(s, '_1') === 'active',
      );
      await handle.pause({ by: 'alice', reason: 'before the reset' });
      await handle.reset('_0');
      const state = await eventually(
        () => handle.state(),
        (s) => stateOf(s, '_1') === 'active',
      );
      expect(state.paused).toBeUndefined();
      expect(await handle.context()).toEqual({ count: 2 });
      await handle.cancel();
    });
  });
});

describe('lifecycle hooks on the worker', () => {
  const testServer = useTestServer();

  it('calls each hook once per occurrence, never on replay, and a throwing hook affects nothing', async () => {
    const xml = `<process name="audited">
      <context><property name="n" type="int">0</property><property name="x" type="str">def</property></context>
      <action participant="check"/>
      <assign property="after">1</assign>
    </process>`;
    const failing = `<process name="doomed"><fault code="Nope" message="no way"/></process>`;
    // What each process's hooks said, in order, by process id.
    const log = new Map<string, string[]>();
    const say = (processId: string, line: string): void => {
      log.set(processId, [...(log.get(processId) ?? []), line]);
    };
    const hooks: ProcessHooks = {
      processStarted: (e) => say(e.processId, `started ${e.processName} with ${JSON.stringify(e.context)}`),
      processCompleted: (e) => say(e.processId, `completed with ${JSON.stringify(e.context)}`),
      processFaulted: (e) => say(e.processId, `faulted ${e.code}: ${e.message}`),
      processPaused: (e) => say(e.processId, `paused by ${e.paused.by}: ${e.paused.reason}`),
      stepCompleted: (e) => {
        say(e.processId, `step ${e.activityId.slice(e.processId.length)}`);
        if (e.activityId.endsWith('_1')) throw new Error('the audit log is full');
      },
    };
    const env = testServer();
    const taskQueue = uniqueTaskQueue('hooks');
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      participants: { check: () => ({ status: 'halt', reason: 'look', checked: true }) },
      hooks,
      // No workflow cache: every workflow task replays the history from the start, so a hook called on
      // replay would show up more than once.
      maxCachedWorkflows: 0,
    });
    const [audited, doomed] = await worker.runUntil(async () => {
      const started = await startProcess(env, taskQueue, xml, { fields: { x: 'launch' } });
      const handle = new ProcessHandle(env.client, started.workflowId);
      await eventually(
        () => handle.state(),
        (s) => s.paused !== undefined,
      );
      await handle.resume();
      expect(await handle.result()).toEqual({ n: 0, x: 'launch', checked: true, after: 1 });
      const failed = await startProcess(env, taskQueue, failing);
      await expect(new ProcessHandle(env.client, failed.workflowId).result()).rejects.toThrow(/Nope/);
      // Sink calls run once their workflow task has completed: wait for the last ones.
      await eventually(
        async () => [...log.values()].flat().length,
        (n) => n >= 7,
      );
      return [started.workflowId, failed.workflowId];
    });
    expect(log.get(audited)).toEqual([
      'started audited with {"n":0,"x":"launch"}',
      'paused by participant check: look',
      'step _0',
      'step _1', // its hook threw: logged, and the process went on
      'completed with {"n":0,"x":"launch","checked":true,"after":1}',
    ]);
    expect(log.get(doomed)).toEqual(['started doomed with {}', 'faulted Nope: no way']);
  });

  it('sends only the hooks the worker declared, numbered as if it had them all', async () => {
    const xml = `<process name="quiet"><assign property="a">1</assign><assign property="b">2</assign></process>`;
    const calls: HookCall[] = [];
    const env = testServer();
    const taskQueue = uniqueTaskQueue('hooks-declared');
    const sinks: InjectedSinks<HookSinks> = {
      [HOOKS_SINK]: {
        occurred: { fn: (_info, batch) => void calls.push(...batch), callDuringReplay: false },
      },
    };
    const bundle = await withWorkerHooks(testWorkflowBundle(), ['processCompleted']);
    await withWorker(env, { taskQueue, workflowBundle: bundle, sinks }, async () => {
      const started = await startProcess(env, taskQueue, xml);
      await env.client.workflow.getHandle(started.workflowId).result();
      await eventually(
        async () => calls.length,
        (n) => n >= 1,
      );
    });
    // started (1), the two assigns (2, 3) and their steps built nothing; completed is the fourth occurrence.
    expect(calls.map(({ hook, occurrence }) => ({ hook, occurrence }))).toEqual([
      { hook: 'processCompleted', occurrence: 4 },
    ]);
    expect(calls[0].event.context).toEqual({ a: 1, b: 2 });
  });

  it('reports a branch’s completed steps while another branch of the same <all> still waits', async () => {
    const xml = `<process name="lanes">
      <all>
        <await event="go"/>
        <sequence><assign property="a">1</assign><assign property="b">2</assign></sequence>
      </all>
    </process>`;
    const steps: string[] = [];
    const env = testServer();
    const taskQueue = uniqueTaskQueue('hooks-lanes');
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      participants: {},
      hooks: { stepCompleted: (e) => void steps.push(e.activityId.slice(e.processId.length)) },
    });
    await worker.runUntil(async () => {
      const started = await startProcess(env, taskQueue, xml);
      const handle = env.client.workflow.getHandle(started.workflowId);
      // The second branch's steps are reported while the process still waits in the first one (the last
      // thing that branch's driver did was leave, not wait).
      await eventually(
        async () => [...steps],
        (s) => s.length === 3,
      );
      expect(steps).toEqual(['_0_1_0', '_0_1_1', '_0_1']);
      await handle.signal(EVENT_SIGNAL, { event: 'go' });
      await handle.result();
      await eventually(
        async () => [...steps],
        (s) => s.length === 5,
      );
    });
    expect(steps).toEqual(['_0_1_0', '_0_1_1', '_0_1', '_0_0', '_0']);
  });
});
