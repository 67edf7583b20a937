/**
 * Python's value model on top of JSON data. Context values arrive as JSON, and expressions must behave
 * the way Python's `eval` did on the same data, so:
 *
 * - `None` is `null` (and `undefined`, which JSON never produces), `bool` is `boolean`;
 * - `int` is an integral `number`, or a `bigint` beyond ±2^53 (Python ints are unbounded);
 * - `float` is a non-integral `number`, or a {@link PyFloat} box for integral floats (`2.0`, `-0.0`,
 *   `inf`) that JSON could not tell from ints;
 * - `str` is `string`, `list` is an array, `tuple` is a {@link PyTuple}, `dict` is a plain object with
 *   string keys (only own properties count, so `__proto__` and `constructor` are ordinary missing keys).
 *
 * Pure module: the workflow sandbox imports it.
 */
import { Budget, intWords } from './budget';
import { overflowError, typeError } from './errors';

/** A float whose value is integral (or not finite): boxed so that it still prints as `2.0`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Python tuple: compares unequal to a list with the same items, prints as `(1, 2)`. */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A Python dict: string keys only, so that values stay JSON. */
export type PyDict = { [key: string]: PyValue };

export type PyValue =
  null | undefined | boolean | number | bigint | string | PyFloat | PyTuple | PyValue[] | PyDict;

/** Makes a float value, boxing it when a bare number would read as an int. */
export function makeFloat(x: number): number | PyFloat {
  return Number.isInteger(x) || !Number.isFinite(x) ? new PyFloat(x) : x;
}

/** Makes an int value from a bigint, unboxing it when it fits a safe JS integer. */
export function makeInt(x: bigint): number | bigint {
  return x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x;
}

export const isFloat = (v: PyValue): v is number | PyFloat =>
  v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));

export const isInt = (v: PyValue): v is number | bigint | boolean =>
  typeof v === 'bigint' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));

export const isNumber = (v: PyValue): v is number | bigint | boolean | PyFloat =>
  typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof PyFloat;

export const isDict = (v: PyValue): v is PyDict =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  !(v instanceof PyFloat) &&
  !(v instanceof PyTuple);

/** The Python type name of a value, for error messages (`'int' object is not iterable`). */
export function typeName(v: PyValue): string {
  if (v === null || v === undefined) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'string':
      return 'str';
  }
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** Python truthiness. */
export function truthy(v: PyValue): boolean {
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0; // NaN is true in Python, as here
    case 'bigint':
      return v !== 0n;
    case 'string':
      return v.length > 0;
  }
  if (v instanceof PyFloat) return v.value !== 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return hasOwnKeys(v);
}

function hasOwnKeys(d: PyDict): boolean {
  for (const key in d) if (Object.prototype.hasOwnProperty.call(d, key)) return true;
  return false;
}

/** The own keys of a dict, in insertion order. */
export const dictKeys = (d: PyDict): string[] => Object.keys(d);

/** Looks a key up in a dict; `undefined` when absent (only own properties count). */
export function dictGet(d: PyDict, key: string): PyValue | undefined {
  return Object.prototype.hasOwnProperty.call(d, key) ? d[key] : undefined;
}

/** A number as a JS float (bools and ints converted), or an OverflowError for ints beyond float range. */
export function toFloat(v: number | bigint | boolean | PyFloat): number {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') {
    const f = Number(v);
    if (!Number.isFinite(f)) throw overflowError('int too large to convert to float');
    return f;
  }
  return v;
}

/** An int (bool included) as a bigint. */
export function toBigInt(v: number | bigint | boolean): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return BigInt(v);
}

/**
 * The flattened size of a value in cells (see `budget.ts`): what `str()` or JSON would expand it to.
 * Containers are measured once per evaluation, each item visited costing an operation, so structure
 * shared by repetition is not walked again.
 */
export function flatSize(v: PyValue, budget: Budget): number {
  if (typeof v === 'string') return v.length || 1;
  if (typeof v === 'bigint') return intWords(v);
  if (typeof v !== 'object' || v === null || v instanceof PyFloat) return 1;
  const known = budget.knownSize(v);
  if (known !== undefined) return known;
  let total = 1;
  if (Array.isArray(v) || v instanceof PyTuple) {
    const items = Array.isArray(v) ? v : v.items;
    budget.work(items.length);
    for (const item of items) total += flatSize(item, budget);
  } else {
    const keys = dictKeys(v);
    budget.work(keys.length);
    for (const key of keys) total += (key.length || 1) + flatSize(v[key], budget);
  }
  budget.recordSize(v, total);
  return total;
}

/** Python `==`. Each pair of values compared, and each character of compared strings, is an operation. */
export function pyEquals(a: PyValue, b: PyValue, budget: Budget = new Budget()): boolean {
  budget.work(1);
  if (typeof a === 'string') {
    // Strings of equal length are compared character by character (unless they are one string).
    if (typeof b === 'string' && a.length === b.length) budget.work(a.length);
    return a === b;
  }
  if (a === b) return true;
  if (isNumber(a) && isNumber(b)) return numericCompare(a, b) === 0;
  if (a === null || a === undefined) return b === null || b === undefined;
  if (Array.isArray(a)) return Array.isArray(b) && sequenceEquals(a, b, budget);
  if (a instanceof PyTuple) return b instanceof PyTuple && sequenceEquals(a.items, b.items, budget);
  if (isDict(a) && isDict(b)) {
    const ka = dictKeys(a);
    budget.work(ka.length);
    if (ka.length !== dictKeys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals(a[k], b[k], budget));
  }
  return false;
}

function sequenceEquals(a: readonly PyValue[], b: readonly PyValue[], budget: Budget): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!pyEquals(a[i], b[i], budget)) return false;
  return true;
}

/** Compares two numbers exactly (ints of any size and floats); NaN compares as `NaN`. */
function numericCompare(
  a: number | bigint | boolean | PyFloat,
  b: number | bigint | boolean | PyFloat,
): number {
  const x = a instanceof PyFloat ? a.value : typeof a === 'boolean' ? +a : a;
  const y = b instanceof PyFloat ? b.value : typeof b === 'boolean' ? +b : b;
  // JS compares number with bigint exactly; NaN makes every comparison false.
  if (x < y) return -1;
  if (x > y) return 1;
  if (x == y) return 0; // eslint-disable-line eqeqeq -- number vs bigint equality is exact only with ==
  return NaN;
}

/**
 * Python `<` (and, with swapped operands, `>`), raising `TypeError` for types Python does not order.
 * `orEqual` gives `<=`.
 */
export function pyLess(
  a: PyValue,
  b: PyValue,
  orEqual = false,
  op = orEqual ? '<=' : '<',
  budget: Budget = new Budget(),
): boolean {
  budget.work(1);
  if (isNumber(a) && isNumber(b)) {
    const c = numericCompare(a, b);
    return orEqual ? c <= 0 : c < 0;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    budget.work(Math.min(a.length, b.length));
    return orEqual ? a <= b : a < b;
  }
  if (Array.isArray(a) && Array.isArray(b)) return sequenceLess(a, b, orEqual, op, budget);
  if (a instanceof PyTuple && b instanceof PyTuple)
    return sequenceLess(a.items, b.items, orEqual, op, budget);
  throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

function sequenceLess(
  a: readonly PyValue[],
  b: readonly PyValue[],
  orEqual: boolean,
  op: string,
  budget: Budget,
): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (!pyEquals(a[i], b[i], budget)) return pyLess(a[i], b[i], false, op, budget);
  }
  return orEqual ? a.length <= b.length : a.length < b.length;
}

/** Python `str(v)`. */
export function pyStr(v: PyValue, budget: Budget = new Budget()): string {
  return typeof v === 'string' ? v : pyRepr(v, budget);
}

/**
 * Python `repr(v)`. Each value visited is an operation and each character of the text a cell, charged
 * before the text is joined, so a huge (or hugely shared) value is refused before its text exists.
 */
export function pyRepr(v: PyValue, budget: Budget = new Budget()): string {
  budget.work(1);
  if (v === null || v === undefined) return 'None';
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint': {
      // Decimal conversion takes time quadratic in the words; about 3 digits per 10 bits.
      const words = intWords(v);
      budget.work(words * words);
      budget.allocate(words * 20);
      return v.toString();
    }
    case 'number':
      return Number.isInteger(v) ? String(v) : floatRepr(v);
    case 'string':
      budget.allocate(v.length + 2);
      budget.work(v.length);
      return stringRepr(v);
  }
  if (v instanceof PyFloat) return floatRepr(v.value);
  const repr = (item: PyValue) => pyRepr(item, budget);
  if (v instanceof PyTuple) {
    if (v.items.length === 1) return `(${repr(v.items[0])},)`;
    budget.allocate(2 * v.items.length + 2);
    return `(${v.items.map(repr).join(', ')})`;
  }
  if (Array.isArray(v)) {
    budget.allocate(2 * v.length + 2);
    return `[${v.map(repr).join(', ')}]`;
  }
  const keys = dictKeys(v);
  budget.allocate(4 * keys.length + 2);
  return `{${keys.map((k) => `${repr(k)}: ${repr(v[k])}`).join(', ')}}`;
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (which JS computes too), laid out the Python
 * way: positional for 1e-4 ≤ |x| < 1e16 with a `.0` for integral values, else `1.5e-05` / `1e+16`.
 */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, expText] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const fraction = digits.slice(exp + 1);
    return `${sign}${intPart}.${fraction || '0'}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
}

/** The characters `repr()` escapes (quote, backslash, control characters), per quote style. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what repr() escapes
const ESCAPED_IN_SINGLE = /['\\\x00-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex -- as above
const ESCAPED_IN_DOUBLE = /["\\\x00-\x1f\x7f-\x9f]/g;

/** Python's `repr(str)`: single quotes unless the text holds `'` but no `"`. */
function stringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  // One native replace, not a loop per character: `str()` of a megabyte string must stay fast.
  return quote + s.replace(quote === "'" ? ESCAPED_IN_SINGLE : ESCAPED_IN_DOUBLE, escapeChar) + quote;
}

function escapeChar(ch: string): string {
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  const code = ch.charCodeAt(0);
  if (code < 0x20 || code >= 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\${ch}`;
}

/**
 * The items of an iterable value (str → characters, dict → keys), or `TypeError`. A string's characters
 * and a dict's keys are a new list, charged as cells.
 */
export function iterate(v: PyValue, budget: Budget = new Budget()): readonly PyValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  if (typeof v === 'string') {
    budget.allocate(v.length);
    return Array.from(v);
  }
  if (isDict(v)) {
    const keys = dictKeys(v);
    budget.allocate(keys.length);
    return keys;
  }
  throw typeError(`'${typeName(v)}' object is not iterable`);
}

/**
 * Converts an evaluation result back to JSON data for the process context: boxes unwrap, tuples become
 * lists, bigints that fit stay exact. An int beyond ±2^53 cannot be stored exactly in JSON: OverflowError.
 * The conversion copies every container (shared ones once per reference): each value is an operation.
 */
export function toJson(v: PyValue, budget: Budget = new Budget()): unknown {
  budget.work(1);
  if (v === undefined) return null;
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'bigint')
      throw overflowError(`int ${v} is too large to store in the process context (±2^53)`);
    return v;
  }
  if (v instanceof PyFloat) return v.value;
  if (v instanceof PyTuple) return v.items.map((item) => toJson(item, budget));
  if (Array.isArray(v)) return v.map((item) => toJson(item, budget));
  const out: Record<string, unknown> = {};
  for (const k of dictKeys(v)) {
    Object.defineProperty(out, k, {
      value: toJson(v[k], budget),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
