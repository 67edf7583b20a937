/**
 * The interpreter: walks a validated process model deterministically, one executor per activity kind,
 * with a {@link Scope} chain for Bureaucrat's context rules and a {@link Frame} per running complex
 * activity so that a process can continue as new and resume exactly where it was.
 *
 * Each executor states its rule in its doc comment, and where it deliberately differs from the original.
 * Everything here runs in Temporal's workflow sandbox: no Node APIs, no clocks, no randomness.
 */
import {
  ActivityFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  executeChild,
  isCancellation,
  proxyActivities,
  sleep,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import {
  DEFINITION_ERROR_CODE,
  DefinitionError,
  parseDefinition,
  type Activity,
  type AllActivity,
  type ActionActivity,
  type AwaitActivity,
  type CallActivity,
  type CaseActivity,
  type Condition,
  type FaultHandler,
  type ForeachActivity,
  type ProcessDefinition,
  type PropertyDefinition,
  type SequenceActivity,
  type WhileActivity,
} from '../src/definition';
import { CONTEXT_SIZE_CODE, contextSizeMessage, jsonBytes, MAX_CONTEXT_BYTES } from '../src/context-size';
import { evaluate, evaluateCondition, ExpressionError, EXPRESSION_ERROR_CODE } from '../src/expression';
import { processStartOptions, type ProcessSettings } from '../src/process-start';
import {
  ACTION_ERROR_CODE,
  HISTORY_LIMIT_CODE,
  type ActionOptions,
  PROCESS_WORKFLOW_TYPE,
  SUBSCRIBE_ACTIVITY,
  summaryOf,
  TIMEOUT_CODE,
  type SubscribeInput,
  type Continuation,
  type SavedFrame,
  type Workitem,
} from '../src/protocol';
import { routeFor } from '../src/routes';
import { contextValues, isReserved, MissingPropertyError, Scope, type ContextValues } from '../src/scope';
import { Mailbox } from './mailbox';
import { withdraw } from './withdraw';
import { NodeStates } from './node-states';
import type { StepOperations } from './operations';
import { actionFault, childFault, ProcessFault } from './process-fault';

/**
 * How `<action>` activities run unless the worker says otherwise: 5 minutes per attempt; retried after
 * 1 s, 2 s, 4 s … up to 1 minute apart, 10 attempts in all; then the action faults with `ActionError`.
 */
export const DEFAULT_ACTION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
  },
};

/** Continue as new after this many history events unless the input says otherwise (Temporal caps at 51,200). */
export const DEFAULT_CONTINUE_AS_NEW_AFTER = 10_000;

/**
 * Past this history length (or 4× the continue-as-new threshold, if lower), a process that cannot continue
 * as new because it is inside an `<all>` faults with `HistoryLimitError` rather than hit Temporal's cap.
 */
export const HISTORY_HARD_LIMIT = 40_000;

/** The project's own event activities: quick, idempotent, retried until they succeed. */
const eventActivities = proxyActivities<{
  [SUBSCRIBE_ACTIVITY]: (input: SubscribeInput) => Promise<void>;
}>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '10 seconds' },
});

const participants =
  proxyActivities<Record<string, (workitem: Workitem) => Promise<unknown>>>(DEFAULT_ACTION_OPTIONS);

/** A complex activity: it owns a scope and may own fault handlers. */
type ComplexNode =
  | ProcessDefinition
  | SequenceActivity
  | CaseActivity
  | WhileActivity
  | ForeachActivity
  | AllActivity
  | FaultHandler;

/** A running complex activity: its scope, the next child to run and, for loops, the iteration. */
class Frame {
  /** Index of the next child to run. */
  index = 0;
  /** Whether this frame or an enclosing one is an `<all>`: branches in flight forbid continue-as-new. */
  readonly parallel: boolean;

  constructor(
    readonly node: ComplexNode,
    readonly parent: Frame | undefined,
    readonly scope: Scope,
    readonly iteration?: number,
    readonly selection?: readonly unknown[],
    /** Restored from a continuation and not yet re-entered. */
    public resumed = false,
  ) {
    this.parallel = node.kind === 'all' || (parent?.parallel ?? false);
  }

  save(): SavedFrame {
    return {
      id: this.node.id,
      locals: contextValues(this.scope.locals),
      index: this.index,
      ...(this.iteration !== undefined ? { iteration: this.iteration } : {}),
      ...(this.selection !== undefined ? { selection: this.selection } : {}),
    };
  }
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
  /** The pause gate, `halt` replies and step hooks (see `workflows/operations.ts`). */
  readonly operations?: StepOperations;
  /** Ends this run and starts the next one with `continuation` (throws Temporal's ContinueAsNew). */
  readonly continueAsNew: (continuation: Continuation) => Promise<never>;
}

/** Runs one process model. The workflow function owns it; queries and signals read and feed it. */
export class Interpreter {
  readonly nodes: NodeStates;
  readonly mailbox = new Mailbox();
  private readonly calls = new Map<string, number>();
  private awaits: number;
  /** Frames still to be re-entered after continue-as-new, by node id. */
  private readonly pending = new Map<string, SavedFrame>();
  private root?: Frame;

  constructor(private readonly options: InterpreterOptions) {
    const resume = options.resume;
    this.nodes = new NodeStates(resume?.nodes);
    this.awaits = resume?.awaits ?? 0;
    for (const [id, count] of Object.entries(resume?.calls ?? {})) this.calls.set(id, count);
    for (const frame of resume?.frames ?? []) this.pending.set(frame.id, frame);
  }

  /** The merged process context (the process scope). */
  context(): ContextValues {
    return { ...(this.root?.scope.locals ?? {}) };
  }

  /** The process scope, once the process has started (operators `set` fields in it). */
  scope(): Scope | undefined {
    return this.root?.scope;
  }

  /** Runs the process to its end; returns the final process context. */
  async run(fields: ContextValues): Promise<ContextValues> {
    const { model } = this.options;
    const root =
      this.restore(model, undefined) ??
      new Frame(model, undefined, new Scope(undefined, properties(model.context)));
    if (!root.resumed) {
      // Too large launch fields fail the process before it starts: no handler could run with them.
      checkContextSize(root.scope, fields, 'the launch fields');
      root.scope.update(fields);
    }
    this.root = root;
    this.nodes.attach(model.id, root.scope);
    await this.tracked(model.id, () =>
      this.guarded(
        model,
        () => root,
        () => this.steps(model.activities, root),
      ),
    );
    return this.context();
  }

  /** Runs `body` as node `id`: active while it runs, then completed, aborted or canceled. */
  private async tracked(id: string, body: () => Promise<void>): Promise<void> {
    this.nodes.set(id, 'active');
    try {
      await body();
    } catch (err) {
      this.settle(id, err);
      throw err;
    }
    this.nodes.set(id, 'completed');
  }

  // ── the activity tree ────────────────────────────────────────────────────────────────────────────────

  /**
   * Runs one activity in its parent's frame, recording its state. Returns `undefined` when the activity
   * finished synchronously (assign, fault, a switch without a match): every promise created in workflow
   * code costs a stack-trace capture in the SDK's sandbox, so the interpreter creates as few as it can.
   */
  private activity(activity: Activity, parent: Frame): Promise<void> | undefined {
    if (activity.kind !== 'await') this.nodes.set(activity.id, 'active'); // an await: once it listens
    let pending: Promise<unknown> | undefined;
    try {
      pending = this.execute(activity, parent);
    } catch (err) {
      throw this.stepFailed(activity, err);
    }
    if (!pending) {
      this.nodes.set(activity.id, 'completed');
      this.options.operations?.completed(this.fullId(activity.id));
      return undefined;
    }
    return pending.then(
      (value) => this.stepDone(activity, parent, value),
      (err: unknown) => {
        throw this.stepFailed(activity, err);
      },
    );
  }

  /**
   * Records a finished step; an action's reply is applied to the context, or faults (`ContextSizeError`
   * when it would make the context too large: the reply is then not applied).
   */
  private stepDone(activity: Activity, parent: Frame, value: unknown): void {
    if (activity.kind === 'action') {
      try {
        const reply = this.options.operations?.reply(activity.participant, value) ?? value;
        const fields = replyFields(activity.participant, reply);
        checkContextSize(parent.scope, fields, `the reply of participant ${activity.participant}`);
        parent.scope.update(fields);
      } catch (err) {
        throw this.stepFailed(activity, err);
      }
    }
    this.nodes.set(activity.id, 'completed');
    this.options.operations?.completed(this.fullId(activity.id));
  }

  /** Records a failed step and returns what to throw: an action's activity failure becomes its fault. */
  private stepFailed(activity: Activity, err: unknown): unknown {
    const fault =
      activity.kind === 'action' && err instanceof ActivityFailure
        ? actionFault(activity.participant, err)
        : err;
    this.settle(activity.id, fault);
    return fault;
  }

  /** {@link activity} as a promise in every case (for `Promise.all`). */
  private started(activity: Activity, parent: Frame): Promise<void> {
    try {
      return this.activity(activity, parent) ?? Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private settle(id: string, err: unknown): void {
    if (isCancellation(err)) this.nodes.set(id, 'canceled');
    else if (err instanceof ProcessFault) this.nodes.set(id, 'aborted');
  }

  /**
   * Starts an activity. Returns `undefined` when it finished synchronously; for an `action`, the raw
   * activity promise, whose reply {@link settleStep} applies.
   */
  private execute(activity: Activity, parent: Frame): Promise<unknown> | undefined {
    switch (activity.kind) {
      case 'sequence':
      case 'case':
        return this.block(activity, parent);
      case 'all':
        return this.all(activity, parent);
      case 'while':
        return this.while(activity, parent);
      case 'foreach':
        return this.foreach(activity, parent);
      case 'switch':
        return this.switch(activity.cases, parent);
      case 'action':
        return this.action(activity, parent.scope);
      case 'assign': {
        const context = parent.scope.merged();
        const value = this.expression(() => evaluate(activity.expression, { context }));
        // `set` changes the visible binding of the key, so the merged view after it is this one.
        context[activity.property] = value;
        checkContextSize(undefined, context, `assign property="${activity.property}"`);
        parent.scope.set(activity.property, value);
        return undefined;
      }
      case 'delay':
        return sleep(activity.seconds * 1000, {
          summary: summaryOf.delay(activity.seconds, this.fullId(activity.id)),
        });
      case 'await':
        return this.await(activity, parent.scope);
      case 'call':
        return this.call(activity, parent.scope);
      case 'fault':
        throw new ProcessFault(activity.code, activity.message);
    }
  }

  /** Runs `activities` in order from `frame.index`, checking before each whether to continue as new. */
  private async steps(activities: readonly Activity[], frame: Frame): Promise<void> {
    for (; frame.index < activities.length; frame.index++) {
      // While paused no new step starts; checked before continue-as-new, so a paused run never continues.
      const paused = this.options.operations?.gate();
      if (paused) await paused;
      if (this.mustContinueAsNew(frame)) await this.continueAsNew(frame);
      // The same bookkeeping as `activity()`, inlined: one promise fewer per step (see `activity`).
      const activity = activities[frame.index];
      if (activity.kind !== 'await') this.nodes.set(activity.id, 'active');
      let value: unknown;
      try {
        const pending = this.execute(activity, frame);
        if (pending) value = await pending;
      } catch (err) {
        throw this.stepFailed(activity, err);
      }
      this.stepDone(activity, frame, value);
    }
  }

  /**
   * Runs a complex activity's body. A fault raised inside it is handled by its own `<faults>`: the first
   * `<case>` listing the code, else `<default>`. The handler runs like a sequence in a scope that defines
   * `inst:fault`; when it completes, the activity counts as completed. No handler → the fault moves on.
   */
  private async guarded(owner: ComplexNode, frame: () => Frame, body: () => Promise<void>): Promise<void> {
    const resumed = owner.faults.find((h) => this.pending.has(h.id));
    if (resumed) return this.handle(owner, frame(), resumed, undefined);
    try {
      await body();
    } catch (err) {
      if (!(err instanceof ProcessFault)) throw err;
      const handler =
        owner.faults.find((h) => h.codes?.includes(err.code)) ?? owner.faults.find((h) => h.codes === null);
      if (!handler) throw err;
      await this.handle(owner, frame(), handler, err);
    }
  }

  private async handle(
    owner: ComplexNode,
    ownerFrame: Frame,
    handler: FaultHandler,
    fault?: ProcessFault,
  ): Promise<void> {
    this.nodes.set(owner.id, 'aborting');
    const frame = this.restore(handler, ownerFrame) ?? this.fresh(handler, ownerFrame);
    if (fault) frame.scope.define('inst:fault', { code: fault.code, message: fault.message });
    await this.tracked(handler.id, () =>
      this.guarded(
        handler,
        () => frame,
        () => this.steps(handler.activities, frame),
      ),
    );
  }

  /** `sequence` and a chosen `case`: children in order, in a scope of their own. */
  private async block(activity: SequenceActivity | CaseActivity, parent: Frame): Promise<void> {
    const frame = this.restore(activity, parent) ?? this.fresh(activity, parent);
    await this.guarded(
      activity,
      () => frame,
      () => this.steps(activity.activities, frame),
    );
  }

  /**
   * `switch`: runs the first case one of whose conditions holds. No case holds → the switch simply
   * completes (the original never reported completion and the process hung: defect 1).
   */
  private switch(cases: readonly CaseActivity[], parent: Frame): Promise<void> | undefined {
    const chosen =
      cases.find((c) => this.pending.has(c.id)) ?? cases.find((c) => this.holds(c.conditions, parent.scope));
    return chosen ? this.activity(chosen, parent) : undefined;
  }

  /**
   * `while`: a precondition loop. Each iteration starts with a fresh local scope (its `<context>` read
   * again), and the conditions are evaluated in that fresh scope before every iteration.
   */
  private async while(activity: WhileActivity, parent: Frame): Promise<void> {
    let current = this.restore(activity, parent);
    await this.guarded(
      activity,
      () => current ?? this.fresh(activity, parent),
      async () => {
        for (;;) {
          if (current?.resumed) {
            current.resumed = false;
          } else {
            const next = this.iteration(activity, parent, (current?.iteration ?? 0) + 1);
            if (!this.holds(activity.conditions, next.scope)) return;
            current = this.begin(next);
          }
          await this.steps(activity.activities, current);
        }
      },
    );
  }

  /**
   * `foreach select="a.b"`: one iteration per element of the list at that path, each in a fresh scope with
   * `inst:current`, `inst:iteration` (1-based) and `inst:selection`. Conditions, if any, filter elements
   * (the original parsed and ignored them).
   */
  private async foreach(activity: ForeachActivity, parent: Frame): Promise<void> {
    let current = this.restore(activity, parent);
    await this.guarded(
      activity,
      () => current ?? this.fresh(activity, parent),
      async () => {
        const selection = current?.selection ?? this.select(activity.select, parent.scope);
        for (let i = current?.resumed ? (current.iteration ?? 1) - 1 : 0; i < selection.length; i++) {
          if (current?.resumed) {
            current.resumed = false;
          } else {
            current = this.begin(this.iteration(activity, parent, i + 1, selection));
            current.scope.define('inst:current', selection[i]);
            current.scope.define('inst:iteration', i + 1);
            current.scope.define('inst:selection', selection);
            if (activity.conditions.length && !this.holds(activity.conditions, current.scope)) continue;
          }
          await this.steps(activity.activities, current);
        }
      },
    );
  }

  /** `all`: every branch in parallel in one scope; the first fault cancels the branches still running. */
  private async all(activity: AllActivity, parent: Frame): Promise<void> {
    const frame = this.fresh(activity, parent);
    await this.guarded(
      activity,
      () => frame,
      async () => {
        const branches = new CancellationScope();
        let fault: unknown;
        await branches.run(() =>
          Promise.all(
            activity.activities.map((branch) =>
              this.started(branch, frame).catch((err: unknown) => {
                // After the first fault the others end cancelled (or with a later fault): the first one wins.
                if (fault !== undefined) return;
                fault = err;
                for (const other of activity.activities) this.nodes.markCanceling(other);
                branches.cancel();
              }),
            ),
          ),
        );
        if (fault !== undefined) throw fault;
      },
    );
  }

  // ── simple activities ────────────────────────────────────────────────────────────────────────────────

  /**
   * `action`: a Temporal activity whose type is the participant name, given the workitem. The reply's
   * fields are applied with `set`; `critical` → fault `ActionError`; a non-retryable failure of type T →
   * fault T; retries exhausted or timed out → `ActionError`. Its own attributes (`queue`, `timeout`,
   * `retries`, `heartbeat`) override the process's action options; absent, the command is as before.
   */
  private action(activity: ActionActivity, scope: Scope): Promise<unknown> {
    const { participant } = activity;
    const activityId = this.fullId(activity.id);
    const workitem: Workitem = {
      fields: scope.merged(), // a fresh object: participants cannot reach the scopes
      participant,
      processId: this.options.processId,
      activityId,
    };
    return participants[participant].executeWithOptions(
      {
        ...actionActivityOptions(activity, this.options.actionOptions),
        summary: summaryOf.action(participant, activityId),
      },
      [workitem],
    );
  }

  /**
   * `await event="name"`: waits for an event of that name whose conditions hold (see {@link Mailbox});
   * conditions read `context` and `event` (the event message). Cancellable like any other wait.
   */
  private async await(activity: AwaitActivity, scope: Scope): Promise<void> {
    // A deadline rather than a timer per wait: the loop below may wait several times (resubscriptions).
    const deadline = activity.timeout !== undefined ? Date.now() + activity.timeout * 1000 : undefined;
    const key = `${activity.id}#${++this.awaits}`;
    const waiter = this.mailbox.enter(key, activity.event, activity.conditions, scope, activity.key);
    const subscribe = () =>
      eventActivities[SUBSCRIBE_ACTIVITY]({
        event: activity.event,
        processId: this.options.processId,
        ...this.mailbox.subscription(waiter),
      });
    try {
      // Broadcast: the await shows `active` only once its router knows it, so a trigger sent after the
      // state query shows it active always reaches it.
      if (this.options.broadcastEvents) await subscribe();
      this.nodes.set(activity.id, 'active');
      for (;;) {
        const woken = () => waiter.settled || waiter.resubscribe;
        if (deadline === undefined) await condition(woken);
        else if (!(await condition(woken, Math.max(deadline - Date.now(), 1)))) {
          throw new ProcessFault(
            TIMEOUT_CODE,
            `<await event="${activity.event}"> waited ${activity.timeout}s and no matching event came`,
          );
        }
        if (waiter.settled) break;
        waiter.resubscribe = false;
        await subscribe();
      }
    } finally {
      this.mailbox.leave(waiter);
      if (this.options.broadcastEvents && !waiter.settled)
        await withdraw(activity.event, {
          processId: this.options.processId,
          ...this.mailbox.subscription(waiter),
        });
    }
    if (waiter.fault) throw waiter.fault;
  }

  /**
   * `call process="$name"`: runs the definition held in context property `name` as a child process with
   * its own context, and waits for it. An invalid definition faults with `DefinitionError`; a child's
   * fault becomes the same fault here (the original left the caller waiting forever: defect 3); cancelling
   * the caller cancels the child. Child ids are `<processId><activityId>-<n>`, n counting runs of this call.
   */
  private async call(activity: CallActivity, scope: Scope): Promise<void> {
    const definition = this.expression(() => scope.get(activity.property));
    if (typeof definition !== 'string') {
      throw new ProcessFault(
        DEFINITION_ERROR_CODE,
        `call process="$${activity.property}": the property holds ${typeof definition}, not a definition text`,
      );
    }
    let model: ProcessDefinition;
    try {
      model = parseDefinition(definition);
    } catch (err) {
      if (!(err instanceof DefinitionError)) throw err;
      throw new ProcessFault(DEFINITION_ERROR_CODE, `call process="$${activity.property}": ${err.message}`);
    }
    const count = (this.calls.get(activity.id) ?? 0) + 1;
    this.calls.set(activity.id, count);
    const activityId = this.fullId(activity.id);
    try {
      await executeChild(
        PROCESS_WORKFLOW_TYPE,
        processStartOptions(model, {
          processId: `${activityId}-${count}`,
          definition,
          settings: this.options.inherited,
          summary: summaryOf.call(activity.property, activityId),
        }),
      );
    } catch (err) {
      if (err instanceof ChildWorkflowFailure && !isCancellation(err)) throw childFault(err);
      throw err;
    }
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────────────

  private fullId(id: string): string {
    return `${this.options.processId}${id}`;
  }

  private holds(conditions: readonly Condition[], scope: Scope): boolean {
    const context = scope.merged();
    return conditions.some((c) => this.expression(() => evaluateCondition(c.expression, { context })));
  }

  private expression<T>(run: () => T): T {
    try {
      return run();
    } catch (err) {
      if (err instanceof ExpressionError) throw new ProcessFault(EXPRESSION_ERROR_CODE, err.message);
      if (err instanceof MissingPropertyError) throw new ProcessFault(EXPRESSION_ERROR_CODE, err.message);
      throw err;
    }
  }

  private select(path: readonly string[], scope: Scope): readonly unknown[] {
    const where = `foreach select="${path.join('.')}"`;
    let value = this.expression(() => scope.get(path[0]));
    for (const key of path.slice(1)) {
      if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, key)) {
        throw new ProcessFault(EXPRESSION_ERROR_CODE, `${where}: no key "${key}"`);
      }
      value = (value as Record<string, unknown>)[key];
    }
    if (!Array.isArray(value)) throw new ProcessFault(EXPRESSION_ERROR_CODE, `${where} is not a list`);
    return value;
  }

  /** A new frame with the node's `<context>` properties. */
  private fresh(node: ComplexNode, parent: Frame): Frame {
    const frame = new Frame(node, parent, new Scope(parent.scope, properties(node.context)));
    this.nodes.attach(node.id, frame.scope);
    return frame;
  }

  /** A loop's next iteration: a fresh scope (not shown until it {@link begin}s). */
  private iteration(
    node: WhileActivity | ForeachActivity,
    parent: Frame,
    n: number,
    selection?: readonly unknown[],
  ): Frame {
    return new Frame(node, parent, new Scope(parent.scope, properties(node.context)), n, selection);
  }

  /** Starts a loop iteration: its descendants show `ready` again, the node shows its scope and number. */
  private begin(frame: Frame): Frame {
    if (frame.iteration !== undefined && frame.iteration > 1) this.nodes.resetDescendants(frame.node);
    this.nodes.attach(frame.node.id, frame.scope, frame.iteration);
    return frame;
  }

  /** The frame saved for `node` by the previous run, if the process is resuming through it. */
  private restore(node: ComplexNode, parent: Frame | undefined): Frame | undefined {
    const saved = this.pending.get(node.id);
    if (!saved) return undefined;
    this.pending.delete(node.id);
    const frame = new Frame(
      node,
      parent,
      new Scope(parent?.scope, saved.locals),
      saved.iteration,
      saved.selection,
      true,
    );
    frame.index = saved.index;
    this.nodes.attach(node.id, frame.scope, saved.iteration);
    return frame;
  }

  /**
   * Before each step: whether to continue as new now (the history is long enough). Inside an `<all>`
   * branch other branches are in flight, so it waits for the `<all>` to end, and faults if the history
   * nears the cap first.
   */
  private mustContinueAsNew(frame: Frame): boolean {
    const info = workflowInfo();
    const suggested = this.options.followServerSuggestion && info.continueAsNewSuggested;
    if (!suggested && info.historyLength < this.options.continueAsNewAfterEvents) return false;
    if (!frame.parallel) return true;
    const hardLimit = Math.min(HISTORY_HARD_LIMIT, 4 * this.options.continueAsNewAfterEvents);
    if (info.historyLength < hardLimit) return false;
    throw new ProcessFault(
      HISTORY_LIMIT_CODE,
      `the history holds ${info.historyLength} events and the process cannot continue as new inside a running <all>`,
    );
  }

  /** Continues as new, resuming at `frame`'s next step with every enclosing frame. */
  private continueAsNew(frame: Frame): Promise<never> {
    const frames: SavedFrame[] = [];
    for (let f: Frame | undefined = frame; f; f = f.parent) frames.unshift(f.save());
    return this.options.continueAsNew({
      frames,
      nodes: this.nodes.save(),
      calls: Object.fromEntries(this.calls),
      awaits: this.awaits,
      runs: (this.options.resume?.runs ?? 0) + 1,
    });
  }
}

/**
 * The activity options of one `<action>`: the defaults, then the process's action options, then the
 * routing table, then the action's own attributes. `retries="n"` allows n attempts after the first; the other retry settings stay.
 */
export function actionActivityOptions(
  activity: ActionActivity,
  processOptions: ActionOptions | undefined,
): ActivityOptions {
  const { routes, ...options } = processOptions ?? {};
  const base: ActivityOptions = { ...DEFAULT_ACTION_OPTIONS, ...options };
  const queue = activity.queue ?? routeFor(routes, activity.participant);
  return {
    ...base,
    ...(queue !== undefined && { taskQueue: queue }),
    ...(activity.timeout !== undefined && { startToCloseTimeout: Math.round(activity.timeout * 1000) }),
    ...(activity.heartbeat !== undefined && { heartbeatTimeout: Math.round(activity.heartbeat * 1000) }),
    ...(activity.retries !== undefined && {
      retry: { ...base.retry, maximumAttempts: activity.retries + 1 },
    }),
  };
}

/** A `<context>`'s properties as values. */
export function properties(list: readonly PropertyDefinition[]): ContextValues {
  const out: ContextValues = {};
  for (const p of list) out[p.name] = p.value;
  return out;
}

/**
 * Faults with {@link CONTEXT_SIZE_CODE} if the merged context seen from `scope` with `fields` applied
 * (with `set` semantics, reserved keys skipped) would exceed {@link MAX_CONTEXT_BYTES} of JSON; without a
 * scope, `fields` is the whole view. That view is what an `<action>` sends its participant; measuring it
 * before the change means a refused value never enters the context.
 */
function checkContextSize(scope: Scope | undefined, fields: Readonly<ContextValues>, what: string): void {
  if (scope && Object.keys(fields).length === 0) return;
  let view: Readonly<ContextValues> = fields;
  if (scope) {
    const merged = scope.merged();
    for (const key of Object.keys(fields)) if (!isReserved(key)) merged[key] = fields[key];
    view = merged;
  }
  if (jsonBytes(view, MAX_CONTEXT_BYTES) > MAX_CONTEXT_BYTES) {
    throw new ProcessFault(CONTEXT_SIZE_CODE, contextSizeMessage(what));
  }
}

/** The fields a participant's reply sets, or the fault its status means. */
function replyFields(participant: string, reply: unknown): ContextValues {
  // No reply (`undefined`, or `null` as other SDKs send "nothing", e.g. Python's `None`) changes nothing.
  if (reply === null || reply === undefined) return {};
  if (typeof reply !== 'object' || Array.isArray(reply)) {
    const kind = Array.isArray(reply) ? 'an array' : `a ${typeof reply}`;
    throw new ProcessFault(
      ACTION_ERROR_CODE,
      `participant ${participant} replied with ${kind}, not an object of fields`,
    );
  }
  const { status, error, ...fields } = reply as { status?: unknown; error?: unknown } & ContextValues;
  if (status === undefined || status === 'done') return fields;
  const text =
    typeof error === 'string' && error ? error : `participant ${participant} replied ${String(status)}`;
  // `error` replies are retried by the worker's participant adapter; one arriving here came from a
  // participant outside it (e.g. another SDK), which the workflow cannot retry: it faults like `critical`.
  throw new ProcessFault(ACTION_ERROR_CODE, text);
}
