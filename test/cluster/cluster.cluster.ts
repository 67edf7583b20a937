/**
 * `npm run test:cluster`: Bureaucrat against a production-style Temporal cluster — the real server on
 * PostgreSQL with SQL visibility (see temporal-cluster.ts) — driven the way an operator and a user would:
 * `temporal operator namespace create`, `bureaucrat setup`, two `bureaucrat worker`s, processes launched and
 * inspected through the CLI, a worker killed with processes in flight, the server restarted with processes
 * parked. The tests run in order and share the cluster.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { searchAttributeProblems } from '../../src/admin/setup';
import { STATE_QUERY } from '../../src/protocol';
import { BUREAUCRAT_SEARCH_ATTRIBUTES } from '../../src/search-attributes';
import { resolveTemporalCli } from '../../src/server/temporal-cli';
import { CLI, runCli, stopCli, type CliResult } from '../support/cli';
import {
  createSchemas,
  ensureServerTools,
  log,
  makeTlsFiles,
  run,
  startPostgres,
  startServer,
  waitFor,
  writeServerConfig,
  type Postgres,
  type ServerConfig,
  type ServerTools,
  type TemporalServer,
} from './temporal-cluster';

const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (name: string) => path.join(FIXTURES, name);
const PARTICIPANTS = fixture('participants.js');

let root: string;
let tools: ServerTools;
let pg: Postgres;
let config: ServerConfig;
let server: TemporalServer;
let temporalCli: string;
let connection: Connection;
let client: Client;
const workers: Worker[] = [];

/** A `bureaucrat worker` child with everything it printed. */
interface Worker {
  readonly child: ChildProcess;
  readonly pid: number;
  output: string;
}

/** `bureaucrat ARGS --address <cluster>` (the connection flag is added to every Temporal command). */
function bureaucrat(args: string[], timeoutMs = 120_000): Promise<CliResult> {
  return runCli([...args, '--address', config.address], timeoutMs);
}

/** `bureaucrat launch FILE --wait`: the final context, asserting a clean exit. */
async function launchAndWait(file: string, extra: string[] = []): Promise<Record<string, unknown>> {
  const result = await bureaucrat(['launch', fixture(file), '--wait', ...extra]);
  if (result.code !== 0) throw new Error(`launch ${file} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** The snapshot of a process (`bureaucrat status ID --json`). */
async function snapshot(id: string): Promise<Snapshot> {
  const result = await bureaucrat(['status', id, '--json']);
  if (result.code !== 0) throw new Error(`status ${id} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Snapshot;
}

interface Snapshot {
  readonly id: string;
  readonly type: string;
  readonly state: string;
  readonly children: Snapshot[];
}

/** Every node of a snapshot tree. */
function nodes(tree: Snapshot): Snapshot[] {
  return [tree, ...tree.children.flatMap(nodes)];
}

/**
 * Waits until the process's activity of `type` is active (parked on an await or a timer). Polls with the
 * `state` query from this process: a CLI run per poll would be slow on a loaded machine.
 */
async function waitUntilActive(id: string, type: string): Promise<void> {
  await waitFor(60_000, `${type} of ${id} to be active`, async () => {
    const tree = await client.workflow.getHandle(id).query<Snapshot>(STATE_QUERY);
    return nodes(tree).some((n) => n.type === type && n.state === 'active');
  });
}

/**
 * Starts `bureaucrat worker` and resolves once it polls; by default on the cluster's address, else with
 * `env` (an envconfig profile).
 */
async function startWorker(env?: NodeJS.ProcessEnv): Promise<Worker> {
  const connect = env ? [] : ['--address', config.address];
  const child = spawn(process.execPath, [CLI, 'worker', '--participants', PARTICIPANTS, ...connect], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: env ?? process.env,
  });
  const worker: Worker = { child, pid: child.pid ?? 0, output: '' };
  const collect = (d: Buffer) => (worker.output += d.toString());
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  workers.push(worker);
  await waitFor(60_000, 'the worker to start', async () => {
    if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}): ${worker.output}`);
    return /worker on /.test(worker.output);
  });
  return worker;
}

/** `bureaucrat ARGS` with only `env` saying where to connect. */
function bureaucratWithEnv(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** True when the frontend answers `temporal operator cluster health`. */
async function healthy(address = config.address, extra: string[] = []): Promise<boolean> {
  try {
    return /SERVING/.test(
      await run(temporalCli, ['operator', 'cluster', 'health', '--address', address, ...extra]),
    );
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const started = Date.now();
  root = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-cluster-'));
  const cli = await resolveTemporalCli({ log });
  if (cli.executable.type !== 'existing-path')
    throw new Error('the cluster test needs a local Temporal CLI binary');
  temporalCli = cli.executable.path;
  tools = await ensureServerTools();
  pg = await startPostgres(root);
  await createSchemas(tools, pg);
  config = await writeServerConfig(root, pg);
  server = await startServer(tools, config, () => healthy());
  log(`cluster ready in ${Math.round((Date.now() - started) / 1000)} s (build ${tools.buildSeconds} s)`);
}, 30 * 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => stopCli(w.child, 'SIGKILL')));
  await connection?.close();
  await server?.stop();
  await pg?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
}, 120_000);

describe('an operator sets the cluster up', () => {
  test('creates the default namespace with the Temporal CLI', async () => {
    await run(temporalCli, [
      'operator',
      'namespace',
      'create',
      '--namespace',
      'default',
      '--retention',
      '72h',
      '--address',
      config.address,
    ]);
    connection = await Connection.connect({ address: config.address });
    client = new Client({ connection, namespace: 'default' });
    const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(72 * 3600);
    expect(await searchAttributeProblems(connection, 'default')).toEqual(
      BUREAUCRAT_SEARCH_ATTRIBUTES.map((key) => ({
        key: expect.objectContaining({ name: key.name }) as unknown,
      })),
    );
  });

  test('a worker started before setup warns about the missing search attribute', async () => {
    const worker = await startWorker();
    expect(worker.output).toMatch(
      /warning: namespace default lacks search attributes BureaucratProcessName, BureaucratSchedule, BureaucratTrigger/,
    );
    expect(worker.output).toMatch(
      /temporal operator search-attribute create --namespace default --name BureaucratProcessName --type Keyword/,
    );
  });

  test('bureaucrat setup registers the search attribute', async () => {
    const result = await bureaucrat(['setup']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/namespace default already exists/);
    expect(result.stdout).toMatch(/search attribute BureaucratProcessName \(Keyword\) registered in default/);
    expect(await searchAttributeProblems(connection, 'default')).toEqual([]);
  });

  test('a second bureaucrat setup finds everything in place and exits 0', async () => {
    const result = await bureaucrat(['setup']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/search attribute BureaucratProcessName already registered in default/);
    expect(result.stdout).toMatch(/nothing to do/);
  });

  test('setup of a missing namespace fails with what to run, unless asked to create it', async () => {
    const refused = await bureaucrat(['setup', '--namespace', 'cluster-created']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/namespace cluster-created does not exist/);
    expect(refused.stderr).toMatch(/--create-namespace/);

    const created = await bureaucrat([
      'setup',
      '--namespace',
      'cluster-created',
      '--create-namespace',
      '--retention',
      '3d',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/namespace cluster-created registered \(retention 3d\)/);
    const described = await connection.workflowService.describeNamespace({ namespace: 'cluster-created' });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(3 * 86400);
    expect(await searchAttributeProblems(connection, 'cluster-created')).toEqual([]);

    const again = await bureaucrat(['setup', '--namespace', 'cluster-created', '--create-namespace']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/namespace cluster-created already exists/);
    expect(again.stdout).toMatch(/nothing to do/);
  });

  test('a second worker joins', async () => {
    const worker = await startWorker();
    expect(worker.output).not.toMatch(/warning/);
  });
});

describe('processes on the cluster, through the CLI', () => {
  test('sequence, switch and assign', async () => {
    const context = await launchAndWait('sequence.xml', ['--id', 'seq-1']);
    expect(context).toMatchObject({ n: 3, label: 'two' });
  });

  test('all: every branch ran', async () => {
    expect(await launchAndWait('all.xml')).toMatchObject({ a: 'left', b: 'right', n: 1 });
  });

  test('a handled fault cancels the rest of its sequence, the process goes on', async () => {
    expect(await launchAndWait('faults.xml')).toMatchObject({ n: 1, cured: 'OutOfStock', cure_ran: true });
  });

  test('an unhandled fault fails the process: code and message on stderr, exit 1', async () => {
    const result = await bureaucrat(['launch', fixture('unhandled.xml'), '--wait']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PaymentDeclined: failed on purpose/);
  });

  test('call: a sub-process runs as a child workflow, its fault reaches the caller', async () => {
    expect(await launchAndWait('call.xml', ['--id', 'call-1'])).toMatchObject({
      n: 1,
      child_fault: 'ChildFault',
    });
    const children = [];
    for await (const wf of client.workflow.list({ query: "BureaucratProcessName = 'cluster-call-child'" })) {
      children.push(wf);
    }
    expect(children.map((wf) => [wf.workflowId.startsWith('call-1'), wf.status.name])).toEqual([
      [true, 'COMPLETED'],
    ]);
  });

  test('delay: a durable timer', async () => {
    expect(await launchAndWait('delay.xml')).toMatchObject({ n: 2 });
  });

  test('await: a broadcast event reaches the matching process only; a direct event the other', async () => {
    const first = await bureaucrat([
      'launch',
      fixture('await.xml'),
      '--id',
      'await-1',
      '--fields',
      '{"order": 1}',
    ]);
    const second = await bureaucrat([
      'launch',
      fixture('await.xml'),
      '--id',
      'await-2',
      '--fields',
      '{"order": 2}',
    ]);
    expect([first.code, second.code]).toEqual([0, 0]);
    await waitUntilActive('await-1', 'await');
    await waitUntilActive('await-2', 'await');

    const running = await bureaucrat(['list', '--status', 'running']);
    expect(running.stdout).toMatch(/^await-1\trunning\tcluster-await\t/m);

    expect((await bureaucrat(['event', 'paid', '--data', '{"order": 1}'])).code).toBe(0);
    expect(await launchAndWait('await.xml', ['--id', 'await-1'])).toMatchObject({ n: 2, paid: 1 });
    expect(nodes(await snapshot('await-2')).find((n) => n.type === 'await')?.state).toBe('active');

    expect((await bureaucrat(['event', 'paid', '--process', 'await-2', '--data', '{"order": 2}'])).code).toBe(
      0,
    );
    expect(await launchAndWait('await.xml', ['--id', 'await-2'])).toMatchObject({ n: 2, paid: 2 });
  });

  test('status and list show the finished processes; SQL visibility filters by process name', async () => {
    const tree = await snapshot('seq-1');
    expect(tree.state).toBe('completed');
    expect(
      nodes(tree)
        .filter((n) => n.type === 'action')
        .map((n) => n.state),
    ).toEqual(['completed', 'completed', 'completed']);
    const text = await bureaucrat(['status', 'seq-1']);
    expect(text.stdout).toMatch(/seq-1.*completed/);

    const completed = await bureaucrat(['list', '--status', 'completed']);
    for (const id of ['seq-1', 'call-1', 'await-1', 'await-2'])
      expect(completed.stdout).toMatch(new RegExp(`^${id}\\t`, 'm'));
    const failed = await bureaucrat(['list', '--status', 'failed']);
    expect(failed.stdout).toMatch(/\tfailed\tcluster-unhandled\t/);

    const named = [];
    for await (const wf of client.workflow.list({ query: "BureaucratProcessName = 'cluster-sequence'" }))
      named.push(wf.workflowId);
    expect(named).toEqual(['seq-1']);
  });

  test('history export and replay against the current interpreter', async () => {
    const dir = path.join(root, 'histories');
    mkdirSync(dir);
    for (const id of ['seq-1', 'call-1', 'await-1']) {
      const exported = await bureaucrat(['history', id, '--out', path.join(dir, `${id}.json`)]);
      expect(exported.code).toBe(0);
    }
    const replayed = await runCli(['replay', dir]);
    expect(replayed.stderr).toMatch(/3 histories replay against the current interpreter/);
    expect(replayed.code).toBe(0);
  });
});

describe('failures', () => {
  test('a worker killed with SIGKILL: its processes complete on the other worker', async () => {
    const [victim, survivor] = workers;
    const markers = path.join(root, 'markers');
    mkdirSync(markers);
    const ids = Array.from({ length: 6 }, (_, i) => `slow-${i + 1}`);
    const fields = JSON.stringify({ ms: 3000, markers });
    // Ten seconds: an action lost with its worker is retried once its start-to-close timeout passes.
    const results = Promise.all(
      ids.map((id) =>
        bureaucrat([
          'launch',
          fixture('slow.xml'),
          '--id',
          id,
          '--fields',
          fields,
          '--action-timeout',
          '10s',
          '--wait',
        ]),
      ),
    );
    const onVictim = () => readdirSync(markers).filter((f) => f.endsWith(`.${victim.pid}`));
    await waitFor(60_000, 'a slow action in flight on the first worker', async () => onVictim().length > 0);
    const lost = onVictim().map((f) => f.split('.')[0]);
    await stopCli(victim.child, 'SIGKILL');
    workers.splice(workers.indexOf(victim), 1);

    const finished = await results;
    for (const result of finished) expect(result.code).toBe(0);
    const contexts = finished.map((r) => JSON.parse(r.stdout) as { n: number; slow_pid: number });
    expect(contexts.map((c) => c.n)).toEqual(ids.map(() => 2));
    // The actions that were running on the killed worker were finished by the survivor.
    for (const id of lost) expect(contexts[ids.indexOf(id)].slow_pid).toBe(survivor.pid);
    expect(lost.length).toBeGreaterThan(0);
  });

  test('the server restarted with processes parked on an await and a timer: they complete afterwards', async () => {
    await startWorker(); // back to two workers
    // The timer (30 s) first, so that it is still pending when the server goes down.
    expect((await bureaucrat(['launch', fixture('restart-delay.xml'), '--id', 'parked-delay'])).code).toBe(0);
    await waitUntilActive('parked-delay', 'delay');
    const parked = await bureaucrat([
      'launch',
      fixture('await.xml'),
      '--id',
      'parked-await',
      '--fields',
      '{"order": 77}',
    ]);
    expect(parked.code).toBe(0);
    await waitUntilActive('parked-await', 'await');

    await server.stop();
    expect(await healthy()).toBe(false);
    server = await startServer(tools, config, () => healthy());

    expect((await bureaucrat(['event', 'paid', '--data', '{"order": 77}'])).code).toBe(0);
    expect(await launchAndWait('await.xml', ['--id', 'parked-await'])).toMatchObject({ n: 2, paid: 77 });
    expect(await launchAndWait('restart-delay.xml', ['--id', 'parked-delay'])).toMatchObject({ n: 2 });
    for (const w of workers) expect(w.child.exitCode).toBeNull();
  });
});

describe('TLS', () => {
  test('the frontend with TLS from a private CA: worker and launcher connect through an envconfig profile', async () => {
    let t = Date.now();
    await Promise.all(workers.splice(0).map((w) => stopCli(w.child)));
    log(`workers stopped in ${Date.now() - t} ms`);
    t = Date.now();
    await server.stop();
    log(`server stopped in ${Date.now() - t} ms`);
    t = Date.now();
    const tls = makeTlsFiles(root);
    // A new frontend port, the other ports kept: see writeServerConfig (on new membership ports a service
    // can take a minute to join its ring after the restart).
    config = await writeServerConfig(root, pg, tls, config);
    server = await startServer(tools, config, () => healthy(config.address, ['--tls-ca-path', tls.caCert]));
    log(`TLS files made and server restarted in ${Date.now() - t} ms`);

    const profileFile = path.join(root, 'temporal.toml');
    writeFileSync(
      profileFile,
      [
        '[profile.cluster-tls]',
        `address = "${config.address}"`,
        'namespace = "default"',
        '[profile.cluster-tls.tls]',
        `server_ca_cert_path = "${tls.caCert}"`,
        '',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_CONFIG_FILE: profileFile,
      TEMPORAL_PROFILE: 'cluster-tls',
    };
    delete env.TEMPORAL_ADDRESS;
    delete env.TEMPORAL_NAMESPACE;

    t = Date.now();
    const worker = await startWorker(env);
    log(`worker over TLS started in ${Date.now() - t} ms`);
    expect(worker.output).toMatch(new RegExp(`worker on ${config.address} namespace default`));
    t = Date.now();
    const launched = await bureaucratWithEnv(
      ['launch', fixture('sequence.xml'), '--id', 'tls-1', '--wait'],
      env,
    );
    log(`launch --wait over TLS took ${Date.now() - t} ms`);
    if (launched.code !== 0) {
      throw new Error(
        `launch over TLS exited ${launched.code}: ${launched.stderr}\nworker: ${worker.output}`,
      );
    }
    expect(launched.stderr).toMatch(/process tls-1/);
    expect(JSON.parse(launched.stdout)).toMatchObject({ n: 3, label: 'two' });
    // Processes from before the switch to TLS are still there: the same database.
    t = Date.now();
    const status = await bureaucratWithEnv(['status', 'seq-1', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: 'seq-1', state: 'completed' });
    log(`status over TLS took ${Date.now() - t} ms`);

    // Without the profile (plain text to a TLS port) nothing gets through.
    t = Date.now();
    const plain = await runCli(['status', 'seq-1', '--address', config.address]);
    expect(plain.code).not.toBe(0);
    log(`plain-text status refused in ${Date.now() - t} ms`);
  });
});
