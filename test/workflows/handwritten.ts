/**
 * The shapes of the history-economy test and of the benchmark, written by hand against the SDK the way a
 * TypeScript developer would: the yardstick the interpreter is measured against. They call the same
 * activities with the same options and workitems as the interpreter does.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Workitem } from '../../src/protocol';
import { DEFAULT_ACTION_OPTIONS } from '../../workflows/interpreter';

const { noop } = proxyActivities<{ noop(workitem: Workitem): Promise<Record<string, unknown>> }>(
  DEFAULT_ACTION_OPTIONS,
);

function workitem(fields: Record<string, unknown>, id: string): Workitem {
  const processId = workflowInfo().workflowId;
  return { fields, participant: 'noop', processId, activityId: `${processId}${id}` };
}

/** `n` actions in a row. */
export async function handSequence(n: number): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) Object.assign(context, await noop(workitem(context, `_${i}`)));
  return context;
}

/** `branches` branches in parallel, each `perBranch` actions in a row. */
export async function handAll(branches: number, perBranch: number): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = {};
  await Promise.all(
    Array.from({ length: branches }, async (_, b) => {
      for (let i = 0; i < perBranch; i++)
        Object.assign(context, await noop(workitem(context, `_0_${b}_${i}`)));
    }),
  );
  return context;
}

/** A loop of `iterations` iterations, one action each. */
export async function handWhile(iterations: number): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = { counter: 0 };
  while ((context.counter as number) < iterations) {
    Object.assign(context, await noop(workitem(context, '_0_0')));
    context.counter = (context.counter as number) + 1;
  }
  return context;
}

/** One action per element of `items`. */
export async function handForeach(items: unknown[]): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = { items };
  for (const item of items)
    Object.assign(context, await noop(workitem({ ...context, 'inst:current': item }, '_0_0')));
  return context;
}
