// Where a worker's CPU goes, thread by thread, for one shape: interpreter against hand-written batches
// (interleaved, the first pair dropped as warm-up) on a worker in its own process, reading each thread's
// CPU time from /proc (Linux only). The worker's main thread, its workflow thread, V8's helper threads (the
// garbage collector's) and the SDK's Rust core threads get a line each, in ms per process.
// `--after=k1,k2` first runs a pair of batches of each of those shapes on the same worker, as `npm run bench`
// does with the shapes before the one measured.
// `--vs=dsl` (or `plain`, `lean`) compares the interpreter with that side of bench/lib/alternatives.ts
// instead (shapes sequence10 and all3x5 only), with the same process ids on both sides.
// Run (after npm run build): node lib/bench/thread-cpu.js [shape key] [processes per batch] [pairs] [--after=keys] [--vs=side]
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startServer, processStart, handStart, PROCESS_WORKFLOW_TYPE } from './lib/harness';
import { median, runMain } from './lib/stats';
import { devServerPid, processCpuMs, quiet, threadTimes } from './lib/threads';
import { shapes, type Shape } from './lib/shapes';
import { startOf, vsOption } from './lib/alternatives';

type Variant = 'interpreter' | 'hand';

/** CPU ms of each thread of process `pid`, by thread name and its id's offset from the process id. */
function threadCpu(pid: number): Record<string, number> {
  return Object.fromEntries(threadTimes(pid).map((t) => [`${t.name} +${t.tid - pid}`, t.ms]));
}

function shapeOf(key: string): Shape {
  const shape = shapes.find((s) => s.key === key);
  if (!shape) throw new Error(`no shape ${key}; one of ${shapes.map((s) => s.key).join(', ')}`);
  return shape;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const warmUps = (
    args
      .find((a) => a.startsWith('--after='))
      ?.slice('--after='.length)
      .split(',') ?? []
  ).map(shapeOf);
  const [key = 'expr20', n = '50', pairs = '4'] = args.filter((a) => !a.startsWith('--'));
  const shape = shapeOf(key);
  const alt = vsOption(args, key);
  const taskQueue = 'thread-cpu';
  const server = await startServer();
  const worker = spawn(
    process.execPath,
    [
      path.join(__dirname, 'lib/worker-process.js'),
      server.address,
      server.namespace,
      taskQueue,
      '--test-bundle',
    ],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const perProcess: Record<Variant, Record<string, number>[]> = { interpreter: [], hand: [] };
  /** The server's CPU per process, per batch. */
  const serverPer: Record<Variant, number[]> = { interpreter: [], hand: [] };
  /** Per pair: the interpreter's batch over the other side's, worker (all threads) and server CPU. */
  const paired: { worker: number[]; server: number[] } = { worker: [], server: [] };
  try {
    await new Promise<void>((resolve, reject) => {
      worker.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      worker.on('exit', (code) => reject(new Error(`worker process exited (${code})`)));
    });
    const client = server.env.client;
    const pid = worker.pid ?? NaN;
    const spid = devServerPid(server.address);
    const batch = async (s: Shape, variant: Variant, prefix: string): Promise<void> => {
      const interpreted = processStart(taskQueue, 'template', s.xml);
      const handles = await Promise.all(
        Array.from({ length: Number(n) }, (_, i) => {
          // Both sides of a pair get ids of the same length (an id is repeated in the history).
          const workflowId = `${prefix.replace(/^(interpreter|hand)/, (v) => v.slice(0, 4))}-${i}`;
          if (alt && s === shape) {
            const [type, start] = startOf(
              variant === 'interpreter' ? 'interpreter' : alt.side,
              alt.shape,
              taskQueue,
              workflowId,
            );
            return client.workflow.start(type, start);
          }
          return variant === 'interpreter'
            ? client.workflow.start(PROCESS_WORKFLOW_TYPE, { ...interpreted, workflowId })
            : client.workflow.start(s.hand.type, handStart(taskQueue, workflowId, s));
        }),
      );
      await Promise.all(handles.map((h) => h.result()));
    };
    for (const s of warmUps) {
      for (const variant of ['interpreter', 'hand'] as const)
        await batch(s, variant, `${variant}-${s.key}-before`);
    }
    for (let pair = 0; pair <= Number(pairs); pair++) {
      const variants: Variant[] = pair % 2 ? ['interpreter', 'hand'] : ['hand', 'interpreter'];
      const totals: Partial<Record<Variant, { worker: number; server: number }>> = {};
      for (const variant of variants) {
        await quiet([spid, pid]);
        const before = threadCpu(pid);
        const serverBefore = processCpuMs(spid);
        await batch(shape, variant, `${variant}-${key}-${pair}`);
        const after = threadCpu(pid);
        const used: Record<string, number> = {};
        for (const thread of Object.keys(after))
          used[thread] = (after[thread] - (before[thread] ?? 0)) / Number(n);
        const server = (processCpuMs(spid) - serverBefore) / Number(n);
        totals[variant] = { worker: Object.values(used).reduce((sum, ms) => sum + ms, 0), server };
        if (pair > 0) {
          perProcess[variant].push(used);
          serverPer[variant].push(server);
        }
      }
      if (pair > 0 && totals.interpreter && totals.hand) {
        paired.worker.push(totals.interpreter.worker / totals.hand.worker);
        paired.server.push(totals.interpreter.server / totals.hand.server);
      }
    }
  } finally {
    worker.kill();
    await server.stop();
  }
  const threads = [...new Set([...perProcess.interpreter, ...perProcess.hand].flatMap(Object.keys))];
  const sums = { interpreter: 0, hand: 0 };
  console.log(`${shape.name}, CPU ms per process, medians of ${pairs} batches of ${n}:`);
  console.log(
    `${'thread'.padEnd(22)}${'interpreter'.padStart(12)}${(alt?.side ?? 'hand').padStart(8)}${'extra'.padStart(8)}`,
  );
  for (const thread of threads) {
    const i = median(perProcess.interpreter.map((u) => u[thread] ?? 0));
    const h = median(perProcess.hand.map((u) => u[thread] ?? 0));
    sums.interpreter += i;
    sums.hand += h;
    if (i || h) {
      console.log(
        `${thread.padEnd(22)}${i.toFixed(1).padStart(12)}${h.toFixed(1).padStart(8)}${(i - h).toFixed(1).padStart(8)}`,
      );
    }
  }
  console.log(
    `${'all'.padEnd(22)}${sums.interpreter.toFixed(1).padStart(12)}${sums.hand.toFixed(1).padStart(8)}` +
      `${(sums.interpreter - sums.hand).toFixed(1).padStart(8)}  ratio ${(sums.interpreter / sums.hand).toFixed(3)}`,
  );
  const serverMs = (v: Variant) => median(serverPer[v]);
  console.log(
    `${'server'.padEnd(22)}${serverMs('interpreter').toFixed(1).padStart(12)}${serverMs('hand').toFixed(1).padStart(8)}` +
      `${(serverMs('interpreter') - serverMs('hand')).toFixed(1).padStart(8)}  ratio ${(serverMs('interpreter') / serverMs('hand')).toFixed(3)}`,
  );
  const spread = (xs: number[]) =>
    `${median(xs).toFixed(3)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  console.log(`paired ratios: worker ${spread(paired.worker)}, server ${spread(paired.server)}`);
}

runMain(main);
