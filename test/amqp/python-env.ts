/**
 * The Python side of the AMQP tests: a virtualenv with the legacy tools' requirements (pika, Celery 5) from
 * test/amqp/python/requirements.txt, made once under the tool cache like the participants' one
 * (test/support/python.ts) and reused by later runs.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { toolCacheDir } from '../../src/server/cache-dir';
import { findPython } from '../support/python';

/** The folder holding launcher.py, fakeevent.py, taskqueue_worker.py and legacy_tasks.py. */
export const legacyPythonDir = path.join(__dirname, 'python');
const requirements = path.join(legacyPythonDir, 'requirements.txt');

/**
 * The virtualenv's interpreter, creating the virtualenv first when needed. It is keyed by a hash of
 * requirements.txt; built in a temporary directory and renamed into place, so an interrupted install never
 * leaves a half-made one behind.
 */
export function legacyPythonVenv(): string {
  const found = findPython();
  if ('missing' in found) throw new Error(found.missing);
  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
  const dir = path.join(toolCacheDir(), `legacy-python-venv-${hash}`);
  const bin = path.join(dir, 'bin', 'python');
  if (existsSync(bin)) return bin;
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const steps: [string, string[]][] = [
    [found.python, ['-m', 'venv', building]],
    [
      path.join(building, 'bin', 'python'),
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements],
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
