/**
 * Bureaucrat's context scoping. Every complex activity (process, sequence, case, while, all, foreach, fault
 * handler) owns a scope; simple activities use their parent's.
 *
 * - `get` walks outwards from the current scope; a key found nowhere is an error.
 * - `set` changes the nearest scope that defines the key, else creates the key in the current scope.
 * - `update` is `set` for each key, skipping reserved (`inst:`) keys, which only the engine writes.
 * - `merged` is the process scope overlaid by each inner scope, inner wins: what conditions and
 *   participants see as `context`.
 *
 * Pure module (no Node APIs): the interpreter workflow imports it. Locals are null-prototype objects, so
 * keys such as `__proto__` are ordinary keys.
 */

import { jsonBytes } from './context-size';
import { BureaucratError } from './errors';

/** A scope's own values: JSON data keyed by property name. */
export type ContextValues = Record<string, unknown>;

/** Keys with this prefix are reserved for the engine (`inst:fault`, `inst:current`, …). */
export const RESERVED_PREFIX = 'inst:';

/** Whether `key` is reserved for the engine. */
export const isReserved = (key: string): boolean => key.startsWith(RESERVED_PREFIX);

/** Raised by {@link Scope.get} for a key no enclosing scope defines. */
export class MissingPropertyError extends BureaucratError {
  override readonly name = 'MissingPropertyError';
  readonly code = 'MISSING_PROPERTY';
  constructor(readonly key: string) {
    super(`no property "${key}" in the process context`);
  }
}

const own = (values: ContextValues, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(values, key);

/** Copies `values` into a fresh null-prototype object. */
export function contextValues(values: Readonly<ContextValues> = {}): ContextValues {
  const out: ContextValues = Object.create(null);
  for (const key of Object.keys(values)) out[key] = values[key];
  return out;
}

/** Whether `values` has any key (without listing them). */
function hasKeys(values: ContextValues): boolean {
  for (const key in values) if (own(values, key)) return true;
  return false;
}

/** How many changes a chain of scopes has seen; its scopes share one, so any change makes old views stale. */
interface Changes {
  count: number;
}

/** A scope's merged view as of a change count, with its JSON size once measured. */
interface CachedView {
  count: number;
  readonly view: ContextValues;
  bytes?: number;
}

/** One scope of the chain. */
export class Scope {
  /** This scope's own values. */
  readonly locals: ContextValues;
  private readonly changes: Changes;
  private cached?: CachedView;
  /**
   * Whether {@link locals} is still empty. An empty scope (a `<sequence>`, `<case>` or loop iteration
   * without a `<context>`: most of them) sees exactly its parent's view, so it reads the parent's cached
   * view instead of building and keeping a copy of its own. Locals are never deleted: once false, it stays false.
   */
  private empty: boolean;

  constructor(
    readonly parent?: Scope,
    locals: Readonly<ContextValues> = {},
  ) {
    this.locals = contextValues(locals);
    this.empty = !hasKeys(this.locals);
    this.changes = parent ? parent.changes : { count: 0 };
  }

  /** The nearest scope (this one or an enclosing one) that defines `key`. */
  private owner(key: string): Scope | undefined {
    return own(this.locals, key) ? this : this.parent?.owner(key);
  }

  /** Whether this or an enclosing scope defines `key`. */
  has(key: string): boolean {
    return this.owner(key) !== undefined;
  }

  /** The value of `key`, looked up outwards; {@link MissingPropertyError} when no scope defines it. */
  get(key: string): unknown {
    const scope = this.owner(key);
    if (!scope) throw new MissingPropertyError(key);
    return scope.locals[key];
  }

  /** Changes `key` where it is defined, or creates it here. */
  set(key: string, value: unknown): void {
    const owner = this.owner(key) ?? this;
    owner.locals[key] = value;
    if (owner === this) this.empty = false;
    this.changed(key, value);
  }

  /** Defines `key` in this scope, shadowing outer ones; the engine uses it for `inst:` keys. */
  define(key: string, value: unknown): void {
    this.locals[key] = value;
    this.empty = false;
    this.changed(key, value);
  }

  /** `set` for each non-reserved key of `fields` (what participants and launch fields go through). */
  update(fields: Readonly<ContextValues>): void {
    for (const key of Object.keys(fields)) {
      if (!isReserved(key)) this.set(key, fields[key]);
    }
  }

  /** The merged view: the process scope overlaid by each inner scope, inner wins. A fresh object. */
  merged(): ContextValues {
    const out: ContextValues = this.parent ? this.parent.merged() : Object.create(null);
    for (const key of Object.keys(this.locals)) out[key] = this.locals[key];
    return out;
  }

  /**
   * {@link merged}, kept while nothing in the chain changes, and kept up to date through this scope's own
   * changes: the view that conditions and expressions read, step after step, without a copy each time.
   * Read-only: never change it or keep it past the step.
   */
  view(): Readonly<ContextValues> {
    return this.current().view;
  }

  /**
   * The JSON size (`jsonBytes`) of {@link view} with `fields` set, or some number above `limit` once it
   * passes it: measured once per view, then only what changes is measured.
   */
  bytesWith(fields: Readonly<ContextValues>, limit: number): number {
    const { view, bytes: before } = this.measured();
    let bytes = before;
    let count: number | undefined; // keys in the view, counted when a new one needs its comma
    for (const key of Object.keys(fields)) {
      let keys: number | undefined;
      if (!own(view, key)) {
        count ??= Object.keys(view).length;
        keys = count++;
      }
      bytes += growth(view, key, fields[key], limit, keys);
      if (bytes > limit) return bytes;
    }
    return bytes;
  }

  /** {@link bytesWith} of the one field `key` (what an `<assign>` sets): no fields object to build. */
  bytesWithValue(key: string, value: unknown, limit: number): number {
    const { view, bytes } = this.measured();
    return bytes + growth(view, key, value, limit);
  }

  /** The cached view with its JSON size. */
  private measured(): Required<CachedView> {
    const cached = this.current();
    cached.bytes ??= jsonBytes(cached.view);
    return cached as Required<CachedView>;
  }

  /** The scope whose view this one reads: itself, or for an empty scope, its parent's viewer. */
  private viewer(): Scope {
    return this.empty && this.parent ? this.parent.viewer() : this;
  }

  /** The cached view, built again if the chain changed since; an empty scope's is its parent's. */
  private current(): CachedView {
    const viewer = this.viewer();
    const cached = viewer.cached;
    if (cached && cached.count === this.changes.count) return cached;
    return (viewer.cached = { count: this.changes.count, view: viewer.merged() });
  }

  /**
   * `key` is now `value` as this scope sees it: every other view is stale, this one follows. The view this
   * scope reads may be an empty ancestor chain's parent's: no scope between them defines `key`, so in that
   * view too `key` is now `value`. A scope that was empty until this change has no view of its own yet.
   */
  private changed(key: string, value: unknown): void {
    const cached = this.viewer().cached;
    const wasCurrent = cached !== undefined && cached.count === this.changes.count;
    this.changes.count++;
    if (!wasCurrent) return;
    if (cached.bytes !== undefined) cached.bytes += growth(cached.view, key, value);
    cached.view[key] = value;
    cached.count = this.changes.count;
  }
}

/**
 * How many bytes the JSON of `view` grows by (or some number above `limit` once it passes it) when `key`
 * becomes `value`; a new key also brings its name and colon, and a comma unless it is the first of the
 * `keys` the view holds (counted when not given).
 */
function growth(view: ContextValues, key: string, value: unknown, limit = Infinity, keys?: number): number {
  if (own(view, key)) return jsonBytes(value, limit) - jsonBytes(view[key]);
  const comma = (keys ?? Object.keys(view).length) > 0 ? 1 : 0;
  return jsonBytes(key) + 1 + jsonBytes(value, limit) + comma;
}
