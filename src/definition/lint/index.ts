/**
 * The lint: finds what runs but most likely does not do what its author meant (an endless loop,
 * activities that never run, names nothing defines). Pure module (no Node APIs), one module per rule
 * family; each documents what it assumes. Findings are warnings (`--strict` fails on them) or infos.
 */
import type { ProcessDefinition } from '../model';
import { findDirectives, isSilenced } from './directives';
import { lintLoops } from './loops';
import { lintReferences, type ReferenceOptions } from './references';
import type { Reporter } from './report';
import { LINT_RULES, type DefinitionWarning } from './rules';
import { lintUnreachable } from './unreachable';

export {
  LINT_RULES,
  formatWarning,
  type DefinitionWarning,
  type LintRuleId,
  type LintRuleName,
  type LintSeverity,
} from './rules';

/** Options of {@link lintDefinition}. */
export interface LintOptions extends ReferenceOptions {
  /** The definition's text: enables the `<!-- bureaucrat-lint: ignore … -->` directives. */
  readonly source?: string;
}

/** Lints a valid definition; returns the findings not silenced, in document order. */
export function lintDefinition(
  definition: ProcessDefinition,
  options: LintOptions = {},
): DefinitionWarning[] {
  const warnings: DefinitionWarning[] = [];
  const report: Reporter = (rule, node, message) => {
    const { name, severity } = LINT_RULES[rule];
    warnings.push({
      line: node.loc.line,
      column: node.loc.column,
      path: node.loc.path,
      message,
      rule,
      name,
      severity,
    });
  };
  lintLoops(definition, report);
  lintUnreachable(definition, report);
  lintReferences(definition, report, options);
  const silenced = options.source === undefined ? new Map() : findDirectives(options.source, definition);
  return warnings
    .filter((w) => !isSilenced(silenced, w.path, w.rule, w.name))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}
