/**
 * Migrating running processes to another deployed version, against the real dev server and worker:
 * processes parked in an `<await>` and a `<delay>` move from 1 to 2 and run the step 2 adds; a `<delay>`
 * keeps its deadline; a migration whose active activity the target removed is refused and changes nothing;
 * a dry run only reports; `map` moves activities whose ids changed; `<call definition>` calls the latest or
 * a pinned version; 1,000 processes move; the histories with migrations replay.
 */
import type { Client } from '@temporalio/client';
import { eventActivities } from '../../activities/events';
import { Launcher } from '../../src/client/launcher';
import type { ProcessHandle } from '../../src/client/process-handle';
import { DEFINITION_VERSION } from '../../src/search-attributes';
import { replayHistories } from '../../src/testing/replay';
import { withProcessWorker } from '../support/processes';
import { eventually, testWorkflowBundle, useTestServer } from '../support/temporal';

const env = useTestServer();

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** Runs `fn` with a launcher on a worker that serves processes, events and definitions. */
function withLauncher<T>(fn: (launcher: Launcher) => Promise<T>): Promise<T> {
  const client = env().client;
  return withProcessWorker(env(), {}, (taskQueue) => fn(new Launcher(client, taskQueue)), {
    activities: eventActivities(client),
  });
}

/** Waits until the process shows its node `id` active. */
async function parkedAt(process: ProcessHandle, id: string): Promise<void> {
  await eventually(
    () => process.state(),
    (s) =>
      JSON.stringify(s).includes(`"id":"${process.processId}${id}","type":"`) &&
      active(s, `${process.processId}${id}`),
  );
}

function active(node: { id: string; state: string; children: readonly unknown[] }, id: string): boolean {
  if (node.id === id) return node.state === 'active';
  return (node.children as (typeof node)[]).some((c) => active(c, id));
}

/** The runs of a process, first to current, as recorded histories. */
async function runsOf(
  client: Client,
  processId: string,
  firstRunId: string,
): Promise<{ name: string; history: unknown }[]> {
  const runs: { name: string; history: unknown }[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history = await client.workflow.getHandle(processId, runId).fetchHistory();
    runs.push({ name: `${processId}/${runId}`, history });
    const last = history.events?.at(-1);
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

const awaitV1 = (name: string) => `<process name="${name}">
  <context><property name="marker" type="str">one</property></context>
  <await event="go"/>
  <assign property="marker">context["marker"] + "-after"</assign>
</process>`;

const awaitV2 = (name: string) => `<process name="${name}">
  <context>
    <property name="marker" type="str">two</property>
    <property name="added" type="bool">False</property>
  </context>
  <await event="go"/>
  <assign property="marker">context["marker"] + "-after"</assign>
  <assign property="added">True</assign>
</process>`;

test('a process parked in an <await> moves from 1 to 2 and runs the step 2 adds; its history replays', async () => {
  await withLauncher(async (launcher) => {
    const name = unique('order');
    await launcher.definitions.deploy(awaitV1(name));
    const { process, runId } = await launcher.start({ name }, { marker: 'mine' });
    await parkedAt(process, '_0');
    await launcher.definitions.deploy(awaitV2(name));

    const dry = await launcher.migrate([process.processId], { to: name, dryRun: true });
    expect(dry).toEqual([
      expect.objectContaining({ outcome: 'movable', from: `${name}@1`, to: `${name}@2`, when: 'now' }),
    ]);
    const [outcome] = await launcher.migrate({ definition: `${name}@1` }, { to: `${name}@2` });
    expect(outcome).toMatchObject({ processId: process.processId, outcome: 'moved', from: `${name}@1` });

    await parkedAt(process, '_0');
    const description = await process.workflowHandle.describe();
    expect(description.typedSearchAttributes.get(DEFINITION_VERSION)).toBe(`${name}@2`);
    expect(description.memo).toMatchObject({
      definition: `${name}@2`,
      migrations: [expect.objectContaining({ from: `${name}@1`, to: `${name}@2` })],
    });
    // Its context came along (the launch field), and 2's new property starts with its default.
    expect(await process.context()).toEqual({ marker: 'mine', added: false });
    await process.event('go');
    expect(await process.result()).toEqual({ marker: 'mine-after', added: true });
    const runs = await runsOf(env().client, process.processId, runId);
    expect(runs.length).toBe(2);
    await expect(replayHistories(runs, { workflowBundle: testWorkflowBundle() })).resolves.toBe(2);
  });
});

test('a <delay> moves keeping its deadline, and runs the step the target adds after it', async () => {
  await withLauncher(async (launcher) => {
    const name = unique('wait');
    await launcher.definitions.deploy(
      `<process name="${name}"><context><property name="n" type="int">0</property></context>
        <delay duration="4"/><assign property="n">context["n"] + 1</assign></process>`,
    );
    const { process, runId } = await launcher.start({ name });
    await parkedAt(process, '_0');
    await launcher.definitions.deploy(
      `<process name="${name}"><context><property name="n" type="int">0</property></context>
        <delay duration="4"/><assign property="n">context["n"] + 1</assign><assign property="n">context["n"] + 10</assign></process>`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [outcome] = await launcher.migrate([process.processId], { to: name });
    expect(outcome.outcome).toBe('moved');
    expect(await process.result()).toEqual({ n: 11 });
    const runs = await runsOf(env().client, process.processId, runId);
    expect(runs.length).toBe(2);
    // The second run's timer waits what was left of the first one's (less than its full 4 s).
    const timers = (
      (
        runs[1].history as {
          events: {
            timerStartedEventAttributes?: { startToFireTimeout?: { seconds?: unknown; nanos?: number } };
          }[];
        }
      ).events ?? []
    )
      .flatMap((e) =>
        e.timerStartedEventAttributes ? [e.timerStartedEventAttributes.startToFireTimeout] : [],
      )
      .map((d) => Number(d?.seconds ?? 0) + (d?.nanos ?? 0) / 1e9);
    expect(timers.length).toBe(1);
    expect(timers[0]).toBeLessThan(3.5);
    await expect(replayHistories(runs, { workflowBundle: testWorkflowBundle() })).resolves.toBe(2);
  });
});

test('a migration whose active activity the target removed is refused, with the reason, and changes nothing', async () => {
  await withLauncher(async (launcher) => {
    const name = unique('refuse');
    await launcher.definitions.deploy(awaitV1(name));
    const process = await launcher.launch({ name });
    await parkedAt(process, '_0');
    const before = await process.workflowHandle.describe();
    // Version 2 has no <await> at _0: an <assign> took its place.
    await launcher.definitions.deploy(`<process name="${name}">
      <context><property name="marker" type="str">one</property></context>
      <assign property="marker">"none"</assign></process>`);
    const dry = await launcher.migrate([process.processId], { to: name, dryRun: true });
    expect(dry[0]).toMatchObject({ outcome: 'refused' });
    expect(dry[0].reasons.join()).toMatch(/active <await> _0 is <assign> _0 in the target/);
    const [outcome] = await launcher.migrate({ definition: name }, { to: name });
    expect(outcome).toMatchObject({ outcome: 'refused' });
    expect(outcome.reasons.join()).toMatch(/<await> _0/);
    const after = await process.workflowHandle.describe();
    expect(after.runId).toBe(before.runId);
    expect(after.historyLength).toBe(before.historyLength);
    expect(after.typedSearchAttributes.get(DEFINITION_VERSION)).toBe(`${name}@1`);
    await process.event('go');
    expect(await process.result()).toEqual({ marker: 'one-after' });
  });
});

test('map moves an activity whose id changed; without it the migration is refused', async () => {
  await withLauncher(async (launcher) => {
    const name = unique('mapped');
    await launcher.definitions.deploy(awaitV1(name));
    const process = await launcher.launch({ name });
    await parkedAt(process, '_0');
    // Version 2 inserts a step before the await: the await is _1 there.
    await launcher.definitions.deploy(`<process name="${name}">
      <context><property name="marker" type="str">one</property></context>
      <assign property="marker">"skipped"</assign>
      <await event="go"/>
      <assign property="marker">context["marker"] + "-after"</assign></process>`);
    const [refused] = await launcher.migrate([process.processId], { to: name });
    expect(refused.outcome).toBe('refused');
    const [moved] = await launcher.migrate([process.processId], { to: name, map: { _0: '_1', _1: '_2' } });
    expect(moved.outcome).toBe('moved');
    await parkedAt(process, '_1');
    await process.event('go');
    // The inserted step comes before where the process was: it does not run.
    expect(await process.result()).toEqual({ marker: 'one-after' });
  });
});

test('<call definition> calls the latest version, or the pinned one', async () => {
  await withLauncher(async (launcher) => {
    const child = unique('shipping');
    const child1 = `<process name="${child}"><context><property name="v" type="int">1</property></context></process>`;
    const child2 = `<process name="${child}"><context><property name="v" type="int">2</property></context></process>`;
    await launcher.definitions.deploy(child1);
    await launcher.definitions.deploy(child2);
    const parent = `<process name="${unique('parent')}">
      <call definition="${child}"/>
      <call definition="${child}" version="1"/>
    </process>`;
    const { process, runId } = await launcher.start(parent);
    await process.result();
    const latest = await launcher.client.workflow.getHandle(`${process.processId}_0-1`).describe();
    const pinned = await launcher.client.workflow.getHandle(`${process.processId}_1-1`).describe();
    expect(latest.memo).toMatchObject({ definition: `${child}@2` });
    expect(pinned.memo).toMatchObject({ definition: `${child}@1` });
    expect(await launcher.client.workflow.getHandle(`${process.processId}_0-1`).result()).toEqual({ v: 2 });
    // Not deployed: the call faults with DefinitionNotFound (a handler could catch it).
    const missing = await launcher.launch(`<process><call definition="${unique('nowhere')}"/></process>`);
    await expect(missing.result()).rejects.toMatchObject({ code: 'DefinitionNotFound' });
    await expect(
      replayHistories(await runsOf(launcher.client, process.processId, runId), {
        workflowBundle: testWorkflowBundle(),
      }),
    ).resolves.toBe(1);
  });
});

test('1,000 parked processes migrate in batches, with progress', async () => {
  await withLauncher(async (launcher) => {
    const name = unique('bulk');
    const v1 = `<process name="${name}"><context><property name="n" type="int">0</property></context>
      <delay duration="3600"/></process>`;
    await launcher.definitions.deploy(v1);
    const processes: ProcessHandle[] = [];
    for (let i = 0; i < 1000; i += 50) {
      processes.push(...(await Promise.all(Array.from({ length: 50 }, () => launcher.launch({ name })))));
    }
    await launcher.definitions.deploy(v1.replace('</process>', '<assign property="n">1</assign></process>'));
    await eventually(
      async () =>
        (
          await launcher.client.workflow.count(
            `WorkflowType = 'bureaucratProcess' AND BureaucratDefinition = '${name}@1' AND ExecutionStatus = 'Running'`,
          )
        ).count,
      (n) => n === 1000,
      60_000,
    );
    const progress: number[] = [];
    const outcomes = await launcher.migrate(
      { definition: `${name}@1` },
      { to: `${name}@2`, concurrency: 32, onProgress: (done) => progress.push(done) },
    );
    expect(outcomes.length).toBe(1000);
    expect(outcomes.filter((o) => o.outcome !== 'moved')).toEqual([]);
    expect(progress.at(-1)).toBe(1000);
    const moved = await eventually(
      async () =>
        (
          await launcher.client.workflow.count(
            `WorkflowType = 'bureaucratProcess' AND BureaucratDefinition = '${name}@2' AND ExecutionStatus = 'Running'`,
          )
        ).count,
      (n) => n === 1000,
      60_000,
    );
    expect(moved).toBe(1000);
    await Promise.all(processes.map((p) => p.cancel()));
  });
}, 300_000);
