import { jsonBytes, MAX_CONTEXT_BYTES } from '../../src/context-size';

describe('context size: bytes of UTF-8 JSON', () => {
  it.each([
    ['scalars', [null, true, false, 0, -0, 1.5, -1e-7, 1e21, 'text']],
    ['escapes', { 'quo"te': 'back\\slash\n\t\r\b\f\u0001\u001f' }],
    ['non-ASCII', { clé: 'é€😀 and lone surrogates \ud800 \udc00 \ud800x' }],
    ['nesting', { a: [[], {}, [1, [2, [3]]], { b: { c: null } }], d: '' }],
    ['numbers JSON cannot hold', [NaN, Infinity, -Infinity]],
  ])('%s: the byte length of JSON.stringify', (_, value) => {
    expect(jsonBytes(value)).toBe(Buffer.byteLength(JSON.stringify(value), 'utf8'));
  });

  it('stops walking as soon as the size passes the limit', () => {
    const huge = Array(10_000).fill('x'.repeat(1_000_000)); // 10 GB of JSON, one string in memory
    const bytes = jsonBytes(huge, MAX_CONTEXT_BYTES);
    expect(bytes).toBeGreaterThan(MAX_CONTEXT_BYTES);
    expect(bytes).toBeLessThan(2 * MAX_CONTEXT_BYTES + 100);
  });

  it('walks deeply nested data without recursion', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonBytes(deep)).toBe(200_001);
  });
});
