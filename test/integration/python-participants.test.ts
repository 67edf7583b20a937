/**
 * Python participants, first class: one process mixing actions served by a real Python worker
 * (`python -m bureaucrat_participants`, the official temporalio SDK) and by the TypeScript worker, against
 * the suite's server. The harness prepares the Python environment itself (see test/support/python.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { eventually, uniqueTaskQueue, useTestServer } from '../support/temporal';
import { startProcess, withProcessWorker } from '../support/processes';
import { runCli } from '../support/cli';
import { TEST_ENV } from '../support/env-keys';
import { findPython, pythonVenv, startPythonWorker, stopPythonWorker } from '../support/python';

const found = findPython();
const participantsFile = path.join(__dirname, '../fixtures/python/participants.py');

// Where there is no Python the whole file says why and is skipped on a developer's machine; in CI (CI=true),
// which has Python, a missing one fails the run instead of hiding these tests.
if (!('python' in found) && process.env.CI) {
  throw new Error(`Python participants: no Python ≥ 3.9 in CI (${found.missing})`);
}
const describeWithPython = 'python' in found ? describe : describe.skip;
const title = 'python' in found ? 'Python participants' : `Python participants (skipped: ${found.missing})`;

describeWithPython(title, () => {
  const testServer = useTestServer();
  const pyQueue = uniqueTaskQueue('billing-py');
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    if (!('python' in found)) return;
    worker = await startPythonWorker(pythonVenv(found.python), participantsFile, pyQueue);
  }, 600_000);

  afterAll(async () => {
    if (worker) await stopPythonWorker(worker);
  });

  const typescript = {
    'shop.price': () => ({ amount: 120 }),
    'shop.ship': (w: { fields: Record<string, unknown> }) => ({
      shipped: `${String(w.fields.charged)} by ${String(w.fields.charged_by)}`,
    }),
  };

  it('runs one process mixing Python and TypeScript actions, each seeing the context the other set', async () => {
    const env = testServer();
    const xml = `<process>
      <action participant="shop.price"/>
      <action participant="billing.charge" queue="${pyQueue}"/>
      <action participant="billing.audit" queue="${pyQueue}"/>
      <action participant="shop.ship"/>
    </process>`;
    await withProcessWorker(env, typescript, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      const result = await handle.result();
      expect(result).toEqual({
        amount: 120,
        charged: 120,
        charged_by: 'python',
        seen_activity: `${handle.workflowId}_1`,
        audited: true,
        shipped: '120 by python',
      });
    });
  });

  it('`bureaucrat launch --wait --routes` runs the mixed process to the right context', async () => {
    const env = testServer();
    const dir = mkdtempSync(path.join(tmpdir(), 'bureaucrat-py-'));
    const file = path.join(dir, 'order.xml');
    writeFileSync(
      file,
      `<process><action participant="shop.price"/><action participant="billing.charge"/>
        <action participant="shop.ship"/></process>`,
    );
    try {
      await withProcessWorker(env, typescript, async (taskQueue) => {
        const launched = await runCli([
          'launch', file, '--wait', '--routes', `billing.*=${pyQueue}`, '--task-queue', taskQueue,
          '--address', process.env[TEST_ENV.address] ?? '', '--namespace', process.env[TEST_ENV.namespace] ?? 'default',
        ]); // prettier-ignore
        expect(launched.code).toBe(0);
        expect(JSON.parse(launched.stdout)).toMatchObject({
          amount: 120,
          charged: 120,
          charged_by: 'python',
          shipped: '120 by python',
        });
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a cancelled process cancels its running Python participant, which sees it', async () => {
    const env = testServer();
    const dir = mkdtempSync(path.join(tmpdir(), 'bureaucrat-py-'));
    const marker = path.join(dir, 'marker');
    const read = async () => (existsSync(marker) ? readFileSync(marker, 'utf8') : '');
    const xml = `<process><action participant="report.long" queue="${pyQueue}" heartbeat="2"/></process>`;
    try {
      await withProcessWorker(env, typescript, async (taskQueue) => {
        const handle = await startProcess(env, taskQueue, xml, { fields: { marker } });
        await eventually(read, (text) => text === 'started');
        await handle.cancel();
        await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
        expect(await eventually(read, (text) => text === 'cancelled')).toBe('cancelled');
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a Python ParticipantFault is process fault `code`, caught by a <faults> case', async () => {
    const env = testServer();
    const xml = `<process>
      <context>
        <property name="amount" type="int">5000</property><property name="declined" type="str"/>
        <faults><case code="PaymentDeclined">
          <assign property="declined">context["inst:fault"]["message"]</assign>
        </case></faults>
      </context>
      <action participant="billing.charge" queue="${pyQueue}"/>
      <action participant="shop.ship"/>
    </process>`;
    await withProcessWorker(env, typescript, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      const result = await handle.result();
      expect(result).toEqual({ amount: 5000, declined: '5000 is over the limit' });
    });
  });

  it('a Python `critical` reply faults the action with ActionError carrying its error', async () => {
    const env = testServer();
    const xml = `<process>
      <context><property name="audit" type="str">fail</property></context>
      <action participant="billing.audit" queue="${pyQueue}"/>
    </process>`;
    await withProcessWorker(env, typescript, async (taskQueue) => {
      const handle = await startProcess(env, taskQueue, xml);
      const err = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe('ActionError');
      expect(cause.message).toBe('audit refused the order');
    });
  });
});
