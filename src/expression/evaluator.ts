/**
 * Evaluates a parsed expression against the process context (and, in `await` conditions, the event),
 * with Python semantics. A tree walk over plain data: no `eval`, no `Function`, no property access
 * beyond own keys of dicts, so an expression can read the data it is given and nothing else.
 */
import type { Constant, Expression, Node } from './ast';
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
 * Throws {@link ExpressionError} naming the expression and the Python exception on failure.
 */
export function evaluate(expression: Expression, scope: EvaluationScope): unknown {
  return guard(expression, () => toJson(evalNode(expression.tree, scope)));
}

/** Evaluates `expression` to a Python value (see `values.ts`), for callers that need Python's view of it. */
export function evaluateValue(expression: Expression, scope: EvaluationScope): PyValue {
  return guard(expression, () => evalNode(expression.tree, scope));
}

/** Evaluates a condition: Python truthiness of the result. */
export function evaluateCondition(expression: Expression, scope: EvaluationScope): boolean {
  return guard(expression, () => truthy(evalNode(expression.tree, scope)));
}

function guard<T>(expression: Expression, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof PythonError) throw new ExpressionError(expression.source, err.pyType, err.message);
    if (err instanceof RangeError)
      throw new ExpressionError(expression.source, 'RecursionError', err.message);
    throw err;
  }
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

function evalNode(node: Node, scope: EvaluationScope): PyValue {
  switch (node.kind) {
    case 'const':
      return constant(node.value);
    case 'name': {
      const value = scope[node.name];
      if (value === undefined) throw new PythonError('NameError', `name '${node.name}' is not defined`);
      return value as PyValue;
    }
    case 'and': {
      const left = evalNode(node.left, scope);
      return truthy(left) ? evalNode(node.right, scope) : left;
    }
    case 'or': {
      const left = evalNode(node.left, scope);
      return truthy(left) ? left : evalNode(node.right, scope);
    }
    case 'unary': {
      const operand = evalNode(node.operand, scope);
      return node.op === 'not' ? !truthy(operand) : unary(node.op, operand);
    }
    case 'binary':
      return binary(node.op, evalNode(node.left, scope), evalNode(node.right, scope));
    case 'compare': {
      let left = evalNode(node.left, scope);
      for (let i = 0; i < node.ops.length; i++) {
        const right = evalNode(node.comparators[i], scope);
        if (!compare(node.ops[i], left, right)) return false;
        left = right;
      }
      return true;
    }
    case 'ifelse':
      return truthy(evalNode(node.test, scope)) ? evalNode(node.body, scope) : evalNode(node.orelse, scope);
    case 'subscript':
      return subscript(evalNode(node.target, scope), evalNode(node.index, scope));
    case 'slice':
      return slice(
        evalNode(node.target, scope),
        node.lower && evalNode(node.lower, scope),
        node.upper && evalNode(node.upper, scope),
        node.step && evalNode(node.step, scope),
      );
    case 'get': {
      const target = evalNode(node.target, scope);
      if (!isDict(target))
        throw new PythonError('AttributeError', `'${typeName(target)}' object has no attribute 'get'`);
      const key = evalNode(node.args[0], scope);
      const fallback = node.args.length > 1 ? evalNode(node.args[1], scope) : null;
      const found = typeof key === 'string' ? dictGet(target, key) : undefined;
      return found === undefined ? fallback : found;
    }
    case 'call': {
      const args = node.args.map((arg) => evalNode(arg, scope));
      const keywords: Record<string, PyValue> = {};
      for (const k of node.keywords) keywords[k.name] = evalNode(k.value, scope);
      return BUILTINS[node.callee]({ args, keywords });
    }
    case 'list':
      return node.items.map((item) => evalNode(item, scope));
    case 'tuple':
      return new PyTuple(node.items.map((item) => evalNode(item, scope)));
    case 'dict': {
      const dict: PyDict = Object.create(null);
      for (let i = 0; i < node.keys.length; i++) {
        const key = evalNode(node.keys[i], scope);
        if (typeof key !== 'string') {
          throw typeError(
            `dict keys must be str so that values stay JSON, not ${typeName(key)} (${pyRepr(key)})`,
          );
        }
        dict[key] = evalNode(node.values[i], scope);
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

function subscript(target: PyValue, index: PyValue): PyValue {
  if (isDict(target)) {
    if (Array.isArray(index) || isDict(index)) throw typeError(`unhashable type: '${typeName(index)}'`);
    const found = typeof index === 'string' ? dictGet(target, index) : undefined;
    if (found === undefined) throw new PythonError('KeyError', pyRepr(index));
    return found;
  }
  const isString = typeof target === 'string';
  const items = isString ? stringChars(target) : sequenceItems(target);
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
function stringChars(s: string): readonly string[] {
  return /[\uD800-\uDFFF]/.test(s) ? Array.from(s) : (s as unknown as readonly string[]);
}

function sliceBound(v: PyValue): number | null {
  if (v === null || v === undefined) return null;
  if (!isInt(v)) throw typeError('slice indices must be integers or None');
  return typeof v === 'bigint' ? Number(v) : +v;
}

/** Python's `slice.indices()` followed by the walk, for lists, tuples and strings. */
function slice(target: PyValue, lower: PyValue, upper: PyValue, stepValue: PyValue): PyValue {
  const isString = typeof target === 'string';
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
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(items[i]);
  if (isString) return out.join('');
  return target instanceof PyTuple ? new PyTuple(out) : out;
}
