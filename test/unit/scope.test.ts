import { jsonBytes } from '../../src/context-size';
import { contextValues, isReserved, MissingPropertyError, Scope } from '../../src/scope';

describe('Scope: Bureaucrat context rules', () => {
  const chain = () => {
    const process = new Scope(undefined, { a: 1, shared: 'process' });
    const sequence = new Scope(process, { b: 2, shared: 'sequence' });
    const inner = new Scope(sequence, {});
    return { process, sequence, inner };
  };

  it('get walks outwards and fails for unknown keys', () => {
    const { inner } = chain();
    expect(inner.get('a')).toBe(1);
    expect(inner.get('shared')).toBe('sequence');
    expect(() => inner.get('nope')).toThrow(MissingPropertyError);
    expect(() => inner.get('nope')).toThrow('no property "nope" in the process context');
  });

  it('set changes the nearest scope that defines the key', () => {
    const { process, sequence, inner } = chain();
    inner.set('a', 10);
    inner.set('shared', 'changed');
    expect(process.locals.a).toBe(10);
    expect(sequence.locals.shared).toBe('changed');
    expect(process.locals.shared).toBe('process');
    expect(Object.keys(inner.locals)).toEqual([]);
  });

  it('set creates unknown keys in the current scope only', () => {
    const { process, inner } = chain();
    inner.set('fresh', true);
    expect(inner.locals.fresh).toBe(true);
    expect(process.has('fresh')).toBe(false);
  });

  it('update skips reserved keys, define may write them', () => {
    const { inner } = chain();
    inner.update({ b: 3, 'inst:fault': { code: 'X' }, c: 4 });
    expect(inner.get('b')).toBe(3);
    expect(inner.has('inst:fault')).toBe(false);
    inner.define('inst:current', 'item');
    expect(inner.get('inst:current')).toBe('item');
    expect(isReserved('inst:iteration')).toBe(true);
    expect(isReserved('instant')).toBe(false);
  });

  it('merged overlays inner scopes on the process scope', () => {
    const { inner } = chain();
    inner.define('own', 'x');
    expect({ ...inner.merged() }).toEqual({ a: 1, shared: 'sequence', b: 2, own: 'x' });
  });

  it('treats __proto__ and constructor as ordinary keys', () => {
    const scope = new Scope(undefined, contextValues(JSON.parse('{"__proto__": {"polluted": 1}}')));
    expect(scope.get('__proto__')).toEqual({ polluted: 1 });
    expect(scope.has('constructor')).toBe(false);
    scope.set('constructor', 5);
    expect(scope.get('constructor')).toBe(5);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Scope views: the merged context kept between changes', () => {
  /** A random JSON-ish value, small or not, with keys a context may hold. */
  function value(random: () => number, depth = 0): unknown {
    const pick = Math.floor(random() * (depth > 2 ? 5 : 7));
    if (pick === 0) return null;
    if (pick === 1) return Math.floor(random() * 2000) - 1000;
    if (pick === 2) return random() < 0.5;
    if (pick === 3) return 'é"\n'.repeat(Math.floor(random() * 3)) + 'text'.repeat(Math.floor(random() * 4));
    if (pick === 4) return undefined;
    if (pick === 5) return Array.from({ length: Math.floor(random() * 4) }, () => value(random, depth + 1));
    return { k: value(random, depth + 1), 'q"': value(random, depth + 1) };
  }

  /** A deterministic generator (mulberry32), so that a failure repeats. */
  function generator(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('equals merged() and measures as jsonBytes through any mix of changes in the chain', () => {
    const random = generator(12);
    const keys = ['a', 'b', 'c', '__proto__', 'inst:x', 'ü'];
    for (let run = 0; run < 200; run++) {
      const root = new Scope(undefined, { a: 1 });
      const scopes = [root, new Scope(root, { b: 2 })];
      scopes.push(new Scope(scopes[1]), new Scope(root, { a: 'shadow' }));
      for (let step = 0; step < 30; step++) {
        const scope = scopes[Math.floor(random() * scopes.length)];
        const key = keys[Math.floor(random() * keys.length)];
        const action = random();
        if (action < 0.4) scope.set(key, value(random));
        else if (action < 0.5) scope.define(key, value(random));
        else if (action < 0.6) scope.update({ [key]: value(random), c: value(random) });
        const seen = scopes[Math.floor(random() * scopes.length)];
        expect({ ...seen.view() }).toEqual({ ...seen.merged() });
        const fields = { [key]: value(random), d: value(random) };
        const expected = jsonBytes({ ...seen.merged(), ...fields });
        expect(seen.bytesWith(fields, Infinity)).toBe(expected);
      }
    }
  });

  it('is the same object until something in the chain changes', () => {
    const root = new Scope(undefined, { a: 1 });
    const inner = new Scope(root, { b: 2 });
    const first = inner.view();
    expect(inner.view()).toBe(first);
    inner.set('b', 3); // this scope's own change: the view follows
    expect(inner.view()).toBe(first);
    expect(first.b).toBe(3);
    root.set('a', 5); // another scope's change: a new view
    expect(inner.view()).not.toBe(first);
    expect({ ...inner.view() }).toEqual({ a: 5, b: 3 });
  });

  it('keeps views right through empty scopes that read their parent view, until they hold keys', () => {
    const random = generator(34);
    const keys = ['a', 'b', 'n', 'inst:x', '__proto__'];
    for (let run = 0; run < 200; run++) {
      // Empty scopes at every depth: under the root, under a scope with values, and under each other.
      const root = new Scope(undefined, { a: 1 });
      const emptyUnderRoot = new Scope(root);
      const full = new Scope(emptyUnderRoot, { b: 2 });
      const empty = new Scope(full);
      const emptier = new Scope(empty);
      const scopes = [root, emptyUnderRoot, full, empty, emptier];
      for (let step = 0; step < 30; step++) {
        const scope = scopes[Math.floor(random() * scopes.length)];
        const key = keys[Math.floor(random() * keys.length)];
        const action = random();
        if (action < 0.5) scope.set(key, value(random));
        else if (action < 0.6) scope.define(key, value(random));
        for (const seen of scopes) {
          expect({ ...seen.view() }).toEqual({ ...seen.merged() });
          const next = value(random);
          const expected = jsonBytes({ ...seen.merged(), [key]: next });
          expect(seen.bytesWithValue(key, next, Infinity)).toBe(expected);
          expect(seen.bytesWith({ [key]: next }, Infinity)).toBe(expected);
        }
      }
    }
  });

  it('gives an empty scope its parent view, and a view of its own once it defines a key', () => {
    const root = new Scope(undefined, { a: 1 });
    const empty = new Scope(root);
    expect(empty.view()).toBe(root.view());
    empty.set('a', 2); // defined further out: still empty, and both see the change
    expect(empty.view()).toBe(root.view());
    expect(root.view().a).toBe(2);
    empty.set('fresh', true); // unknown: created here, so the parent must not see it
    expect(empty.view()).not.toBe(root.view());
    expect({ ...root.view() }).toEqual({ a: 2 });
    expect({ ...empty.view() }).toEqual({ a: 2, fresh: true });
  });

  it('stops measuring past the limit', () => {
    const scope = new Scope(undefined, { small: 1 });
    expect(scope.bytesWith({ big: 'x'.repeat(10_000) }, 100)).toBeGreaterThan(100);
    expect(scope.bytesWith({ small: 2 }, 100)).toBe(jsonBytes({ small: 2 }));
  });
});
