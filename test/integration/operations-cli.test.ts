import { ProcessHandle } from '../../src/client/process-handle';
import { ParticipantFault } from '../../src/worker/participants';
import { runCli } from '../support/cli';
import { findNode, startProcess, withProcessWorker } from '../support/processes';
import { eventually, useTestServer } from '../support/temporal';

describe('bureaucrat pause | resume | set | retry | reset', () => {
  const testServer = useTestServer();
  const connection = () => [
    '--address',
    process.env.BUREAUCRAT_TEST_ADDRESS ?? '',
    '--namespace',
    process.env.BUREAUCRAT_TEST_NAMESPACE ?? 'default',
  ];
  const cli = (...args: string[]) => runCli([...args, ...connection()]);

  it('operates a process and says what it did; exit 1 when it cannot, 2 for bad input', async () => {
    const xml = `<process>
      <context><property name="ok" type="int">0</property></context>
      <action participant="first"/>
      <await event="go"><condition>context["ok"] == 1</condition></await>
      <action participant="flaky"/>
    </process>`;
    let fixed = false;
    const participants = {
      first: () => ({ first: true }),
      flaky: () => {
        if (!fixed) throw new ParticipantFault('Broken', 'not yet');
        return { flaky: 'fixed' };
      },
    };
    await withProcessWorker(testServer(), participants, async (taskQueue) => {
      const { workflowId: id } = await startProcess(testServer(), taskQueue, xml);
      const handle = new ProcessHandle(testServer().client, id);
      await eventually(
        () => handle.state(),
        (s) => findNode(s, '_1')?.state === 'active',
      );

      const paused = await cli('pause', id, '--reason', 'month end', '--by', 'ops');
      expect(paused.code).toBe(0);
      expect(paused.stderr).toMatch(new RegExp(`^process ${id} paused by ops since \\S+: month end`));
      const status = await cli('status', id);
      expect(status.stdout.split('\n')[0]).toMatch(/^paused by ops since \S+: month end$/);
      expect(await cli('resume', id)).toMatchObject({ code: 0, stderr: `process ${id} resumed\n` });
      expect((await cli('resume', id)).stderr).toBe(`process ${id} was not paused: nothing to resume\n`);

      const set = await cli('set', id, '--fields', '{"ok": 1}');
      expect(set.code).toBe(0);
      expect(JSON.parse(set.stdout)).toEqual({ ok: 1, first: true });
      expect(set.stderr).toBe(`process ${id}: set ok\n`);
      const reserved = await cli('set', id, '--fields', '{"inst:fault": 1}');
      expect(reserved.code).toBe(2);
      expect(reserved.stderr).toMatch(/--fields: fields starting with "inst:" are reserved/);
      expect((await cli('set', id, '--fields', '{bad')).code).toBe(2);

      const notFailed = await cli('retry', id);
      expect(notFailed.code).toBe(1);
      expect(notFailed.stderr).toMatch(
        /did not fail \(it is running\): only a failed process can be retried/,
      );
      const unreached = await cli('reset', id, '--to', `${id}_2`);
      expect(unreached.code).toBe(1);
      expect(unreached.stderr).toMatch(new RegExp(`never reached activity ${id}_2`));
      const unknown = await cli('pause', `${id}-nobody`);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(new RegExp(`no process with id ${id}-nobody`));

      await handle.event('go');
      await expect(handle.result()).rejects.toThrow(/Broken/);
      fixed = true;
      const retried = await cli('retry', id);
      expect(retried.code).toBe(0);
      expect(retried.stderr).toMatch(new RegExp(`^process ${id} retried: runs again from ${id}_2 \\(run `));
      expect(await handle.result()).toEqual({ ok: 1, first: true, flaky: 'fixed' });
      const ended = await cli('pause', id);
      expect(ended.code).toBe(1);
      expect(ended.stderr).toBe(
        `bureaucrat: process ${id} has ended (completed): it can no longer be paused\n`,
      );

      // From the first step: the context is the launch context again; the event must come again.
      const reset = await cli('reset', id, '--to', `${id}_0`);
      expect(reset.code).toBe(0);
      expect(reset.stderr).toMatch(new RegExp(`^process ${id} reset: runs again from ${id}_0 `));
      await eventually(
        () => handle.state(),
        (s) => findNode(s, '_1')?.state === 'active',
      );
      expect(await handle.context()).toEqual({ ok: 0, first: true });
    });
  });
});
