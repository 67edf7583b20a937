/**
 * The interpreter: runs a validated process model as a step machine over an explicit stack of
 * {@link Frame}s. One driver loop per stack ({@link Interpreter.drive}) takes the top frame's next step,
 * runs synchronous steps (assign, switch, conditions, loop bookkeeping) without creating a promise, and
 * awaits only Temporal commands. What each activity kind does lives in `kinds/` (one module per kind);
 * this module owns everything around a step, in one place each:
 *
 * - node states (`active`, `completed`, `aborting`, `aborted`, `canceled`, `canceling`): {@link Interpreter.step},
 *   {@link Interpreter.finish} and {@link Interpreter.unwind};
 * - faults: unwinding the stack to the first frame whose node has a handler for the code;
 * - continue-as-new: the check before each step (decision, saving and resuming are `continuation.ts`);
 * - extension points: {@link StepHooks} `beforeStep` (before each new step) and `stepCompleted`.
 *
 * Everything here runs in Temporal's workflow sandbox: no Node APIs, no clocks, no randomness.
 */
import { CancellationScope, isCancellation, log, workflowInfo } from '@temporalio/workflow';
import type {
  Activity,
  AllActivity,
  FaultHandler,
  ProcessDefinition,
  SwitchActivity,
} from '../src/definition';
import type { ProcessSettings } from '../src/process-start';
import type { ActionOptions } from '../src/protocol';
import { WORKER_SUMMARIES_GLOBAL } from '../src/bundle-flags';
import type { Continuation } from '../src/wire/continuation';
import {
  MigrationRefused,
  translateContinuation,
  translatePosition,
  type MigrationRequest,
  type ProcessPosition,
} from '../src/migration';
import { Scope, type ContextValues } from '../src/scope';
import { checkContextSize, properties } from './context-rules';
import { continueAsNewDue, mustContinueAsNew, restoreStack, saveContinuation } from './continuation';
import { Frame, type ComplexNode } from './frame';
import { kinds, type FrameKind, type Kind, type Runtime, type StepKind } from './kinds';
import { Mailbox } from './mailbox';
import { NodeStates } from './node-states';
import { ProcessFault } from './process-fault';
import { StepStarts } from './step-starts';

export { actionActivityOptions, DEFAULT_ACTION_OPTIONS } from './kinds';
export { HISTORY_HARD_LIMIT } from './continuation';
export { properties } from './context-rules';

/** Continue as new after this many history events unless the input says otherwise (Temporal caps at 51,200). */
export const DEFAULT_CONTINUE_AS_NEW_AFTER = 10_000;

/**
 * Extension points around steps. `beforeStep` runs before each new step of a frame (not before resumed
 * frames re-entered after continue-as-new); returning a promise makes the step wait for it (e.g. a pause
 * gate), returning nothing keeps the step synchronous. `stepCompleted` runs after a step completed (an
 * activity, or a complex activity's whole frame), with the frame it ran in.
 */
export interface StepHooks {
  beforeStep?(node: Activity, frame: Frame): Promise<void> | undefined;
  stepCompleted?(node: Activity | FaultHandler | ProcessDefinition, frame: Frame): void;
  /** An action's reply before it is applied; returns what to apply (e.g. a `halt` reply pauses). */
  actionReply?(participant: string, reply: unknown): unknown;
  /**
   * The driver is about to wait (for a Temporal command, a pause, another frame) or to leave: what the
   * hooks held back since the last wait is due now. `stepCompleted` may batch; this ends a batch.
   */
  waiting?(): void;
}

/** Options of an {@link Interpreter}. */
export interface InterpreterOptions {
  readonly model: ProcessDefinition;
  readonly processId: string;
  readonly continueAsNewAfterEvents: number;
  /** Also continue as new when the server suggests it (unless the input set an explicit threshold). */
  readonly followServerSuggestion: boolean;
  /** Subscribe awaits at their event's router (see `ProcessInput.broadcastEvents`). */
  readonly broadcastEvents?: boolean;
  /** `<action>` options over {@link DEFAULT_ACTION_OPTIONS}. */
  readonly actionOptions?: ActionOptions;
  /** What the process's `<call>`ed sub-processes inherit (see {@link ProcessSettings}). */
  readonly inherited?: ProcessSettings;
  readonly resume?: Continuation;
  /** Ends this run and starts the next one with `continuation` (throws Temporal's ContinueAsNew). */
  readonly continueAsNew: (continuation: Continuation) => Promise<never>;
  /** Ends this run and starts the next one on the migration's target, resuming at `continuation`. */
  readonly migrate?: (continuation: Continuation, migration: Migration) => Promise<never>;
  readonly hooks?: StepHooks;
}

/** A migration accepted by the process, waiting for the point where it moves (see `src/migration.ts`). */
export interface Migration {
  /** The target's model. */
  readonly model: ProcessDefinition;
  /** The request, as the update received it. */
  readonly request: MigrationRequest;
}

/** The step the process's own driver waits on, if it only waits: a migration may interrupt it. */
interface Parked {
  readonly step: Activity;
  readonly scope: CancellationScope;
  deadline?: number;
}

/** Runs one process model. The workflow function owns it; queries and signals read and feed it. */
export class Interpreter implements Runtime {
  readonly nodes: NodeStates;
  /** Where each step started in this run (the `starts` query). */
  readonly starts = new StepStarts();
  readonly mailbox = new Mailbox();
  readonly processId: string;
  readonly actionOptions?: ActionOptions;
  /** Whether this process's actions and delays carry summaries (the launch's and the worker's say). */
  private readonly summarized: boolean;
  readonly broadcastEvents?: boolean;
  readonly inherited?: ProcessSettings;
  private readonly calls: Record<string, number>;
  private awaits: number;
  private root?: Frame;
  /** The process's own stack (not an `<all>` branch's): where a migration finds the process. */
  private stack: Frame[] = [];
  /** The step the process's own driver is running, if any; and whether it runs an `<all>`'s body. */
  private running?: Activity;
  private inBody = false;
  private parked?: Parked;
  /** A migration accepted and not yet applied. */
  private migration?: Migration;
  /** The deadlines of steps a migration interrupted (from the continuation), until they run again. */
  private readonly deadlines: Map<string, number>;
  /** Whether continue-as-new is due, as of this activation: asked once, forgotten whenever a driver waits. */
  private continueDue?: boolean;

  constructor(private readonly options: InterpreterOptions) {
    const resume = options.resume;
    this.processId = options.processId;
    this.actionOptions = options.actionOptions;
    this.summarized =
      options.actionOptions?.summaries !== false &&
      (globalThis as Record<string, unknown>)[WORKER_SUMMARIES_GLOBAL] !== false;
    this.broadcastEvents = options.broadcastEvents;
    this.inherited = options.inherited;
    this.nodes = new NodeStates(resume?.nodes);
    this.nodes.onActive = (id) => this.starts.record(id);
    this.awaits = resume?.awaits ?? 0;
    this.calls = { ...resume?.calls };
    this.deadlines = new Map(Object.entries(resume?.deadlines ?? {}));
  }

  /** The merged process context (the process scope). */
  context(): ContextValues {
    return { ...(this.root?.scope.locals ?? {}) };
  }

  /** The process scope, once the process has started (operators `set` fields in it). */
  scope(): Scope | undefined {
    return this.root?.scope;
  }

  /**
   * Runs the process to its end (then {@link context} is the final process context). Rejects, never throws:
   * launch fields too large for the context fault the process like any step.
   */
  run(fields: ContextValues): Promise<void> {
    let stack: Frame[];
    try {
      stack = this.initialStack(fields);
    } catch (err) {
      return Promise.reject(err);
    }
    this.root = stack[0];
    this.stack = stack;
    // The driver's own promise, neither awaited nor chained here: V8 follows await chains into every stack
    // trace, and the SDK captures (and source-maps) one for each promise created in workflow code, at a
    // cost of tens of microseconds each; ending the chain at `drive` keeps them as short as a hand-written
    // workflow's, and the workflow function's one `then` is the only promise added above it.
    return this.drive(stack);
  }

  /** The stack the run starts with: the saved one after continue-as-new, else the process's frame. */
  private initialStack(fields: ContextValues): Frame[] {
    const { model, resume } = this.options;
    if (resume?.frames.length) return restoreStack(model, resume.frames, this.nodes);
    const root = new Frame(
      model,
      undefined,
      new Scope(undefined, properties(model.context)),
      model.activities,
    );
    // Too large launch fields fail the process before it starts: no handler could run with them.
    checkContextSize(root.scope, fields, 'the launch fields');
    root.scope.update(fields);
    this.nodes.attach(model.id, root.scope);
    this.nodes.set(model.id, 'active');
    return [root];
  }

  // ── the driver ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * Runs `stack` until it is empty: the process's stack, or one `<all>` branch's (whose bottom is a lane).
   * Each turn either runs the top frame's next step or ends the top frame's body.
   */
  private async drive(stack: Frame[]): Promise<void> {
    // One async function, not a wrapper around one: each await level deepens the stack the SDK captures
    // for every promise created below it.
    const main = stack === this.stack;
    try {
      for (;;) {
        const frame = stack[stack.length - 1];
        let step: Activity | undefined;
        let kind: Kind<Activity> | undefined;
        try {
          if (frame.index < frame.steps.length) {
            // Only `<all>` has a body of its own, run when its frame opens (then the frame's steps are done).
            const body = frame.index === 0 && !frame.lane ? frameKind(frame.node)?.body : undefined;
            if (body) {
              this.waiting();
              this.inBody = main;
              await body(frame.node as Activity, frame, this);
              this.inBody = false;
              frame.index = frame.steps.length;
              continue;
            }
            const next = frame.steps[frame.index];
            // Before continue-as-new: a paused process waits here rather than continue (and lose its pause).
            const gate = this.options.hooks?.beforeStep?.(next, frame);
            if (gate) {
              this.waiting();
              await gate;
            }
            if (
              !frame.lane &&
              (this.continueDue ??= continueAsNewDue(this.options)) &&
              mustContinueAsNew(frame, this.options)
            ) {
              this.waiting();
              await this.continueAsNew(stack);
            }
            if (main && this.migration) {
              this.waiting();
              await this.migrateNow(stack);
            }
            step = next;
            kind = kinds[step.kind] as Kind<Activity>;
            if (kind.shape === 'frame') {
              this.nodes.set(step.id, 'active');
              const child = kind.enter(step, frame, this);
              if (child) stack.push(child);
              else this.finish(step, frame);
              continue;
            }
            if (!kind.activatesItself) this.nodes.set(step.id, 'active');
            const pending = main && kind.parks ? this.park(step, kind, frame) : kind.start(step, frame, this);
            if (pending) {
              this.waiting();
              if (main) this.running = step;
              const value = await pending;
              this.running = undefined;
              this.parked = undefined;
              kind.done?.(step, frame, value, this);
            }
            this.finish(step, frame);
            continue;
          }
          if (!frame.lane && frameKind(frame.node)?.again?.(frame.node as Activity, frame, this)) continue;
          // The frame's body has ended: it completes, and with a handler's end, the owner it handled.
          stack.pop();
          if (frame.lane) return;
          this.nodes.set(frame.node.id, 'completed');
          let done: Frame = frame;
          if (frame.node.kind === 'handler') {
            done = stack.pop() as Frame;
            this.nodes.set(done.node.id, 'completed');
          }
          if (done.via) this.nodes.set(done.via.id, 'completed');
          const below = stack.at(-1);
          if (!below) return;
          this.options.hooks?.stepCompleted?.(done.via ?? done.node, below);
          below.index++;
        } catch (err) {
          if (main && this.migration && step && this.parked?.step === step && isCancellation(err)) {
            // The migration interrupted the step it waited in: it runs again on the target (or, if the
            // migration no longer fits, here, until the same deadline).
            const deadline = this.parked.deadline;
            this.waiting();
            this.running = undefined;
            this.parked = undefined;
            await this.migrateNow(stack, step, deadline);
            if (deadline !== undefined) this.deadlines.set(step.id, deadline);
            continue;
          }
          this.running = undefined;
          this.parked = undefined;
          let fault = err;
          if (step) {
            if (kind?.shape === 'step' && kind.failed) fault = kind.failed(step, err);
            this.settle(step.id, fault);
          }
          this.unwind(stack, fault);
        }
      }
    } finally {
      this.waiting();
    }
  }

  /**
   * The driver is about to wait or leave: the next step may run in another activation (see
   * {@link continueDue}), and {@link StepHooks.waiting} is due.
   */
  private waiting(): void {
    this.continueDue = undefined;
    this.starts.settle();
    this.options.hooks?.waiting?.();
  }

  /** A step completed: recorded, announced, and the frame moves on. */
  private finish(step: Activity, frame: Frame): void {
    this.nodes.set(step.id, 'completed');
    this.options.hooks?.stepCompleted?.(step, frame);
    frame.index++;
  }

  /**
   * A fault (or cancellation) leaves the top of the stack: frames are popped, each node settling as aborted
   * or canceled, until a frame whose node has a handler for the fault code: the node is then `aborting`
   * and the handler's frame is pushed (in a scope defining `inst:fault`). A handler's own faults go to its
   * own handlers, never again to the node it handles. Nothing handles it → thrown to the caller.
   */
  private unwind(stack: Frame[], fault: unknown): void {
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.lane) break;
      const handler =
        fault instanceof ProcessFault && !top.handling ? handlerFor(top.node, fault) : undefined;
      if (handler && fault instanceof ProcessFault) {
        this.nodes.set(top.node.id, 'aborting');
        // A loop that faulted before its first iteration shows the scope its handler runs in.
        if (top.iteration === 0) this.nodes.attach(top.node.id, top.scope);
        top.handling = true;
        const frame = this.open(handler, top);
        frame.scope.define('inst:fault', { code: fault.code, message: fault.message });
        this.nodes.set(handler.id, 'active');
        stack.push(frame);
        return;
      }
      stack.pop();
      this.settle(top.node.id, fault);
      if (top.via) this.settle(top.via.id, fault);
    }
    stack.length = 0;
    throw fault;
  }

  private settle(id: string, err: unknown): void {
    if (isCancellation(err)) this.nodes.set(id, 'canceled');
    else if (err instanceof ProcessFault) this.nodes.set(id, 'aborted');
  }

  /** Continues as new, resuming at the top frame's next step with every frame below it. */
  private continueAsNew(stack: readonly Frame[]): Promise<never> {
    return this.options.continueAsNew(
      saveContinuation(stack, this.nodes, {
        calls: { ...this.calls },
        awaits: this.awaits,
        runs: this.options.resume?.runs ?? 0,
      }),
    );
  }

  // ── migration ────────────────────────────────────────────────────────────────────────────────────────

  /** Where the process is: its own stack, the step it runs, and whether it is inside a running `<all>`. */
  position(): ProcessPosition {
    return {
      frames: saveContinuation(this.stack, this.nodes, { calls: {}, runs: 0, awaits: 0 }).frames,
      ...(this.running && { running: this.running.id }),
      parallel: this.inBody,
    };
  }

  /** Whether the step the process runs only waits (a migration interrupts it rather than wait for it). */
  get isParked(): boolean {
    return this.parked !== undefined;
  }

  /** Whether a migration is accepted and not yet applied. */
  get migrating(): boolean {
    return this.migration !== undefined;
  }

  /**
   * Accepts a migration (checked beforehand): applied at once when the process is between steps or parked
   * in a waiting step (which is interrupted), else when its running step ends.
   */
  requestMigration(migration: Migration): 'now' | 'after the running step' {
    this.migration = migration;
    if (this.parked) {
      this.parked.scope.cancel();
      return 'now';
    }
    return this.running ? 'after the running step' : 'now';
  }

  /** Runs a waiting step in a scope of its own, so that a migration can interrupt it. */
  private park(step: Activity, kind: StepKind<Activity>, frame: Frame): Promise<unknown> | undefined {
    const scope = new CancellationScope();
    const parked: Parked = { step, scope };
    this.parked = parked;
    return scope.run(() => kind.start(step, frame, this) ?? Promise.resolve());
  }

  /**
   * Moves the process onto the migration's target: the next run resumes there (`rerun`: that step again,
   * until `deadline`). The migration was checked when it was accepted; should the process have moved on
   * to a point the target lacks meanwhile, it is dropped (logged) and the process goes on here.
   */
  private async migrateNow(stack: readonly Frame[], rerun?: Activity, deadline?: number): Promise<void> {
    const migration = this.migration as Migration;
    this.migration = undefined;
    const saved = saveContinuation(stack, this.nodes, {
      calls: { ...this.calls },
      awaits: this.awaits,
      runs: this.options.resume?.runs ?? 0,
    });
    const continuation: Continuation =
      rerun && deadline !== undefined ? { ...saved, deadlines: { [rerun.id]: deadline } } : saved;
    const { model, request } = migration;
    let frames;
    try {
      frames = translatePosition(
        this.options.model,
        model,
        { frames: continuation.frames, ...(rerun && { running: rerun.id }), parallel: false },
        request.map,
        (node) => ('context' in node && node.context ? properties(node.context) : {}),
      );
    } catch (err) {
      if (!(err instanceof MigrationRefused)) throw err;
      log.warn(`migration dropped: the process moved on to where it cannot move: ${err.message}`);
      return;
    }
    const migrate = this.options.migrate;
    if (!migrate) throw new Error('this interpreter cannot migrate');
    await migrate(
      translateContinuation(this.options.model, model, continuation, frames, request.map),
      migration,
    );
  }

  // ── the runtime the kinds use ─────────────────────────────────────────────────────────────────────────

  /**
   * {@inheritDoc Runtime.summaries} A replayed command is matched with its event in the history and goes
   * nowhere, and summaries are not part of what replay compares: converting one (a payload the worker then
   * walks) would be work thrown away, at every action of every replay.
   */
  get summaries(): boolean {
    return this.summarized && !workflowInfo().unsafe.isReplaying;
  }

  /** {@inheritDoc Runtime.fullId} */
  fullId(id: string): string {
    return `${this.processId}${id}`;
  }

  /** {@inheritDoc Runtime.reply} */
  reply(participant: string, value: unknown): unknown {
    const hooks = this.options.hooks;
    return hooks?.actionReply ? hooks.actionReply(participant, value) : value;
  }

  /** {@inheritDoc Runtime.activate} */
  activate(node: Activity): void {
    this.nodes.set(node.id, 'active');
    // Perhaps outside the driver (after the kind's own wait), which settles step starts when it waits.
    this.starts.settle();
  }

  /** {@inheritDoc Runtime.nextAwaitKey} */
  nextAwaitKey(node: Activity): string {
    return `${node.id}#${++this.awaits}`;
  }

  /** {@inheritDoc Runtime.deadline} */
  deadline(node: Activity, ms: number): number {
    const resumed = this.deadlines.get(node.id);
    this.deadlines.delete(node.id);
    const deadline = resumed ?? Date.now() + ms;
    if (this.parked?.step === node) this.parked.deadline = deadline;
    return deadline;
  }

  /** {@inheritDoc Runtime.resumesDeadline} */
  resumesDeadline(node: Activity): boolean {
    return this.deadlines.has(node.id);
  }

  /** {@inheritDoc Runtime.nextCall} */
  nextCall(node: Activity): number {
    return (this.calls[node.id] = (this.calls[node.id] ?? 0) + 1);
  }

  /** {@inheritDoc Runtime.open} */
  open(node: ComplexNode, parent: Frame, via?: SwitchActivity): Frame {
    const frame = new Frame(
      node,
      parent,
      new Scope(parent.scope, properties(node.context)),
      node.activities,
      {
        via,
      },
    );
    this.nodes.attach(node.id, frame.scope);
    return frame;
  }

  /** {@inheritDoc Runtime.iterate} */
  iterate(frame: Frame, scope: Scope, n: number): void {
    frame.scope = scope;
    frame.iteration = n;
    frame.index = 0;
    if (n > 1) this.nodes.resetDescendants(frame.node);
    this.nodes.attach(frame.node.id, scope, n);
  }

  /** {@inheritDoc Runtime.branches} */
  async branches(node: AllActivity, frame: Frame): Promise<void> {
    const branches = new CancellationScope();
    let fault: unknown;
    const failed = (err: unknown) => {
      // After the first fault the others end cancelled (or with a later fault): the first one wins.
      if (fault !== undefined) return;
      fault = err;
      for (const other of node.activities) this.nodes.markCanceling(other);
      branches.cancel();
    };
    await branches.run(() =>
      Promise.all(
        node.activities.map((branch) =>
          this.drive([new Frame(node, frame, frame.scope, [branch], { lane: true })]).catch(failed),
        ),
      ),
    );
    if (fault !== undefined) throw fault;
  }
}

/** The kind module of a frame's node, when it has one (the process and handlers are plain blocks). */
function frameKind(node: ComplexNode): FrameKind<Activity> | undefined {
  if (node.kind === 'process' || node.kind === 'handler') return undefined;
  return kinds[node.kind] as FrameKind<Activity>;
}

/** The handler of `node` for the fault: the first `<case>` listing its code, else `<default>`. */
function handlerFor(node: ComplexNode, fault: ProcessFault): FaultHandler | undefined {
  return node.faults.find((h) => h.codes?.includes(fault.code)) ?? node.faults.find((h) => h.codes === null);
}
