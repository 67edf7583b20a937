/**
 * W001 endless-loop, and the W002 case of a `while` whose body never runs.
 *
 * A `while`'s conditions are evaluated before each iteration in that iteration's fresh scope: its own
 * `<context>` declared anew, over the enclosing scopes. Only two things change the context: an `assign`
 * (its property) and an `action` (any non-reserved property, through the participant's reply); `call`ed
 * sub-processes have their own context and events do not touch it. A write goes to the nearest scope that
 * declares the key. So a property the conditions read can change between two evaluations only when:
 *
 * - the while's own `<context>` does not declare it (each iteration starts again from the declared value,
 *   whatever the body did: the trap of the published example1), and
 * - an `assign` of it or an `action` runs in the body with no scope in between declaring it (such a write
 *   stays in that inner scope), or runs concurrently in another branch of an enclosing `<all>`.
 *
 * When no property the conditions read can change (or they read none), the loop runs forever once it
 * starts — unless the body holds a `<fault>`, which is taken as the way out. Conditions that read the
 * context in any other way than by a literal key count as changing whenever anything can be written.
 * Writes to keys defined nowhere are counted as changes although they create an iteration-local key that
 * is lost: the key may come from the launch fields. When every property read is declared by the while
 * itself, the first evaluation is known: false means the body never runs (W002), true that it never ends.
 */
import { isReserved } from '../../scope';
import type { Activity, AllActivity, ProcessDefinition, PropertyDefinition, WhileActivity } from '../model';
import { childActivities, faultHandlers, type ModelNode } from '../walk';
import { contextReads, truthIn } from './reads';
import type { Reporter } from './report';
import { declared, ownsScope, subtree, visitWithAncestors } from './tree';

/** What can write to the context while a loop runs. */
interface Writers {
  /** Assigned keys, each with the keys declared between the writer and the loop. */
  readonly assigns: { key: string; shadowed: Set<string> }[];
  /** Actions, each with the keys declared between it and the loop. */
  readonly actions: Set<string>[];
  /** Whether the body raises a fault explicitly somewhere. */
  faults: boolean;
}

/** Runs the loop rules over `root`. */
export function lintLoops(root: ProcessDefinition, report: Reporter): void {
  const summaries = new Map<ModelNode, WriteSummary>();
  visitWithAncestors(root, (node, ancestors) => {
    if (node.kind === 'while') checkWhile(node, ancestors, report, summaries);
  });
}

/** How many actions and assigns (by key) a subtree holds; cached, so `<all>`s with many loops stay linear. */
interface WriteSummary {
  readonly actions: number;
  readonly assigns: ReadonlyMap<string, number>;
}

function summary(node: Activity, cache: Map<ModelNode, WriteSummary>): WriteSummary {
  let found = cache.get(node);
  if (!found) {
    let actions = 0;
    const assigns = new Map<string, number>();
    for (const n of subtree(node)) {
      if (n.kind === 'action') actions++;
      else if (n.kind === 'assign') assigns.set(n.property, (assigns.get(n.property) ?? 0) + 1);
    }
    found = { actions, assigns };
    cache.set(node, found);
  }
  return found;
}

/** The totals of an `<all>`'s branches (cached under the `<all>` itself). */
function branchTotals(all: AllActivity, cache: Map<ModelNode, WriteSummary>): WriteSummary {
  let found = cache.get(all);
  if (!found) {
    let actions = 0;
    const assigns = new Map<string, number>();
    for (const branch of all.activities) {
      const s = summary(branch, cache);
      actions += s.actions;
      for (const [key, n] of s.assigns) assigns.set(key, (assigns.get(key) ?? 0) + n);
    }
    found = { actions, assigns };
    cache.set(all, found);
  }
  return found;
}

function checkWhile(
  loop: WhileActivity,
  ancestors: readonly ModelNode[],
  report: Reporter,
  summaries: Map<ModelNode, WriteSummary>,
): void {
  const own = declared(loop);
  const reads = contextReads(loop.conditions.map((c) => c.expression));
  const body = bodyWriters(loop);
  const beside = concurrentWriters(loop, ancestors, summaries);

  const anyWriter = body.assigns.length + body.actions.length + beside.actions + beside.assigns.size > 0;
  const canChange = (key: string): boolean =>
    !own.has(key) &&
    (beside.assigns.has(key) ||
      (!isReserved(key) && beside.actions > 0) ||
      body.assigns.some((w) => w.key === key && !w.shadowed.has(key)) ||
      (!isReserved(key) && body.actions.some((shadowed) => !shadowed.has(key))));
  if (reads.any ? anyWriter : [...reads.keys].some(canChange)) return;

  const keys = [...reads.keys];
  const initial = reads.any || keys.some((k) => !own.has(k)) ? undefined : firstEvaluation(loop);
  if (initial === false) {
    report(
      'W002',
      loop,
      'the loop body never runs: its conditions are false at the start and nothing can change them',
    );
    return;
  }
  if (body.faults) return;
  const why = [
    ...keys.map((k) =>
      own.has(k) ? ownReason(k, loop.context) : `nothing in or beside the loop sets "${k}"`,
    ),
    ...(reads.any ? ['nothing in or beside the loop writes to the context'] : []),
  ];
  if (!why.length) why.push('its conditions read no property');
  report(
    'W001',
    loop,
    `${initial ? 'the loop never ends' : 'once the loop starts it never ends'}: ${why.join('; ')}`,
  );
}

function ownReason(key: string, context: readonly PropertyDefinition[]): string {
  const value = context.find((p) => p.name === key)?.value;
  return (
    `"${key}" is declared in the while's own <context>, which every iteration declares anew ` +
    `(${key} = ${JSON.stringify(value)}), so what the body sets is lost; declare it in an enclosing context`
  );
}

/** The conditions' value before the first iteration, when they read only the while's own properties. */
function firstEvaluation(loop: WhileActivity): boolean | undefined {
  const context: Record<string, unknown> = Object.create(null);
  for (const p of loop.context) context[p.name] = p.value;
  let result: boolean | undefined = false;
  for (const c of loop.conditions) {
    const truth = truthIn(c.expression, context);
    if (truth === true) return true;
    if (truth === undefined) result = undefined;
  }
  return result;
}

/** The writers inside a loop's body (its own handlers run after the loop, not during it). */
function bodyWriters(loop: WhileActivity): Writers {
  const writers: Writers = { assigns: [], actions: [], faults: false };
  const walk = (node: ModelNode, shadowed: Set<string>): void => {
    const inner = ownsScope(node) ? new Set([...shadowed, ...declared(node)]) : shadowed;
    if (node.kind === 'assign') writers.assigns.push({ key: node.property, shadowed });
    else if (node.kind === 'action') writers.actions.push(shadowed);
    else if (node.kind === 'fault') writers.faults = true;
    for (const child of [...childActivities(node), ...faultHandlers(node)]) walk(child, inner);
  };
  for (const child of loop.activities) walk(child, new Set());
  return writers;
}

/** The writers in the other branches of every `<all>` the loop sits in: they may run at any moment. */
function concurrentWriters(
  loop: WhileActivity,
  ancestors: readonly ModelNode[],
  cache: Map<ModelNode, WriteSummary>,
): { actions: number; assigns: Set<string> } {
  let actions = 0;
  const assigns = new Set<string>();
  ancestors.forEach((ancestor, i) => {
    if (ancestor.kind !== 'all') return;
    const onPath = (ancestors[i + 1] ?? loop) as Activity;
    const total = branchTotals(ancestor, cache);
    const own = summary(onPath, cache);
    actions += total.actions - own.actions;
    for (const [key, n] of total.assigns) if (n > (own.assigns.get(key) ?? 0)) assigns.add(key);
  });
  return { actions, assigns };
}
