/**
 * The interpreter workflow: executes a validated process model deterministically. One executor per
 * activity kind; a {@link Scope} chain carries Bureaucrat's context rules.
 *
 * Work in progress (issue 4): sequence, action, assign, switch, while, all, foreach, delay, fault and fault
 * handlers are executed; `await`, `call`, the state query, history economy checks and continue-as-new are
 * not yet: reaching an `await` or a `call` raises a `DefinitionError` fault saying so.
 */
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  DEFINITION_ERROR_CODE,
  parseDefinition,
  type Activity,
  type FaultHandler,
  type ProcessDefinition,
  type PropertyDefinition,
} from '../src/definition';
import { evaluate, evaluateCondition, ExpressionError, EXPRESSION_ERROR_CODE } from '../src/expression';
import { Scope, type ContextValues } from '../src/scope';

/** What a participant receives: the merged context and where the task comes from. */
export interface Workitem {
  readonly fields: ContextValues;
  readonly participant: string;
  readonly processId: string;
  readonly activityId: string;
}

/** Input of {@link bureaucratProcess}. */
export interface ProcessInput {
  /** The definition: XML text (validated in the workflow) or an already validated model. */
  readonly definition: string | ProcessDefinition;
  /** Launch fields; they override the definition's process `<context>`. */
  readonly fields?: ContextValues;
}

/** A Bureaucrat fault travelling up the activity tree. */
class ProcessFault extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The fault code of participants that reply `critical` or exhaust their retries. */
export const ACTION_ERROR_CODE = 'ActionError';

const participants = proxyActivities<Record<string, (workitem: Workitem) => Promise<unknown>>>({
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
  },
});

/** Runs a Bureaucrat process and returns its final context. */
export async function bureaucratProcess(input: ProcessInput): Promise<ContextValues> {
  const model = typeof input.definition === 'string' ? parseOrFail(input.definition) : input.definition;
  const root = new Scope(undefined, properties(model.context));
  root.update(input.fields ?? {});
  const interpreter = new Interpreter(workflowInfo().workflowId);
  try {
    await interpreter.complex(model, root, () => interpreter.sequence(model.activities, root));
  } catch (err) {
    if (err instanceof ProcessFault) {
      throw ApplicationFailure.nonRetryable(err.message, err.code, { code: err.code, message: err.message });
    }
    throw err;
  }
  return { ...root.merged() };
}

function parseOrFail(xml: string): ProcessDefinition {
  try {
    return parseDefinition(xml);
  } catch (err) {
    throw ApplicationFailure.nonRetryable((err as Error).message, DEFINITION_ERROR_CODE);
  }
}

function properties(list: readonly PropertyDefinition[]): ContextValues {
  const out: ContextValues = {};
  for (const p of list) out[p.name] = p.value;
  return out;
}

class Interpreter {
  constructor(private readonly processId: string) {}

  /** Runs activities in order in `scope`. */
  async sequence(activities: readonly Activity[], scope: Scope): Promise<void> {
    for (const activity of activities) await this.run(activity, scope);
  }

  /**
   * Runs a complex activity's body; a fault raised inside it is handled by its own `<faults>` when a
   * handler matches (the activity then counts as completed), else it moves outwards.
   */
  async complex(
    owner: { readonly faults: readonly FaultHandler[] },
    scope: Scope,
    body: () => Promise<void>,
  ): Promise<void> {
    try {
      await body();
    } catch (err) {
      if (!(err instanceof ProcessFault)) throw err;
      const handler =
        owner.faults.find((h) => h.codes?.includes(err.code)) ?? owner.faults.find((h) => h.codes === null);
      if (!handler) throw err;
      const handlerScope = new Scope(scope, properties(handler.context));
      handlerScope.define('inst:fault', { code: err.code, message: err.message });
      await this.complex(handler, handlerScope, () => this.sequence(handler.activities, handlerScope));
    }
  }

  private conditionHolds(
    conditions: readonly { expression: Parameters<typeof evaluate>[0] }[],
    scope: Scope,
  ): boolean {
    const context = scope.merged();
    return conditions.some((c) => this.expression(() => evaluateCondition(c.expression, { context })));
  }

  private expression<T>(run: () => T): T {
    try {
      return run();
    } catch (err) {
      if (err instanceof ExpressionError) throw new ProcessFault(EXPRESSION_ERROR_CODE, err.message);
      throw err;
    }
  }

  async run(activity: Activity, scope: Scope): Promise<void> {
    switch (activity.kind) {
      case 'sequence':
      case 'case': {
        const local = new Scope(scope, properties(activity.context));
        return this.complex(activity, local, () => this.sequence(activity.activities, local));
      }
      case 'all': {
        const local = new Scope(scope, properties(activity.context));
        return this.complex(activity, local, () => this.all(activity.activities, local));
      }
      case 'while':
        while (this.conditionHolds(activity.conditions, scope)) {
          const local = new Scope(scope, properties(activity.context)); // fresh scope every iteration
          await this.complex(activity, local, () => this.sequence(activity.activities, local));
        }
        return;
      case 'foreach': {
        const selection = this.select(activity.select, scope);
        for (let i = 0; i < selection.length; i++) {
          const local = new Scope(scope, properties(activity.context));
          local.define('inst:current', selection[i]);
          local.define('inst:iteration', i + 1);
          local.define('inst:selection', selection);
          if (activity.conditions.length && !this.conditionHolds(activity.conditions, local)) continue;
          await this.complex(activity, local, () => this.sequence(activity.activities, local));
        }
        return;
      }
      case 'switch': {
        const chosen = activity.cases.find((c) => this.conditionHolds(c.conditions, scope));
        if (chosen) await this.run(chosen, scope);
        return; // no matching case: the switch completes (the original hung here)
      }
      case 'action':
        return this.action(activity.participant, activity.id, scope);
      case 'assign': {
        const context = scope.merged();
        scope.set(
          activity.property,
          this.expression(() => evaluate(activity.expression, { context })),
        );
        return;
      }
      case 'delay':
        await sleep(activity.seconds * 1000);
        return;
      case 'fault':
        throw new ProcessFault(activity.code, activity.message);
      case 'await':
      case 'call':
        throw new ProcessFault(
          DEFINITION_ERROR_CODE,
          `<${activity.kind}> is not supported by this interpreter yet`,
        );
    }
  }

  private select(path: readonly string[], scope: Scope): unknown[] {
    let value: unknown;
    try {
      value = scope.get(path[0]);
    } catch (err) {
      throw new ProcessFault(
        EXPRESSION_ERROR_CODE,
        `foreach select="${path.join('.')}": ${(err as Error).message}`,
      );
    }
    for (const key of path.slice(1)) {
      const container = value as Record<string, unknown> | null;
      if (
        typeof container !== 'object' ||
        container === null ||
        !Object.prototype.hasOwnProperty.call(container, key)
      ) {
        throw new ProcessFault(EXPRESSION_ERROR_CODE, `foreach select="${path.join('.')}": no key "${key}"`);
      }
      value = container[key];
    }
    if (!Array.isArray(value)) {
      throw new ProcessFault(EXPRESSION_ERROR_CODE, `foreach select="${path.join('.')}" is not a list`);
    }
    return value;
  }

  /** Runs branches in parallel; the first fault cancels the branches still running. */
  private async all(branches: readonly Activity[], scope: Scope): Promise<void> {
    const cancellable = new CancellationScope();
    let fault: unknown;
    await cancellable.run(() =>
      Promise.all(
        branches.map((branch) =>
          this.run(branch, scope).catch((err: unknown) => {
            if (isCancellation(err) && fault !== undefined) return;
            if (fault === undefined) {
              fault = err;
              cancellable.cancel();
            }
          }),
        ),
      ),
    );
    if (fault !== undefined) throw fault;
  }

  private async action(participant: string, activityId: string, scope: Scope): Promise<void> {
    const workitem: Workitem = {
      fields: { ...scope.merged() },
      participant,
      processId: this.processId,
      activityId: `${this.processId}${activityId}`,
    };
    let reply: unknown;
    try {
      reply = await participants[participant](workitem);
    } catch (err) {
      if (isCancellation(err)) throw err;
      const cause = (err as { cause?: { type?: string; nonRetryable?: boolean; message?: string } }).cause;
      if (cause?.type && cause.nonRetryable) throw new ProcessFault(cause.type, cause.message ?? '');
      throw new ProcessFault(
        ACTION_ERROR_CODE,
        `participant ${participant} failed: ${cause?.message ?? (err as Error).message}`,
      );
    }
    if (reply === null || reply === undefined) return;
    if (typeof reply !== 'object' || Array.isArray(reply)) {
      throw new ProcessFault(
        ACTION_ERROR_CODE,
        `participant ${participant} replied with ${typeof reply}, not an object`,
      );
    }
    const { status, error, ...fields } = reply as { status?: unknown; error?: unknown } & ContextValues;
    if (status === 'critical') {
      throw new ProcessFault(
        ACTION_ERROR_CODE,
        typeof error === 'string' ? error : `participant ${participant} failed`,
      );
    }
    if (status !== undefined && status !== 'done') {
      throw new ProcessFault(
        ACTION_ERROR_CODE,
        `participant ${participant} replied with status ${String(status)}`,
      );
    }
    scope.update(fields);
  }
}
