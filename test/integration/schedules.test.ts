/**
 * Schedules on Temporal Schedules, against the real dev server: a schedule starts processes whose ids begin
 * with its name and that carry its name (memo, search attribute); pause stops the starts, resume and
 * trigger bring them back, remove deletes the schedule. The CLI's usage errors exit 2 and create nothing.
 */
import { Schedules } from '../../src/client/schedules';
import { SCHEDULE_NAME } from '../../src/search-attributes';
import { runCli } from '../support/cli';
import { withProcessWorker } from '../support/processes';
import { eventually, useTestServer } from '../support/temporal';

const env = useTestServer();

const definition = `<process name="tick">
  <context><property name="n" type="int">0</property></context>
  <assign property="n">context["n"] + 1</assign>
</process>`;

const uniqueName = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** The ids of the processes schedule `name` started, found by its search attribute. */
async function startedBy(schedules: Schedules, name: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of schedules.client.workflow.list({ query: `BureaucratSchedule = '${name}'` })) {
    ids.push(wf.workflowId);
  }
  return ids;
}

test('a schedule starts processes named after it; pause, resume, trigger and remove', async () => {
  await withProcessWorker(env(), {}, async (taskQueue) => {
    const schedules = new Schedules(env().client, taskQueue);
    const name = uniqueName('tick');
    await schedules.add(name, definition, { every: '1s', fields: { n: 41 } });
    try {
      const first = await eventually(
        () => startedBy(schedules, name),
        (ids) => ids.length >= 2,
      );
      for (const id of first) expect(id.startsWith(`${name}-`)).toBe(true);
      const handle = schedules.client.workflow.getHandle(first[0]);
      expect(await handle.result()).toEqual({ n: 42 });
      const description = await handle.describe();
      expect(description.memo).toMatchObject({ schedule: name, processName: 'tick' });
      expect(description.typedSearchAttributes.get(SCHEDULE_NAME)).toBe(name);

      const listed = (await schedules.list()).find((s) => s.name === name);
      expect(listed).toMatchObject({ name, processName: 'tick', timing: 'every 1s', paused: false });

      await schedules.pause(name);
      expect((await schedules.list()).find((s) => s.name === name)?.paused).toBe(true);
      // A start already under way when the pause lands may still show up; after that, nothing new.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const atPause = (await schedules.client.schedule.getHandle(name).describe()).info.numActionsTaken;
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect((await schedules.client.schedule.getHandle(name).describe()).info.numActionsTaken).toBe(atPause);

      await schedules.trigger(name); // a manual start works while paused
      await eventually(
        () => schedules.client.schedule.getHandle(name).describe(),
        (d) => d.info.numActionsTaken === atPause + 1,
      );
      await schedules.resume(name);
      await eventually(
        () => schedules.client.schedule.getHandle(name).describe(),
        (d) => d.info.numActionsTaken >= atPause + 2 && !d.state.paused,
      );
    } finally {
      await schedules.remove(name);
    }
    expect(await schedules.exists(name)).toBe(false);
    expect((await schedules.list()).some((s) => s.name === name)).toBe(false);
  });
});

test('the schedule command: add, list, pause, resume, remove; bad input exits 2 and creates nothing', async () => {
  const address = process.env.BUREAUCRAT_TEST_ADDRESS as string;
  const namespace = process.env.BUREAUCRAT_TEST_NAMESPACE ?? 'default';
  const conn = ['--address', address, '--namespace', namespace, '--task-queue', 'schedules-cli-unpolled'];
  const name = uniqueName('cli');
  const file = 'test/fixtures/definitions/seed-assign.xml';

  const noTiming = await runCli(['schedule', 'add', name, file, ...conn]);
  expect(noTiming.code).toBe(2);
  expect(noTiming.stderr).toContain('give exactly one of --every DURATION or --cron EXPR');
  const invalid = await runCli([
    'schedule',
    'add',
    name,
    'test/fixtures/cli/invalid.xml',
    '--every',
    '1h',
    ...conn,
  ]);
  expect(invalid.code).toBe(2);
  const badOverlap = await runCli([
    'schedule',
    'add',
    name,
    file,
    '--every',
    '1h',
    '--overlap',
    'x',
    ...conn,
  ]);
  expect(badOverlap.code).toBe(2);
  expect(badOverlap.stderr).toContain('--overlap must be one of: skip, buffer, allow');
  const schedules = new Schedules(env().client);
  expect(await schedules.exists(name)).toBe(false);

  const added = await runCli([
    'schedule',
    'add',
    name,
    file,
    '--cron',
    '0 3 * * *',
    '--overlap',
    'buffer',
    ...conn,
  ]);
  expect(added).toMatchObject({ code: 0 });
  const list = await runCli(['schedule', 'list', ...conn]);
  expect(list.stdout).toMatch(new RegExp(`^${name}\\tcron 0 3 \\* \\* \\*\\tactive\\t`, 'm'));
  expect((await runCli(['schedule', 'pause', name, ...conn])).code).toBe(0);
  expect((await runCli(['schedule', 'list', ...conn])).stdout).toMatch(
    new RegExp(`^${name}\\t.*\\tpaused\\t`, 'm'),
  );
  expect((await runCli(['schedule', 'resume', name, ...conn])).code).toBe(0);
  expect((await runCli(['schedule', 'remove', name, ...conn])).code).toBe(0);
  expect(await schedules.exists(name)).toBe(false);
});
