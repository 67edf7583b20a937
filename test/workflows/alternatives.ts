/**
 * What a team would write instead of this engine, for the benchmark's side-by-side rows:
 * - {@link dslInterpreter}: a general interpreter in the style of Temporal's `dsl-interpreter` sample (the
 *   field's reference interpreter): statements `activity`, `sequence`, `parallel`; one recursive `execute`;
 *   each activity's arguments read from the variables and its result bound to one.
 * - {@link plainSequence}, {@link plainAll}: plain hand-written workflows, with no memo, summaries or search
 *   attributes: the floor.
 * All call the same no-op activity with the worker's default options for it.
 */
import { proxyActivities } from '@temporalio/workflow';

/** A DSL program: its variables and its root statement. */
export interface DslProgram {
  /** The variables: activity arguments are read from them, results bound into them. */
  variables: Record<string, unknown>;
  /** What runs. */
  root: DslStatement;
}

/** One statement: an activity call, a sequence, or parallel branches. */
export type DslStatement =
  | { activity: { name: string; arguments?: string[]; result?: string } }
  | { sequence: { elements: DslStatement[] } }
  | { parallel: { branches: DslStatement[] } };

const activities = proxyActivities<Record<string, (...args: unknown[]) => Promise<unknown>>>({
  startToCloseTimeout: '1 minute',
});

/** Runs a DSL program; returns its variables. */
export async function dslInterpreter(program: DslProgram): Promise<Record<string, unknown>> {
  const bindings = { ...program.variables };
  await execute(program.root, bindings);
  return bindings;
}

async function execute(statement: DslStatement, bindings: Record<string, unknown>): Promise<void> {
  if ('parallel' in statement) {
    await Promise.all(statement.parallel.branches.map((branch) => execute(branch, bindings)));
  } else if ('sequence' in statement) {
    for (const element of statement.sequence.elements) await execute(element, bindings);
  } else {
    const { name, arguments: names = [], result } = statement.activity;
    const value = await activities[name](...names.map((arg) => bindings[arg] ?? arg));
    if (result) bindings[result] = value;
  }
}

/** `n` no-op activities in a row, each given the context so far: no memo, summaries or attributes. */
export async function plainSequence(n: number): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) Object.assign(context, await activities.noop(context));
  return context;
}

/** `branches` branches in parallel, each `perBranch` no-op activities in a row. */
export async function plainAll(branches: number, perBranch: number): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = {};
  await Promise.all(
    Array.from({ length: branches }, async () => {
      for (let i = 0; i < perBranch; i++) Object.assign(context, await activities.noop(context));
    }),
  );
  return context;
}
