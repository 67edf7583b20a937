/**
 * The worker side of the lifecycle hooks drops a repeated occurrence: what a workflow task that runs again
 * live (its first attempt did not complete) emits a second time. The sink function is a plain function of
 * (workflow info, occurrences), so it is called here as the worker calls it.
 */
import type { WorkflowInfo } from '@temporalio/workflow';
import { hookSinks, type ProcessHooks } from '../../src/worker/hooks';
import type { HookCall, HookEvent, HookName, StepHookEvent } from '../../src/hooks';

type OccurredFn = (info: WorkflowInfo, calls: readonly HookCall[]) => Promise<void>;

/** The worker's sink for `hooks`, called one occurrence at a time, or with `calls` as one batch. */
function sinksOf(hooks: ProcessHooks) {
  const { fn } = (hookSinks(hooks).bureaucratHooks as unknown as { occurred: { fn: OccurredFn } }).occurred;
  const one =
    (hook: HookName) =>
    (info: WorkflowInfo, event: HookEvent, occurrence: number): Promise<void> =>
      fn(info, [{ hook, event, occurrence } as HookCall]);
  return {
    batch: fn,
    stepCompleted: one('stepCompleted'),
    processPaused: one('processPaused'),
  };
}

const run = (runId: string) => ({ runId, workflowId: 'p1' }) as WorkflowInfo;
const step = (activityId: string): StepHookEvent => ({
  processId: 'p1',
  processName: 'audited',
  context: {},
  activityId,
});

describe('hookSinks', () => {
  it('calls a hook once per occurrence of a run, however often the occurrence is emitted', async () => {
    const called: string[] = [];
    const sinks = sinksOf({ stepCompleted: (e) => void called.push(e.activityId) });
    await sinks.stepCompleted(run('r1'), step('p1_0'), 1);
    await sinks.stepCompleted(run('r1'), step('p1_0'), 1); // the same workflow task, run again
    await sinks.stepCompleted(run('r1'), step('p1_0'), 3); // the same step completing again (a loop)
    await sinks.stepCompleted(run('r2'), step('p1_0'), 1); // the next run (continue-as-new, reset)
    expect(called).toEqual(['p1_0', 'p1_0', 'p1_0']);
  });

  it('keeps apart hooks that a rerun emitted in another order under the same numbers', async () => {
    const called: string[] = [];
    const sinks = sinksOf({
      stepCompleted: (e) => void called.push(`step ${e.activityId}`),
      processPaused: () => void called.push('paused'),
    });
    await sinks.stepCompleted(run('r1'), step('p1_0'), 2);
    // The rerun met a new event first: occurrence 2 is now the pause, and the step became 3.
    await sinks.processPaused(
      run('r1'),
      { ...step('p1_0'), paused: { by: 'x', reason: 'y', since: '' } } as never,
      2,
    );
    await sinks.stepCompleted(run('r1'), step('p1_0'), 3);
    expect(called).toEqual(['step p1_0', 'paused', 'step p1_0']);
  });

  it('forgets old occurrences past its bound rather than growing', async () => {
    const called: number[] = [];
    const sinks = sinksOf({ stepCompleted: (e) => void called.push(Number(e.activityId)) });
    for (let n = 0; n < 20_001; n += 1) await sinks.stepCompleted(run('r1'), step(String(n)), n);
    await sinks.stepCompleted(run('r1'), step('0'), 0); // forgotten: called again
    await sinks.stepCompleted(run('r1'), step('20000'), 20_000); // remembered: dropped
    expect(called).toHaveLength(20_002);
    expect(called.at(-1)).toBe(0);
  });

  it('calls the hooks of one batch in order, skipping the repeats within it and hooks not registered', async () => {
    const called: string[] = [];
    const sinks = sinksOf({ stepCompleted: (e) => void called.push(e.activityId) });
    await sinks.batch(run('r1'), [
      { hook: 'stepCompleted', event: step('p1_0'), occurrence: 1 },
      { hook: 'processCompleted', event: step('p1_0'), occurrence: 2 },
      { hook: 'stepCompleted', event: step('p1_1'), occurrence: 3 },
      { hook: 'stepCompleted', event: step('p1_1'), occurrence: 3 },
    ]);
    expect(called).toEqual(['p1_0', 'p1_1']);
  });
});
