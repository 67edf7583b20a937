/**
 * The interpreter's continue-as-new format (internal): where a continued-as-new process resumes, carried in
 * the workflow input of its next run ({@link ProcessRunInput}). Part of committed histories: change it only
 * compatibly. Not part of the public API.
 *
 * Pure module (no Node APIs, no Temporal imports): the workflow bundle imports it.
 *
 * @module
 */
import type { ActivityState, ProcessInput } from '../protocol';
import type { ContextValues } from '../scope';
import type { MigrationRecord } from '../migration';

/**
 * The interpreter workflow's input as it runs: the public {@link ProcessInput} and, on a run that continued
 * as new, where to resume.
 */
export interface ProcessRunInput extends ProcessInput {
  /** Set by the interpreter itself when it continues as new: where to resume. Never set it by hand. */
  readonly resume?: Continuation;
  /** The migrations this process went through, oldest first (set by the interpreter when it migrates). */
  readonly migrations?: readonly MigrationRecord[];
}

/** Where a continued-as-new process resumes. Plain JSON. */
export interface Continuation {
  /** The complex activities on the path from the root to the resume point, outermost first. */
  readonly frames: readonly SavedFrame[];
  /** Every node's recorded state (id relative to the process). */
  readonly nodes: Readonly<Record<string, SavedNode>>;
  /** How many times each `<call>` has started a sub-process (its child ids count on from there). */
  readonly calls: Readonly<Record<string, number>>;
  /** How many awaits have started (their subscription keys count on from there). */
  readonly awaits?: number;
  /** How many runs of this process came before (for diagnostics). */
  readonly runs: number;
  /**
   * The deadline (epoch ms) of the step a migration interrupted while it waited (a `<delay>`, an `<await>`
   * with a timeout), by relative id: it waits on until the same moment when it runs again.
   */
  readonly deadlines?: Readonly<Record<string, number>>;
}

/** A complex activity that was running when the process continued as new. */
export interface SavedFrame {
  readonly id: string;
  readonly locals: ContextValues;
  /** The index of the next child to run (or of the child holding the next frame). */
  readonly index: number;
  readonly iteration?: number;
  readonly selection?: readonly unknown[];
}

/** A node's recorded state, carried over continue-as-new. */
export interface SavedNode {
  readonly state: ActivityState;
  readonly iteration?: number;
  readonly context?: ContextValues;
}
