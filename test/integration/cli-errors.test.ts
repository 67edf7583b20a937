import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Launcher } from '../../src/client/launcher';
import { ProcessFaultError } from '../../src/client/process-handle';
import { createWorker } from '../../src/worker/create-worker';
import { CLI, runCli, startCli, type CliResult } from '../support/cli';
import { eventually, testWorkflowBundle, uniqueTaskQueue, useTestServer } from '../support/temporal';

const fixtures = path.join(__dirname, '../fixtures/cli');
const participants = path.join(fixtures, 'participants.js');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-cli-errors-'));

/** Listens on `port` (0: any free one); resolves with the server, or undefined when the port is taken. */
function listen(port = 0): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const portOf = (server: Server) => (server.address() as { port: number }).port;
const close = (server: Server | undefined) =>
  new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = await listen();
  if (!server) throw new Error('no free port');
  const port = portOf(server);
  await close(server);
  return port;
}

/** Runs the CLI with its stdout closed before it writes anything, as `bureaucrat … | head -0` does. */
function runWithClosedStdout(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: '', stderr }));
  });
}

describe('bureaucrat: usage errors exit 2, before anything is done', () => {
  const definition = path.join(fixtures, 'await.xml');

  it('bad option values, unknown commands and options, missing arguments', async () => {
    const cases: [string[], RegExp][] = [
      [['launch', definition, '--fields', '[1, 2]'], /--fields .* expected a JSON object/],
      [['launch', definition, '--fields', '{oops'], /--fields .* not valid JSON/],
      [['event', 'paid', '--data', 'x'], /--data .* not valid JSON/],
      [['launch', definition, '--action-timeout', 'soon'], /--action-timeout .* not a duration: soon/],
      [['worker', '--shutdown-grace', 'later'], /--shutdown-grace .* not a duration: later/],
      [['launch'], /missing required argument 'file'/],
      [['launch', definition, '--colour'], /unknown option '--colour'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['event'], /give the event name/],
      [['event', 'paid', '--ttl', 'soon'], /--ttl .* not a duration: soon/],
      [['event', 'paid', '--process', 'p1', '--key', '7'], /--key, --ttl and --id .* not go with --process/],
      [['list', '--status', 'sleeping'], /--status must be one of: running, completed, failed/],
      [
        ['replay', '/no/such/history.json'],
        /\/no\/such\/history.json: cannot read the history: no such file/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    results.forEach((result, i) => {
      expect({ args: cases[i][0], code: result.code }).toEqual({ args: cases[i][0], code: 2 });
      expect(result.stderr).toMatch(cases[i][1]);
    });
  });

  it('a missing file or a directory given to launch or validate: the path and the reason, no position', async () => {
    const dir = tmp();
    const missing = path.join(dir, 'missing.xml');
    const [launchMissing, launchDir, validate] = await Promise.all([
      runCli(['launch', missing]),
      runCli(['launch', dir]),
      runCli(['validate', missing, dir]),
    ]);
    expect(launchMissing).toMatchObject({ code: 2, stdout: '' });
    expect(launchMissing.stderr).toBe(`${missing}: cannot read the definition: no such file (ENOENT)\n`);
    expect(launchDir).toMatchObject({ code: 2, stdout: '' });
    expect(launchDir.stderr).toBe(
      `${dir}: cannot read the definition: it is a directory, not a file (EISDIR)\n`,
    );
    expect(validate.code).toBe(1); // validate's verdict: a definition that is not valid
    expect(validate.stderr.split('\n')).toEqual([
      `${missing}: cannot read the definition: no such file (ENOENT)`,
      `${dir}: cannot read the definition: it is a directory, not a file (EISDIR)`,
      '',
    ]);
    for (const r of [launchMissing, launchDir, validate]) expect(r.stderr).not.toContain('0:0');
  });

  it('a participants module that does not exist', async () => {
    const result = await runCli(['worker', '--participants', '/no/such/participants.js']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'bureaucrat: /no/such/participants.js: cannot load the participants: no such file (ENOENT)\n',
    );
  });
});

describe('bureaucrat: a server that cannot be reached', () => {
  it('every command names the address and the ways to fix it, quickly', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const definition = path.join(fixtures, 'await.xml');
    const commands = [
      ['launch', definition],
      ['event', 'paid'],
      ['status', 'p-1'],
      ['list'],
      ['cancel', 'p-1'],
      ['history', 'p-1'],
      ['worker', '--participants', participants],
    ];
    const results = await Promise.all(commands.map((c) => runCli([...c, '--address', address])));
    results.forEach((result, i) => {
      expect({ command: commands[i][0], code: result.code }).toEqual({ command: commands[i][0], code: 1 });
      expect(result.stderr.split('\n')).toEqual([
        `bureaucrat: cannot connect to Temporal at ${address}: connection refused (nothing listens on that port)`,
        `  Is a Temporal server running at ${address}? Start a local one with \`bureaucrat dev\`,`,
        '  or point at yours with --address HOST:PORT, $TEMPORAL_ADDRESS, or a profile (--profile NAME,',
        '  $TEMPORAL_PROFILE, temporal.toml); TLS and API keys come from the same settings.',
        '',
      ]);
    });
  });
});

describe('bureaucrat against the test server', () => {
  const testServer = useTestServer();
  const address = () => process.env.BUREAUCRAT_TEST_ADDRESS ?? '';

  it('an unknown namespace: says so and how to create it', async () => {
    const namespace = `no-such-namespace-${Date.now()}`;
    const [launch, list, worker] = await Promise.all([
      runCli(['launch', path.join(fixtures, 'await.xml'), '--address', address(), '--namespace', namespace]),
      runCli(['list', '--address', address(), '--namespace', namespace]),
      runCli(['worker', '--participants', participants, '--address', address(), '--namespace', namespace]),
    ]);
    for (const result of [launch, list, worker]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `bureaucrat: namespace ${namespace} does not exist on this Temporal server\n` +
          `  Create it (temporal operator namespace create --namespace ${namespace}; a dev server:\n`,
      );
    }
  });

  it("a namespace without Bureaucrat's search attribute: the server's message and `bureaucrat setup`", async () => {
    const env = testServer();
    const namespace = `no-attributes-${Date.now()}`;
    await env.connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    // The frontend learns of a new namespace within seconds: wait until it refuses for the attribute.
    const client = new Client({ connection: env.connection, namespace });
    const launcher = new Launcher(client, uniqueTaskQueue('no-attributes'));
    await eventually(
      () => launcher.launch(path.join(fixtures, 'await.xml')).then(String, (e: Error) => String(e.cause)),
      (reason) => reason.includes('search attribute'),
    );
    const result = await runCli([
      'launch',
      path.join(fixtures, 'await.xml'),
      '--address',
      address(),
      '--namespace',
      namespace,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      `bureaucrat: Failed to start Workflow: Namespace ${namespace} has no mapping defined for search attribute BureaucratProcessName`,
      `  The namespace ${namespace} lacks the search attribute BureaucratProcessName that Bureaucrat's processes carry.`,
      `  Register it once: bureaucrat setup --namespace ${namespace}`,
      '',
    ]);
  }, 60_000);

  it('a process that does not exist', async () => {
    const id = `nobody-${Date.now()}`;
    const results = await Promise.all(
      [
        ['status', id],
        ['cancel', id],
        ['history', id],
      ].map((c) => runCli([...c, '--address', address()])),
    );
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `bureaucrat: no process with id ${id} in this namespace\n  \`bureaucrat list\` shows the processes there.\n`,
      );
    }
  });

  it('a closed stdout ends the command quietly with exit 0 (`bureaucrat list | head -1`)', async () => {
    const launcher = new Launcher(testServer().client, uniqueTaskQueue('epipe')); // no worker: it waits
    const handle = await launcher.launch(path.join(fixtures, 'await.xml'));
    try {
      const list = await eventually(
        () => runCli(['list', '--status', 'running', '--address', address()]),
        (r) => r.stdout.includes(handle.processId),
      );
      expect(list.code).toBe(0);
      const [closedList, closedValidate] = await Promise.all([
        runWithClosedStdout(['list', '--address', address()]),
        runWithClosedStdout(['validate', path.join(fixtures, 'await.xml')]),
      ]);
      expect(closedList).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(closedValidate).toEqual({ code: 0, stdout: '', stderr: '' });
    } finally {
      await handle.workflowHandle.terminate('test over');
    }
  });

  it('a worker whose participant never settles exits after the shutdown grace period on SIGTERM', async () => {
    const taskQueue = uniqueTaskQueue('grace');
    const marker = path.join(tmp(), 'started');
    const worker = await startCli(
      [
        'worker',
        '--participants',
        participants,
        '--shutdown-grace',
        '1s',
        '--address',
        address(),
        '--task-queue',
        taskQueue,
      ],
      /worker on .* task queue/,
    );
    let stderr = '';
    worker.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    const handle = await new Launcher(testServer().client, taskQueue).launch(
      path.join(fixtures, 'never-settles.xml'),
      { marker },
    );
    try {
      await eventually(
        async () => existsSync(marker),
        (started) => started,
      );
      worker.kill('SIGTERM');
      expect(await exited).toBe(0); // within grace (1 s) + margin (5 s); the test's timeout bounds it
      expect(stderr).toContain(
        'worker stopped without waiting for participants that did not finish within the shutdown grace period',
      );
    } finally {
      if (worker.exitCode === null) worker.kill('SIGKILL');
      await handle.workflowHandle.terminate('test over');
    }
  });

  it('participant replies: an array faults naming an array; null changes nothing', async () => {
    const env = testServer();
    const taskQueue = uniqueTaskQueue('replies');
    const worker = await createWorker({
      participants: { listy: () => [1, 2, 3] as never, nothing: () => null as never },
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: testWorkflowBundle(),
    });
    await worker.runUntil(async () => {
      const launcher = new Launcher(env.client, taskQueue);
      const fault = await (
        await launcher.launch('<process><action participant="listy"/></process>')
      )
        .result()
        .catch((e: unknown) => e);
      expect(fault).toBeInstanceOf(ProcessFaultError);
      expect(fault).toMatchObject({
        code: 'ActionError',
        message: expect.stringContaining(
          'participant listy replied with an array, not an object of fields',
        ) as unknown,
      });
      const nothing = await launcher.launch(
        '<process><context><property name="a" type="int">1</property></context><action participant="nothing"/></process>',
      );
      expect(await nothing.result()).toEqual({ a: 1 });
    });
  });
});

describe('bureaucrat replay', () => {
  it('names the file that failed, not another run of the same process', async () => {
    const dir = tmp();
    const histories = path.join(__dirname, '../histories');
    for (const run of [1, 2, 3]) {
      copyFileSync(
        path.join(histories, `continue-as-new.run-${run}.json`),
        path.join(dir, `continue-as-new.run-${run}.json`),
      );
    }
    const first = path.join(dir, 'continue-as-new.run-1.json');
    const history = JSON.parse(readFileSync(first, 'utf8')) as {
      events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[];
    };
    const scheduled = history.events.find((e) => e.activityTaskScheduledEventAttributes);
    if (!scheduled?.activityTaskScheduledEventAttributes) throw new Error('run 1 schedules no activity');
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'someone_else';
    writeFileSync(first, JSON.stringify(history));
    const result = await runCli(['replay', dir], 120_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('1 history does not replay:\n  continue-as-new.run-1.json: [TMPRL1100]');
    expect(result.stderr).not.toContain('run-3.json:');
  }, 150_000);
});

describe('bureaucrat dev: ports', () => {
  it('a taken --ui-port or --port is a usage error', async () => {
    const taken = await listen();
    if (!taken) throw new Error('no free port');
    try {
      const [ui, grpc] = await Promise.all([
        runCli(['dev', '--ui-port', String(portOf(taken))]),
        runCli(['dev', '--port', String(portOf(taken))]),
      ]);
      expect(ui.code).toBe(2);
      expect(ui.stderr).toContain(`bureaucrat: --ui-port ${portOf(taken)}: the port is in use`);
      expect(grpc.code).toBe(2);
      expect(grpc.stderr).toContain(`bureaucrat: --port ${portOf(taken)}: the port is in use`);
    } finally {
      await close(taken);
    }
  });

  it('a taken default Web UI port (8233): another one is picked and printed', async () => {
    const blocker = await listen(8233); // undefined: something else already holds it, which is the same
    const port = await closedPort();
    const dev = spawn(process.execPath, [CLI, 'dev', '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const check = (d: Buffer) => {
          output += d.toString();
          if (output.includes('Ctrl-C stops')) resolve();
        };
        dev.stdout.on('data', check);
        dev.stderr.on('data', check);
        dev.once('exit', (code) => reject(new Error(`dev exited (${code}): ${output}`)));
      });
      const ui = /Web UI: http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      expect(ui && Number(ui[1])).not.toBe(8233);
      expect(output).toContain(`Web UI port 8233 is in use; serving the Web UI on ${ui?.[1]} instead`);
    } finally {
      const exited = new Promise<number | null>((resolve) => dev.once('exit', resolve));
      dev.kill('SIGINT');
      expect(await exited).toBe(0);
      await close(blocker);
    }
  }, 90_000);

  it("a dev server that cannot start: the server's own message", async () => {
    const result = await runCli(['dev', '--db', '/no/such/directory/bureaucrat.db'], 90_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^bureaucrat: the Temporal dev server did not start: .*\/no\/such\/directory.*no such file or directory\n/,
    );
  }, 90_000);
});
