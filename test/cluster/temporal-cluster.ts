/**
 * A production-style Temporal cluster on this machine, for `npm run test:cluster`: the real Temporal server
 * (built once from Go modules, like the CLI), a private PostgreSQL for persistence and SQL visibility, the
 * schemas created with Temporal's own SQL tool, and a server config file — what an operator would run,
 * only on loopback ports and in a temporary folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { toolCacheDir } from '../../src/server/cache-dir';
import { findOnPath } from '../../src/server/temporal-cli';

/** The server release: the newest whose module builds with the machine's Go (later tags need a newer Go). */
export const TEMPORAL_SERVER_VERSION = '1.32.1';
const MODULE = 'go.temporal.io/server';

export const log = (message: string) => process.stderr.write(`[cluster] ${message}\n`);

/** Where the built server, SQL tool and schema files are kept between runs. */
export function serverCacheDir(): string {
  return path.join(toolCacheDir(), `temporal-server-v${TEMPORAL_SERVER_VERSION}`);
}

/** The cached binaries and schema directory. */
export interface ServerTools {
  readonly server: string;
  readonly sqlTool: string;
  /** `schema/postgresql/v12` of the server module: `temporal/` and `visibility/`. */
  readonly schemaDir: string;
  /** Seconds spent building (0 when everything was cached). */
  readonly buildSeconds: number;
}

/**
 * The server and SQL tool binaries, built with `go install` the first time (6–11 minutes on 2 cores) and
 * cached with the PostgreSQL schema files, so that later runs need neither the build nor the Go module cache.
 */
export async function ensureServerTools(): Promise<ServerTools> {
  const dir = serverCacheDir();
  const tools = {
    server: path.join(dir, 'server'),
    sqlTool: path.join(dir, 'sql'),
    schemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
  const started = Date.now();
  let built = false;
  if (!existsSync(tools.server) || !existsSync(tools.sqlTool)) {
    const go = findOnPath('go');
    if (!go) throw new Error(`Go is needed to build the Temporal server v${TEMPORAL_SERVER_VERSION} once`);
    // Build into a temporary folder and move the results, so that an interrupted build leaves nothing half-made.
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'temporal-server-build-'));
    const targets = [
      `${MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
      `${MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
    ];
    log(`building the Temporal server: go install ${targets.join(' ')} (first run only; 6–11 minutes)`);
    await run(go, ['install', ...targets], {
      env: { ...process.env, GOBIN: tmp, GOFLAGS: `${process.env.GOFLAGS ?? ''} -mod=mod`.trim() },
      progress: 'still building the Temporal server',
    });
    mkdirSync(dir, { recursive: true });
    renameSync(path.join(tmp, 'server'), tools.server);
    renameSync(path.join(tmp, 'sql'), tools.sqlTool);
    rmSync(tmp, { recursive: true, force: true });
    built = true;
  }
  if (!existsSync(path.join(tools.schemaDir, 'temporal', 'versioned'))) {
    const go = findOnPath('go');
    if (!go) throw new Error('Go is needed once to fetch the server module (its PostgreSQL schema files)');
    const download = spawnSync(go, ['mod', 'download', '-json', `${MODULE}@v${TEMPORAL_SERVER_VERSION}`], {
      encoding: 'utf8',
    });
    if (download.status !== 0)
      throw new Error(`go mod download failed: ${download.stderr}${download.stdout}`);
    const moduleDir = (JSON.parse(download.stdout) as { Dir: string }).Dir;
    cpSync(path.join(moduleDir, 'schema', 'postgresql', 'v12'), tools.schemaDir, { recursive: true });
    // The module cache is read-only; the copy must not be, or the next clean-up cannot remove it.
    spawnSync('chmod', ['-R', 'u+w', tools.schemaDir]);
    built = true;
  }
  const buildSeconds = built ? Math.round((Date.now() - started) / 1000) : 0;
  if (built) log(`Temporal server tools ready in ${buildSeconds} s: ${dir}`);
  return { ...tools, buildSeconds };
}

/** A free TCP port on loopback; `below` keeps it under a bound (membership ports are stored as smallint). */
export async function freePort(below?: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const wanted = below ? 20000 + Math.floor(Math.random() * (below - 20000)) : 0;
    const port = await new Promise<number | undefined>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(undefined));
      server.listen(wanted, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
      });
    });
    if (port) return port;
  }
  throw new Error('no free port found');
}

/** A PostgreSQL server of our own: its data folder is temporary, it listens on one loopback port. */
export interface Postgres {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  stop(): Promise<void>;
}

/** The folder holding `initdb`, `postgres` and `pg_isready` (Debian: /usr/lib/postgresql/N/bin). */
function postgresBinDir(): string {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromConfig.status === 0 && existsSync(path.join(fromConfig.stdout.trim(), 'initdb')))
    return fromConfig.stdout.trim();
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = spawnSync('ls', [debian], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((v) => existsSync(path.join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return path.join(debian, versions[0], 'bin');
  }
  const initdb = findOnPath('initdb');
  if (initdb) return path.dirname(initdb);
  throw new Error('PostgreSQL not found: install it (Debian: apt-get install -y postgresql)');
}

/**
 * PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user the Debian package
 * creates (through `runuser`); otherwise as the current user.
 */
function asDatabaseUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

/** Initialises a database folder under `root` and starts PostgreSQL on a free loopback port. */
export async function startPostgres(root: string): Promise<Postgres> {
  const bin = postgresBinDir();
  const user = 'temporal';
  const password = 'temporal-cluster-test';
  const dataDir = path.join(root, 'pgdata');
  const socketDir = path.join(root, 'pgsocket');
  const pwFile = path.join(root, 'pgpass');
  mkdirSync(dataDir);
  mkdirSync(socketDir);
  writeFileSync(pwFile, `${password}\n`);
  if (process.getuid?.() === 0) {
    const pg = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (pg.status !== 0)
      throw new Error('running as root needs the `postgres` user (apt-get install postgresql)');
    // The temporary root itself is private to root (mkdtemp): let the postgres user through to its folders.
    chmodSync(root, 0o755);
    for (const p of [dataDir, socketDir, pwFile]) chownSync(p, Number(pg.stdout), Number(gid.stdout));
  }
  const [initCmd, initArgs] = asDatabaseUser(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    user,
    `--pwfile=${pwFile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}${init.stdout}`);

  const port = await freePort();
  // pg_ctl, not a child `postgres`: signals to `runuser` do not reach the server, pg_ctl stops it cleanly.
  const logFile = path.join(socketDir, 'postgres.log');
  const serverOptions = [
    `-p ${port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=200',
    // A throw-away database: durability settings off make it faster on a busy machine.
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  const pgCtl = (args: string[]) => {
    const [cmd, cmdArgs] = asDatabaseUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, ...args]);
    return run(cmd, cmdArgs);
  };
  await pgCtl(['start', '-w', '-t', '60', '-l', logFile, '-o', serverOptions]);
  await waitFor(
    30_000,
    'PostgreSQL to accept connections',
    async () => spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).status === 0,
  );
  log(`PostgreSQL ${path.basename(path.dirname(bin))} on 127.0.0.1:${port}`);
  return {
    port,
    user,
    password,
    stop: async () => {
      await pgCtl(['stop', '-w', '-m', 'fast']);
    },
  };
}

/** Creates the `temporal` and `temporal_visibility` databases and their schemas with Temporal's SQL tool. */
export async function createSchemas(tools: ServerTools, pg: Postgres): Promise<void> {
  const common = [
    '--plugin',
    'postgres12',
    '--ep',
    '127.0.0.1',
    '-p',
    String(pg.port),
    '-u',
    pg.user,
    '--pw',
    pg.password,
  ];
  for (const [db, schema] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    await run(tools.sqlTool, [...common, '--db', db, 'create-database']);
    await run(tools.sqlTool, [...common, '--db', db, 'setup-schema', '-v', '0.0']);
    await run(tools.sqlTool, [
      ...common,
      '--db',
      db,
      'update-schema',
      '-d',
      path.join(tools.schemaDir, schema, 'versioned'),
    ]);
  }
  log('schemas created: temporal, temporal_visibility');
}

/** Optional TLS on the frontend: the files of a self-signed CA and a server certificate for 127.0.0.1. */
export interface FrontendTls {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

type Service = 'frontend' | 'history' | 'matching' | 'worker';

/** The ports of one cluster's services. */
export interface ServerPorts {
  readonly grpc: Readonly<Record<Service, number>>;
  readonly membership: Readonly<Record<Service, number>>;
  readonly http: number;
}

/** The ports and files of one cluster; the same config serves every restart. */
export interface ServerConfig {
  readonly configFile: string;
  readonly logFile: string;
  readonly frontendPort: number;
  readonly address: string;
  readonly ports: ServerPorts;
}

/**
 * Writes the server's config: 4 history shards, PostgreSQL persistence and SQL visibility, loopback ports.
 *
 * With `previous`, the new config keeps the previous one's membership, internal gRPC and HTTP ports and
 * takes a new frontend port only. Each service joins its membership ring (ringpop) through the hosts of the
 * `cluster_membership` table that heartbeated in the last 20 s: right after a restart, the stopped server's.
 * On the same ports the new services answer at those addresses and join at once; on new ports the service
 * that starts first finds only dead peers, fails to join for `maxJoinDuration` (30 s, more on a loaded
 * machine), retries 10 s later and only then joins — about a minute in which every call to it fails with
 * "Not enough hosts to serve the request" while the frontend already reports healthy.
 */
export async function writeServerConfig(
  root: string,
  pg: Postgres,
  tls?: FrontendTls,
  previous?: ServerConfig,
): Promise<ServerConfig> {
  // A new frontend port, and not one of the kept ports (free too while the server is down).
  const kept = previous ? [...Object.values(previous.ports.grpc), previous.ports.http] : [];
  let frontend = await freePort();
  while (kept.includes(frontend)) frontend = await freePort();
  const grpc = {
    frontend,
    history: previous?.ports.grpc.history ?? (await freePort()),
    matching: previous?.ports.grpc.matching ?? (await freePort()),
    worker: previous?.ports.grpc.worker ?? (await freePort()),
  };
  const membership = previous?.ports.membership ?? {
    frontend: await freePort(32768),
    history: await freePort(32768),
    matching: await freePort(32768),
    worker: await freePort(32768),
  };
  const httpPort = previous?.ports.http ?? (await freePort());
  const store = (db: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${db}
        connectAddr: "127.0.0.1:${pg.port}"
        connectProtocol: tcp
        user: ${pg.user}
        password: "${pg.password}"
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const service = (name: Service, extra = '') => `
  ${name}:
    rpc:
      grpcPort: ${grpc[name]}
      membershipPort: ${membership[name]}
      bindOnLocalHost: true${extra}`;
  const logFile = path.join(root, 'temporal-server.log');
  const dynamicConfig = path.join(root, 'dynamicconfig.yaml');
  // Short namespace cache refresh: `bureaucrat setup` waits for it, and a test should not wait 10 s each time.
  writeFileSync(dynamicConfig, 'system.namespaceCacheRefreshInterval:\n  - value: 2s\n');
  const tlsSection = tls
    ? `
  tls:
    frontend:
      server:
        certFile: ${tls.serverCert}
        keyFile: ${tls.serverKey}
        requireClientAuth: false
      client:
        serverName: 127.0.0.1
        rootCaFiles:
          - ${tls.caCert}`
    : '';
  const config = `# Written by test/cluster/temporal-cluster.ts
log:
  stdout: false
  level: warn
  outputFile: ${logFile}

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:${store('temporal', 20)}
    postgres-visibility:${store('temporal_visibility', 4)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1${tlsSection}

services:${service('frontend', `\n      httpPort: ${httpPort}`)}${service('history')}${service('matching')}${service('worker')}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${grpc.frontend}

dcRedirectionPolicy:
  policy: noop

dynamicConfigClient:
  filepath: ${dynamicConfig}
  pollInterval: 10s
`;
  const configFile = path.join(root, 'temporal-server.yaml');
  writeFileSync(configFile, config);
  return {
    configFile,
    logFile,
    frontendPort: grpc.frontend,
    address: `127.0.0.1:${grpc.frontend}`,
    ports: { grpc, membership, http: httpPort },
  };
}

/** A running Temporal server process. */
export interface TemporalServer {
  readonly pid: number;
  /** Milliseconds from spawning to the frontend answering. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

/** Starts the server with `config` and waits until its frontend answers a health check. */
export async function startServer(
  tools: ServerTools,
  config: ServerConfig,
  ready: () => Promise<boolean>,
): Promise<TemporalServer> {
  const started = Date.now();
  const child = spawn(tools.server, ['--config-file', config.configFile, '--allow-no-auth', 'start'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  await waitFor(120_000, 'the Temporal server to answer', async () => {
    if (child.exitCode !== null)
      throw new Error(`temporal server exited (${child.exitCode}): ${stderr} (log: ${config.logFile})`);
    return ready().catch(() => false);
  });
  const startupMs = Date.now() - started;
  log(
    `Temporal server v${TEMPORAL_SERVER_VERSION} (pid ${child.pid}) up at ${config.address} in ${startupMs} ms`,
  );
  return { pid: child.pid ?? 0, startupMs, stop: () => stopChild(child, 'SIGTERM') };
}

/** Makes a self-signed CA and a server certificate for 127.0.0.1 with openssl. */
export function makeTlsFiles(root: string): FrontendTls {
  const dir = path.join(root, 'tls');
  mkdirSync(dir);
  const files = {
    caKey: path.join(dir, 'ca.key'),
    caCert: path.join(dir, 'ca.pem'),
    serverKey: path.join(dir, 'server.key'),
    serverCsr: path.join(dir, 'server.csr'),
    serverCert: path.join(dir, 'server.pem'),
    ext: path.join(dir, 'server.ext'),
  };
  const openssl = (args: string[]) => {
    const result = spawnSync('openssl', args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
  };
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    files.caKey,
    '-out',
    files.caCert,
    '-days',
    '2',
    '-subj',
    '/CN=bureaucrat test CA',
  ]);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    files.serverKey,
    '-out',
    files.serverCsr,
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(
    files.ext,
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  openssl([
    'x509',
    '-req',
    '-in',
    files.serverCsr,
    '-CA',
    files.caCert,
    '-CAkey',
    files.caKey,
    '-CAcreateserial',
    '-out',
    files.serverCert,
    '-days',
    '2',
    '-extfile',
    files.ext,
  ]);
  return { caCert: files.caCert, serverCert: files.serverCert, serverKey: files.serverKey };
}

/** Runs a command to completion; rejects with its last output lines when it fails. */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; progress?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (d: Buffer) => (output = (output + d.toString()).slice(-8000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const ticker = options.progress
      ? setInterval(
          () => log(`  … ${options.progress} (${Math.round((Date.now() - started) / 1000)} s)`),
          60_000,
        )
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (ticker) clearInterval(ticker);
      if (code === 0) resolve(output);
      else reject(new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}: ${output}`));
    });
  });
}

/** Polls `ready` every 250 ms until it returns true; rejects after `timeoutMs`. */
export async function waitFor(timeoutMs: number, what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
