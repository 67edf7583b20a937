/**
 * The CLI of deployed definitions, against the real dev server: `deploy` (versions, unchanged content,
 * lint warnings, --strict, invalid files that store nothing), `definitions list | versions | show | diff`,
 * `launch NAME[@V]` and `list --definition` with a real worker, and `migrate` of a parked process.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Definitions } from '../../src/client/definitions';
import { Launcher } from '../../src/client/launcher';
import { eventActivities } from '../../activities/events';
import { runCli } from '../support/cli';
import { withProcessWorker } from '../support/processes';
import { eventually, uniqueTaskQueue, useTestServer } from '../support/temporal';

const env = useTestServer();

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-definitions-cli-'));

/** A definition named `name` that assigns `marker`, after waiting for event `go` when asked. */
const definition = (name: string, marker: string, wait = false) => `<process name="${name}">
  <context><property name="marker" type="str"></property></context>
  ${wait ? '<await event="go"/>' : ''}
  <assign property="marker">"${marker}"</assign>
</process>
`;

/** Writes `text` to a new file in the test's directory. */
function file(name: string, text: string): string {
  const at = path.join(dir, `${unique(name)}.xml`);
  writeFileSync(at, text);
  return at;
}

/** The connection flags of the test server, on `taskQueue`. */
const connection = (taskQueue: string) => [
  '--address',
  process.env.BUREAUCRAT_TEST_ADDRESS as string,
  '--namespace',
  process.env.BUREAUCRAT_TEST_NAMESPACE ?? 'default',
  '--task-queue',
  taskQueue,
];

test('deploy, definitions list/versions/show/diff, launch NAME[@V] and list --definition', async () => {
  const client = env().client;
  await withProcessWorker(
    env(),
    {},
    async (taskQueue) => {
      const conn = connection(taskQueue);
      const name = unique('order');
      const v1 = file('order', definition(name, 'one'));
      const first = await runCli(['deploy', v1, ...conn]);
      expect(first).toMatchObject({ code: 0, stdout: `${name}@1\n` });
      const again = await runCli(['deploy', v1, ...conn]);
      expect(again).toMatchObject({
        code: 0,
        stdout: `${name}@1 (unchanged: the latest version has this content)\n`,
      });
      const v2 = file('order', definition(name, 'two'));
      expect(await runCli(['deploy', v2, ...conn])).toMatchObject({ code: 0, stdout: `${name}@2\n` });

      const listed = await eventually(
        () => runCli(['definitions', 'list', ...conn]),
        (r) => r.stdout.includes(`${name}\t${name}@2\t2\t`),
      );
      expect(listed.stdout).toMatch(new RegExp(`^${name}\\t${name}@2\\t2\\t${name}\\t\\d{4}-`, 'm'));
      const versions = await eventually(
        () => runCli(['definitions', 'versions', name, ...conn]),
        (r) => r.stdout.split('\n').filter(Boolean).length === 2,
      );
      const lines = versions.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^${name}@1\\t\\d{4}-\\S+\\t\\d+ bytes\\t[0-9a-f]{12}$`));
      expect(lines[1]).toMatch(new RegExp(`^${name}@2\\t.*\\t[0-9a-f]{12}\\t\\(latest\\)$`));

      const summary = await runCli(['definitions', 'show', name, ...conn]);
      expect(summary.code).toBe(0);
      expect(summary.stdout).toMatch(new RegExp(`^${name}@2 \\(latest\\)\\n`));
      expect(summary.stdout).toMatch(/^digest: +sha256:[0-9a-f]{64}$/m);
      expect(summary.stdout).toMatch(/^activities: +1$/m);
      const xml = await runCli(['definitions', 'show', `${name}@1`, '--xml', ...conn]);
      expect(xml).toMatchObject({ code: 0, stdout: readFileSync(v1, 'utf8') });
      const svg = await runCli(['definitions', 'show', `${name}@1`, '--svg', ...conn]);
      expect(svg.code).toBe(0);
      expect(svg.stdout).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
      const svgFile = path.join(dir, 'pictures', 'order.svg');
      expect((await runCli(['definitions', 'show', name, '--svg', svgFile, ...conn])).code).toBe(0);
      expect(readFileSync(svgFile, 'utf8')).toMatch(/^<svg/);

      const diff = await runCli(['definitions', 'diff', `${name}@1`, `${name}@2`, ...conn]);
      expect(diff.code).toBe(0);
      expect(diff.stdout).toBe(
        [
          `--- ${name}@1`,
          `+++ ${name}@2`,
          '@@ -1,5 +1,5 @@',
          ` <process name="${name}">`,
          '   <context><property name="marker" type="str"></property></context>',
          '   ',
          '-  <assign property="marker">"one"</assign>',
          '+  <assign property="marker">"two"</assign>',
          ' </process>',
          '',
        ].join('\n'),
      );
      const same = await runCli(['definitions', 'diff', `${name}@2`, name, ...conn]);
      expect(same).toMatchObject({ code: 0, stdout: '' });
      expect(same.stderr).toMatch(/have the same content/);

      // Launch by name: the latest, or a pinned version; a file still launches as before.
      const latest = await runCli(['launch', name, '--wait', ...conn]);
      expect(latest.code).toBe(0);
      expect(JSON.parse(latest.stdout)).toEqual({ marker: 'two' });
      const pinnedId = unique('pinned');
      const pinned = await runCli(['launch', `${name}@1`, '--id', pinnedId, '--wait', ...conn]);
      expect(pinned.code).toBe(0);
      expect(JSON.parse(pinned.stdout)).toEqual({ marker: 'one' });
      const fromFile = await runCli(['launch', v1, '--wait', ...conn]);
      expect(JSON.parse(fromFile.stdout)).toEqual({ marker: 'one' });

      const byName = await eventually(
        () => runCli(['list', '--definition', name, ...conn]),
        (r) => r.stdout.trimEnd().split('\n').length === 2,
      );
      expect(byName.stdout).toMatch(
        new RegExp(`^${pinnedId}\\tcompleted\\t${name}\\t\\S+\\t${name}@1$`, 'm'),
      );
      const onlyOne = await eventually(
        () => runCli(['list', '--definition', `${name}@1`, ...conn]),
        (r) => r.stdout.length > 0,
      );
      expect(onlyOne.stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(`^${pinnedId}\\t`)]);
      const status = await runCli(['status', pinnedId, ...conn]);
      expect(status.stdout.split('\n')[0]).toBe(`definition ${name}@1`);

      const missing = unique('missing');
      const unknown = await runCli(['launch', missing, ...conn]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain(`"${missing}" is neither a definition file nor a deployed definition`);
      const noVersion = await runCli(['launch', `${name}@9`, ...conn]);
      expect(noVersion.code).toBe(1);
      expect(noVersion.stderr).toMatch(/has no version 9 \(the latest is .*@2\)/);
    },
    { activities: eventActivities(client) },
  );
}, 120_000);

test('deploy reports problems as file:line:col and stores nothing; --strict refuses lint warnings', async () => {
  const conn = connection(uniqueTaskQueue('definitions-cli'));
  const definitions = new Definitions(env().client);
  const name = unique('bad');
  const invalid = file('invalid', `<process name="${name}">\n  <nope/>\n</process>\n`);
  const refused = await runCli(['deploy', invalid, ...conn]);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toBe('');
  expect(refused.stderr).toMatch(new RegExp(`^${invalid.replace(/[.\\]/g, '\\$&')}:2:\\d+: `, 'm'));
  expect(await definitions.latest(name)).toBeUndefined();

  const loop = unique('loop');
  const endless = file(
    'endless',
    `<process name="${loop}">\n  <while><condition>True</condition><delay duration="1"/></while>\n</process>\n`,
  );
  const strict = await runCli(['deploy', '--strict', endless, ...conn]);
  expect(strict.code).toBe(1);
  expect(strict.stderr).toMatch(/:2:\d+: warning: .*\[W001 endless-loop\]/);
  expect(await definitions.latest(loop)).toBeUndefined();
  const lenient = await runCli(['deploy', endless, ...conn]);
  expect(lenient).toMatchObject({ code: 0, stdout: `${loop}@1\n` });
  expect(lenient.stderr).toMatch(/:2:\d+: warning: .*\[W001 endless-loop\]/);

  // A schedule by name: the latest version at each start; `schedule list` shows it.
  const schedule = unique('nightly');
  const added = await runCli(['schedule', 'add', schedule, loop, '--every', '1h', ...conn]);
  expect(added.code).toBe(0);
  try {
    const schedules = await runCli(['schedule', 'list', ...conn]);
    expect(schedules.stdout).toMatch(new RegExp(`^${schedule}\\tevery \\S+\\tactive\\t.*\\t${loop}$`, 'm'));
  } finally {
    await runCli(['schedule', 'remove', schedule, ...conn]);
  }
  const notDeployed = await runCli([
    'schedule',
    'add',
    unique('s'),
    unique('nothing'),
    '--every',
    '1h',
    ...conn,
  ]);
  expect(notDeployed.code).toBe(1);
  expect(notDeployed.stderr).toMatch(/is neither a definition file nor a deployed definition/);

  // --name renames one file; usage errors exit 2 and deploy nothing.
  const renamed = unique('renamed');
  expect(await runCli(['deploy', endless, '--name', renamed, ...conn])).toMatchObject({
    code: 0,
    stdout: `${renamed}@1\n`,
  });
  const both = await runCli(['deploy', endless, invalid, '--name', unique('x'), ...conn]);
  expect(both.code).toBe(2);
  expect(both.stderr).toMatch(/--name names one definition/);
  expect((await runCli(['definitions', 'show', 'order@zero', ...conn])).code).toBe(2);
  expect((await runCli(['list', '--definition', 'bad name', ...conn])).code).toBe(2);
}, 60_000);

test('migrate moves a parked process to another version; a dry run first; usage errors exit 2', async () => {
  const client = env().client;
  await withProcessWorker(
    env(),
    {},
    async (taskQueue) => {
      const conn = connection(taskQueue);
      const name = unique('moving');
      expect((await runCli(['deploy', file('v1', definition(name, 'one', true)), ...conn])).code).toBe(0);
      const id = unique('parked');
      expect((await runCli(['launch', name, '--id', id, ...conn])).code).toBe(0);
      const launcher = new Launcher(client, taskQueue);
      await eventually(
        () => launcher.get(id).state(),
        (s) => s.children[0]?.state === 'active',
      );
      expect((await runCli(['deploy', file('v2', definition(name, 'two', true)), ...conn])).code).toBe(0);

      expect((await runCli(['migrate', '--to', `${name}@2`, ...conn])).code).toBe(2);
      expect((await runCli(['migrate', id, '--definition', name, '--to', `${name}@2`, ...conn])).code).toBe(
        2,
      );
      expect((await runCli(['migrate', id, '--to', `${name}@2`, '--map', 'nope', ...conn])).code).toBe(2);

      const dry = await eventually(
        () => runCli(['migrate', '--definition', `${name}@1`, '--to', `${name}@2`, '--dry-run', ...conn]),
        (r) => r.stdout.includes(id),
      );
      expect(dry).toMatchObject({ code: 0, stdout: `${id}: would move ${name}@1 → ${name}@2\n` });
      const moved = await runCli(['migrate', id, '--to', `${name}@2`, ...conn]);
      expect(moved).toMatchObject({ code: 0, stdout: `${id}: moved ${name}@1 → ${name}@2\n` });
      expect(moved.stderr).toMatch(/1 moved, 0 refused, 0 failed/);
      const status = await runCli(['status', id, ...conn]);
      expect(status.stdout.split('\n').slice(0, 2)).toEqual([
        `definition ${name}@2`,
        expect.stringMatching(`^migrated ${name}@1 → ${name}@2 at `),
      ]);
      await launcher.get(id).event('go');
      expect(await launcher.get(id).result()).toEqual({ marker: 'two' });
    },
    { activities: eventActivities(client) },
  );
}, 120_000);
