/**
 * The context rules every step shares: a `<context>`'s initial values, the context size cap, how a
 * participant's reply becomes fields, and how expression errors become `ExpressionError` faults.
 * Deterministic and free of Node APIs (runs in the workflow sandbox).
 */
import type { Condition, PropertyDefinition } from '../src/definition';
import { CONTEXT_SIZE_CODE, contextSizeMessage, jsonBytes, MAX_CONTEXT_BYTES } from '../src/context-size';
import {
  evaluate,
  evaluateCondition,
  ExpressionError,
  EXPRESSION_ERROR_CODE,
  type Expression,
} from '../src/expression';
import { ACTION_ERROR_CODE } from '../src/protocol';
import { isReserved, MissingPropertyError, type ContextValues, type Scope } from '../src/scope';
import { ProcessFault } from './process-fault';

/** A `<context>`'s properties as values. */
export function properties(list: readonly PropertyDefinition[]): ContextValues {
  const out: ContextValues = {};
  for (const p of list) out[p.name] = p.value;
  return out;
}

/** Runs an expression evaluation; its errors (and missing properties) become `ExpressionError` faults. */
export function evaluated<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw asFault(err);
  }
}

/** The value of `expression` in `scope`'s merged context (errors as in {@link evaluated}). */
export function valueIn(expression: Expression, scope: Scope): unknown {
  // No closure for `evaluated`: an `<assign>` in a loop runs this thousands of times.
  try {
    return evaluate(expression, { context: scope.view() });
  } catch (err) {
    throw asFault(err);
  }
}

/** Whether one of `conditions` (OR-ed) holds in `scope`'s merged context. */
export function holds(conditions: readonly Condition[], scope: Scope): boolean {
  const context = scope.view();
  try {
    for (const condition of conditions) {
      if (evaluateCondition(condition.expression, { context })) return true;
    }
    return false;
  } catch (err) {
    throw asFault(err);
  }
}

/** An evaluation's error as the process sees it: expression errors and missing properties are faults. */
function asFault(err: unknown): unknown {
  if (err instanceof ExpressionError || err instanceof MissingPropertyError) {
    return new ProcessFault(EXPRESSION_ERROR_CODE, err.message);
  }
  return err;
}

/**
 * Faults with {@link CONTEXT_SIZE_CODE} if the merged context seen from `scope` with `fields` applied
 * (with `set` semantics, reserved keys skipped) would exceed
 * {@link MAX_CONTEXT_BYTES} of JSON; without a scope, `fields` is the whole view. That view is what an
 * `<action>` sends its participant; measuring it before the change means a refused value never enters
 * the context.
 */
export function checkContextSize(
  scope: Scope | undefined,
  fields: Readonly<ContextValues>,
  what: string,
): void {
  let bytes: number;
  if (scope) {
    const keys = Object.keys(fields).filter((key) => !isReserved(key));
    if (keys.length === 0) return;
    const changes = keys.length === Object.keys(fields).length ? fields : pick(fields, keys);
    bytes = scope.bytesWith(changes, MAX_CONTEXT_BYTES);
  } else bytes = jsonBytes(fields, MAX_CONTEXT_BYTES);
  if (bytes > MAX_CONTEXT_BYTES) throw new ProcessFault(CONTEXT_SIZE_CODE, contextSizeMessage(what));
}

/**
 * {@link checkContextSize} for an `<assign>` of `value` to `property` (reserved keys included), measured
 * without building a fields object or the fault's text unless it faults.
 */
export function checkAssignSize(scope: Scope, property: string, value: unknown): void {
  if (scope.bytesWithValue(property, value, MAX_CONTEXT_BYTES) > MAX_CONTEXT_BYTES) {
    throw new ProcessFault(CONTEXT_SIZE_CODE, contextSizeMessage(`assign property="${property}"`));
  }
}

/** The `keys` of `fields`, in a null-prototype object. */
function pick(fields: Readonly<ContextValues>, keys: readonly string[]): ContextValues {
  const out: ContextValues = Object.create(null);
  for (const key of keys) out[key] = fields[key];
  return out;
}

/** The fields a participant's reply sets, or the fault its status means. */
export function replyFields(participant: string, reply: unknown): ContextValues {
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
