import {
  evaluate,
  evaluateCondition,
  evaluateValue,
  ExpressionError,
  ExpressionSyntaxError,
  parseExpression,
} from '../../src/expression';

describe('expressions: what the parser refuses', () => {
  it.each([
    ['__import__("os")', 'unknown name "__import__"'],
    ['open("/etc/passwd")', 'unknown name "open"'],
    ['eval("1")', 'unknown name "eval"'],
    ['context.__class__', 'attribute access is not allowed'],
    ['context.keys()', 'attribute access is not allowed'],
    ['"a".upper()', 'attribute access is not allowed'],
    ['context["a"].constructor', 'attribute access is not allowed'],
    ['lambda: 1', 'lambda is not supported'],
    ['[x for x in context]', 'unknown name "x"'],
    ['[1 for _ in [1]]', 'list comprehensions are not supported'],
    ['{1, 2}', 'set literals are not supported'],
    ['f"{context}"', 'f-strings are not supported'],
    ['b"x"', 'bytes literals are not supported'],
    ['1 & 2', 'operator "&" is not supported'],
    ['1 << 2', 'operator "<<" is not supported'],
    ['~1', 'operator "~" is not supported'],
    ['(y := 1)', 'operator ":=" is not supported'],
    ['len', 'builtin len() can only be called'],
    ['len(*context)', 'argument unpacking is not supported'],
    ['sorted(context, key=1)', "unexpected keyword argument 'key'"],
    ['context.get()', '.get() takes 1 or 2 arguments'],
    ['event["x"]', 'unknown name "event"'],
    ['1 +', 'unexpected end of expression'],
    ['(1', 'expected ")"'],
    ['"abc', 'unterminated string literal'],
    ['007', 'leading zeros'],
    ['1j', 'complex numbers are not supported'],
    ['', 'empty expression'],
    ['1 if 2', 'expected "else"'],
    ['import os', '"import" is not supported here'],
    ['x # comment', 'comments are not allowed'],
    ['('.repeat(200) + '1' + ')'.repeat(200), 'nested deeper than 100 levels'],
  ])('%s', (source, reason) => {
    expect(() => parseExpression(source)).toThrow(ExpressionSyntaxError);
    expect(() => parseExpression(source)).toThrow(reason);
  });

  it('reports the column of the problem', () => {
    try {
      parseExpression('context["a"] > 1 and foo');
      throw new Error('expected a syntax error');
    } catch (err) {
      expect(err).toBeInstanceOf(ExpressionSyntaxError);
      expect((err as ExpressionSyntaxError).offset).toBe(21);
    }
  });

  it('lets await conditions read the event', () => {
    const expression = parseExpression('event["status"] == "ok"', { names: ['context', 'event'] });
    expect(evaluateCondition(expression, { context: {}, event: { status: 'ok' } })).toBe(true);
  });
});

describe('expressions: what evaluation can reach', () => {
  const scope = { context: { a: 1, obj: { x: 1 } } };
  it.each([
    ['context["__proto__"]'],
    ['context["constructor"]'],
    ['context["obj"]["toString"]'],
    ['context["hasOwnProperty"]'],
  ])('%s is an ordinary missing key', (source) => {
    expect(() => evaluate(parseExpression(source), scope)).toThrow(/KeyError/);
  });

  it('.get() sees own keys only', () => {
    expect(evaluate(parseExpression('context.get("constructor", "none")'), scope)).toBe('none');
    expect(evaluate(parseExpression('context["obj"].get("x")'), scope)).toBe(1);
  });

  it('refuses results that would exhaust the worker', () => {
    expect(() => evaluate(parseExpression('"x" * 10 ** 9'), scope)).toThrow(/MemoryError/);
    expect(() => evaluate(parseExpression('10 ** 10 ** 6'), scope)).toThrow(/MemoryError/);
  });

  it('names the expression and the Python exception in run-time errors', () => {
    const expression = parseExpression('context["missing"] + 1');
    expect(() => evaluate(expression, scope)).toThrow(ExpressionError);
    expect(() => evaluate(expression, scope)).toThrow(
      `expression "context[\\"missing\\"] + 1" failed: KeyError: 'missing'`,
    );
  });

  it('returns JSON data: tuples become lists, integral floats stay numbers', () => {
    expect(evaluate(parseExpression('(1, 2.0, [3])'), scope)).toEqual([1, 2, [3]]);
    expect(evaluate(parseExpression('{"k": context["a"] / 2}'), scope)).toEqual({ k: 0.5 });
    expect(() => evaluate(parseExpression('2 ** 64'), scope)).toThrow(/OverflowError/);
  });

  it('never uses JavaScript evaluation', () => {
    // A string that would be code in JS is data here.
    expect(evaluate(parseExpression('"process.exit(1)"'), scope)).toBe('process.exit(1)');
  });
});

describe('expressions: run-time budgets', () => {
  const big = Array.from({ length: 100_000 }, (_, i) => i);
  const scope = { context: { big, s: 'x'.repeat(1_000_000), t: 'x'.repeat(1_000_000) } };
  const failure = (source: string, limits?: { cells: number; operations: number }) => {
    try {
      evaluate(parseExpression(source), scope, limits);
    } catch (err) {
      if (err instanceof ExpressionError) return `${err.pyType}: ${err.detail}`;
      throw err;
    }
    throw new Error(`${source} evaluated without error`);
  };
  const cells = 'MemoryError: expression exceeds the budget of 10,000,000 cells';
  const operations = 'TimeoutError: expression exceeds the budget of 10,000,000 operations';

  it.each([
    // Issue 11's hostile expressions: each step is small, the flattened result is huge.
    ['[[[0]*1000]*1000]*1000', cells],
    ['len(str([[0]*10**4]*10**4))', cells],
    ['sum([2**50000]*10**7) > 0', cells],
    // Repetition counts the nested size of what it repeats, context values included.
    ['[context["big"]] * 101', cells],
    ['[[]] * 10**8', cells],
    ['[1] * 10**400', cells],
    // str() of a value built from many references to one large value.
    [`str([${Array(11).fill('context["s"]').join(', ')}])`, cells],
    // Walks: comparisons, sorting, membership, min/max, sums of wide ints.
    ['sorted([[0]*1000]*9000)', operations],
    ['max([context["big"]] * 99)', operations],
    [`${Array(11).fill('context["s"] == context["t"]').join(' and ')}`, operations],
    [`${Array(11).fill('"y" in context["s"]').join(' or ')}`, operations],
    ['sum([2**60000]*3000) > 0', operations],
    [Array(20).fill('(3**30000) * (3**30000)').join(' + '), operations],
    // Ints: products and parsed text are capped like powers.
    ['(2**60000) * (2**60000)', 'MemoryError: int result wider than 100000 bits'],
    ['2 ** 100000', 'MemoryError: int result wider than 100000 bits'],
    ['int("9" * 40000)', 'MemoryError: int result wider than 100000 bits'],
  ])('%s', (source, expected) => {
    expect(failure(source)).toBe(expected);
  });

  it('settles cheaply what needs no work: empty repetitions, rounding to a huge negative place', () => {
    expect(evaluate(parseExpression('[] * 10**12'), scope)).toEqual([]);
    expect(evaluate(parseExpression('"" * 10**12'), scope)).toBe('');
    expect(evaluate(parseExpression('round(123, -10**6)'), scope)).toBe(0);
    expect(evaluate(parseExpression('round(-2**70, -10**6)'), scope)).toBe(0);
  });

  it('allows results up to the budget: ten million characters, a million-item list', () => {
    expect(evaluate(parseExpression('len("a" * (10**7 - 10))'), scope)).toBe(9_999_990);
    expect(evaluate(parseExpression('2 ** 99999 > 0'), scope)).toBe(true);
    expect(evaluate(parseExpression('len([0] * 10**6 + context["big"])'), scope)).toBe(1_100_000);
    expect(evaluate(parseExpression('len(str(context["big"]))'), scope)).toBeGreaterThan(500_000);
  });

  it('counts, never times: the same expression fails at the same point under the same limits', () => {
    const limits = { cells: 1_000, operations: 1_000 };
    expect(failure('[0] * 1001', limits)).toBe('MemoryError: expression exceeds the budget of 1,000 cells');
    expect(evaluateValue(parseExpression('[0] * 999'), scope, limits)).toHaveLength(999);
    expect(failure('sorted([3, 1, 2] * 300)', { cells: 10_000, operations: 1_000 })).toBe(
      'TimeoutError: expression exceeds the budget of 1,000 operations',
    );
    expect(evaluateCondition(parseExpression('[0] * 10 in [[0] * 10] * 10'), scope, limits)).toBe(true);
  });

  it('cuts error details that quote a huge value', () => {
    const detail = failure('int("x" * 100000)');
    expect(detail).toMatch(/^ValueError: invalid literal for int\(\) with base 10: 'xxx/);
    expect(detail.length).toBeLessThan(1_100);
  });
});
