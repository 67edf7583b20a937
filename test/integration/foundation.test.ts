import { Worker } from '@temporalio/worker';
import * as activities from '../support/hello-activities';
import { helloProcess } from '../workflows/hello';
import { testWorkflowBundle, useTestServer, withWorker } from '../support/temporal';

describe('foundation: a real worker against the harness dev server', () => {
  const testServer = useTestServer();

  it('runs a workflow calling an activity, then replays its history deterministically', async () => {
    const env = testServer();
    const workflowId = `hello-${Date.now()}`;
    const result = await withWorker(env, { activities }, (taskQueue) =>
      env.client.workflow.execute(helloProcess, { taskQueue, workflowId, args: ['Bureaucrat'] }),
    );
    expect(result).toBe('Hello, Bureaucrat!');

    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const types = history.events?.map((e) => e.eventType) ?? [];
    expect(types.length).toBeGreaterThan(5);

    const replays: string[] = [];
    for await (const replay of Worker.runReplayHistories({ workflowBundle: testWorkflowBundle() }, [
      { workflowId, history },
    ])) {
      expect(replay.error).toBeUndefined();
      replays.push(replay.workflowId);
    }
    expect(replays).toEqual([workflowId]);
  });
});
