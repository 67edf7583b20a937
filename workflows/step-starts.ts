/**
 * Where each step started in the current run, for retry and reset: the workflow task (its started event
 * id, which is `workflowInfo().historyLength` during that task) in which a node became active the first and
 * the latest time. Resetting the workflow to the end of that task re-runs the step with the state it had
 * then; everything before it is replayed, not executed again. Not carried over continue-as-new: Temporal's
 * reset works within one run.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { StepStart } from '../src/operations';

/** Recorded step starts, by activity id relative to the process. */
export class StepStarts {
  private readonly starts: Record<string, StepStart> = {};

  /** Records that `id` became active now. */
  record(id: string): void {
    const task = workflowInfo().historyLength;
    const known = this.starts[id];
    this.starts[id] = { first: known?.first ?? task, last: task };
  }

  /** Every recorded start (the `starts` query). */
  all(): Readonly<Record<string, StepStart>> {
    return this.starts;
  }
}
