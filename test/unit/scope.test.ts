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
