/**
 * Python's operators over the value model of `values.ts`: int/float promotion, unbounded ints, floor
 * division and modulo that round towards negative infinity, sequence concatenation and repetition, and
 * the `TypeError`s Python raises for everything else.
 */
import type { BinaryOperator, CompareOperator } from './ast';
import { intBits, intWords, type Budget } from './budget';
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
  flatSize,
  type PyValue,
} from './values';

/**
 * Ints wider than this many bits are refused (`MemoryError`), so `10 ** 10 ** 9` cannot exhaust the
 * worker: int arithmetic takes time that grows faster than the size of its result.
 */
export const MAX_INT_BITS = 100_000;

type Num = number | bigint | boolean | PyFloat;

const unsupported = (op: string, a: PyValue, b: PyValue) =>
  typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);

/** Applies a binary arithmetic operator, charging what it allocates and computes to `budget`. */
export function binary(op: BinaryOperator, a: PyValue, b: PyValue, budget: Budget): PyValue {
  if (isNumber(a) && isNumber(b)) return numeric(op, a, b, budget);
  switch (op) {
    case '+':
      if (typeof a === 'string' && typeof b === 'string') {
        budget.allocate(a.length + b.length);
        return a + b;
      }
      if (Array.isArray(a) && Array.isArray(b)) {
        budget.allocate(a.length + b.length);
        return [...a, ...b];
      }
      if (a instanceof PyTuple && b instanceof PyTuple) {
        budget.allocate(a.items.length + b.items.length);
        return new PyTuple([...a.items, ...b.items]);
      }
      if (typeof a === 'string') throw typeError(`can only concatenate str (not "${typeName(b)}") to str`);
      if (Array.isArray(a)) throw typeError(`can only concatenate list (not "${typeName(b)}") to list`);
      throw unsupported('+', a, b);
    case '*':
      if (isInt(b)) return repeat(a, b, budget, () => unsupported('*', a, b));
      if (isInt(a)) return repeat(b, a, budget, () => unsupported('*', a, b));
      throw unsupported('*', a, b);
    case '%':
      if (typeof a === 'string')
        throw typeError('printf-style string formatting (str % value) is not supported');
      throw unsupported('%', a, b);
    default:
      throw unsupported(op === '**' ? '** or pow()' : op, a, b);
  }
}

/**
 * `seq * n`. Charged its flattened size before anything is allocated: n times the nested size of the
 * items, since the n references to each item are expanded again by `str()`, comparisons and JSON.
 */
function repeat(
  seq: PyValue,
  times: number | bigint | boolean,
  budget: Budget,
  fail: () => PythonError,
): PyValue {
  const n = Number(times);
  const count = n > 0 ? n : 0;
  if (typeof seq === 'string') {
    if (seq.length === 0 || count === 0) return '';
    budget.allocate(seq.length * count);
    return seq.repeat(count);
  }
  const items = Array.isArray(seq) ? seq : seq instanceof PyTuple ? seq.items : undefined;
  if (!items) throw fail();
  const out: PyValue[] = [];
  if (items.length > 0 && count > 0) {
    let size = 0;
    for (const item of items) size += flatSize(item, budget);
    budget.allocate(size * count);
    for (let i = 0; i < count; i++) out.push(...items);
  }
  return Array.isArray(seq) ? out : new PyTuple(out);
}

function numeric(op: BinaryOperator, a: Num, b: Num, budget: Budget): PyValue {
  if (op === '/') {
    const y = toFloat(b);
    if (y === 0) throw zeroDivision('division by zero');
    return finite(toFloat(a) / y, a, b);
  }
  if (isFloat(a) || isFloat(b)) return floatOp(op, toFloat(a), toFloat(b));
  return intOp(op, a as number | bigint | boolean, b as number | bigint | boolean, budget);
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

function intOp(
  op: BinaryOperator,
  a: number | bigint | boolean,
  b: number | bigint | boolean,
  budget: Budget,
): PyValue {
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
  return bigIntOp(op, toBigInt(a), toBigInt(b), budget);
}

const intTooWide = () => new PythonError('MemoryError', `int result wider than ${MAX_INT_BITS} bits`);

/** Ints below this convert to a float exactly enough for `Math.log2`. */
const FLOAT_SAFE_INT = 2n ** 1000n;

/** Operations charged per 64-bit word of each operand of int arithmetic: measuring an int walks its digits. */
const WORD_OPERATIONS = 16;

/**
 * Int arithmetic beyond 2^53. Charged by 64-bit words: the result's words as cells; as operations,
 * {@link WORD_OPERATIONS} per word of the operands, plus word products for `*`, `//`, `%` and `**` (the
 * schoolbook cost, an upper bound).
 */
function bigIntOp(op: BinaryOperator, x: bigint, y: bigint, budget: Budget): PyValue {
  if (op !== '**') {
    const wx = intWords(x);
    const wy = intWords(y);
    const additive = op === '+' || op === '-';
    budget.work(WORD_OPERATIONS * (wx + wy) + (additive ? 0 : wx * wy));
    budget.allocate(op === '*' ? wx + wy : Math.max(wx, wy) + 1);
    if (op === '*' && intBits(x) + intBits(y) - 1 > MAX_INT_BITS) throw intTooWide();
  }
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
      // |x|^y has floor(y·log2|x|) + 1 bits; above 2^1000, |x|'s bit length bounds log2|x|.
      const ax = x < 0n ? -x : x;
      const log2 = ax < FLOAT_SAFE_INT ? Math.log2(Number(ax)) : intBits(ax);
      const bits = ax <= 1n ? 1 : Math.floor(log2 * Number(y)) + 1;
      if (bits > MAX_INT_BITS) throw intTooWide();
      const words = Math.max(1, Math.ceil(bits / 64));
      budget.work(words * words);
      budget.allocate(words);
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
export function compare(op: CompareOperator, a: PyValue, b: PyValue, budget: Budget): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b, budget);
    case '!=':
      return !pyEquals(a, b, budget);
    case '<':
      return pyLess(a, b, false, '<', budget);
    case '<=':
      return pyLess(a, b, true, '<=', budget);
    case '>':
      return pyLess(b, a, false, '>', budget);
    case '>=':
      return pyLess(b, a, true, '>=', budget);
    case 'in':
      return contains(b, a, budget);
    case 'not in':
      return !contains(b, a, budget);
    case 'is':
      return identical(a, b);
    case 'is not':
      return !identical(a, b);
  }
}

function contains(container: PyValue, item: PyValue, budget: Budget): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string')
      throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    budget.work(container.length + item.length);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item, budget));
  if (container instanceof PyTuple) return container.items.some((x) => pyEquals(x, item, budget));
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
