/**
 * The package as its users meet it: packed with `npm pack`, installed into a fresh project outside the
 * repository (dependencies from the registry), and used exactly as the README's "Using it" section says —
 * its code blocks are the project's files, compiled by the project's own TypeScript (ES modules) or run as
 * CommonJS, against the suite's dev server in a namespace of their own.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findNode } from '../support/processes';
import { readmeConsumerBlocks } from '../support/readme';
import { eventually, useTestServer } from '../support/temporal';
import { findPython, pythonVenv } from '../support/python';
import { freePort } from '../../src/server/dev-server';
import { TEST_ENV } from '../support/env-keys';
import { createNamespace } from '../support/namespaces';
import { ProcessHandle } from '../../src/client/process-handle';
import { Client } from '@temporalio/client';

const run = promisify(execFile);
const repo = path.join(__dirname, '../..');
// The versions the package itself pins: a user's project gets the same from the registry.
const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

jest.setTimeout(600_000);

describe('the packed package in a project outside the repository, as the README shows', () => {
  const testServer = useTestServer();
  let project: string;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-consumer-'));
    project = path.join(tmp, 'shop');
    mkdirSync(project);
    // lib/ was built by `npm test`'s pretest; packing must not rebuild it under the other test files' feet.
    await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp], { cwd: repo });
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack left no tarball in ${tmp}`);
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'shop', private: true, type: 'module' }, null, 2),
    );
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        path.join(tmp, tarball),
        `typescript@${pkg.devDependencies.typescript}`,
        `@types/node@${pkg.devDependencies['@types/node']}`,
        `@temporalio/client@${pkg.dependencies['@temporalio/client']}`,
        `@temporalio/envconfig@${pkg.dependencies['@temporalio/envconfig']}`,
      ],
      { cwd: project },
    );
    for (const block of readmeConsumerBlocks()) {
      if (block.kind !== 'file') continue;
      mkdirSync(path.dirname(path.join(project, block.path)), { recursive: true });
      writeFileSync(path.join(project, block.path), block.code);
    }

    const server = testServer();
    const namespace = await createNamespace(server);
    client = new Client({ connection: server.connection, namespace });
    const address = process.env[TEST_ENV.address];
    if (!address) throw new Error(`${TEST_ENV.address} is not set: run through jest`);
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
    };
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    if (project) rmSync(path.dirname(project), { recursive: true, force: true });
  });

  /** Runs a command in the project; resolves with its output, rejects with it on a non-zero exit. */
  const inProject = (command: string, args: string[]) =>
    run(command, args, { cwd: project, env, timeout: 120_000 }).catch(
      (err: { stdout?: string; stderr?: string }) => {
        throw new Error(`${command} ${args.join(' ')} failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
      },
    );

  it('ships what a user needs and nothing from test/', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[]).flatMap((p) =>
      p.files.map((f) => f.path),
    );
    expect(files).toEqual(
      expect.arrayContaining([
        'lib/src/index.js',
        'lib/src/index.d.ts',
        'lib/src/testing/index.js',
        'lib/workflows/index.js',
        'lib/workflow-bundle.js',
        'lib/src/cli/main.js',
        'README.md',
        'tools/time-skipping-server/launch.sh',
      ]),
    );
    expect(files.filter((f) => /^(test|bench|lib\/test)\//.test(f))).toEqual([]);
  });

  it("compiles the README's TypeScript with the project's own tsc, and runs worker, launcher, events, result and replay", async () => {
    await inProject('npx', ['tsc', '-p', '.']);

    const running = spawn(process.execPath, ['dist/worker.js'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let workerOutput = '';
    worker = running;
    running.stdout.on('data', (d: Buffer) => (workerOutput += d.toString()));
    running.stderr.on('data', (d: Buffer) => (workerOutput += d.toString()));

    const launched = await inProject('node', ['dist/launch.js']);
    expect(launched.stdout).toMatch(/^order-42 is active$/m);
    const order = new ProcessHandle(client, 'order-42');
    await eventually(
      () => order.state(),
      (s) => findNode(s, '_1')?.state === 'active',
    );

    const plain = await inProject('node', ['dist/plain-client.js']);
    expect(plain.stdout).toContain('active { order: 42, quantity: 3, paid: false, reserved: true }');

    await inProject('node', ['dist/events.js']);
    const result = await inProject('node', ['dist/result.js']);
    expect(result.stdout).toContain('{ order: 42, quantity: 3, paid: true, reserved: true, charged: 30 }');

    for (const block of readmeConsumerBlocks().filter((b) => b.kind === 'run')) {
      for (const line of block.code.split('\n').filter((l) => l.trim())) {
        const [command = '', ...args] = line.split(/\s+/);
        await inProject(command, args);
      }
    }
    const replay = await inProject('node', ['dist/replay.js']);
    expect(replay.stdout).toContain('1 histories replay');

    const faulted = await inProject('node', ['out-of-stock.cjs']);
    expect(faulted.stdout).toMatch(
      /^OutOfStock: process \S+ ended on fault OutOfStock: only 10 left, 20 wanted$/m,
    );

    // The worker stops on SIGTERM. It printed no bundler output and no SDK chatter below WARN; a participant's
    // fault is a business outcome, not a warning. What it did warn about is the process that faulted.
    const exited = new Promise<number | null>((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(workerOutput).not.toMatch(/\[(INFO|DEBUG|TRACE)\]|webpack|[Bb]undl|Activity failed/);
    expect(workerOutput.match(/\[WARN\] \w[\w ]*/g)).toEqual(['[WARN] Workflow failed ']);
  });

  it('deploys definitions by name from the installed command: launches by name, keeps versions, migrates what can move', async () => {
    const bin = path.join(project, 'node_modules', '.bin', 'bureaucrat');
    const worker = spawn(bin, ['worker'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const cli = async (...args: string[]) =>
      run(bin, args, { cwd: project, env, timeout: 120_000 }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({
          code: e.code ?? -1,
          stdout: e.stdout ?? '',
          stderr: e.stderr ?? '',
        }),
      );
    // Two routes, each parked in its own <await>; version 2 replaced route y's await and added a last step.
    const route = (y: string, last = '') => `<process name="ship">
  <context><property name="route" type="str">x</property></context>
  <switch>
    <case><condition>context["route"] == "x"</condition><await event="x-ready"/></case>
    <case><condition>context["route"] == "y"</condition>${y}</case>
  </switch>${last}
</process>`;
    writeFileSync(path.join(project, 'processes/ship.xml'), route('<await event="y-ready"/>'));
    try {
      expect(await cli('deploy', 'processes/ship.xml')).toMatchObject({ code: 0, stdout: 'ship@1\n' });
      expect((await cli('deploy', 'processes/ship.xml')).stdout).toMatch(/^ship@1 \(unchanged/);
      const x = (await cli('launch', 'ship', '--fields', '{"route": "x"}')).stdout.trim();
      const y = (await cli('launch', 'ship@1', '--fields', '{"route": "y"}')).stdout.trim();
      for (const id of [x, y]) {
        await eventually(
          async () => (await cli('status', id)).stdout,
          (out) => /await\s.*active/.test(out),
        );
      }
      writeFileSync(
        path.join(project, 'processes/ship.xml'),
        route('<assign property="route">"z"</assign>', '\n  <assign property="shipped">True</assign>'),
      );
      expect((await cli('deploy', 'processes/ship.xml')).stdout).toBe('ship@2\n');
      // Running processes keep the version they started with.
      expect((await cli('status', x)).stdout).toMatch(/^definition ship@1$/m);

      const dry = await cli('migrate', '--definition', 'ship@1', '--to', 'ship@2', '--dry-run');
      expect(dry.stdout).toContain(`${x}: would move ship@1 → ship@2`);
      expect(dry.stdout).toMatch(new RegExp(`${y}: refused: active <await> \\S+ is <assign>`));
      const migrated = await cli('migrate', '--definition', 'ship@1', '--to', 'ship@2');
      expect(migrated.code).toBe(1); // one was refused
      expect(migrated.stdout).toContain(`${x}: moved ship@1 → ship@2`);
      expect(migrated.stdout).toContain(`${y}: refused:`);
      expect((await cli('status', x)).stdout).toMatch(/^definition ship@2$/m);
      expect((await cli('status', y)).stdout).toMatch(/^definition ship@1$/m);
      // The moved process listens again (an await shows active once its router knows it).
      await eventually(
        async () => (await cli('status', x)).stdout,
        (out) => /await\s.*active/.test(out),
      );
      expect((await cli('event', 'x-ready')).code).toBe(0);
      const result = await cli('launch', 'ship', '--fields', '{"route": "z"}', '--wait');
      expect(result.code).toBe(0);
      await eventually(
        async () => (await cli('status', x)).stdout,
        (out) => out.includes('completed'),
      );
      const context = new ProcessHandle(client, x);
      expect(await context.result()).toEqual({ route: 'x', shipped: true });
      await cli('cancel', y);
    } finally {
      const exited =
        worker.exitCode !== null ? Promise.resolve() : new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
  });

  it('serves the HTTP API from the installed package: curl launches, signals, inspects and cancels; another origin cannot; the Python client works', async () => {
    const port = await freePort();
    // The installed command itself, not through npx: npx does not pass SIGTERM on to it.
    const bin = path.join(project, 'node_modules', '.bin', 'bureaucrat');
    const worker = spawn(bin, ['worker'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const api = spawn(bin, ['api', '--port', String(port)], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let banner = '';
      api.stdout.on('data', (d: Buffer) => (banner += d.toString()));
      api.stderr.on('data', (d: Buffer) => (banner += d.toString()));
      await eventually(
        async () => banner,
        (text) => /^API: http:\/\/127\.0\.0\.1:\d+/m.test(text),
        60_000,
      );
      const url = `http://127.0.0.1:${port}`;
      const curl = async (...args: string[]) =>
        (await inProject('curl', ['-s', '-w', '\n%{http_code}', ...args])).stdout.trim().split('\n');
      const json = ['-H', 'content-type: application/json'];
      const definition = '<process name="curl-order"><await event="paid"/></process>';
      const [launched, created] = await curl(
        ...json,
        '-d',
        JSON.stringify({ definition, processId: 'curl-1' }),
        `${url}/v1/processes`,
      );
      expect(created).toBe('201');
      expect(JSON.parse(launched)).toMatchObject({ processId: 'curl-1', started: true });
      const [, evil] = await curl(
        '-H',
        'content-type: text/plain',
        '-H',
        'origin: http://evil.example',
        '-d',
        '{}',
        `${url}/v1/processes/curl-1/cancel`,
      );
      expect(evil).toBe('403');
      const [details, ok] = await curl(`${url}/v1/processes/curl-1`);
      expect([ok, JSON.parse(details).status]).toEqual(['200', 'running']);
      const [, sent] = await curl(...json, '-d', '{"event": "paid"}', `${url}/v1/processes/curl-1/events`);
      expect(sent).toBe('202');
      const [result] = await curl(`${url}/v1/processes/curl-1/result?wait=30s`);
      expect(JSON.parse(result)).toMatchObject({ status: 'completed' });
      await curl(...json, '-d', JSON.stringify({ definition, processId: 'curl-2' }), `${url}/v1/processes`);
      const [, cancelled] = await curl(...json, '-d', '{}', `${url}/v1/processes/curl-2/cancel`);
      expect(cancelled).toBe('202');
      const [spec] = await curl(`${url}/v1/openapi.json`);
      expect(JSON.parse(spec)).toMatchObject({ openapi: '3.1.0' });

      const found = findPython();
      if ('python' in found) {
        const python = pythonVenv(found.python);
        const script = [
          'from bureaucrat_temporal import Launcher, Events',
          `h = Launcher().launch('<process name="py-order"><await event="shipped"/></process>', {"n": 1}, process_id="py-1")`,
          'import time',
          '# A broadcast reaches the awaits waiting when it is published: wait until this one is.',
          'while h.state()["children"][0]["state"] != "active": time.sleep(0.1)',
          'Events().publish({"event": "shipped"})',
          'print("py", h.result(timeout=30))',
        ].join('\n');
        const { stdout } = await run(python, ['-c', script], {
          env: {
            ...env,
            BUREAUCRAT_API_URL: url,
            PYTHONPATH: path.join(project, 'node_modules/bureaucrat-temporal/python'),
          },
          timeout: 60_000,
        });
        expect(stdout).toContain("py {'n': 1}");
      } else if (process.env.CI) {
        throw new Error(found.missing);
      }
    } finally {
      const exited = (child: ChildProcess) =>
        child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
      const stopped = Promise.all([exited(api), exited(worker)]);
      api.kill('SIGTERM');
      worker.kill('SIGTERM');
      await stopped;
    }
  });
});
