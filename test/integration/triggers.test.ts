/**
 * Event triggers against the real dev server: predicates true, false and raising; correlation (the same id
 * twice, and again after a failed run); typed launch fields; dead letters after retries and their redrive;
 * registration rules (duplicates, conflicts, replace, invalid input); removal; record-change events.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { eventActivities } from '../../activities/events';
import { Definitions, DefinitionNotFoundError } from '../../src/client/definitions';
import { Events } from '../../src/client/events';
import { Launcher } from '../../src/client/launcher';
import { hookSinks } from '../../src/worker/hooks';
import { TriggerConflictError, TriggerExpressionError, Triggers } from '../../src/client/triggers';
import { DefinitionError } from '../../src/definition';
import { PROCESS_NAME, SCHEDULE_NAME } from '../../src/search-attributes';
import { recordUpdated } from '../../src/triggers/record-events';
import { createNamespace } from '../support/namespaces';
import { withProcessWorker } from '../support/processes';
import { eventually, testWorkflowBundle, useTestServer } from '../support/temporal';

const env = useTestServer();

const order = `<process name="triggered-order">
  <context>
    <property name="order" type="int">0</property>
    <property name="amount" type="float">0</property>
  </context>
  <switch>
    <case><condition>context["amount"] &gt; 1000</condition><fault code="TooMuch"/></case>
  </switch>
  <assign property="done">True</assign>
</process>`;

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Runs `fn` with a worker serving processes, the event router and the trigger activity. */
function withTriggerWorker<T>(fn: (triggers: Triggers, events: Events) => Promise<T>): Promise<T> {
  return withProcessWorker(
    env(),
    {},
    (taskQueue) => fn(new Triggers(env().client, taskQueue), new Events(env().client, taskQueue)),
    {
      activities: eventActivities(env().client),
    },
  );
}

async function processIds(triggers: Triggers, name: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of triggers.client.workflow.list({ query: `BureaucratTrigger = '${name}'` })) {
    ids.push(wf.workflowId);
  }
  return ids.sort();
}

test('predicate, correlation id and typed fields; a raising predicate dead-letters at once', async () => {
  await withTriggerWorker(async (triggers, events) => {
    const event = unique('order_placed');
    const { name, result } = await triggers.add(event, order, {
      when: "event['amount'] > 100",
      id: "'order-' + str(event['order']) + '-" + event + "'",
    });
    expect(result).toBe('added');
    const id = (n: number) => `order-${n}-${event}`;

    await events.trigger(event, { order: 1, amount: '150.5', extra: 'ignored' }); // "150.5" > 100 raises
    await events.trigger(event, { order: 2, amount: 150.5, extra: 'ignored' }); // matches
    await events.trigger(event, { order: 3, amount: 50 }); // predicate false
    await eventually(
      () => processIds(triggers, name),
      (ids) => ids.includes(id(2)),
    );
    await events.trigger(event, { order: 2, amount: 300 }); // same correlation id: no second process

    const letters = await eventually(
      () => triggers.deadLetters(name),
      (l) => l.length === 1,
    );
    expect(letters[0].message).toEqual({ event, order: 1, amount: '150.5', extra: 'ignored' });
    expect(letters[0].error).toContain('TypeError');
    const handle = triggers.client.workflow.getHandle(id(2));
    expect(await handle.result()).toEqual({ order: 2, amount: 150.5, done: true });
    const description = await handle.describe();
    expect(description.memo).toMatchObject({ trigger: name, processName: 'triggered-order' });
    expect(description.typedSearchAttributes.get(PROCESS_NAME)).toBe('triggered-order');
    expect(description.typedSearchAttributes.get(SCHEDULE_NAME)).toBeUndefined();

    // A failed process lets its id start afresh; a completed one does not.
    await events.trigger(event, { order: 4, amount: 5000 });
    const statusOf4 = () =>
      triggers.client.workflow
        .getHandle(id(4))
        .describe()
        .then(
          (d) => d.status.name,
          () => 'NOT_FOUND',
        );
    await eventually(statusOf4, (s) => s === 'FAILED');
    await events.trigger(event, { order: 4, amount: 200 });
    await eventually(statusOf4, (s) => s === 'COMPLETED');
    await events.trigger(event, { order: 2, amount: 999 }); // completed: still one run
    const list = await eventually(
      () => triggers.list(),
      (l) => l.find((t) => t.name === name)?.started === 3,
    );
    expect(list.find((t) => t.name === name)).toMatchObject({
      event,
      processName: 'triggered-order',
      when: "event['amount'] > 100",
      deadLetters: 1,
    });
    expect(await processIds(triggers, name)).toEqual([id(2), id(4), id(4)]);
    const runsOf2 = await triggers.client.workflow.count(`WorkflowId = '${id(2)}'`);
    expect(runsOf2.count).toBe(1);
  });
});

test('one process per event without --id; removal stops the trigger; other triggers and awaits are not affected', async () => {
  await withTriggerWorker(async (triggers, events) => {
    const event = unique('ping');
    const every = await triggers.add(event, order);
    const raising = await triggers.add(event, order, { when: "event['missing'] == 1" });
    // An await waiting for the event still receives it, whatever the triggers do.
    const launcher = new Launcher(triggers.client, triggers.taskQueue);
    const waiting = await launcher.launch(
      `<process><await event="${event}"/><assign property="heard">True</assign></process>`,
    );
    await eventually(
      () => waiting.state(),
      (snapshot) => snapshot.children[0]?.state === 'active',
    );
    await events.trigger(event, { order: 1 });
    await events.trigger(event, { order: 1 });
    await eventually(
      () => processIds(triggers, every.name),
      (ids) => ids.length === 2,
    );
    await eventually(
      () => triggers.deadLetters(raising.name),
      (l) => l.length === 2 && l.every((d) => d.error.includes('KeyError')),
    );
    expect(await waiting.result()).toEqual({ heard: true });
    expect(await triggers.remove(every.name)).toBe(true);
    expect(await triggers.remove(every.name)).toBe(false);
    expect((await triggers.list()).map((t) => t.name)).toEqual([raising.name]);
    await events.trigger(event, { order: 2 });
    await eventually(
      () => triggers.deadLetters(raising.name),
      (l) => l.length === 3, // the event was handled, and the removed trigger started nothing
    );
    expect(await processIds(triggers, every.name)).toHaveLength(2);
  });
});

test('registration: identical twice is one trigger, a conflicting name is refused unless replaced, bad input registers nothing', async () => {
  await withTriggerWorker(async (triggers) => {
    const event = unique('reg');
    const first = await triggers.add(event, order, { when: "event['a'] == 1" });
    const second = await triggers.add(event, order, { when: "event['a'] == 1" });
    expect(second).toEqual({ name: first.name, result: 'unchanged' });
    const other = await triggers.add(event, order, { when: "event['a'] == 2" });
    expect(other.name).not.toBe(first.name);

    await triggers.add(event, order, { name: 'fixed-name-' + event, retries: 1 });
    await expect(triggers.add(event, order, { name: 'fixed-name-' + event, retries: 2 })).rejects.toThrow(
      TriggerConflictError,
    );
    await expect(
      triggers.add(event, order, { name: 'fixed-name-' + event, retries: 2, replace: true }),
    ).resolves.toMatchObject({ result: 'replaced' });

    await expect(triggers.add(event, '<process><bogus/></process>')).rejects.toThrow(DefinitionError);
    await expect(triggers.add(event, order, { when: "event['a'] ==" })).rejects.toThrow(
      /--when: unexpected end of expression at column \d+ of expression/,
    );
    await expect(triggers.add(event, order, { id: 'context["a"]' })).rejects.toThrow(TriggerExpressionError);
    expect((await triggers.list()).filter((t) => t.event === event)).toHaveLength(3);
  });
});

test('a start that fails is retried, then dead-lettered; redrive starts it once the cause is fixed', async () => {
  // A namespace without the BureaucratTrigger search attribute: every triggered start fails until it is added.
  const namespace = await createNamespace(env(), 'no-attr', [PROCESS_NAME]);
  const { Client } = await import('@temporalio/client');
  const client = new Client({ connection: env().connection, namespace });
  const taskQueue = unique('retry');
  const worker = await Worker.create({
    connection: env().nativeConnection,
    namespace,
    taskQueue,
    workflowBundle: testWorkflowBundle(),
    activities: eventActivities(client),
    sinks: hookSinks(),
  });
  await worker.runUntil(async () => {
    const triggers = new Triggers(client, taskQueue);
    const events = new Events(client, taskQueue);
    const event = unique('flaky');
    const { name } = await triggers.add(event, order, { retries: 2, id: "'flaky-' + str(event['order'])" });
    await events.trigger(event, { order: 1 });
    const [letter] = await eventually(
      () => triggers.deadLetters(name),
      (l) => l.length === 1,
    );
    expect(letter.error).toMatch(/^start failed after 3 attempt\(s\): .*BureaucratTrigger/);
    expect(letter.message).toEqual({ event, order: 1 });

    await env().connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: { BureaucratTrigger: 2 /* KEYWORD */ },
    });
    const redriven = await eventually(
      () => triggers.redrive(name),
      (r) => r.started === 1,
    );
    expect(redriven).toEqual({ started: 1, skipped: 0, failed: 0 });
    expect(await client.workflow.getHandle('flaky-1').result()).toMatchObject({ order: 1, done: true });
    expect(await triggers.deadLetters(name)).toEqual([]);
  });
});

test('record-change events carry per-field diffs that predicates read', async () => {
  await withTriggerWorker(async (triggers, events) => {
    const model = unique('project');
    const { name } = await triggers.add(`${model}.updated`, order, {
      when: "event['changes']['status']['new'] == 'active'",
      id: "'project-' + str(event['id']) + '-" + model + "'",
    });
    const activated = recordUpdated(
      model,
      { id: 7, status: 'draft', title: 'x' },
      { id: 7, status: 'active', title: 'x' },
    );
    expect(activated).toEqual({
      name: `${model}.updated`,
      data: {
        model,
        action: 'updated',
        id: 7,
        record: { id: 7, status: 'active', title: 'x' },
        changes: { status: { old: 'draft', new: 'active' } },
      },
    });
    await events.trigger(activated.name, activated.data);
    const renamed = recordUpdated(
      model,
      { id: 8, status: 'active', title: 'x' },
      { id: 8, status: 'active', title: 'y' },
    );
    await events.trigger(renamed.name, renamed.data); // no status change: KeyError, dead-lettered
    await eventually(
      () => triggers.deadLetters(name),
      (l) => l.length === 1,
    );
    expect(await processIds(triggers, name)).toEqual([`project-7-${model}`]);
  });
});

test('an event id published twice fires its triggers once (idempotent publishing, issue 16)', async () => {
  await withTriggerWorker(async (triggers, events) => {
    const event = unique('paid');
    const { name } = await triggers.add(event, order);
    await events.trigger(event, { order: 1 }, { id: 'payment-1' });
    await events.trigger(event, { order: 1 }, { id: 'payment-1' }); // dropped by the router
    await events.trigger(event, { order: 2 }, { id: 'payment-2' });
    // The router handles its events in history order: once the third is fired, the second was dropped.
    const ids = await eventually(
      () => processIds(triggers, name),
      (found) => found.length >= 2,
    );
    expect(ids).toHaveLength(2);
  });
});

test('a trigger by name starts the latest version at each event; a pinned one keeps its version', async () => {
  await withTriggerWorker(async (triggers, events) => {
    const definitions = new Definitions(triggers.client, triggers.taskQueue);
    const deployedName = unique('triggered');
    const version = (marker: string) => `<process name="${deployedName}">
  <context><property name="order" type="int">0</property></context>
  <assign property="marker">"${marker}"</assign>
</process>`;
    await expect(triggers.add(unique('nothing'), { name: unique('absent') })).rejects.toThrow(
      DefinitionNotFoundError,
    );
    expect(await definitions.deploy(version('one'))).toMatchObject({ version: 1 });
    const event = unique('by_name');
    const latest = await triggers.add(
      event,
      { name: deployedName },
      { id: "'latest-' + str(event['order'])" },
    );
    const pinned = await triggers.add(
      event,
      { name: deployedName, version: 1 },
      { id: "'pinned-' + str(event['order'])" },
    );
    expect(latest.result).toBe('added');
    expect(pinned.result).toBe('added');
    expect(latest.name).not.toBe(pinned.name);
    // The same registration again is one trigger; another version is other settings.
    expect(
      (await triggers.add(event, { name: deployedName }, { id: "'latest-' + str(event['order'])" })).result,
    ).toBe('unchanged');
    await expect(
      triggers.add(event, { name: deployedName, version: 2 }, { name: pinned.name }),
    ).rejects.toThrow(DefinitionNotFoundError);

    const run = async (id: string) => {
      const handle = triggers.client.workflow.getHandle(id);
      await eventually(
        () =>
          handle.describe().then(
            () => true,
            () => false,
          ),
        (found) => found,
      );
      return { context: await handle.result(), memo: (await handle.describe()).memo };
    };
    await events.trigger(event, { order: 1 });
    expect(await run('latest-1')).toMatchObject({
      context: { order: 1, marker: 'one' },
      memo: { definition: `${deployedName}@1`, trigger: latest.name },
    });
    expect((await run('pinned-1')).memo).toMatchObject({ definition: `${deployedName}@1` });

    expect(await definitions.deploy(version('two'))).toMatchObject({ version: 2 });
    await events.trigger(event, { order: 2 });
    expect(await run('latest-2')).toMatchObject({
      context: { order: 2, marker: 'two' },
      memo: { definition: `${deployedName}@2` },
    });
    expect(await run('pinned-2')).toMatchObject({
      context: { order: 2, marker: 'one' },
      memo: { definition: `${deployedName}@1` },
    });
    const listed = await triggers.list();
    expect(listed.find((t) => t.name === latest.name)).toMatchObject({
      definition: deployedName,
      processName: deployedName,
    });
    expect(listed.find((t) => t.name === pinned.name)).toMatchObject({ definition: `${deployedName}@1` });
  });
});
