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
  /**
   * Ids that became active since the last {@link settle}, all in the current workflow task: the task is
   * read once for them all (a loop starts several steps per task, and reading it is a call into the SDK).
   */
  private pending: string[] = [];

  /** Records that `id` became active now; {@link settle} must follow before the workflow task ends. */
  record(id: string): void {
    this.pending.push(id);
  }

  /** Dates the starts recorded since the last call with the current workflow task. */
  settle(): void {
    if (this.pending.length === 0) return;
    const task = workflowInfo().historyLength;
    const ids = this.pending;
    this.pending = [];
    for (const id of ids) {
      const known = this.starts[id];
      this.starts[id] = { first: known?.first ?? task, last: task };
    }
  }

  /** Every recorded start (the `starts` query). */
  all(): Readonly<Record<string, StepStart>> {
    return this.starts;
  }
}
