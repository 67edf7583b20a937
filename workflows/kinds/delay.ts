/** `delay duration="N"`: a durable timer of N seconds. */
import { sleep } from '@temporalio/workflow';
import type { DelayActivity } from '../../src/definition';
import { summaryOf } from '../../src/wire/summary';
import type { StepKind } from './kind';

/** `<delay>`: after a migration, it waits until the deadline it had (not for its whole duration again). */
export const delayKind: StepKind<DelayActivity> = {
  shape: 'step',
  parks: true,
  start: (node, _frame, run) => {
    const ms = node.seconds * 1000;
    const resumed = run.resumesDeadline(node);
    const deadline = run.deadline(node, ms);
    const timeout = resumed ? Math.max(deadline - Date.now(), 1) : ms;
    if (!run.summaries) return sleep(timeout);
    return sleep(timeout, { summary: summaryOf.delay(node.seconds, node.id) });
  },
};
