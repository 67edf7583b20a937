/**
 * The lint rules: their ids, names and severities. A warning names a definition that runs but does not do
 * what its author most likely meant; an `info` names something the definition alone cannot settle.
 */
import type { DefinitionProblem } from '../problems';

/** How serious a finding is: `--strict` fails on warnings, never on infos. */
export type LintSeverity = 'warning' | 'info';

/** Every rule, by id. */
export const LINT_RULES = {
  W001: { name: 'endless-loop', severity: 'warning' },
  W002: { name: 'unreachable', severity: 'warning' },
  W003: { name: 'shadowed-handler', severity: 'warning' },
  W004: { name: 'undeclared-property', severity: 'info' },
  W005: { name: 'unknown-participant', severity: 'warning' },
  W006: { name: 'unknown-event', severity: 'warning' },
} as const satisfies Record<string, { name: string; severity: LintSeverity }>;

/** A rule id such as `W001`. */
export type LintRuleId = keyof typeof LINT_RULES;
/** A rule name such as `endless-loop`. */
export type LintRuleName = (typeof LINT_RULES)[LintRuleId]['name'];

/** One finding of the lint: where (like a problem), what, and which rule found it. */
export interface DefinitionWarning extends DefinitionProblem {
  readonly rule: LintRuleId;
  readonly name: LintRuleName;
  readonly severity: LintSeverity;
}

/** Formats a warning as `27:5 warning W001 endless-loop process/while[1]: the loop never ends …`. */
export function formatWarning(warning: DefinitionWarning): string {
  return `${warning.line}:${warning.column} ${warning.severity} ${warning.rule} ${warning.name} ${warning.path}: ${warning.message}`;
}
