// How fast hostile expressions are refused under the default budgets (issue 11), and the worst cases
// that spend a whole budget before failing. Run: npm run bench:budgets
// Reports the median of a few runs per expression; nothing is asserted (machines are shared and noisy).
import { MAX_CONTEXT_BYTES } from '../src';
import { evaluate, jsonBytes, parseExpression } from '../src/internal';
import { median } from './lib/stats';

const context = {
  big: Array.from({ length: 100_000 }, (_, i) => i),
  s: 'x'.repeat(1_000_000),
  t: 'x'.repeat(1_000_000),
};

const CASES = [
  // The four expressions of issue 11.
  '[[[0]*1000]*1000]*1000',
  'len(str([[0]*10**4]*10**4))',
  'sum([2**50000]*10**7) > 0',
  '"a" * (5 * 10**6)',
  // Expressions that spend (nearly) a whole budget before failing.
  'sorted([[0]*1000]*9000)',
  'max([context["big"]] * 99)',
  `str([${Array(11).fill('context["s"]').join(', ')}])`,
  Array(11).fill('context["s"] == context["t"]').join(' and '),
  'sum([2**60000]*3000) > 0',
  Array(20).fill('(3**30000) * (3**30000)').join(' + '),
  'len(str(context["big"] * 99))',
];

/** Evaluates like an `<assign>`: the expression, then the context size check on its result. */
function assign(expression: ReturnType<typeof parseExpression>): string {
  const value = evaluate(expression, { context });
  const bytes = jsonBytes({ x: value }, MAX_CONTEXT_BYTES);
  return bytes > MAX_CONTEXT_BYTES ? 'ContextSizeError' : `ok, ${bytes} bytes of JSON`;
}

for (const source of CASES) {
  const expression = parseExpression(source);
  const times: number[] = [];
  let outcome = '';
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    try {
      outcome = assign(expression);
    } catch (caught) {
      const err = caught as { pyType?: string; detail?: string };
      outcome = `${err.pyType}: ${err.detail}`;
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const shown = source.length > 60 ? `${source.slice(0, 57)}...` : source;
  console.log(`${median(times).toFixed(1).padStart(7)} ms  ${shown}  →  ${outcome}`);
}
