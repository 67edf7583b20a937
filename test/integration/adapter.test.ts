import path from 'node:path';
import { Events } from '../../src/client/events';
import { Launcher } from '../../src/client/launcher';
import { ProcessFaultError, type ProcessHandle } from '../../src/client/process-handle';
import { DefinitionError } from '../../src/definition';
import { createWorker } from '../../src/worker/create-worker';
import { ParticipantFault, type Participants } from '../../src/worker/participants';
import { findNode } from '../support/processes';
import { eventually, testWorkflowBundle, uniqueTaskQueue, useTestServer } from '../support/temporal';

const awaiting = (event: string, condition = '') => `<process>
  <context><property name="got" type="str"/></context>
  <await event="${event}">${condition}</await>
  <assign property="got">"yes"</assign>
</process>`;

describe('the adapter: Launcher, Events, createWorker', () => {
  const testServer = useTestServer();

  /** Runs `fn` with a worker made by createWorker, and a launcher and events on its task queue. */
  async function withAdapter<T>(
    participants: Participants,
    fn: (launcher: Launcher, events: Events) => Promise<T>,
  ): Promise<T> {
    const env = testServer();
    const taskQueue = uniqueTaskQueue('adapter');
    const worker = await createWorker({
      participants,
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: testWorkflowBundle(),
    });
    return worker.runUntil(() => fn(new Launcher(env.client, taskQueue), new Events(env.client, taskQueue)));
  }

  const activeAwait = (handle: ProcessHandle, id = '_0') =>
    eventually(
      () => handle.state(),
      (s) => findNode(s, id)?.state === 'active',
    );

  /** Like activeAwait, for a sub-process that may not have started yet. */
  const activeChildAwait = (handle: ProcessHandle) =>
    eventually(
      () => handle.state().catch(() => undefined),
      (s) => s !== undefined && findNode(s, '_0')?.state === 'active',
    );

  it('launches a definition file with fields; the handle gives result, state and context', async () => {
    await withAdapter({ p1: (w) => ({ status: 'done', seen: w.fields.prop1 }) }, async (launcher) => {
      const file = path.join(__dirname, '../fixtures/definitions/seed-assign.xml');
      const handle = await launcher.launch(file, { prop2: 10 });
      const result = await handle.result();
      // prop1 = prop2 + 5; `seen` (15) is a new key: created in the process scope, where the action runs.
      expect(result).toEqual({ prop1: 15, prop2: 10, seen: 15 });
      expect((await handle.state()).state).toBe('completed');
      expect(await handle.context()).toEqual(result);
    });
  });

  it('rejects an invalid definition with DefinitionError and starts nothing', async () => {
    await withAdapter({}, async (launcher) => {
      const err = await launcher
        .launch('<process><action/></process>', {}, { processId: 'never-started' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DefinitionError);
      expect((err as DefinitionError).problems[0]).toMatchObject({ line: 1, column: 10 });
      await expect(launcher.get('never-started').workflowHandle.describe()).rejects.toThrow(/not found/i);
      const missing = await launcher.launch('no/such/file.xml').catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(DefinitionError);
      expect((missing as Error).message).toContain('no/such/file.xml');
    });
  });

  it('de-duplicates by process id: running or completed → the same process; after a failure → afresh', async () => {
    await withAdapter({}, async (launcher) => {
      const id = `dedup-${Date.now()}`;
      const first = await launcher.launch(awaiting('go'), { got: 'first' }, { processId: id });
      await activeAwait(first);
      const second = await launcher.launch(awaiting('go'), { got: 'second' }, { processId: id });
      expect(await second.context()).toMatchObject({ got: 'first' }); // the running one
      await first.event('go');
      await first.result();
      const third = await launcher.launch(awaiting('go'), { got: 'third' }, { processId: id });
      expect(await third.result()).toEqual({ got: 'yes' });
      const runs = async () => {
        let n = 0;
        for await (const _ of launcher.client.workflow.list({ query: `WorkflowId = '${id}'` })) n++;
        return n;
      };
      expect(await runs()).toBe(1);

      const failing = `fail-${Date.now()}`;
      const bad = await launcher.launch(
        '<process><fault code="Nope"/></process>',
        {},
        { processId: failing },
      );
      await expect(bad.result()).rejects.toThrow(ProcessFaultError);
      const again = await launcher.launch(
        '<process><assign property="ok">1</assign></process>',
        {},
        { processId: failing },
      );
      expect(await again.result()).toEqual({ ok: 1 });
    });
  });

  it('turns a ParticipantFault into a process fault with its code; dotted participant names work', async () => {
    await withAdapter(
      {
        'shop.tasks.reserve': () => {
          throw new ParticipantFault('OutOfStock', 'no widgets');
        },
      },
      async (launcher) => {
        const handle = await launcher.launch('<process><action participant="shop.tasks.reserve"/></process>');
        const err = (await handle.result().catch((e: unknown) => e)) as ProcessFaultError;
        expect(err).toBeInstanceOf(ProcessFaultError);
        expect(err.code).toBe('OutOfStock');
        expect(err.message).toContain('no widgets');
        expect(err.state && findNode(err.state, '_0')?.state).toBe('aborted');
      },
    );
  });

  it('broadcasts one trigger to every waiting await (50 processes), and not to awaits that start later', async () => {
    await withAdapter({}, async (launcher, events) => {
      const name = `tick-${Date.now()}`;
      const handles = await Promise.all(Array.from({ length: 50 }, () => launcher.launch(awaiting(name))));
      await Promise.all(handles.map((h) => activeAwait(h)));
      await events.trigger(name);
      const results = await Promise.all(handles.map((h) => h.result()));
      expect(results.every((r) => r.got === 'yes')).toBe(true);
      const late = await launcher.launch(awaiting(name));
      await activeAwait(late);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(findNode(await late.state(), '_0')?.state).toBe('active');
      await events.publish({ event: name });
      expect(await late.result()).toEqual({ got: 'yes' });
    });
  });

  it('never loses a trigger sent the moment the state shows the await active', async () => {
    await withAdapter({}, async (launcher, events) => {
      for (let i = 0; i < 10; i++) {
        const name = `race-${i}-${Date.now()}`;
        const handle = await launcher.launch(awaiting(name));
        await activeAwait(handle);
        await events.trigger(name);
        expect(await handle.result()).toEqual({ got: 'yes' });
      }
    });
  });

  it('keeps an await whose conditions fail subscribed for the next trigger', async () => {
    await withAdapter({}, async (launcher, events) => {
      const name = `cond-${Date.now()}`;
      const handle = await launcher.launch(awaiting(name, '<condition>event["n"] == 3</condition>'));
      await activeAwait(handle);
      for (const n of [1, 2]) await events.trigger(name, { n });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(findNode(await handle.state(), '_0')?.state).toBe('active');
      await events.trigger(name, { n: 3 });
      expect(await handle.result()).toEqual({ got: 'yes' });
    });
  });

  it("sub-processes inherit the parent's settings at any depth: broadcast and direct events, action options, task queue", async () => {
    const attempts: string[] = [];
    await withAdapter(
      {
        flaky: (w) => {
          attempts.push(w.processId);
          throw new Error('always down');
        },
      },
      async (launcher, events) => {
        const event = `deep-${Date.now()}`;
        const grandchild = `<process name="grandchild"><await event="${event}"/><action participant="flaky"/></process>`;
        const child = `<process name="child">
          <context><property name="sub" type="str">${escapeXml(grandchild)}</property></context>
          <await event="direct"/>
          <call process="$sub"/>
        </process>`;
        const parent = `<process name="parent">
          <context><property name="sub" type="str">${escapeXml(child)}</property></context>
          <call process="$sub"/>
        </process>`;
        // Two attempts in all: under the default policy (10 attempts, up to a minute apart) this test would
        // time out, so the fault below shows the grandchild's action ran with the parent's options.
        const handle = await launcher.launch(
          parent,
          {},
          {
            actionOptions: { retry: { maximumAttempts: 2, initialInterval: '10 ms' } },
          },
        );
        const childId = `${handle.processId}_0-1`;
        const grandchildId = `${childId}_1-1`;
        await activeChildAwait(launcher.get(childId));
        await events.send(childId, 'direct'); // a direct event, to the child's id
        await activeChildAwait(launcher.get(grandchildId));
        await events.trigger(event); // a broadcast, two calls deep

        const err = (await handle.result().catch((e: unknown) => e)) as ProcessFaultError;
        expect(err).toBeInstanceOf(ProcessFaultError);
        expect(err.code).toBe('ActionError');
        expect(attempts).toEqual([grandchildId, grandchildId]);
        const described = await launcher.client.workflow.getHandle(grandchildId).describe();
        expect(described.taskQueue).toBe(launcher.taskQueue);
        expect(described.memo).toMatchObject({ processName: 'grandchild' });
      },
    );
  });
});

/** XML text as the content of an element: a definition held in a `str` property. */
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
