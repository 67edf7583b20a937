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

/** A scope's own values: JSON data keyed by property name. */
export type ContextValues = Record<string, unknown>;

/** Keys with this prefix are reserved for the engine (`inst:fault`, `inst:current`, …). */
export const RESERVED_PREFIX = 'inst:';

/** Whether `key` is reserved for the engine. */
export const isReserved = (key: string): boolean => key.startsWith(RESERVED_PREFIX);

/** Raised by {@link Scope.get} for a key no enclosing scope defines. */
export class MissingPropertyError extends Error {
  override readonly name = 'MissingPropertyError';
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

/** One scope of the chain. */
export class Scope {
  /** This scope's own values. */
  readonly locals: ContextValues;

  constructor(
    readonly parent?: Scope,
    locals: Readonly<ContextValues> = {},
  ) {
    this.locals = contextValues(locals);
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
    (this.owner(key) ?? this).locals[key] = value;
  }

  /** Defines `key` in this scope, shadowing outer ones; the engine uses it for `inst:` keys. */
  define(key: string, value: unknown): void {
    this.locals[key] = value;
  }

  /** `set` for each non-reserved key of `fields` (what participants and launch fields go through). */
  update(fields: Readonly<ContextValues>): void {
    for (const key of Object.keys(fields)) {
      if (!isReserved(key)) this.set(key, fields[key]);
    }
  }

  /** The merged view: the process scope overlaid by each inner scope, inner wins. */
  merged(): ContextValues {
    const out: ContextValues = this.parent ? this.parent.merged() : Object.create(null);
    for (const key of Object.keys(this.locals)) out[key] = this.locals[key];
    return out;
  }
}
