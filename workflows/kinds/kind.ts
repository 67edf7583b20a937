/**
 * What an activity kind is to the interpreter, and what the interpreter offers it. Each kind is one module
 * of this folder exporting one {@link StepKind} or {@link FrameKind}; `index.ts` registers them in a
 * mapped type over every activity kind, so a kind added to the model without a module does not compile.
 *
 * The driver (`../interpreter.ts`) owns everything around a step: node states, fault handling,
 * cancellation, continue-as-new and the extension hooks. A kind only says what its step does.
 */
import type {
  Activity,
  ActivityKind,
  AllActivity,
  CaseActivity,
  FaultHandler,
  SwitchActivity,
} from '../../src/definition';
import type { ActionOptions } from '../../src/protocol';
import type { ProcessSettings } from '../../src/process-start';
import type { Scope } from '../../src/scope';
import type { ComplexNode, Frame } from '../frame';
import type { Mailbox } from '../mailbox';

/**
 * A simple activity: one step run in its parent's frame. `start` returns `undefined` when the step finished
 * synchronously (no promise is created: the SDK's sandbox captures a stack trace for every promise), or
 * the Temporal command(s) to wait for.
 */
export interface StepKind<A extends Activity> {
  readonly shape: 'step';
  start(node: A, frame: Frame, run: Runtime): Promise<unknown> | undefined;
  /** Applies what the command returned (an action's reply); may fault. */
  done?(node: A, frame: Frame, value: unknown, run: Runtime): void;
  /** The fault an error of the command means (an action's `ActivityFailure` → its fault). */
  failed?(node: A, err: unknown): unknown;
  /** The step shows `active` only when it calls {@link Runtime.activate} (an await: once it listens). */
  readonly activatesItself?: boolean;
  /**
   * The step only waits (a timer, an event): a migration may interrupt it and run it again on the target
   * definition, where it waits until the same {@link Runtime.deadline}. Steps that do work (an action, a
   * call) are never interrupted: a migration waits for them to end.
   */
  readonly parks?: boolean;
}

/**
 * A complex activity (or a switch choosing one): it opens a frame on the stack, whose steps the driver
 * then runs one by one.
 */
export interface FrameKind<A extends Activity> {
  readonly shape: 'frame';
  /** Opens the activity's frame above `parent`; `undefined` when there is nothing to run. */
  enter(node: A, parent: Frame, run: Runtime): Frame | undefined;
  /**
   * Loops: called when the frame's body has ended (and once right after `enter`); starts the next
   * iteration and returns `true`, or returns `false` when the loop is done. Faults raised here are the
   * loop's own (its handlers see them).
   */
  again?(node: A, frame: Frame, run: Runtime): boolean;
  /** `all`: runs the whole body itself, concurrently, instead of step by step. */
  body?(node: A, frame: Frame, run: Runtime): Promise<void>;
}

/** The module of one activity kind. */
export type Kind<A extends Activity> = StepKind<A> | FrameKind<A>;

/** One module per activity kind: the compiler rejects a kind without one. */
export type Kinds = { readonly [K in ActivityKind]: Kind<Extract<Activity, { kind: K }>> };

/** The interpreter's services to the kinds. */
export interface Runtime {
  readonly processId: string;
  /** `<action>` options over the defaults (see `actionActivityOptions`). */
  readonly actionOptions?: ActionOptions;
  /**
   * Whether the command an action or a delay sends now carries its Web UI summary: unless the launch
   * (`actionOptions.summaries`) or the worker (`createWorker({ summaries: false })`) said no, and never
   * while replaying (see `Interpreter.summaries`).
   */
  readonly summaries: boolean;
  /** Subscribe awaits at their event's router. */
  readonly broadcastEvents?: boolean;
  /** What `<call>`ed sub-processes inherit. */
  readonly inherited?: ProcessSettings;
  readonly mailbox: Mailbox;
  /** The activity's id as the outside sees it: the process id, then the relative id. */
  fullId(id: string): string;
  /** An action's reply as the process's hooks pass it on (a `halt` reply pauses the process first). */
  reply(participant: string, value: unknown): unknown;
  /** Shows `node` active (for kinds that {@link StepKind.activatesItself}). */
  activate(node: Activity): void;
  /** The next subscription key of an await (unique across continue-as-new). */
  nextAwaitKey(node: Activity): string;
  /** Counts a `<call>`'s runs (across continue-as-new): the child id's suffix. */
  nextCall(node: Activity): number;
  /**
   * When a waiting step that lasts `ms` ends (epoch ms, workflow time): now + `ms`, or, for a step a
   * migration interrupted, the deadline it had before.
   */
  deadline(node: Activity, ms: number): number;
  /** Whether {@link deadline} would give `node` the deadline it had before a migration. */
  resumesDeadline(node: Activity): boolean;
  /** A new frame for `node` above `parent`, with a fresh scope shown in the state query. */
  open(node: ComplexNode, parent: Frame, via?: SwitchActivity): Frame;
  /** Makes `scope` the loop frame's iteration `n`: its body starts again and its descendants show `ready`. */
  iterate(frame: Frame, scope: Scope, n: number): void;
  /** Runs the `<all>` frame's branches concurrently; the first fault cancels the others and is thrown. */
  branches(node: AllActivity, frame: Frame): Promise<void>;
}

/** The complex node kinds that are not activities (no module: the driver runs them as plain blocks). */
export type BlockNode = Exclude<ComplexNode, Activity> | CaseActivity | FaultHandler;
