/**
 * Silencing: an XML comment `<!-- bureaucrat-lint: ignore W001, unreachable: why -->` right before an element
 * (only white space or other comments between) silences those rules, by id or name, for that element and
 * everything inside it; text after the rules is a free reason. A comment rather than an attribute: it leaves the language (and its schema)
 * unchanged and is kept by every XML tool.
 */
import type { ProcessDefinition } from '../model';
import { LINT_RULES } from './rules';
import { visitWithAncestors } from './tree';

const RULE_WORDS = new Set<string>([
  ...Object.keys(LINT_RULES),
  ...Object.values(LINT_RULES).map((r) => r.name),
]);

/** The rules a directive names: the leading ids and names; what follows (a reason) is free text. */
function namedRules(text: string): string[] {
  const rules: string[] = [];
  for (const word of text.split(/[\s,]+/).filter(Boolean)) {
    const rule = word.replace(/:$/, '');
    if (!RULE_WORDS.has(rule)) break;
    rules.push(rule);
  }
  return rules;
}

const DIRECTIVE = /<!--\s*bureaucrat-lint:\s*ignore\b([\s\S]*?)-->/g;

/** Element path → the rule ids and names silenced there. */
export type Silenced = ReadonlyMap<string, ReadonlySet<string>>;

/** Finds the directives of `source` and the model elements they precede. */
export function findDirectives(source: string, root: ProcessDefinition): Silenced {
  const silenced = new Map<string, Set<string>>();
  if (!source.includes('bureaucrat-lint')) return silenced;
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const pathAt = new Map<number, string>();
  visitWithAncestors(root, (node) => {
    pathAt.set((lineStarts[node.loc.line - 1] ?? 0) + node.loc.column - 1, node.loc.path);
  });
  for (const m of source.matchAll(DIRECTIVE)) {
    const rules = namedRules(m[1]);
    const target = nextElement(source, (m.index ?? 0) + m[0].length);
    const path = target === undefined ? undefined : pathAt.get(target);
    if (!path) continue;
    const set = silenced.get(path) ?? new Set<string>();
    for (const rule of rules) set.add(rule);
    silenced.set(path, set);
  }
  return silenced;
}

/** Whether `rule` (id or name) is silenced at `path` or an element enclosing it. */
export function isSilenced(silenced: Silenced, path: string, rule: string, name: string): boolean {
  for (const [where, rules] of silenced) {
    if ((path === where || path.startsWith(`${where}/`)) && (rules.has(rule) || rules.has(name))) return true;
  }
  return false;
}

/** The offset of the next start tag after `from`, skipping white space and comments; else undefined. */
function nextElement(source: string, from: number): number | undefined {
  let i = from;
  for (;;) {
    while (i < source.length && /\s/.test(source[i])) i++;
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i + 4);
      if (end === -1) return undefined;
      i = end + 3;
      continue;
    }
    return source[i] === '<' && /[A-Za-z_]/.test(source[i + 1] ?? '') ? i : undefined;
  }
}
