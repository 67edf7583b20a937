/**
 * The expression evaluator against Python itself: every case's expected `repr()` (or exception class)
 * was computed by CPython 3.11 with test/fixtures/expression-cases.py and committed; the test does not
 * run Python.
 */
import cases from '../fixtures/expression-cases.json';
import { evaluateValue, ExpressionError, parseExpression, pyRepr } from '../../src/expression';

interface OracleCase {
  expr: string;
  context?: Record<string, unknown>;
  event?: Record<string, unknown>;
  repr?: string;
  error?: string;
}

const table = (cases as OracleCase[]).map((c) => [c.expr, c] as const);

describe('expressions agree with CPython', () => {
  it('has a substantial oracle table', () => {
    expect(table.length).toBeGreaterThanOrEqual(150);
  });

  it.each(table)('%s', (expr, c) => {
    const expression = parseExpression(expr, { names: ['context', 'event'] });
    const scope = { context: c.context ?? {}, event: c.event ?? {} };
    if (c.error !== undefined) {
      let caught: unknown;
      try {
        evaluateValue(expression, scope);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ExpressionError);
      expect((caught as ExpressionError).pyType).toBe(c.error);
    } else {
      expect(pyRepr(evaluateValue(expression, scope))).toBe(c.repr);
    }
  });
});
