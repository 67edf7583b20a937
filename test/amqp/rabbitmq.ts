/**
 * A private RabbitMQ node for the AMQP tests: the machine's `rabbitmq-server` (Debian package: no service
 * needs to run) started as a child process with its own node name, loopback ports, data and log folders under
 * `root`, no plugins and no system config. `restart()` keeps the data folder, so durable queues and their
 * persistent messages survive it.
 *
 * Erlang's port mapper (epmd) is started by the first node and outlives it, as it does for any Erlang node; it
 * is shared, harmless, and reused by the next run. The CLI tools authenticate with `$HOME/.erlang.cookie`,
 * which the first node creates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { runCommand } from '../support/run-command';

export interface RabbitMq {
  /** `amqp://guest:guest@127.0.0.1:PORT/` */
  readonly url: string;
  readonly port: number;
  readonly nodeName: string;
  /** Stops the node (`rabbitmqctl shutdown`, SIGKILL as a fallback); a no-op when it is not running. */
  stop(): Promise<void>;
  /** Stops, then starts the node again on the same ports and data folder. */
  restart(): Promise<void>;
  /** `rabbitmqctl -n NODE ...args`: its stdout, or an error with its output. */
  ctl(args: string[]): Promise<string>;
}

const log = (message: string) => process.stderr.write(`[amqp] ${message}\n`);

/** The package's own scripts: `/usr/sbin/rabbitmq-server` is a wrapper that, run as root, su's to `rabbitmq`. */
function rabbitBin(name: 'rabbitmq-server' | 'rabbitmqctl'): string {
  const packaged = path.join('/usr/lib/rabbitmq/bin', name);
  if (existsSync(packaged)) return packaged;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  throw new Error(`${name} not found (install the rabbitmq-server package)`);
}

/** A free loopback TCP port (asks the kernel for one). */
async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

/** Starts a RabbitMQ node with its data and logs under `root` and resolves once it accepts AMQP clients. */
export async function startRabbitMq(root: string): Promise<RabbitMq> {
  mkdirSync(root, { recursive: true });
  const nodeName = `bt${process.pid}${randomBytes(3).toString('hex')}@localhost`;
  const port = await freePort();
  let distPort = await freePort();
  while (distPort === port) distPort = await freePort();
  const mnesiaBase = path.join(root, 'mnesia');
  const logBase = path.join(root, 'log');
  mkdirSync(mnesiaBase, { recursive: true });
  mkdirSync(logBase, { recursive: true });
  const pluginsFile = path.join(root, 'enabled_plugins');
  writeFileSync(pluginsFile, '[].\n');
  // Our own (near-default) config and env files, so none of /etc/rabbitmq applies.
  const configFile = path.join(root, 'rabbitmq.conf');
  writeFileSync(
    configFile,
    ['loopback_users.guest = true', 'disk_free_limit.absolute = 50MB', 'log.file.level = info', ''].join(
      '\n',
    ),
  );
  const envFile = path.join(root, 'rabbitmq-env.conf');
  writeFileSync(envFile, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: mnesiaBase,
    RABBITMQ_LOG_BASE: logBase,
    RABBITMQ_ENABLED_PLUGINS_FILE: pluginsFile,
    RABBITMQ_CONFIG_FILE: configFile,
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(root, 'advanced.config'), // absent: none
    RABBITMQ_CONF_ENV_FILE: envFile,
    RABBITMQ_PID_FILE: path.join(root, 'rabbitmq.pid'),
  };
  const serverBin = rabbitBin('rabbitmq-server');
  const ctlBin = rabbitBin('rabbitmqctl');
  const logFile = path.join(logBase, `${nodeName}.log`);

  let child: ChildProcess | undefined;
  // The server's stdout and stderr go to a file, not pipes: epmd, which the node starts as a daemon, inherits
  // them and outlives the node, and open pipes would keep the test process alive.
  const outputFile = path.join(logBase, 'server-output.log');
  const output = () => tail(outputFile, 60);

  const ctlRaw = (args: string[], timeoutMs = 60_000) =>
    runCommand(ctlBin, ['-n', nodeName, ...args], { env, timeoutMs });

  const ctl = async (args: string[]): Promise<string> => {
    const result = await ctlRaw(args);
    if (result.code !== 0) {
      throw new Error(
        `rabbitmqctl -n ${nodeName} ${args.join(' ')} failed (${result.code}):\n${result.stdout}${result.stderr}`,
      );
    }
    return result.stdout;
  };

  const acceptsAmqp = () =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(2000);
      socket.once('connect', () => {
        // An AMQP 0-9-1 server answers the protocol header with Connection.Start (a method frame, type 1).
        socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
      });
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data[0] === 1);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(false));
    });

  const start = async () => {
    const started = Date.now();
    const out = openSync(outputFile, 'a');
    let spawned: ChildProcess;
    try {
      spawned = spawn(serverBin, [], {
        env,
        cwd: root,
        detached: true, // its own process group: the SIGKILL fallback reaches the shell and the VM
        stdio: ['ignore', out, out],
      });
    } finally {
      closeSync(out);
    }
    child = spawned;
    let exited: number | string | null | undefined;
    spawned.once('exit', (code, signal) => (exited = code ?? signal));
    spawned.once('error', (error) => (exited = error.message));
    const deadline = started + 90_000;
    for (;;) {
      if (exited !== undefined) {
        throw new Error(
          `rabbitmq-server exited (${exited}) before it was ready:\n${output()}\n--- ${logFile} ---\n${tail(logFile)}`,
        );
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `rabbitmq-server was not ready in 90 s:\n${output()}\n--- ${logFile} ---\n${tail(logFile)}`,
        );
      }
      if (await acceptsAmqp()) {
        // The AMQP listener opens late in the boot; await_startup confirms the node finished booting.
        const awaited = await ctlRaw(['await_startup', '--timeout', '60'], 70_000);
        if (awaited.code === 0) break;
      }
      await sleep(250);
    }
    log(`RabbitMQ up in ${Date.now() - started} ms (node ${nodeName}, port ${port})`);
  };

  const stop = async () => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) {
      // Not ours or already gone; still make sure no node by that name runs (e.g. after a failed start).
      await ctlRaw(['shutdown'], 30_000);
      return;
    }
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    // `shutdown` waits for the node's OS process to exit (`stop` only asks it to).
    const stopping = Date.now();
    await ctlRaw(['shutdown'], 60_000);
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 15_000))),
    ]);
    clearTimeout(timer);
    if (!stopped) {
      log(`${nodeName} did not stop: SIGKILL`);
      try {
        if (current.pid) process.kill(-current.pid, 'SIGKILL');
      } catch {
        current.kill('SIGKILL');
      }
      await exited;
    }
    log(`RabbitMQ stopped in ${Date.now() - stopping} ms`);
  };

  try {
    await start();
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  return {
    url: `amqp://guest:guest@127.0.0.1:${port}/`,
    port,
    nodeName,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    ctl,
  };
}
