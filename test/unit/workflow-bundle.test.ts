import vm from 'node:vm';
import { withBuiltinsBound } from '../../src/worker/workflow-bundle';

/** A bundle shaped like `bundleWorkflowCode`'s: the library variable, the code, the inline source map. */
const SOURCE_MAP = '//# sourceMappingURL=data:application/json;charset=utf-8;base64,e30=';
const bundle = (body: string): string => `var __TEMPORAL__;\n(() => {\n${body}\n})()\n;\n${SOURCE_MAP}`;

/** Runs `code` in a fresh context the way the SDK loads a bundle, and returns the context. */
function load(code: string): vm.Context {
  const context = vm.createContext({});
  vm.runInContext(code, context);
  return context;
}

describe('withBuiltinsBound', () => {
  it('keeps the library variable global and the source map last, every line where it was', () => {
    const code = bundle('__TEMPORAL__ = { answer: JSON.stringify([Object.keys({ a: 1 })]) };');
    const bound = withBuiltinsBound(code);
    const context = load(bound);
    expect(context.__TEMPORAL__).toEqual({ answer: '[["a"]]' });
    expect(bound.endsWith(`\n${SOURCE_MAP}`)).toBe(true);
    // Lines are what a source map maps: the bundle's lines keep their numbers (the wrapper opens on line 1).
    const lines = bound.split('\n');
    code
      .split('\n')
      .slice(1, -2)
      .forEach((line, i) => expect(lines[i + 1]).toBe(line));
  });

  it('reads the bound built-ins once, and leaves Date to the global the SDK replaces', () => {
    const context = load(
      withBuiltinsBound(bundle('__TEMPORAL__ = { json: () => JSON.stringify(1), now: () => Date.now() };')),
    );
    // The SDK replaces `Date` when the bundle loads; the bundle's code must see the replacement.
    vm.runInContext(
      'globalThis.Date = { now: () => 42 }; globalThis.JSON = { stringify: () => "x" };',
      context,
    );
    const api = context.__TEMPORAL__ as { json(): string; now(): number };
    expect(api.now()).toBe(42);
    expect(api.json()).toBe('1'); // the JSON of the context, bound when the bundle loaded
  });

  it('refuses code that is not a workflow bundle, naming what it expected', () => {
    expect(() => withBuiltinsBound('console.log(1)')).toThrow(
      'not a workflow bundle from bundleWorkflowCode: it does not begin with var __TEMPORAL__;',
    );
  });
});
