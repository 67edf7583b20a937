// The workflow code's own cost for one shape, without a server in the measurement: records one history of
// the shape through the interpreter and one through its hand-written twin, then replays the two, alternated,
// through one replay worker in this process, and reports the median wall and CPU time per replay and their
// ratio. Replay runs the same workflow code (the same promises, the same SDK stack captures) for the same
// activations as a live worker does, without the round trips and the server sharing the cores, so its
// ratios move far less from run to run than a live batch's. `--iterations=N` replaces the expression loop's
// 20 iterations (N=80 makes its per-iteration cost stand out of the fixed per-process cost).
// `--vs=dsl` (or `plain`, `lean`) replays against that side of bench/lib/alternatives.ts instead of the
// twin (shapes sequence10 and all3x5 only).
// Run (after npm run build): node lib/bench/replay-pair.js [shape key] [replays per side] [--iterations=N] [--vs=side]
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { hookSinks } from '../src';
import {
  startServer,
  createWorker,
  testWorkflowBundle,
  processStart,
  handStart,
  PROCESS_WORKFLOW_TYPE,
} from './lib/harness';
import { median, runMain } from './lib/stats';
import { shapes, type Shape } from './lib/shapes';
import { startOf, vsOption, type AltShape, type Side } from './lib/alternatives';

type Variant = 'interpreter' | 'hand';
type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** The shape `key`, with the expression loop run `iterations` times when given. */
function shapeOf(key: string, iterations: number): Shape {
  const shape = shapes.find((s) => s.key === key);
  if (!shape) throw new Error(`no shape ${key}; one of ${shapes.map((s) => s.key).join(', ')}`);
  if (!iterations) return shape;
  if (key !== 'expr20') throw new Error('--iterations applies to the expression loop (expr20) only');
  return {
    ...shape,
    xml: shape.xml.replace('&lt; 20', `&lt; ${iterations}`),
    hand: { ...shape.hand, args: [iterations] },
  };
}

/** One history of each side, recorded on a dev server. */
async function record(
  shape: Shape,
  alt: { side: Side; shape: AltShape } | undefined,
): Promise<{
  bundle: { code: string };
  histories: Record<Variant, { workflowId: string; history: History }>;
}> {
  const server = await startServer();
  const bundle = await testWorkflowBundle();
  const histories: Partial<Record<Variant, { workflowId: string; history: History }>> = {};
  try {
    const worker = await createWorker(server, 'replay-pair', ['noop'], {
      workflowBundle: bundle,
      workflowsPath: undefined,
    });
    await worker.runUntil(async () => {
      const client = server.env.client;
      for (const variant of ['interpreter', 'hand'] as const) {
        // The same id length on both sides: an id is repeated in the history.
        const workflowId = `replay-pair-${variant.slice(0, 4)}`;
        const [altType, altStart] = alt
          ? startOf(
              variant === 'interpreter' ? 'interpreter' : alt.side,
              alt.shape,
              'replay-pair',
              workflowId,
            )
          : [];
        const handle = altType
          ? await client.workflow.start(altType, altStart)
          : variant === 'interpreter'
            ? await client.workflow.start(
                PROCESS_WORKFLOW_TYPE,
                processStart('replay-pair', workflowId, shape.xml),
              )
            : await client.workflow.start(shape.hand.type, handStart('replay-pair', workflowId, shape));
        await handle.result();
        histories[variant] = { workflowId, history: await handle.fetchHistory() };
      }
    });
  } finally {
    await server.stop();
  }
  const { interpreter, hand } = histories;
  if (!interpreter || !hand) throw new Error('a history was not recorded');
  return { bundle, histories: { interpreter, hand } };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const iterations = Number(args.find((a) => a.startsWith('--iterations='))?.split('=')[1] ?? 0);
  const [key = 'expr20', replays = '100'] = args.filter((a) => !a.startsWith('--'));
  const shape = shapeOf(key, iterations);
  const alt = vsOption(args, shape.key);
  const { bundle, histories } = await record(shape, alt);
  // A/B then B/A; the first 10 pairs warm the replay worker up and are not counted.
  const warmUp = 10;
  const order: Variant[] = [];
  for (let pair = 0; pair < Number(replays) + warmUp; pair++) {
    order.push(...(pair % 2 ? (['hand', 'interpreter'] as const) : (['interpreter', 'hand'] as const)));
  }
  const wall: Record<Variant, number[]> = { interpreter: [], hand: [] };
  const cpu: Record<Variant, number[]> = { interpreter: [], hand: [] };
  let started = 0;
  let cpuBefore: NodeJS.CpuUsage | undefined;
  async function* paced(): AsyncGenerator<{ workflowId: string; history: History }> {
    for (const variant of order) {
      started = performance.now();
      cpuBefore = process.cpuUsage();
      yield histories[variant];
    }
  }
  let i = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, sinks: hookSinks() },
    paced(),
  )) {
    if (result.error) throw result.error;
    const variant = order[i++];
    const used = process.cpuUsage(cpuBefore);
    if (i <= 2 * warmUp) continue;
    wall[variant].push(performance.now() - started);
    cpu[variant].push((used.user + used.system) / 1000);
  }
  const row = (label: string, values: Record<Variant, number[]>): string => {
    const a = median(values.interpreter);
    const b = median(values.hand);
    return `${label}: interpreter ${a.toFixed(2)}, ${alt?.side ?? 'hand-written'} ${b.toFixed(2)}, ratio ${(a / b).toFixed(3)}`;
  };
  const events = (variant: Variant): number => histories[variant].history.events?.length ?? 0;
  console.log(
    `${shape.name}${iterations ? ` (${iterations} iterations)` : ''}: ${events('interpreter')} / ${events('hand')} events, ` +
      `${Number(replays)} replays a side, medians in ms per replay`,
  );
  console.log(row('wall', wall));
  console.log(row('CPU (this process, all threads)', cpu));
}

// runMain exits: the replay worker's runtime would otherwise keep the process alive
runMain(main);
