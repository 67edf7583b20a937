/**
 * `parseDefinition`: Bureaucrat XML → a validated {@link ProcessDefinition}. It reports every problem in
 * one go (each with line, column, element path and a plain message) and returns a model only when there is
 * none. Pure module: the interpreter workflow validates `call`ed sub-processes with it.
 *
 * Reading is split by concern: `xml.ts` reads the XML safely, `reader.ts` is the toolkit every element
 * reader uses (paths, problems, attributes, the walk over children), `grammar.ts` holds one reader per
 * element kind (exhaustive over the activity kinds), `property-values.ts` converts property values.
 */
import type { ProcessDefinition } from './model';
import { readProcess } from './grammar';
import { lintDefinition, type DefinitionWarning, type LintOptions } from './lint';
import { DefinitionError, type DefinitionProblem } from './problems';
import { LineIndex, Reader } from './reader';
import { readXml } from './xml';

export { ACTIVITY_KINDS } from './reader';
export { convertProperty } from './property-values';

/** Options for {@link parseDefinition}. */
export interface ParseDefinitionOptions {
  /** File name for error messages. */
  readonly source?: string;
}

/**
 * Parses and validates a definition. Throws {@link DefinitionError} listing every problem found; never
 * throws anything else for any input. It does not lint (the interpreter validates every `call`ed
 * definition with it, where warnings would be noise): {@link checkDefinition} does.
 */
export function parseDefinition(xml: string, options: ParseDefinitionOptions = {}): ProcessDefinition {
  const { definition, problems } = readDefinition(xml);
  if (!definition) throw new DefinitionError(problems, options.source);
  return definition;
}

/** Options of {@link checkDefinition}: what the lint checks the definition against. */
export type CheckDefinitionOptions = Omit<LintOptions, 'source'>;

/**
 * Like {@link parseDefinition} but returns the problems instead of throwing, and for a valid definition
 * the lint's warnings (see `lint/`), silencing directives applied. Never throws.
 */
export function checkDefinition(
  xml: string,
  options: CheckDefinitionOptions = {},
): {
  /** The definition, when it is valid. */
  definition?: ProcessDefinition;
  /** Everything that makes it invalid; empty when it is valid. */
  problems: DefinitionProblem[];
  /** The lint's findings, for a valid definition only. */
  warnings: DefinitionWarning[];
} {
  const { definition, problems } = readDefinition(xml);
  return {
    definition,
    problems,
    warnings: definition ? lintDefinition(definition, { ...options, source: xml }) : [],
  };
}

function readDefinition(xml: string): {
  definition?: ProcessDefinition;
  problems: DefinitionProblem[];
} {
  if (typeof xml !== 'string') {
    return { problems: [{ line: 0, column: 0, path: '', message: 'definition must be XML text' }] };
  }
  const lines = new LineIndex(xml);
  const read = readXml(xml);
  const problems: DefinitionProblem[] = read.problems.map((p) => {
    const pos = p.line !== undefined ? { line: p.line, column: p.column ?? 0 } : lines.position(p.offset);
    return { ...pos, path: '', message: p.message };
  });
  if (!read.root) return { problems };
  const reader = new Reader(xml, lines, problems);
  const definition = readProcess(reader, reader.root(read.root));
  // Entity problems found while reading belong to elements whose paths only the reader knows.
  for (const [i, p] of read.problems.entries()) {
    if (p.element) problems[i] = { ...problems[i], path: reader.pathOf(p.element) };
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return problems.length ? { problems } : { definition, problems };
}
