/**
 * Mutation fuzzing: thousands of random byte- and element-level mutations of valid definitions must only
 * ever yield a valid model or a DefinitionError — never another exception, never a hang.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkDefinition, DefinitionError, parseDefinition } from '../../src/definition';

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
