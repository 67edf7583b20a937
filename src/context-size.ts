/**
 * The size limit of a process context. The context travels whole in Temporal payloads — every
 * `<action>`'s workitem, the `context` and `state` queries, the workflow result, continue-as-new — and a
 * payload over Temporal's limits (2 MB per payload, 4 MB per gRPC message by default) fails the workflow
 * task again on every retry: the process wedges. So the interpreter refuses any change that would make
 * the context larger than {@link MAX_CONTEXT_BYTES} with the fault {@link CONTEXT_SIZE_CODE} instead.
 *
 * Pure module (no Node APIs): the interpreter workflow imports it. The size is computed by walking the
 * value, deterministically, and the walk stops as soon as it passes the limit, so measuring a value that
 * an expression built by repeating a huge one costs no more than the limit.
 */

/**
 * The largest process context, in bytes of UTF-8 JSON: half Temporal's default payload limit, which
 * leaves room for the workitem's other fields and for a few actions scheduled in one workflow task.
 */
export const MAX_CONTEXT_BYTES = 1_000_000;

/** The fault code of a change (assign, participant reply) that would make the context too large. */
export const CONTEXT_SIZE_CODE = 'ContextSizeError';

/** The fault message for `what` (e.g. `assign property="x"`) would make the context too large. */
export function contextSizeMessage(what: string): string {
  const limit = String(MAX_CONTEXT_BYTES).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${what} would make the process context larger than the limit of ${limit} bytes of JSON`;
}

/**
 * The size in bytes of `JSON.stringify(value)` encoded as UTF-8 (a key whose value is `undefined` counts
 * as `null`), or some number above `limit` as soon as the size passes it. Iterative, so deeply nested data
 * cannot overflow the stack.
 */
export function jsonBytes(value: unknown, limit = Infinity): number {
  // Scalars (most context values, and every assigned counter or flag) need no walk.
  if (typeof value !== 'object' || value === null) return scalarBytes(value, limit);
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) total += scalarBytes(v, limit - total);
    else if (Array.isArray(v)) {
      total += 2 + Math.max(0, v.length - 1);
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else {
      const keys = Object.keys(v);
      total += 2 + Math.max(0, keys.length - 1);
      for (const key of keys) {
        total += stringBytes(key, limit - total) + 1;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
    if (total > limit) return total;
  }
  return total;
}

/** {@link jsonBytes} of a value that is not an object (`undefined` as `null`, like a key's value). */
function scalarBytes(v: unknown, limit: number): number {
  if (v === null || v === undefined) return 4;
  if (typeof v === 'string') return stringBytes(v, limit);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v).length : 4;
  if (typeof v === 'boolean') return v ? 4 : 5;
  return String(v).length;
}

/** Anything but printable ASCII other than `"` and `\`: characters that JSON escapes or UTF-8 widens. */
const SPECIAL_JSON_CHAR = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/**
 * The UTF-8 bytes of a string as JSON text: quotes, escapes (`\n`, `\u0001`, lone surrogates) included;
 * or some number above `limit` as soon as the count passes it.
 */
function stringBytes(s: string, limit: number): number {
  // Plain printable ASCII (the usual case) is one byte a character: one native scan instead of a loop.
  if (!SPECIAL_JSON_CHAR.test(s)) return s.length + 2;
  let bytes = 2;
  for (let i = 0; i < s.length && bytes <= limit; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x0c || c === 0x0a || c === 0x0d || c === 0x09)
        bytes += 2;
      else bytes += c < 0x20 ? 6 : 1;
    } else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6;
    } else if (c >= 0xdc00 && c <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}
