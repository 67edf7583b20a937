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

/** Python `==`. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  if (isNumber(a) && isNumber(b)) return numericCompare(a, b) === 0;
  if (a === null || a === undefined) return b === null || b === undefined;
  if (Array.isArray(a)) return Array.isArray(b) && sequenceEquals(a, b);
  if (a instanceof PyTuple) return b instanceof PyTuple && sequenceEquals(a.items, b.items);
  if (isDict(a) && isDict(b)) {
    const ka = dictKeys(a);
    if (ka.length !== dictKeys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

function sequenceEquals(a: readonly PyValue[], b: readonly PyValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!pyEquals(a[i], b[i])) return false;
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
export function pyLess(a: PyValue, b: PyValue, orEqual = false, op = orEqual ? '<=' : '<'): boolean {
  if (isNumber(a) && isNumber(b)) {
    const c = numericCompare(a, b);
    return orEqual ? c <= 0 : c < 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return orEqual ? a <= b : a < b;
  if (Array.isArray(a) && Array.isArray(b)) return sequenceLess(a, b, orEqual, op);
  if (a instanceof PyTuple && b instanceof PyTuple) return sequenceLess(a.items, b.items, orEqual, op);
  throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

function sequenceLess(a: readonly PyValue[], b: readonly PyValue[], orEqual: boolean, op: string): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (!pyEquals(a[i], b[i])) return pyLess(a[i], b[i], false, op);
  }
  return orEqual ? a.length <= b.length : a.length < b.length;
}

/** Python `str(v)`. */
export function pyStr(v: PyValue): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** Python `repr(v)`. */
export function pyRepr(v: PyValue): string {
  if (v === null || v === undefined) return 'None';
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isInteger(v) ? String(v) : floatRepr(v);
    case 'string':
      return stringRepr(v);
  }
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof PyTuple) {
    if (v.items.length === 1) return `(${pyRepr(v.items[0])},)`;
    return `(${v.items.map(pyRepr).join(', ')})`;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return `{${dictKeys(v)
    .map((k) => `${stringRepr(k)}: ${pyRepr(v[k])}`)
    .join(', ')}}`;
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

/** Python's `repr(str)`: single quotes unless the text holds `'` but no `"`. */
function stringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** The items of an iterable value (str → characters, dict → keys), or `TypeError`. */
export function iterate(v: PyValue): readonly PyValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  if (typeof v === 'string') return Array.from(v);
  if (isDict(v)) return dictKeys(v);
  throw typeError(`'${typeName(v)}' object is not iterable`);
}

/**
 * Converts an evaluation result back to JSON data for the process context: boxes unwrap, tuples become
 * lists, bigints that fit stay exact. An int beyond ±2^53 cannot be stored exactly in JSON: OverflowError.
 */
export function toJson(v: PyValue): unknown {
  if (v === undefined) return null;
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'bigint')
      throw overflowError(`int ${v} is too large to store in the process context (±2^53)`);
    return v;
  }
  if (v instanceof PyFloat) return v.value;
  if (v instanceof PyTuple) return v.items.map(toJson);
  if (Array.isArray(v)) return v.map(toJson);
  const out: Record<string, unknown> = {};
  for (const k of dictKeys(v)) {
    Object.defineProperty(out, k, {
      value: toJson(v[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
