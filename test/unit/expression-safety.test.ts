import {
  evaluate,
  evaluateCondition,
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
