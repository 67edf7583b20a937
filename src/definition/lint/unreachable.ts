/**
 * W002 unreachable and W003 shadowed-handler: parts of a definition that can never run.
 *
 * - In a block that runs its activities in order (process, sequence, case, while and foreach bodies,
 *   fault handlers; not `all`, whose branches all start), whatever follows a `<fault>` never runs.
 * - In a `switch`, the cases after one with a constant true condition never run, nor does a case all of
 *   whose conditions are constant and false. Constant means reading no name at all (`True`, `1 > 2`).
 * - In a `<faults>` section, a `<case code="…">` whose codes earlier cases all list never runs: the first
 *   case listing a code wins. A `<default>` before other handlers is fine: cases are chosen by code first,
 *   wherever the `<default>` stands.
 */
import type { Activity, CaseActivity, ProcessDefinition } from '../model';
import { faultHandlers, type ModelNode } from '../walk';
import { isConstant, truthIn } from './reads';
import type { Reporter } from './report';
import { visitWithAncestors } from './tree';

const at = (node: { loc: { line: number; column: number } }): string => `${node.loc.line}:${node.loc.column}`;

/** Runs the unreachable-code rules over `root`. */
export function lintUnreachable(root: ProcessDefinition, report: Reporter): void {
  visitWithAncestors(root, (node) => {
    afterFault(node, report);
    if (node.kind === 'switch') deadCases(node.cases, report);
    shadowedHandlers(node, report);
  });
}

function afterFault(node: ModelNode, report: Reporter): void {
  if (node.kind === 'all' || node.kind === 'switch' || !('activities' in node)) return;
  const activities: readonly Activity[] = node.activities;
  const i = activities.findIndex((a) => a.kind === 'fault');
  if (i === -1 || i === activities.length - 1) return;
  const skipped = activities.length - i - 1;
  report(
    'W002',
    activities[i + 1],
    `never runs: the <fault> at ${at(activities[i])} before it always raises` +
      (skipped > 1 ? ` (${skipped} activities skipped)` : ''),
  );
}

function deadCases(cases: readonly CaseActivity[], report: Reporter): void {
  for (const [i, c] of cases.entries()) {
    const constant = c.conditions.filter((cond) => isConstant(cond.expression));
    const always = constant.find((cond) => truthIn(cond.expression, {}) === true);
    if (always && i < cases.length - 1) {
      report(
        'W002',
        cases[i + 1],
        `never runs: the case at ${at(c)} before it always matches ` +
          `(its condition ${JSON.stringify(always.expression.source.trim())} is always true)` +
          (cases.length - i - 1 > 1 ? ` (${cases.length - i - 1} cases skipped)` : ''),
      );
      return;
    }
    if (
      constant.length === c.conditions.length &&
      constant.every((cond) => truthIn(cond.expression, {}) === false)
    ) {
      report('W002', c, 'never runs: its conditions are always false');
    }
  }
}

function shadowedHandlers(node: ModelNode, report: Reporter): void {
  const listed = new Map<string, string>();
  for (const handler of faultHandlers(node)) {
    if (!handler.codes) continue;
    if (handler.codes.every((code) => listed.has(code))) {
      const earlier = [...new Set(handler.codes.map((code) => listed.get(code)))];
      const by =
        earlier.length > 1
          ? `the handlers at ${earlier.join(', ')} before it catch`
          : `the handler at ${earlier[0]} before it catches`;
      report('W003', handler, `never runs: ${by} ${handler.codes.map((c) => `"${c}"`).join(', ')} first`);
    }
    for (const code of handler.codes) if (!listed.has(code)) listed.set(code, at(handler));
  }
}
