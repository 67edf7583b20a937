import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Launcher } from '../../src/client/launcher';
import { runCli, startCli, stopCli } from '../support/cli';
import { eventually, uniqueTaskQueue, useTestServer } from '../support/temporal';

const fixtures = path.join(__dirname, '../fixtures/cli');
const participants = path.join(fixtures, 'participants.js');

describe('the bureaucrat CLI, end to end against a real server', () => {
  const testServer = useTestServer();
  const taskQueue = uniqueTaskQueue('cli');
  let worker: ChildProcess | undefined;
  let connection: string[] = [];

  const startWorker = () =>
    startCli(['worker', '--participants', participants, ...connection], /worker on .* task queue/);

  beforeAll(async () => {
    connection = ['--address', process.env.BUREAUCRAT_TEST_ADDRESS ?? '', '--task-queue', taskQueue];
    worker = await startWorker();
  });
  afterAll(async () => {
    if (worker) await stopCli(worker);
  });

  const statusJson = async (id: string) => {
    const { stdout, code } = await runCli(['status', id, '--json', ...connection]);
    if (code !== 0) throw new Error(`status exited ${code}`);
    return JSON.parse(stdout) as { state: string; children: { state: string }[] };
  };

  it('launch → status → event → result', async () => {
    const id = `cli-${Date.now()}`;
    const launched = await runCli([
      'launch',
      path.join(fixtures, 'await.xml'),
      '--id',
      id,
      '--fields',
      '{"order": 7}',
      ...connection,
    ]);
    expect(launched).toMatchObject({ code: 0, stdout: `${id}\n` });
    await eventually(
      () => statusJson(id),
      (s) => s.children[1].state === 'active',
    );
    const status = await runCli(['status', id, ...connection]);
    expect(status.code).toBe(0);
    expect(status.stdout.split('\n')).toEqual([
      `${id} process active`,
      `  ${id}_0 action shop.tasks.count completed`,
      `  ${id}_1 await paid active`,
      `  ${id}_2 action shop.tasks.count ready`,
      '',
    ]);
    expect((await runCli(['event', '-e', 'paid', '-d', '{"order": 3}', ...connection])).code).toBe(0); // not ours
    expect((await runCli(['event', 'paid', '--data', '{"order": 7}', ...connection])).code).toBe(0);
    const waited = await runCli([
      'launch',
      path.join(fixtures, 'await.xml'),
      '--id',
      id,
      '--wait',
      ...connection,
    ]);
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toEqual({ n: 2, order: 7 });
  });

  it('de-duplicates by id and lists one process', async () => {
    const id = `cli-dedup-${Date.now()}`;
    const args = ['launch', path.join(fixtures, 'await.xml'), '--id', id, ...connection];
    const [a, b] = [await runCli(args), await runCli(args)];
    expect([a.stdout, b.stdout]).toEqual([`${id}\n`, `${id}\n`]);
    const list = await eventually(
      () => runCli(['list', '--status', 'running', ...connection]),
      (r) => r.stdout.includes(id),
    );
    expect(list.stdout.split('\n').filter((line) => line.startsWith(`${id}\t`))).toEqual([
      expect.stringMatching(new RegExp(`^${id}\\trunning\\tcli-await\\t`)),
    ]);
    expect((await runCli(['cancel', id, ...connection])).code).toBe(0);
    const handle = testServer().client.workflow.getHandle(id);
    await eventually(
      () => handle.describe(),
      (d) => d.status.name === 'CANCELLED',
    );
    // After a cancelled run the same id starts afresh.
    expect((await runCli(args)).stdout).toBe(`${id}\n`);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await runCli(['cancel', id, ...connection])).code).toBe(0);
  }, 120_000);

  it('rejects an invalid definition with exit 2, every problem on stderr, and starts nothing', async () => {
    const id = `cli-invalid-${Date.now()}`;
    const result = await runCli(['launch', path.join(fixtures, 'invalid.xml'), '--id', id, ...connection]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('invalid.xml: invalid process definition (2 problems)');
    expect(result.stderr).toContain('3:5 process/sequence[1]/action[1]: missing attribute "participant"');
    const described = await testServer()
      .client.workflow.getHandle(id)
      .describe()
      .catch((e: unknown) => e);
    expect(described).toBeInstanceOf(Error);
  });

  it('broadcasts one `bureaucrat event` to 50 waiting processes', async () => {
    const launcher = new Launcher(testServer().client, taskQueue);
    const xml = `<process><await event="bulk"/><assign property="done">True</assign></process>`;
    const handles = await Promise.all(Array.from({ length: 50 }, () => launcher.launch(xml)));
    await Promise.all(
      handles.map((h) =>
        eventually(
          () => h.state(),
          (s) => s.children[0].state === 'active',
        ),
      ),
    );
    expect((await runCli(['event', 'bulk', ...connection])).code).toBe(0);
    const results = await Promise.all(handles.map((h) => h.result()));
    expect(results).toEqual(handles.map(() => ({ done: true })));
  });

  it('finishes a process with the right context after its worker is killed (SIGKILL) in the middle of an action', async () => {
    const id = `cli-crash-${Date.now()}`;
    const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-crash-')), 'started');
    const launched = await runCli([
      'launch',
      path.join(fixtures, 'crash.xml'),
      '--id',
      id,
      '--fields',
      JSON.stringify({ marker }),
      '--action-timeout',
      '3s',
      ...connection,
    ]);
    expect(launched.code).toBe(0);
    await eventually(
      async () => existsSync(marker),
      (started) => started,
    );
    if (worker) await stopCli(worker, 'SIGKILL');
    worker = await startWorker();
    const waited = await runCli([
      'launch',
      path.join(fixtures, 'crash.xml'),
      '--id',
      id,
      '--wait',
      ...connection,
    ]);
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toEqual({ n: 2, marker, slow_done: true });
  }, 120_000);

  it('exports a history and replays it; --wait reports a fault with exit 1', async () => {
    const id = `cli-history-${Date.now()}`;
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-history-')), `${id}.json`);
    const failing = path.join(mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-def-')), 'fails.xml');
    writeFileSync(
      failing,
      '<process><action participant="shop.tasks.count"/><fault code="Declined" message="card declined"/></process>',
    );
    const waited = await runCli(['launch', failing, '--id', id, '--wait', ...connection]);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain(`Declined: process ${id} ended on fault Declined: card declined`);
    expect((await runCli(['history', id, '--out', file, ...connection])).code).toBe(0);
    const replayed = await runCli(['replay', file]);
    expect(replayed).toMatchObject({ code: 0 });
    expect(replayed.stderr).toContain('1 history replays against the current interpreter');
  });

  it('`bureaucrat demo --once` runs the example processes with live progress and exits 0', async () => {
    const demo = await runCli(['demo', '--once'], 120_000);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('[demo-approval] _1 await approval → active');
    expect(demo.stdout).toContain('[demo] triggering event approval');
    expect(demo.stdout).toMatch(
      /\[demo-approval\] final context: \{"request":7,"approved":true,.*"notified":true\}/,
    );
    expect(demo.stdout).toMatch(/\[demo-example1\] final context: \{.*"counter":4/);
    expect(demo.stdout).toMatch(/^Console: http:\/\/127\.0\.0\.1:\d+\/$/m);
  }, 150_000);

  it('`bureaucrat show FILE` prints the SVG picture of a definition, `--svg` writes it', async () => {
    const file = path.join(__dirname, '../../examples/processes/approval.xml');
    const shown = await runCli(['show', file]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^<svg /);
    expect(shown.stdout).toContain('<g class="node" data-id="_1" data-kind="await">');
    const invalid = await runCli(['show', path.join(__dirname, '../fixtures/cli/invalid.xml')]);
    expect(invalid.code).toBe(2);
  });

  it('`bureaucrat dev` serves a dev server and a worker until Ctrl-C', async () => {
    const dev = await startCli(['dev', '--port', '17391', '--ui-port', '17392'], /Ctrl-C stops/);
    try {
      const result = await runCli([
        'launch',
        path.join(__dirname, '../../examples/processes/example1.xml'),
        '--address',
        '127.0.0.1:17391',
        '--wait',
      ]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ counter: 4 });
    } finally {
      await stopCli(dev, 'SIGINT');
    }
    expect(dev.exitCode).toBe(0);
  }, 120_000);
});
