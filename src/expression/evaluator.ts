/**
 * Evaluates a parsed expression against the process context (and, in `await` conditions, the event),
 * with Python semantics. A tree walk over plain data: no `eval`, no `Function`, no property access
 * beyond own keys of dicts, so an expression can read the data it is given and nothing else.
 */
import type { Constant, Expression, Node } from './ast';
import { Budget, DEFAULT_LIMITS, type BudgetLimits } from './budget';
import { BUILTINS } from './builtins';
import { ExpressionError, PythonError, typeError } from './errors';
import { binary, compare, unary } from './operators';
import {
  dictGet,
  isDict,
  isInt,
  makeInt,
  PyFloat,
  pyRepr,
  PyTuple,
  toJson,
  truthy,
  typeName,
  type PyDict,
  type PyValue,
} from './values';

/** The names an expression reads. `context` is the merged process context. */
export interface EvaluationScope {
  readonly context: Readonly<Record<string, unknown>>;
  readonly event?: Readonly<Record<string, unknown>>;
}

/**
 * Evaluates `expression` and returns its value as JSON data (tuples become lists; ints stay exact).
 * Throws {@link ExpressionError} naming the expression and the Python exception on failure, including
 * `MemoryError` / `TimeoutError` when it exceeds its budget (see `budget.ts`; `limits` lowers it).
 */
export function evaluate(
  expression: Expression,
  scope: EvaluationScope,
  limits: BudgetLimits = DEFAULT_LIMITS,
): unknown {
  const budget = new Budget(limits);
  return guard(expression, () => toJson(evalNode(expression.tree, scope, budget), budget));
}

/** Evaluates `expression` to a Python value (see `values.ts`), for callers that need Python's view of it. */
export function evaluateValue(
  expression: Expression,
  scope: EvaluationScope,
  limits: BudgetLimits = DEFAULT_LIMITS,
): PyValue {
  const budget = new Budget(limits);
  return guard(expression, () => evalNode(expression.tree, scope, budget));
}

/** Evaluates a condition: Python truthiness of the result. */
export function evaluateCondition(
  expression: Expression,
  scope: EvaluationScope,
  limits: BudgetLimits = DEFAULT_LIMITS,
): boolean {
  const budget = new Budget(limits);
  return guard(expression, () => truthy(evalNode(expression.tree, scope, budget)));
}

/** Error details longer than this are cut: they may quote a huge value, and faults travel in payloads. */
const MAX_DETAIL_LENGTH = 1_000;

function guard<T>(expression: Expression, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof PythonError) throw failure(expression, err.pyType, err.message);
    // The engine's own stack or string limits: deep nesting in the data, or a string V8 cannot hold.
    if (err instanceof RangeError) {
      const pyType = /(string|array) length/i.test(err.message) ? 'MemoryError' : 'RecursionError';
      throw failure(expression, pyType, err.message);
    }
    throw err;
  }
}

function failure(expression: Expression, pyType: string, detail: string): ExpressionError {
  const text = detail.length > MAX_DETAIL_LENGTH ? `${detail.slice(0, MAX_DETAIL_LENGTH)}…` : detail;
  return new ExpressionError(expression.source, pyType, text);
}

function constant(c: Constant): PyValue {
  switch (c.type) {
    case 'none':
      return null;
    case 'bool':
    case 'int':
    case 'str':
      return c.value;
    case 'bigint':
      return makeInt(BigInt(c.digits));
    case 'float':
      return c.value === 'inf'
        ? new PyFloat(Infinity)
        : Number.isInteger(c.value)
          ? new PyFloat(c.value)
          : c.value;
  }
}

function evalNode(node: Node, scope: EvaluationScope, budget: Budget): PyValue {
  switch (node.kind) {
    case 'const':
      return constant(node.value);
    case 'name': {
      const value = scope[node.name];
      if (value === undefined) throw new PythonError('NameError', `name '${node.name}' is not defined`);
      return value as PyValue;
    }
    case 'and': {
      const left = evalNode(node.left, scope, budget);
      return truthy(left) ? evalNode(node.right, scope, budget) : left;
    }
    case 'or': {
      const left = evalNode(node.left, scope, budget);
      return truthy(left) ? left : evalNode(node.right, scope, budget);
    }
    case 'unary': {
      const operand = evalNode(node.operand, scope, budget);
      return node.op === 'not' ? !truthy(operand) : unary(node.op, operand);
    }
    case 'binary':
      return binary(node.op, evalNode(node.left, scope, budget), evalNode(node.right, scope, budget), budget);
    case 'compare': {
      let left = evalNode(node.left, scope, budget);
      for (let i = 0; i < node.ops.length; i++) {
        const right = evalNode(node.comparators[i], scope, budget);
        if (!compare(node.ops[i], left, right, budget)) return false;
        left = right;
      }
      return true;
    }
    case 'ifelse':
      return truthy(evalNode(node.test, scope, budget))
        ? evalNode(node.body, scope, budget)
        : evalNode(node.orelse, scope, budget);
    case 'subscript':
      return subscript(evalNode(node.target, scope, budget), evalNode(node.index, scope, budget), budget);
    case 'slice':
      return slice(
        evalNode(node.target, scope, budget),
        node.lower && evalNode(node.lower, scope, budget),
        node.upper && evalNode(node.upper, scope, budget),
        node.step && evalNode(node.step, scope, budget),
        budget,
      );
    case 'get': {
      const target = evalNode(node.target, scope, budget);
      if (!isDict(target))
        throw new PythonError('AttributeError', `'${typeName(target)}' object has no attribute 'get'`);
      const key = evalNode(node.args[0], scope, budget);
      const fallback = node.args.length > 1 ? evalNode(node.args[1], scope, budget) : null;
      const found = typeof key === 'string' ? dictGet(target, key) : undefined;
      return found === undefined ? fallback : found;
    }
    case 'call': {
      const args = node.args.map((arg) => evalNode(arg, scope, budget));
      const keywords: Record<string, PyValue> = {};
      for (const k of node.keywords) keywords[k.name] = evalNode(k.value, scope, budget);
      return BUILTINS[node.callee]({ args, keywords, budget });
    }
    case 'list':
      budget.allocate(node.items.length);
      return node.items.map((item) => evalNode(item, scope, budget));
    case 'tuple':
      budget.allocate(node.items.length);
      return new PyTuple(node.items.map((item) => evalNode(item, scope, budget)));
    case 'dict': {
      budget.allocate(node.keys.length);
      const dict: PyDict = Object.create(null);
      for (let i = 0; i < node.keys.length; i++) {
        const key = evalNode(node.keys[i], scope, budget);
        if (typeof key !== 'string') {
          throw typeError(
            `dict keys must be str so that values stay JSON, not ${typeName(key)} (${pyRepr(key, budget)})`,
          );
        }
        dict[key] = evalNode(node.values[i], scope, budget);
      }
      return dict;
    }
  }
}

/** The items of a sequence value, or `undefined` for non-sequences. */
function sequenceItems(v: PyValue): readonly PyValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  return undefined;
}

function subscript(target: PyValue, index: PyValue, budget: Budget): PyValue {
  if (isDict(target)) {
    if (Array.isArray(index) || isDict(index)) throw typeError(`unhashable type: '${typeName(index)}'`);
    const found = typeof index === 'string' ? dictGet(target, index) : undefined;
    if (found === undefined) throw new PythonError('KeyError', pyRepr(index, budget));
    return found;
  }
  const isString = typeof target === 'string';
  const items = isString ? stringChars(target, budget) : sequenceItems(target);
  if (items === undefined) throw typeError(`'${typeName(target)}' object is not subscriptable`);
  const kind = typeName(target);
  if (!isInt(index)) throw typeError(`${kind} indices must be integers or slices, not ${typeName(index)}`);
  const i = typeof index === 'bigint' ? Number(index) : +index;
  const at = i < 0 ? items.length + i : i;
  if (at < 0 || at >= items.length) {
    throw new PythonError('IndexError', `${kind === 'str' ? 'string' : kind} index out of range`);
  }
  return items[at];
}

/** A string's characters by code point (Python indexes code points, JS strings hold UTF-16 units). */
function stringChars(s: string, budget: Budget): readonly string[] {
  budget.work(s.length);
  if (!/[\uD800-\uDFFF]/.test(s)) return s as unknown as readonly string[];
  budget.allocate(s.length);
  return Array.from(s);
}

function sliceBound(v: PyValue): number | null {
  if (v === null || v === undefined) return null;
  if (!isInt(v)) throw typeError('slice indices must be integers or None');
  return typeof v === 'bigint' ? Number(v) : +v;
}

/** Python's `slice.indices()` followed by the walk, for lists, tuples and strings. */
function slice(target: PyValue, lower: PyValue, upper: PyValue, stepValue: PyValue, budget: Budget): PyValue {
  const isString = typeof target === 'string';
  if (isString) budget.allocate(target.length);
  const items = isString ? Array.from(target) : sequenceItems(target);
  if (items === undefined) throw typeError(`'${typeName(target)}' object is not subscriptable`);
  const step = sliceBound(stepValue) ?? 1;
  if (step === 0) throw new PythonError('ValueError', 'slice step cannot be zero');
  const n = items.length;
  const clamp = (v: number | null, fallback: number, lo: number, hi: number) => {
    if (v === null) return fallback;
    const x = v < 0 ? v + n : v;
    return Math.min(Math.max(x, lo), hi);
  };
  const start = step > 0 ? clamp(sliceBound(lower), 0, 0, n) : clamp(sliceBound(lower), n - 1, -1, n - 1);
  const stop = step > 0 ? clamp(sliceBound(upper), n, 0, n) : clamp(sliceBound(upper), -1, -1, n - 1);
  const out: PyValue[] = [];
  const count = step > 0 ? Math.ceil((stop - start) / step) : Math.ceil((start - stop) / -step);
  budget.allocate(Math.max(0, count));
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(items[i]);
  if (isString) return out.join('');
  return target instanceof PyTuple ? new PyTuple(out) : out;
}
