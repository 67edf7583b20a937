/**
 * The builtins an expression may call: `len str int float bool abs min max round sorted sum any all`,
 * with Python's results and errors. Nothing else is callable.
 */
import type { BuiltinName } from './ast';
import { intBits, type Budget } from './budget';
import { PythonError, overflowError, typeError, valueError } from './errors';
import { binary, MAX_INT_BITS } from './operators';
import {
  isDict,
  isFloat,
  isInt,
  isNumber,
  iterate,
  makeFloat,
  makeInt,
  pyLess,
  pyRepr,
  pyStr,
  PyFloat,
  PyTuple,
  toFloat,
  truthy,
  typeName,
  type PyValue,
} from './values';

/** Arguments of a builtin call after evaluation, and the evaluation's budget. */
export interface CallArguments {
  readonly args: readonly PyValue[];
  readonly keywords: Readonly<Record<string, PyValue>>;
  readonly budget: Budget;
}

type Builtin = (call: CallArguments) => PyValue;

function arity(name: string, args: readonly PyValue[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    const expected =
      min === max ? `exactly ${min}` : args.length < min ? `at least ${min}` : `at most ${max}`;
    throw typeError(`${name}() takes ${expected} argument${max === 1 ? '' : 's'} (${args.length} given)`);
  }
}

/** The text Python's `int()` accepts (base 10): optional sign, digits with single underscores, spaces around. */
export const INT_TEXT = /^\s*[+-]?\d(?:_?\d)*\s*$/;
/** The text Python's `float()` accepts: decimal and exponent forms, `inf`, `infinity`, `nan`, any case. */
export const FLOAT_TEXT =
  /^\s*[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)\s*$/i;

/** Decimal digits beyond which `int()` would build an int wider than {@link MAX_INT_BITS} bits. */
const MAX_INT_DIGITS = Math.floor(MAX_INT_BITS / Math.log2(10));

function toInt(v: PyValue, budget: Budget): PyValue {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isInt(v)) return v;
  if (isFloat(v)) {
    const f = toFloat(v);
    if (Number.isNaN(f)) throw valueError('cannot convert float NaN to integer');
    if (!Number.isFinite(f)) throw overflowError('cannot convert float infinity to integer');
    const t = Math.trunc(f);
    return Number.isSafeInteger(t) ? t + 0 : makeInt(BigInt(t));
  }
  if (typeof v === 'string') {
    budget.work(v.length);
    if (!INT_TEXT.test(v)) throw valueError(`invalid literal for int() with base 10: ${pyRepr(v, budget)}`);
    const digits = v.trim().replace(/_/g, '');
    if (digits.length > MAX_INT_DIGITS + 1)
      throw new PythonError('MemoryError', `int result wider than ${MAX_INT_BITS} bits`);
    // Decimal parsing takes time quadratic in the digits (about 19 per 64-bit word).
    const words = Math.ceil(digits.length / 19);
    budget.work(words * words);
    return makeInt(BigInt(digits));
  }
  throw typeError(
    `int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`,
  );
}

function toFloatValue(v: PyValue, budget: Budget): PyValue {
  if (isNumber(v)) return makeFloat(toFloat(v));
  if (typeof v === 'string') {
    budget.work(v.length);
    if (!FLOAT_TEXT.test(v)) throw valueError(`could not convert string to float: ${pyRepr(v, budget)}`);
    const text = v.trim().replace(/_/g, '').toLowerCase();
    const sign = text.startsWith('-') ? -1 : 1;
    const body = text.replace(/^[+-]/, '');
    if (body === 'nan') return new PyFloat(NaN);
    if (body === 'inf' || body === 'infinity') return new PyFloat(sign * Infinity);
    return makeFloat(Number(text));
  }
  throw typeError(`float() argument must be a string or a real number, not '${typeName(v)}'`);
}

/** `round(x)`: half to even, returning an int. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * `round(x, n)` for floats: Python rounds the exact binary value, ties (exactly representable halves) to
 * even. `toFixed` rounds the exact value too, but ties away from zero, so exact ties are detected and
 * settled separately.
 */
function roundFloat(x: number, n: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (n > 300) return x;
  if (n < -308) return 0 * x;
  if (n >= 0) {
    if (Math.abs(x) >= 1e21 || n > 100) return x;
    const exact = x.toFixed(Math.min(100, n + 30));
    const cut = exact.indexOf('.') + 1 + n;
    const isTie = exact[cut] === '5' && /^0*$/.test(exact.slice(cut + 1)) && Number(exact) === x;
    if (!isTie) return Number(x.toFixed(n));
    const down = exact.slice(0, n === 0 ? cut - 1 : cut);
    const lastDigit = Number(down.replace(/\D/g, '').slice(-1));
    return lastDigit % 2 === 0 ? Number(down) : Number(x.toFixed(n));
  }
  const scale = 10 ** -n;
  return roundHalfEven(x / scale) * scale;
}

function round(call: CallArguments): PyValue {
  const { args, keywords } = call;
  arity('round', args, 1, 2);
  const [x] = args;
  const ndigits = args.length > 1 ? args[1] : keywords.ndigits;
  if (!isNumber(x)) throw typeError(`type ${typeName(x)} doesn't define __round__ method`);
  if (ndigits === undefined || ndigits === null) {
    if (isInt(x)) return typeof x === 'boolean' ? +x : x;
    const f = toFloat(x);
    if (Number.isNaN(f)) throw valueError('cannot convert float NaN to integer');
    if (!Number.isFinite(f)) throw overflowError('cannot convert float infinity to integer');
    const r = roundHalfEven(f);
    return Number.isSafeInteger(r) ? r + 0 : makeInt(BigInt(r));
  }
  if (!isInt(ndigits)) throw typeError(`'${typeName(ndigits)}' object cannot be interpreted as an integer`);
  const n = Number(ndigits);
  if (isInt(x)) {
    if (n >= 0) return typeof x === 'boolean' ? +x : x;
    // |x| < 10^(digits of x) ≤ 10^-n / 2 rounds to 0: settled without computing a huge power of ten.
    if (-n > intBits(typeof x === 'bigint' ? x : BigInt(+x)) * Math.log10(2) + 1) return 0;
    const scale = 10n ** BigInt(-n);
    const big = typeof x === 'bigint' ? x : BigInt(+x);
    let q = big / scale;
    let r = big % scale;
    if (r < 0n) {
      r += scale;
      q -= 1n;
    }
    if (2n * r > scale || (2n * r === scale && q % 2n !== 0n)) q += 1n;
    return makeInt(q * scale);
  }
  return makeFloat(roundFloat(toFloat(x), n));
}

function extreme(name: 'min' | 'max', call: CallArguments): PyValue {
  const { args, keywords, budget } = call;
  if (args.length === 0) throw typeError(`${name} expected at least 1 argument, got 0`);
  const items = args.length === 1 ? iterate(args[0], budget) : args;
  if (args.length > 1 && 'default' in keywords) {
    throw typeError(`Cannot specify a default for ${name}() with multiple positional arguments`);
  }
  if (items.length === 0) {
    if ('default' in keywords) return keywords.default;
    throw valueError(`${name}() iterable argument is empty`);
  }
  let best = items[0];
  for (let i = 1; i < items.length; i++) {
    const item = items[i];
    if (name === 'min' ? pyLess(item, best, false, '<', budget) : pyLess(best, item, false, '<', budget))
      best = item;
  }
  return best;
}

function sorted(call: CallArguments): PyValue {
  arity('sorted', call.args, 1, 1);
  const { budget } = call;
  const reverse = truthy(call.keywords.reverse ?? false);
  const source = iterate(call.args[0], budget);
  budget.allocate(source.length);
  const items = [...source];
  const less = (a: PyValue, b: PyValue) => pyLess(a, b, false, '<', budget);
  const order = (a: PyValue, b: PyValue) => (less(a, b) ? -1 : less(b, a) ? 1 : 0);
  // Python's reverse sort keeps equal items in their original order, as a stable descending sort does.
  items.sort(reverse ? (a, b) => order(b, a) : order);
  return items;
}

function sum(call: CallArguments): PyValue {
  const { args, keywords, budget } = call;
  arity('sum', args, 1, 2);
  let total: PyValue = args.length > 1 ? args[1] : (keywords.start ?? 0);
  if (typeof total === 'string') throw typeError("sum() can't sum strings [use ''.join(seq) instead]");
  for (const item of iterate(args[0], budget)) {
    budget.work(1);
    total = binary('+', total, item, budget);
  }
  return total;
}

function len(call: CallArguments): PyValue {
  arity('len', call.args, 1, 1);
  const [v] = call.args;
  if (typeof v === 'string') return codePoints(v, call.budget);
  if (Array.isArray(v)) return v.length;
  if (v instanceof PyTuple) return v.items.length;
  if (isDict(v)) {
    const n = Object.keys(v).length;
    call.budget.work(n); // listing the keys walks the dict
    return n;
  }
  throw typeError(`object of type '${typeName(v)}' has no len()`);
}

/** The length of a string in code points (Python's `len`), without building its list of characters. */
function codePoints(s: string, budget: Budget): number {
  budget.work(s.length);
  let surrogates = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        surrogates++;
        i++;
      }
    }
  }
  return s.length - surrogates;
}

function abs(call: CallArguments): PyValue {
  arity('abs', call.args, 1, 1);
  const [v] = call.args;
  if (typeof v === 'boolean') return +v;
  if (typeof v === 'bigint') return v < 0n ? makeInt(-v) : v;
  if (typeof v === 'number') return Math.abs(v);
  if (v instanceof PyFloat) return new PyFloat(Math.abs(v.value));
  throw typeError(`bad operand type for abs(): '${typeName(v)}'`);
}

/** The builtin functions by name. */
export const BUILTINS: Readonly<Record<BuiltinName, Builtin>> = {
  len,
  abs,
  round,
  sorted,
  sum,
  min: (call) => extreme('min', call),
  max: (call) => extreme('max', call),
  str: ({ args, budget }) => {
    arity('str', args, 0, 1);
    return args.length ? pyStr(args[0], budget) : '';
  },
  int: ({ args, budget }) => {
    arity('int', args, 0, 1);
    return args.length ? toInt(args[0], budget) : 0;
  },
  float: ({ args, budget }) => {
    arity('float', args, 0, 1);
    return args.length ? toFloatValue(args[0], budget) : new PyFloat(0);
  },
  bool: ({ args }) => {
    arity('bool', args, 0, 1);
    return args.length ? truthy(args[0]) : false;
  },
  any: ({ args, budget }) => {
    arity('any', args, 1, 1);
    const items = iterate(args[0], budget);
    budget.work(items.length);
    return items.some(truthy);
  },
  all: ({ args, budget }) => {
    arity('all', args, 1, 1);
    const items = iterate(args[0], budget);
    budget.work(items.length);
    return items.every(truthy);
  },
};
