/** `delay duration="N"`: a durable timer of N seconds. */
import { sleep } from '@temporalio/workflow';
import type { DelayActivity } from '../../src/definition';
import { summaryOf } from '../../src/wire/summary';
import type { StepKind } from './kind';

/** `<delay>`. */
export const delayKind: StepKind<DelayActivity> = {
  shape: 'step',
  start: (node, _frame, run) =>
    sleep(node.seconds * 1000, { summary: summaryOf.delay(node.seconds, run.fullId(node.id)) }),
};
