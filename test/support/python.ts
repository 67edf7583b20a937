/**
 * The Python side of the test suite: finds a Python ≥ 3.9, prepares a virtualenv with the repository's
 * `python/` package (and so the official `temporalio` SDK) under the tool cache, and runs
 * `python -m bureaucrat_participants` workers against the suite's server. `npm test` stays the only
 * command: the first run creates the virtualenv (pip from PyPI), later runs reuse it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { toolCacheDir } from '../../src/server/cache-dir';
import { TEST_ENV } from './env-keys';

const root = path.join(__dirname, '../..');
const packageDir = path.join(root, 'python');

/** A Python ≥ 3.9 on the PATH (`python3`, then `python`), or why there is none. */
export function findPython(): { python: string } | { missing: string } {
  for (const candidate of ['python3', 'python']) {
    const run = spawnSync(candidate, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'], {
      encoding: 'utf8',
    });
    if (run.status !== 0) continue;
    const [major, minor] = run.stdout.trim().split('.').map(Number);
    if (major > 3 || (major === 3 && minor >= 9)) return { python: candidate };
  }
  return { missing: 'no Python ≥ 3.9 with venv found on the PATH (python3, python)' };
}

/**
 * The virtualenv's interpreter, creating the virtualenv first when needed. It is keyed by a hash of
 * `python/pyproject.toml` (its dependencies).
 */
export function pythonVenv(python: string): string {
  const pyproject = readFileSync(path.join(packageDir, 'pyproject.toml'));
  return cachedVenv(python, 'python-venv', pyproject, [packageDir]);
}

/**
 * A virtualenv under the tool cache named `name-<hash of key>`, with `pip install ...installArgs` done;
 * built in a temporary directory and renamed into place, so an interrupted install never leaves a
 * half-made one behind. Returns its interpreter.
 */
export function cachedVenv(python: string, name: string, key: Buffer, installArgs: string[]): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  const dir = path.join(toolCacheDir(), `${name}-${hash}`);
  const bin = path.join(dir, 'bin', 'python');
  if (existsSync(bin)) return bin;
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const steps: [string, string[]][] = [
    [python, ['-m', 'venv', building]],
    [
      path.join(building, 'bin', 'python'),
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...installArgs],
    ],
  ];
  for (const [cmd, args] of steps) {
    const run = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10 * 60_000 });
    if (run.status !== 0) {
      rmSync(building, { recursive: true, force: true });
      throw new Error(`${cmd} ${args.join(' ')} failed:\n${run.stderr || run.error?.message}`);
    }
  }
  if (!existsSync(bin)) renameSync(building, dir);
  else rmSync(building, { recursive: true, force: true });
  return bin;
}

/**
 * Starts `python -m bureaucrat_participants` on `taskQueue` against the suite's server and resolves once it
 * serves. The repository's `python/` comes first on PYTHONPATH, so the worker runs the current source.
 */
export async function startPythonWorker(
  venvPython: string,
  participantsFile: string,
  taskQueue: string,
): Promise<ChildProcess> {
  const address = process.env[TEST_ENV.address];
  const namespace = process.env[TEST_ENV.namespace] ?? 'default';
  if (!address) throw new Error(`${TEST_ENV.address} is not set: run the tests through jest (npm test)`);
  const child = spawn(
    venvPython,
    ['-m', 'bureaucrat_participants', '--participants', participantsFile, '--task-queue', taskQueue,
      '--address', address, '--namespace', namespace], // prettier-ignore
    { env: { ...process.env, PYTHONPATH: packageDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`task queue ${taskQueue}`)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the Python worker exited (${code}):\n${output}`)));
  });
  return child;
}

/** Stops a Python worker and waits for it to exit. */
export async function stopPythonWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
