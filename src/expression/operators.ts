/**
 * Python's operators over the value model of `values.ts`: int/float promotion, unbounded ints, floor
 * division and modulo that round towards negative infinity, sequence concatenation and repetition, and
 * the `TypeError`s Python raises for everything else.
 */
import type { BinaryOperator, CompareOperator } from './ast';
import { PythonError, typeError, zeroDivision, overflowError } from './errors';
import {
  isDict,
  isFloat,
  isInt,
  isNumber,
  makeFloat,
  makeInt,
  pyEquals,
  pyLess,
  PyFloat,
  PyTuple,
  toBigInt,
  toFloat,
  typeName,
  dictGet,
  type PyValue,
} from './values';

/** Strings, lists and tuples longer than this are refused (`MemoryError`), so `"x" * 10**12` cannot exhaust the worker. */
export const MAX_SEQUENCE_LENGTH = 10_000_000;
/** Ints wider than this many bits are refused, so `10 ** 10 ** 9` cannot exhaust the worker. */
const MAX_INT_BITS = 100_000;

type Num = number | bigint | boolean | PyFloat;

const unsupported = (op: string, a: PyValue, b: PyValue) =>
  typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);

/** Applies a binary arithmetic operator. */
export function binary(op: BinaryOperator, a: PyValue, b: PyValue): PyValue {
  if (isNumber(a) && isNumber(b)) return numeric(op, a, b);
  switch (op) {
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return checkLength(a.length + b.length) && a + b;
      if (Array.isArray(a) && Array.isArray(b)) return checkLength(a.length + b.length) && [...a, ...b];
      if (a instanceof PyTuple && b instanceof PyTuple) {
        return checkLength(a.items.length + b.items.length) && new PyTuple([...a.items, ...b.items]);
      }
      if (typeof a === 'string') throw typeError(`can only concatenate str (not "${typeName(b)}") to str`);
      if (Array.isArray(a)) throw typeError(`can only concatenate list (not "${typeName(b)}") to list`);
      throw unsupported('+', a, b);
    case '*':
      if (isInt(b)) return repeat(a, b, () => unsupported('*', a, b));
      if (isInt(a)) return repeat(b, a, () => unsupported('*', a, b));
      throw unsupported('*', a, b);
    case '%':
      if (typeof a === 'string')
        throw typeError('printf-style string formatting (str % value) is not supported');
      throw unsupported('%', a, b);
    default:
      throw unsupported(op === '**' ? '** or pow()' : op, a, b);
  }
}

function checkLength(n: number): true {
  if (n > MAX_SEQUENCE_LENGTH)
    throw new PythonError('MemoryError', `result longer than ${MAX_SEQUENCE_LENGTH} items`);
  return true;
}

function repeat(seq: PyValue, times: number | bigint | boolean, fail: () => PythonError): PyValue {
  const n = Number(times);
  const count = n > 0 ? n : 0;
  if (typeof seq === 'string') return checkLength(seq.length * count) && seq.repeat(count);
  const items = Array.isArray(seq) ? seq : seq instanceof PyTuple ? seq.items : undefined;
  if (!items) throw fail();
  checkLength(items.length * count);
  const out: PyValue[] = [];
  for (let i = 0; i < count; i++) out.push(...items);
  return Array.isArray(seq) ? out : new PyTuple(out);
}

function numeric(op: BinaryOperator, a: Num, b: Num): PyValue {
  if (op === '/') {
    const y = toFloat(b);
    if (y === 0) throw zeroDivision('division by zero');
    return finite(toFloat(a) / y, a, b);
  }
  if (isFloat(a) || isFloat(b)) return floatOp(op, toFloat(a), toFloat(b));
  return intOp(op, a as number | bigint | boolean, b as number | bigint | boolean);
}

function finite(result: number, a: Num, b: Num): number | PyFloat {
  if (!Number.isFinite(result) && Number.isFinite(toFloat(a)) && Number.isFinite(toFloat(b))) {
    throw overflowError("(34, 'Numerical result out of range')");
  }
  return makeFloat(result);
}

/** CPython's float_divmod: the quotient rounds towards -inf and the remainder takes the divisor's sign. */
function floatDivmod(x: number, y: number): [number, number] {
  let mod = x % y;
  let div = (x - mod) / y;
  if (mod) {
    if (y < 0 !== mod < 0) {
      mod += y;
      div -= 1;
    }
  } else {
    mod = y < 0 ? -0 : 0;
  }
  let floordiv: number;
  if (div) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    floordiv = x / y < 0 || Object.is(x / y, -0) ? -0 : 0;
  }
  return [floordiv, mod];
}

function floatOp(op: BinaryOperator, x: number, y: number): PyValue {
  switch (op) {
    case '+':
      return makeFloat(x + y);
    case '-':
      return makeFloat(x - y);
    case '*':
      return makeFloat(x * y);
    case '//':
      if (y === 0) throw zeroDivision('float floor division by zero');
      return makeFloat(floatDivmod(x, y)[0]);
    case '%':
      if (y === 0) throw zeroDivision('float modulo');
      return makeFloat(floatDivmod(x, y)[1]);
    case '**': {
      if (x === 0 && y < 0) throw zeroDivision('0.0 cannot be raised to a negative power');
      if (x < 0 && !Number.isInteger(y) && Number.isFinite(y)) {
        throw new PythonError('ValueError', 'negative number cannot be raised to a fractional power');
      }
      const r = x ** y;
      if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) {
        throw overflowError("(34, 'Numerical result out of range')");
      }
      return makeFloat(r);
    }
    default:
      throw new Error(`unreachable: float ${op}`);
  }
}

function intOp(op: BinaryOperator, a: number | bigint | boolean, b: number | bigint | boolean): PyValue {
  if (typeof a !== 'bigint' && typeof b !== 'bigint') {
    const x = +a;
    const y = +b;
    switch (op) {
      case '+': {
        const r = x + y;
        if (Number.isSafeInteger(r)) return r;
        break;
      }
      case '-': {
        const r = x - y;
        if (Number.isSafeInteger(r)) return r;
        break;
      }
      case '*': {
        const r = x * y;
        if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
        break;
      }
      case '//':
      case '%': {
        if (y === 0)
          throw zeroDivision(op === '//' ? 'integer division or modulo by zero' : 'integer modulo by zero');
        let mod = x % y;
        if (mod !== 0 && mod < 0 !== y < 0) mod += y;
        if (op === '%') return mod + 0;
        if (Number.isSafeInteger(x - mod)) return (x - mod) / y + 0;
        break;
      }
      case '**':
        if (y < 0) return floatOp('**', x, y);
        break; // exact powers via bigint
    }
  }
  return bigIntOp(op, toBigInt(a), toBigInt(b));
}

function bigIntOp(op: BinaryOperator, x: bigint, y: bigint): PyValue {
  switch (op) {
    case '+':
      return makeInt(x + y);
    case '-':
      return makeInt(x - y);
    case '*':
      return makeInt(x * y);
    case '//':
    case '%': {
      if (y === 0n) throw zeroDivision('integer division or modulo by zero');
      let mod = x % y;
      if (mod !== 0n && mod < 0n !== y < 0n) mod += y;
      return makeInt(op === '%' ? mod : (x - mod) / y);
    }
    case '**': {
      if (y < 0n) return floatOp('**', toFloat(x), toFloat(y));
      const bits = x === 0n || x === 1n || x === -1n ? 1 : x.toString(2).length * Number(y);
      if (bits > MAX_INT_BITS)
        throw new PythonError('MemoryError', `int result wider than ${MAX_INT_BITS} bits`);
      return makeInt(x ** y);
    }
    default:
      throw new Error(`unreachable: int ${op}`);
  }
}

/** Applies unary `-` or `+`. */
export function unary(op: '-' | '+', v: PyValue): PyValue {
  if (typeof v === 'boolean') v = v ? 1 : 0;
  if (typeof v === 'bigint') return makeInt(op === '-' ? -v : v);
  if (typeof v === 'number') return op === '-' ? (Number.isInteger(v) ? 0 - v : -v) : v;
  if (v instanceof PyFloat) return op === '-' ? new PyFloat(-v.value) : v;
  throw typeError(`bad operand type for unary ${op}: '${typeName(v)}'`);
}

/** Applies one comparison operator of a (possibly chained) comparison. */
export function compare(op: CompareOperator, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case '<':
      return pyLess(a, b);
    case '<=':
      return pyLess(a, b, true);
    case '>':
      return pyLess(b, a, false, '>');
    case '>=':
      return pyLess(b, a, true, '>=');
    case 'in':
      return contains(b, a);
    case 'not in':
      return !contains(b, a);
    case 'is':
      return identical(a, b);
    case 'is not':
      return !identical(a, b);
  }
}

function contains(container: PyValue, item: PyValue): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string')
      throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (container instanceof PyTuple) return container.items.some((x) => pyEquals(x, item));
  if (isDict(container)) {
    if (Array.isArray(item) || isDict(item)) throw typeError(`unhashable type: '${typeName(item)}'`);
    return typeof item === 'string' && dictGet(container, item) !== undefined;
  }
  throw typeError(`argument of type '${typeName(container)}' is not iterable`);
}

/**
 * Python `is`: singletons (`None`, `True`, `False`) by value, and containers by reference. For numbers and
 * strings identity is a CPython implementation detail; equal values of the same type count as identical.
 */
function identical(a: PyValue, b: PyValue): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  if (isNumber(a) && isNumber(b)) return isFloat(a) === isFloat(b) && pyEquals(a, b);
  if (typeof a === 'string') return a === b;
  return a === b;
}
