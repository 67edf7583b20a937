/**
 * Mutation fuzzing: thousands of random byte- and element-level mutations of valid definitions must only
 * ever yield a valid model or a DefinitionError — never another exception, never a hang. And random valid
 * expressions must only ever evaluate or raise ExpressionError, within their budget.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { jsonBytes } from '../../src/context-size';
import { checkDefinition, DefinitionError, parseDefinition } from '../../src/definition';
import { evaluate, ExpressionError, parseExpression, type BudgetLimits } from '../../src/expression';

const dir = path.join(__dirname, '../fixtures/definitions');
const seeds = readdirSync(dir)
  .filter((f) => f.endsWith('.xml') && !f.includes('typo'))
  .map((f) => readFileSync(path.join(dir, f), 'utf8'));

/** A small deterministic PRNG (mulberry32), so a failure reproduces from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  '<', '>', '/>', '</', '&', '&amp;', '&bogus;', '&#0;', '&#xFFFFFF;', '"', "'", '=', '<!--', '-->', '<![CDATA[', ']]>',
  '<!DOCTYPE x>', '<?xml version="1.0"?>', '<action participant="p"/>', '<sequence>', '</sequence>', '<case>',
  '<condition>', '</condition>', 'context["a"]', ' and ', ' or not ', '**', '//', '(', ')', '[', ']', '{', '}',
  '\u0000', '\uFFFF', '\uD800', 'é', '\n', '$', 'inst:fault', 'lambda', '__proto__', '1e999', '-1', ' ',
]; // prettier-ignore
const TAGS = ['process', 'sequence', 'action', 'switch', 'case', 'condition', 'while', 'all', 'call', 'delay',
  'await', 'fault', 'assign', 'foreach', 'context', 'property', 'faults', 'default', 'bogus']; // prettier-ignore

function mutate(text: string, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const at = () => Math.floor(random() * (text.length + 1));
  const rounds = 1 + Math.floor(random() * 4);
  for (let r = 0; r < rounds; r++) {
    const i = at();
    switch (Math.floor(random() * 8)) {
      case 0: // flip a character
        text = text.slice(0, i) + String.fromCharCode(Math.floor(random() * 128)) + text.slice(i + 1);
        break;
      case 1: // delete a span
        text = text.slice(0, i) + text.slice(i + 1 + Math.floor(random() * 20));
        break;
      case 2: // insert a fragment
        text = text.slice(0, i) + pick(FRAGMENTS) + text.slice(i);
        break;
      case 3: {
        // duplicate a span
        const len = Math.floor(random() * 60);
        text = text.slice(0, i) + text.slice(i, i + len) + text.slice(i);
        break;
      }
      case 4: // rename an element
        text = text.replace(new RegExp(`<(/?)${pick(TAGS)}\\b`), `<$1${pick(TAGS)}`);
        break;
      case 5: {
        // remove a whole element
        const tag = pick(TAGS);
        text = text.replace(new RegExp(`<${tag}\\b[^>]*?/>|<${tag}\\b[^>]*>[\\s\\S]*?</${tag}>`), '');
        break;
      }
      case 6: // change an attribute value
        text = text.replace(/="[^"]*"/, `="${pick(FRAGMENTS)}"`);
        break;
      default: {
        // move a span elsewhere
        const len = Math.floor(random() * 40);
        const span = text.slice(i, i + len);
        const rest = text.slice(0, i) + text.slice(i + len);
        const j = Math.floor(random() * (rest.length + 1));
        text = rest.slice(0, j) + span + rest.slice(j);
      }
    }
  }
  return text;
}

describe('definition parsing under mutation', () => {
  it('yields a model or a DefinitionError for 5,000 mutated definitions', () => {
    const random = prng(20261122);
    let valid = 0;
    let invalid = 0;
    for (let n = 0; n < 5000; n++) {
      const input = mutate(seeds[n % seeds.length], random);
      const checked = checkDefinition(input); // must not throw
      if (checked.definition) {
        valid++;
        expect(checked.problems).toEqual([]);
        expect(JSON.parse(JSON.stringify(checked.definition))).toEqual(checked.definition);
      } else {
        invalid++;
        expect(checked.problems.length).toBeGreaterThan(0);
        for (const p of checked.problems) {
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.column).toBeGreaterThanOrEqual(0);
          expect(typeof p.message).toBe('string');
        }
        try {
          parseDefinition(input);
          throw new Error(`parseDefinition accepted input that checkDefinition rejected (mutation ${n})`);
        } catch (err) {
          if (!(err instanceof DefinitionError)) throw new Error(`mutation ${n}: ${String(err)}\n${input}`);
        }
      }
    }
    // Both outcomes must actually occur, or the mutations are not exercising the parser.
    expect(valid).toBeGreaterThan(100);
    expect(invalid).toBeGreaterThan(1000);
  });
});

/**
 * Random *valid* expressions, built from the grammar with operands that reach the budgets (repetition by
 * powers of ten, wide ints, big context values): evaluation either returns JSON data or raises an
 * ExpressionError — never another exception — and gives the same outcome every time (budgets count).
 */
function expressionGenerator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  const atoms = [
    '0', '1', '-3', '7', '10**6', '10**9', '2**64', '2**5000', '3**40000', '1.5', '2.0', '-0.0', '1e308',
    'True', 'False', 'None', '""', '"ab"', '"é😀"', '"x" * 1000', '[]', '()', '{}', '[1, 2, 3]', '(1,)',
    '[[0] * 100] * 100', '{"k": [1, "v"]}', 'context["n"]', 'context["s"]', 'context["l"]', 'context["d"]',
    'context["big"]', 'context["nested"]', 'context.get("n", 0)', 'context["d"].get("a")',
  ]; // prettier-ignore
  const binaries = ['+', '-', '*', '/', '//', '%', '**'];
  const comparisons = ['==', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'is', 'is not'];
  const unaryCalls = [
    'len',
    'str',
    'int',
    'float',
    'bool',
    'abs',
    'sorted',
    'sum',
    'any',
    'all',
    'min',
    'max',
  ];
  const node = (depth: number): string => {
    if (depth <= 0 || chance(0.2)) return pick(atoms);
    const sub = () => node(depth - 1);
    switch (Math.floor(random() * 12)) {
      case 0:
      case 1:
        return `(${sub()} ${pick(binaries)} ${sub()})`;
      case 2:
        return `(${sub()} * ${pick(['10', '1000', '10**5', '10**7', '2**40', '-1', 'True'])})`;
      case 3: {
        const ops = Array.from({ length: 1 + Math.floor(random() * 2) }, () => pick(comparisons));
        return `(${sub()}${ops.map((op) => ` ${op} ${sub()}`).join('')})`;
      }
      case 4:
        return `(${sub()} ${pick(['and', 'or'])} ${sub()})`;
      case 5:
        return `(${pick(['not ', '-', '+'])}${sub()})`;
      case 6:
        return `(${sub()} if ${sub()} else ${sub()})`;
      case 7:
        return `${pick(unaryCalls)}(${sub()})`;
      case 8:
        return pick([
          `sorted(${sub()}, reverse=${pick(['True', 'False'])})`,
          `round(${sub()}${chance(0.5) ? `, ${pick(['2', '-2', '-10**6', '0'])}` : ''})`,
          `${pick(['min', 'max'])}(${sub()}, ${sub()})`,
          `${pick(['min', 'max'])}(${sub()}, default=${sub()})`,
          `sum(${sub()}, ${sub()})`,
        ]);
      case 9:
        return `(${sub()})[${pick(['0', '-1', '1', 'context["n"]', '"k"', '"a"'])}]`;
      case 10:
        return `(${sub()})[${pick(['', '1', '-2'])}:${pick(['', '3', '-1'])}${pick(['', ':2', ':-1', ':3'])}]`;
      default:
        return pick([
          `[${sub()}, ${sub()}]`,
          `(${sub()}, ${sub()})`,
          `{"a": ${sub()}, "b": ${sub()}}`,
          `(${sub()}).get("a", ${sub()})`,
        ]);
    }
  };
  return node;
}

describe('expression evaluation under random valid expressions', () => {
  const context = {
    n: 5,
    s: 'hello',
    l: [3, 1, 2],
    d: { a: 1, b: [1, 2] },
    big: Array.from({ length: 50_000 }, (_, i) => i % 7),
    nested: { rows: Array.from({ length: 200 }, (_, i) => ({ id: i, tags: ['x', 'y'] })) },
  };

  const outcome = (source: string, limits?: BudgetLimits): string => {
    const expression = parseExpression(source); // the generator only builds valid expressions
    try {
      const value = evaluate(expression, { context }, limits);
      return `ok ${jsonBytes(value)}`;
    } catch (err) {
      if (err instanceof ExpressionError) return err.pyType;
      throw new Error(`${source}: ${String(err)}`);
    }
  };

  it('returns JSON data or raises ExpressionError for 2,000 expressions under small budgets', () => {
    const generate = expressionGenerator(prng(20261123));
    const limits = { cells: 200_000, operations: 200_000 };
    const tally: Record<string, number> = {};
    for (let n = 0; n < 2000; n++) {
      const source = generate(4);
      const first = outcome(source, limits);
      expect(outcome(source, limits)).toBe(first); // counted budgets: the same outcome on replay
      const kind = first.startsWith('ok') ? 'ok' : first;
      tally[kind] = (tally[kind] ?? 0) + 1;
    }
    // The generator must exercise successes, ordinary Python errors and both budgets.
    expect(tally.ok).toBeGreaterThan(400);
    expect(tally.TypeError).toBeGreaterThan(400);
    expect(tally.MemoryError).toBeGreaterThan(20);
    expect(tally.TimeoutError).toBeGreaterThan(40);
  });

  it('returns JSON data or raises ExpressionError for 300 expressions under the default budget', () => {
    const generate = expressionGenerator(prng(11));
    let budgetErrors = 0;
    for (let n = 0; n < 300; n++) {
      const result = outcome(generate(3));
      if (result === 'MemoryError' || result === 'TimeoutError') budgetErrors++;
    }
    expect(budgetErrors).toBeGreaterThan(0);
  });
});
