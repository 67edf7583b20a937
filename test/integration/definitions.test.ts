/**
 * Definitions deployed by name and version on the Temporal cluster itself, against the real dev server:
 * versions numbered per name, the same content the same version, the latest found by probing, content read
 * back intact (5 MB), a name with 1,000 versions, launches and schedules by name (the latest, or pinned),
 * and a running process that keeps its version while a new one is deployed.
 */
import { randomBytes } from 'node:crypto';
import { Definitions, DefinitionNotFoundError } from '../../src/client/definitions';
import { Launcher } from '../../src/client/launcher';
import { Schedules } from '../../src/client/schedules';
import { DefinitionError } from '../../src/definition';
import { DefinitionRefError, parseDefinitionRef } from '../../src/deployed';
import { DEFINITION_NAME, DEFINITION_VERSION } from '../../src/search-attributes';
import { eventActivities } from '../../activities/events';
import { withProcessWorker } from '../support/processes';
import { eventually, uniqueTaskQueue, useTestServer } from '../support/temporal';

const env = useTestServer();

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** A definition named `name` that assigns `step` to `marker`, and waits for event `go` when asked. */
const definition = (name: string, marker: string, wait = false) => `<process name="${name}">
  <context><property name="marker" type="str"></property></context>
  ${wait ? '<await event="go"/>' : ''}
  <assign property="marker">"${marker}"</assign>
</process>`;

test('deploy numbers versions per name; the same content again is the same version', async () => {
  const definitions = new Definitions(env().client, uniqueTaskQueue());
  const name = unique('order');
  const first = await definitions.deploy(definition(name, 'one'));
  expect(first).toMatchObject({ name, version: 1, unchanged: false, processName: name, activityCount: 1 });
  const again = await definitions.deploy(definition(name, 'one'));
  expect(again).toMatchObject({ name, version: 1, unchanged: true, digest: first.digest });
  const second = await definitions.deploy(definition(name, 'two'));
  expect(second).toMatchObject({ version: 2, unchanged: false });
  // A fresh client (nothing seen yet) finds the same latest version.
  const fresh = new Definitions(env().client);
  expect(await fresh.latest(name)).toBe(2);
  expect((await fresh.get(name)).xml).toBe(definition(name, 'two'));
  expect((await fresh.get(`${name}@1`)).xml).toBe(definition(name, 'one'));
  await expect(fresh.get(`${name}@3`)).rejects.toThrow(DefinitionNotFoundError);
  await expect(fresh.get(unique('none'))).rejects.toThrow(/no definition named/);
  // Redeploying version 1's content makes it the latest again: a roll-back is a deploy.
  expect(await definitions.deploy(definition(name, 'one'))).toMatchObject({ version: 3, unchanged: false });
  const versions = await eventually(
    () => fresh.versions(name),
    (v) => v.length === 3,
  );
  expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
  expect(versions[0].digest).toBe(versions[2].digest);
  const listed = await eventually(
    () => fresh.list(),
    (all) => all.some((d) => d.name === name && d.latest === 3),
  );
  expect(listed.find((d) => d.name === name)).toMatchObject({ latest: 3, versions: 3, processName: name });
});

test('deploy refuses what it cannot store, and stores nothing then', async () => {
  const definitions = new Definitions(env().client, uniqueTaskQueue());
  await expect(definitions.deploy('<process name="x"><nope/></process>')).rejects.toThrow(DefinitionError);
  await expect(definitions.deploy('<process><assign property="a">1</assign></process>')).rejects.toThrow(
    /has no <process name>/,
  );
  await expect(definitions.deploy(definition('bad name', 'x'))).rejects.toThrow(DefinitionRefError);
  const name = unique('strict');
  const endless = `<process name="${name}"><while><condition>True</condition><delay duration="1"/></while></process>`;
  await expect(definitions.deploy(endless, { strict: true })).rejects.toThrow(/--strict/);
  expect(await definitions.latest(name)).toBeUndefined();
  const deployed = await definitions.deploy(endless);
  expect(deployed.version).toBe(1);
  expect(deployed.warnings.map((w) => w.name)).toContain('endless-loop');
  expect(() => parseDefinitionRef('order@0')).toThrow(/whole number from 1/);
  expect(parseDefinitionRef('order@12')).toEqual({ name: 'order', version: 12 });
});

test('a 5 MB definition is stored in chunks and read back intact; two deploys at once get two versions', async () => {
  const definitions = new Definitions(env().client, uniqueTaskQueue());
  const name = unique('big');
  // Random text compresses badly: several 1 MiB chunks, the first in the start, the rest as signals.
  const filler = randomBytes(1_850_000).toString('base64'); // ~2.5 MB
  const documentation = `<!-- ${filler} -->\n<!-- ${randomBytes(1_850_000).toString('base64')} -->`;
  const xml = `<process name="${name}">${documentation}<assign property="a">1</assign></process>`;
  expect(Buffer.byteLength(xml)).toBeGreaterThan(4_900_000);
  const stored = await definitions.deploy(xml);
  expect(stored.chunks).toBeGreaterThan(2);
  expect((await new Definitions(env().client).get(name)).xml).toBe(xml);

  const raced = unique('race');
  const results = await Promise.all(
    ['a', 'b', 'c'].map((m) => new Definitions(env().client).deploy(definition(raced, m))),
  );
  expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3]);
}, 120_000);

test('a name with 1,000 versions: each deploy and the latest stay quick', async () => {
  const definitions = new Definitions(env().client, uniqueTaskQueue());
  const name = unique('many');
  for (let i = 1; i <= 1000; i++) {
    const { version } = await definitions.deploy(definition(name, `v${i}`));
    expect(version).toBe(i);
  }
  const fresh = new Definitions(env().client);
  expect(await fresh.latest(name)).toBe(1000);
  expect((await fresh.get(`${name}@517`)).xml).toBe(definition(name, 'v517'));
  expect((await fresh.get(name)).xml).toBe(definition(name, 'v1000'));
}, 300_000);

test('launch by name takes the latest or the pinned version; a running process keeps its version', async () => {
  const client = env().client;
  await withProcessWorker(
    env(),
    {},
    async (taskQueue) => {
      const launcher = new Launcher(client, taskQueue);
      const name = unique('order');
      await launcher.definitions.deploy(definition(name, 'one', true));
      const parked = await launcher.launch({ name });
      await eventually(
        () => parked.state(),
        (s) => s.children[0]?.state === 'active',
      );
      await launcher.definitions.deploy(definition(name, 'two'));
      expect(await (await launcher.launch({ name })).result()).toEqual({ marker: 'two' });
      // The parked one was started on version 1 and finishes on it.
      await parked.event('go');
      expect(await parked.result()).toEqual({ marker: 'one' });
      const description = await parked.workflowHandle.describe();
      expect(description.typedSearchAttributes.get(DEFINITION_VERSION)).toBe(`${name}@1`);
      expect(description.typedSearchAttributes.get(DEFINITION_NAME)).toBe(name);
      expect(description.memo).toMatchObject({ definition: `${name}@1`, processName: name });
      await expect(launcher.launch({ name, version: 7 })).rejects.toThrow(/has no version 7/);
    },
    { activities: eventActivities(client) },
  );
});

test('a schedule by name starts the latest version at each start; a pinned one keeps its version', async () => {
  const client = env().client;
  await withProcessWorker(
    env(),
    {},
    async (taskQueue) => {
      const schedules = new Schedules(client, taskQueue);
      const definitions = new Definitions(client, taskQueue);
      const name = unique('tick');
      await definitions.deploy(definition(name, 'one'));
      const latest = unique('latest');
      const pinned = unique('pinned');
      await schedules.add(latest, { name }, { every: '1h' });
      await schedules.add(pinned, { name, version: 1 }, { every: '1h' });
      try {
        await definitions.deploy(definition(name, 'two'));
        for (const [schedule, marker, version] of [
          [latest, 'two', 2],
          [pinned, 'one', 1],
        ] as const) {
          await schedules.trigger(schedule);
          const id = await eventually(
            async () => (await client.schedule.getHandle(schedule).describe()).info.recentActions,
            (actions) => actions.length > 0,
          );
          const action = id[0].action;
          if (action.type !== 'startWorkflow') throw new Error('unexpected action');
          const handle = client.workflow.getHandle(action.workflow.workflowId);
          expect(await handle.result()).toEqual({ marker });
          const description = await handle.describe();
          expect(description.typedSearchAttributes.get(DEFINITION_VERSION)).toBe(`${name}@${version}`);
        }
        expect((await schedules.list()).find((s) => s.name === latest)).toMatchObject({ definition: name });
      } finally {
        await schedules.remove(latest);
        await schedules.remove(pinned);
      }
    },
    { activities: eventActivities(client) },
  );
});
