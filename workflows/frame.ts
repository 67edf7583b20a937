/**
 * A frame of the interpreter's explicit stack: one running complex activity (the process, a sequence, a
 * chosen case, a loop's current iteration, an `<all>`, a fault handler) with its scope and the index of
 * its next step. A stack of frames is exactly what continue-as-new saves and resumes (see
 * `continuation.ts`), so the stack is the single record of where the process is.
 */
import type {
  Activity,
  AllActivity,
  CaseActivity,
  FaultHandler,
  ForeachActivity,
  ProcessDefinition,
  SequenceActivity,
  SwitchActivity,
  WhileActivity,
} from '../src/definition';
import type { Scope } from '../src/scope';

/** A complex activity: it owns a scope and may own fault handlers. */
export type ComplexNode =
  | ProcessDefinition
  | SequenceActivity
  | CaseActivity
  | WhileActivity
  | ForeachActivity
  | AllActivity
  | FaultHandler;

/** How a frame came to be, beyond its node: the switch that chose it, or a branch lane of an `<all>`. */
export interface FrameOrigin {
  /** The `<switch>` whose case this frame runs: it completes (or fails) with the case. */
  readonly via?: SwitchActivity;
  /**
   * A lane: the bottom of one `<all>` branch's stack, running the single branch activity in the all's
   * scope. It records no state, owns no handlers and never continues as new.
   */
  readonly lane?: boolean;
}

/** One running complex activity. */
export class Frame {
  /** Index into {@link steps} of the next step (or of the step holding the frame above this one). */
  index = 0;
  /** Loops: the current iteration, 1-based; 0 before the first. */
  iteration = 0;
  /** `foreach`: the list it iterates over, fixed when the loop starts. */
  selection?: readonly unknown[];
  /** A fault handler of this frame's node runs in the frame above: its end ends this frame. */
  handling = false;
  /** Whether this frame or an enclosing one is an `<all>`: branches in flight forbid continue-as-new. */
  readonly parallel: boolean;
  readonly via?: SwitchActivity;
  readonly lane: boolean;

  constructor(
    readonly node: ComplexNode,
    readonly parent: Frame | undefined,
    /** The frame's scope; a loop replaces it with a fresh one per iteration. */
    public scope: Scope,
    readonly steps: readonly Activity[],
    origin: FrameOrigin = {},
  ) {
    this.via = origin.via;
    this.lane = origin.lane ?? false;
    this.parallel = node.kind === 'all' || (parent?.parallel ?? false);
  }
}
