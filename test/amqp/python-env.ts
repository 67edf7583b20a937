/**
 * The Python side of the AMQP tests: a virtualenv with the legacy tools' requirements (pika, Celery 5) from
 * test/amqp/python/requirements.txt, made once under the tool cache like the participants' one
 * (test/support/python.ts) and reused by later runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cachedVenv, findPython } from '../support/python';

/** The folder holding launcher.py, fakeevent.py, taskqueue_worker.py and legacy_tasks.py. */
export const legacyPythonDir = path.join(__dirname, 'python');
const requirements = path.join(legacyPythonDir, 'requirements.txt');

/** The virtualenv's interpreter (keyed by a hash of requirements.txt), created first when needed. */
export function legacyPythonVenv(): string {
  const found = findPython();
  if ('missing' in found) throw new Error(found.missing);
  return cachedVenv(found.python, 'legacy-python-venv', readFileSync(requirements), ['-r', requirements]);
}
