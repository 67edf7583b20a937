/**
 * Issue 11: expressions that exhaust their budget, and changes that would make the context too large for
 * Temporal, end in a clean process fault that handlers can catch — never a workflow task that fails and
 * is retried forever.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { Workitem } from '../../src/protocol';
import type { Participants } from '../../src/worker/participants';
import { processId, processStart, withProcessWorker } from '../support/processes';
import { runCli, startCli, stopCli } from '../support/cli';
import { uniqueTaskQueue, useTestServer } from '../support/temporal';

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('expression budgets and the context size limit in a running process', () => {
  const testServer = useTestServer();

  /** Runs `xml` to its end; returns its result or failure and whether any workflow task failed. */
  async function run(xml: string, participants: Participants = {}, fields: Record<string, unknown> = {}) {
    const env = testServer();
    const workflowId = processId('budget');
    const outcome = await withProcessWorker(env, participants, (taskQueue) =>
      env.client.workflow
        .execute('bureaucratProcess', processStart(taskQueue, xml, { fields }, workflowId))
        .then(
          (context) => ({ context, failure: undefined }),
          (err: unknown) => {
            if (!(err instanceof WorkflowFailedError)) throw err;
            return { context: undefined, failure: err.cause as ApplicationFailure };
          },
        ),
    );
    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const failedTasks = events.filter((e) => e.workflowTaskFailedEventAttributes).length;
    return { ...outcome, failedTasks };
  }

  it.each([
    ['[[[0]*1000]*1000]*1000', 'ExpressionError', 'MemoryError: expression exceeds the budget of 10,000,000 cells'],
    ['len(str([[0]*10**4]*10**4))', 'ExpressionError', 'MemoryError: expression exceeds the budget of 10,000,000 cells'],
    ['sum([2**50000]*10**7) > 0', 'ExpressionError', 'MemoryError: expression exceeds the budget of 10,000,000 cells'],
    ['"a" * (5 * 10**6)', 'ContextSizeError', 'assign property="x" would make the process context larger than the limit of 1,000,000 bytes of JSON'],
  ])('%s ends the process with a clean %s fault', async (expression, code, message) => {
    const { failure, failedTasks } = await run(
      `<process><sequence><assign property="x">${xmlText(expression)}</assign></sequence></process>`,
    );
    expect(failedTasks).toBe(0);
    expect(failure?.type).toBe(code);
    expect(failure?.nonRetryable).toBe(true);
    expect(failure?.message).toContain(message);
  }); // prettier-ignore

  it('lets handlers catch a budget fault and a context size fault; the refused value never enters the context', async () => {
    const xml = `<process>
      <context>
        <property name="x" type="int">1</property>
        <property name="budget" type="str"></property><property name="size" type="str"></property>
      </context>
      <sequence>
        <context><faults><case code="ExpressionError"><assign property="budget">context["inst:fault"]["message"]</assign></case></faults></context>
        <assign property="x">sorted([[0]*1000]*9000)</assign>
      </sequence>
      <sequence>
        <context><faults><case code="ContextSizeError"><assign property="size">context["inst:fault"]["code"]</assign></case></faults></context>
        <assign property="x">"a" * (5 * 10**6)</assign>
      </sequence>
      <action participant="sees"/>
    </process>`;
    const seen: number[] = [];
    const { context, failedTasks } = await run(xml, {
      sees: (w: Workitem) => {
        seen.push(JSON.stringify(w.fields).length);
        return {};
      },
    });
    expect(failedTasks).toBe(0);
    expect(context).toMatchObject({ x: 1, size: 'ContextSizeError' });
    expect(context?.budget).toMatch(
      /failed: TimeoutError: expression exceeds the budget of 10,000,000 operations$/,
    );
    // The participant afterwards got the small context, not a 5 MB one.
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeLessThan(1000);
  });

  it('faults with ContextSizeError when a participant reply would make the context too large', async () => {
    const xml = `<process>
      <context>
        <property name="caught" type="str"></property>
        <property name="blob1" type="str"></property><property name="blob2" type="str"></property>
      </context>
      <sequence>
        <context><faults><case code="ContextSizeError"><assign property="caught">context["inst:fault"]["message"]</assign></case></faults></context>
        <action participant="big"/>
        <action participant="big"/>
      </sequence>
    </process>`;
    // Each reply fits Temporal's payload limit; two of them do not fit the context limit.
    let replies = 0;
    const { context, failedTasks } = await run(xml, {
      big: () => ({ [`blob${++replies}`]: 'b'.repeat(600_000) }),
    });
    expect(failedTasks).toBe(0);
    expect(context?.caught).toBe(
      'the reply of participant big would make the process context larger than the limit of 1,000,000 bytes of JSON',
    );
    // The first reply was applied, the second refused.
    expect(context?.blob1).toHaveLength(600_000);
    expect(context?.blob2).toBe('');
  });

  it('fails a process at once when its launch fields are over the context limit', async () => {
    const { failure, failedTasks } = await run(
      '<process><assign property="y">1</assign></process>',
      {},
      { big: 'é'.repeat(600_000) }, // 1.2 MB of UTF-8
    );
    expect(failedTasks).toBe(0);
    expect(failure?.type).toBe('ContextSizeError');
    expect(failure?.message).toContain('the launch fields would make the process context larger');
  });
});

describe('the issue as reported: `bureaucrat launch f.xml --wait`', () => {
  const taskQueue = uniqueTaskQueue('budget-cli');
  let connection: string[] = [];
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    connection = ['--address', process.env.BUREAUCRAT_TEST_ADDRESS ?? '', '--task-queue', taskQueue];
    const participants = path.join(__dirname, '../fixtures/cli/participants.js');
    worker = await startCli(
      ['worker', '--participants', participants, ...connection],
      /worker on .* task queue/,
    );
  });
  afterAll(async () => {
    if (worker) await stopCli(worker);
  });

  it.each([
    ['len(str([[0]*10**4]*10**4))', 'ExpressionError', 'MemoryError: expression exceeds the budget'],
    ['"a" * (5 * 10**6)', 'ContextSizeError', 'larger than the limit of 1,000,000 bytes of JSON'],
  ])('%s: the process ends on fault %s and the command exits 1', async (expression, code, message) => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-budget-')), 'f.xml');
    writeFileSync(file, `<process><assign property="x">${xmlText(expression)}</assign></process>`);
    const id = processId('budget-cli');
    const waited = await runCli(['launch', file, '--id', id, '--wait', ...connection]);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain(`process ${id} ended on fault ${code}`);
    expect(waited.stderr).toContain(message);
  });
});
