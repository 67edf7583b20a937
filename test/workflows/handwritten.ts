/**
 * The shapes of the history-economy test and of the benchmark, written by hand against the SDK the way a
 * TypeScript developer would: the yardstick the interpreter is measured against. They send the same
 * commands as the interpreter does: the same activities with the same options, workitems and Web UI
 * summaries, and a child started with the same memo and summary as a `<call>`'s.
 */
import {
  condition,
  defineQuery,
  defineSignal,
  executeChild,
  proxyActivities,
  setHandler,
  type ActivityOptions,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActionInput } from '../../src/protocol';
import { summaryOf } from '../../src/wire/summary';
import { DEFAULT_ACTION_OPTIONS } from '../../workflows/interpreter';

const { noop } = proxyActivities<{ noop(input: ActionInput): Promise<Record<string, unknown>> }>(
  DEFAULT_ACTION_OPTIONS,
);

/**
 * What `noop.executeWithOptions` is given for the action `id` (relative to the process) seeing `fields`:
 * the activity's summary and its input. Called from each workflow itself, so that the SDK's stack
 * traces are as deep as a direct call's.
 */
function action(fields: Record<string, unknown>, id: string): [ActivityOptions, [ActionInput]] {
  return [{ summary: summaryOf.action('noop', id) }, [{ fields, step: id }]];
}

/** `n` actions in a row. */
export async function handSequence(n: number): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = {};
  for (let i = 0; i < n; i++)
    Object.assign(context, await noop.executeWithOptions(...action(context, `_${i}`)));
  return context;
}

/** `branches` branches in parallel, each `perBranch` actions in a row. */
export async function handAll(branches: number, perBranch: number): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = {};
  await Promise.all(
    Array.from({ length: branches }, async (_, b) => {
      for (let i = 0; i < perBranch; i++)
        Object.assign(context, await noop.executeWithOptions(...action(context, `_0_${b}_${i}`)));
    }),
  );
  return context;
}

/** A loop of `iterations` iterations, one action each. */
export async function handWhile(iterations: number): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = { counter: 0 };
  while ((context.counter as number) < iterations) {
    Object.assign(context, await noop.executeWithOptions(...action(context, '_0_0')));
    context.counter = (context.counter as number) + 1;
  }
  return context;
}

/** One action per element of `items`. */
export async function handForeach(items: unknown[]): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = { items };
  for (const item of items)
    Object.assign(
      context,
      await noop.executeWithOptions(...action({ ...context, 'inst:current': item }, '_0_0')),
    );
  return context;
}

/** The expression-heavy loop: per iteration a two-way choice and three assignments around one action. */
export async function handExpressionLoop(iterations: number): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = { counter: 0, total: 0, mode: 'none', last: 'none' };
  while ((context.counter as number) < iterations) {
    context.mode = (context.counter as number) % 2 === 0 ? 'even' : 'odd';
    context.total = (context.total as number) + (context.counter as number);
    Object.assign(context, await noop.executeWithOptions(...action(context, '_0_2')));
    context.counter = (context.counter as number) + 1;
    context.last = context.mode;
  }
  return context;
}

/**
 * A call of a sub-process of `n` actions in a row (the child is {@link handSequence}), started with the
 * memo and summary the interpreter gives a `<call>`ed process (`processStartMetadata`).
 */
export async function handCall(n: number): Promise<Record<string, unknown>> {
  const activityId = `${workflowInfo().workflowId}_0`;
  await executeChild(handSequence, {
    workflowId: `${activityId}-1`,
    args: [n],
    memo: { activityCount: n },
    staticSummary: summaryOf.call('sub', activityId),
  });
  return {};
}

/**
 * Parked until an `event` signal arrives: the floor of a process waiting in `<await>`. It answers the
 * `state` query like a parked interpreted process, so the benchmark waits for both alike.
 */
export async function handParked(): Promise<void> {
  let arrived = false;
  setHandler(defineSignal<[unknown]>('event'), () => {
    arrived = true;
  });
  setHandler(defineQuery<unknown>('state'), () => ({
    children: [{ state: arrived ? 'completed' : 'active' }],
  }));
  await condition(() => arrived);
}
