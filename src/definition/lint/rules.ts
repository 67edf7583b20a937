/**
 * The lint rules: their ids, names and severities. A warning names a definition that runs but does not do
 * what its author most likely meant; an `info` names something the definition alone cannot settle.
 */
import type { DefinitionProblem } from '../problems';

/** How serious a finding is: `--strict` fails on warnings, never on infos. */
export type LintSeverity = 'warning' | 'info';

/** Every rule, by id. */
export const LINT_RULES = {
  /** A `while` whose conditions nothing can change: once it starts it never ends. */
  W001: {
    /** The rule's name, which the output and `bureaucrat-lint: ignore` comments may use. */
    name: 'endless-loop',
    /** How serious its findings are. */
    severity: 'warning',
  },
  /** Activities that never run (after a `<fault>`, behind an always-true `case`, …). */
  W002: {
    /** The rule's name, which the output and `bureaucrat-lint: ignore` comments may use. */
    name: 'unreachable',
    /** How serious its findings are. */
    severity: 'warning',
  },
  /** A fault handler whose codes earlier handlers of the same `<faults>` all list. */
  W003: {
    /** The rule's name, which the output and `bureaucrat-lint: ignore` comments may use. */
    name: 'shadowed-handler',
    /** How serious its findings are. */
    severity: 'warning',
  },
  /** A property named by `foreach select`, `call process` or `await key` that nothing declares or sets. */
  W004: {
    /** The rule's name, which the output and `bureaucrat-lint: ignore` comments may use. */
    name: 'undeclared-property',
    /** How serious its findings are. */
    severity: 'info',
  },
  /** An `action` whose participant no worker registers (when the participants are given). */
  W005: {
    /** The rule's name, which the output and `bureaucrat-lint: ignore` comments may use. */
    name: 'unknown-participant',
    /** How serious its findings are. */
    severity: 'warning',
  },
  /** An `await` of an event nothing triggers (when the events are given). */
  W006: {
    /** The rule's name, which the output and `bureaucrat-lint: ignore` comments may use. */
    name: 'unknown-event',
    /** How serious its findings are. */
    severity: 'warning',
  },
  /** A `call definition` of a name not deployed, or of a version past the latest (when those are given). */
  W007: {
    /** The rule's name, which the output and `bureaucrat-lint: ignore` comments may use. */
    name: 'unknown-definition',
    /** How serious its findings are. */
    severity: 'warning',
  },
} as const satisfies Record<string, { name: string; severity: LintSeverity }>;

/** A rule id such as `W001`. */
export type LintRuleId = keyof typeof LINT_RULES;
/** A rule name such as `endless-loop`. */
export type LintRuleName = (typeof LINT_RULES)[LintRuleId]['name'];

/** One finding of the lint: where (like a problem), what, and which rule found it. */
export interface DefinitionWarning extends DefinitionProblem {
  /** The id of the rule that found it, e.g. `W001`. */
  readonly rule: LintRuleId;
  /** That rule's name, e.g. `endless-loop`. */
  readonly name: LintRuleName;
  /** That rule's severity. */
  readonly severity: LintSeverity;
}

/** Formats a warning as `27:5 warning W001 endless-loop process/while[1]: the loop never ends …`. */
export function formatWarning(warning: DefinitionWarning): string {
  return `${warning.line}:${warning.column} ${warning.severity} ${warning.rule} ${warning.name} ${warning.path}: ${warning.message}`;
}
