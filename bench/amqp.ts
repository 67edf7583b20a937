// `npm run bench:amqp`: launches published on RabbitMQ and started through the AMQP bridge, against direct
// launches with the TypeScript client, side by side in one run: one dev server, one worker (a no-op
// participant), a private RabbitMQ node (the machine's rabbitmq-server, as the tests run it). Side A
// publishes N launch messages (the original launcher's XML, persistent, on `bureaucrat`) as fast as a
// confirm channel takes them; its time runs from the first publish to the bridge's N-th started process
// (each message crosses the bridge's two steps: the intake transaction and the start). Side B calls
// `Launcher.launch` N times, 50 in flight; its time runs until the N-th start resolved. Repetitions are
// interleaved A, B, A, B; the machine settles (every process completed, this process near idle) before each. The bridge runs in
// this process (its counters say when a start happened), beside the worker and the direct side.
// Nothing is asserted: the machine is shared and noisy. `--smoke` runs tiny sizes; `--reps N` and
// `--launches N` set the repetitions (3) and the size (1,000). Writes bench/results/amqp.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'amqplib';
import { AmqpBridge, Launcher } from '../src';
import { startRabbitMq } from '../test/amqp/rabbitmq';
import { startServer, createWorker, settle, writeResults } from './lib/harness';
import { log, machine, median, pool, runMain, sleep } from './lib/stats';

const smoke = process.argv.includes('--smoke');
function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const config = {
  reps: numberArg('reps', smoke ? 1 : 3),
  launches: numberArg('launches', smoke ? 20 : 1000),
  inFlight: 50,
  prefetch: 50,
  warmup: smoke ? 10 : 100,
};
const DEFINITION =
  '<process name="bench-amqp"><context><property name="n" type="int">0</property></context>' +
  '<action participant="noop"/></process>';
const TASK_QUEUE = 'bench-amqp';

interface Measurement {
  readonly ms: number;
  readonly perSecond: number;
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'bench-amqp-'));
  const [server, rabbit] = await Promise.all([startServer(), startRabbitMq(root)]);
  const results: Record<string, unknown> = { machine: machine(), config };
  try {
    const client = server.env.client;
    const worker = await createWorker(server, TASK_QUEUE);
    await worker.runUntil(async () => {
      const bridge = await AmqpBridge.start({
        client,
        url: rabbit.url,
        taskQueue: TASK_QUEUE,
        prefetch: config.prefetch,
        log: () => undefined,
      });
      const connection = await connect(rabbit.url);
      const channel = await connection.createConfirmChannel();
      const launcher = new Launcher(client, TASK_QUEUE);
      const amqpSide = async (n: number): Promise<Measurement> => {
        const target = bridge.counts.launched + n;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          channel.sendToQueue('bureaucrat', Buffer.from(DEFINITION), { persistent: true });
        }
        await channel.waitForConfirms();
        while (bridge.counts.launched < target) await sleep(5);
        const ms = performance.now() - t0;
        return { ms, perSecond: (n / ms) * 1000 };
      };
      const directSide = async (n: number): Promise<Measurement> => {
        const t0 = performance.now();
        await pool(
          Array.from({ length: n }, (_, i) => i),
          config.inFlight,
          () => launcher.launch(DEFINITION),
        );
        const ms = performance.now() - t0;
        return { ms, perSecond: (n / ms) * 1000 };
      };
      log(`warm-up: ${config.warmup} launches per side`);
      await amqpSide(config.warmup);
      await directSide(config.warmup);
      await settle(client);
      const amqp: Measurement[] = [];
      const direct: Measurement[] = [];
      for (let rep = 0; rep < config.reps; rep++) {
        const a = await amqpSide(config.launches);
        amqp.push(a);
        log(
          `rep ${rep + 1} amqp: ${a.perSecond.toFixed(1)}/s (${Math.round(a.ms)} ms); settled in ${await settle(client)} ms`,
        );
        const d = await directSide(config.launches);
        direct.push(d);
        log(
          `rep ${rep + 1} direct: ${d.perSecond.toFixed(1)}/s (${Math.round(d.ms)} ms); settled in ${await settle(client)} ms`,
        );
      }
      const ratios = amqp.map((a, i) => a.perSecond / direct[i].perSecond);
      results.amqp = amqp;
      results.direct = direct;
      results.ratios = ratios;
      results.medianRatio = median(ratios);
      await connection.close();
      await bridge.stop();
    });
  } finally {
    await server.stop();
    await rabbit.stop();
    rmSync(root, { recursive: true, force: true });
  }
  const amqp = results.amqp as Measurement[];
  const direct = results.direct as Measurement[];
  const ratios = results.ratios as number[];
  const perRep = amqp
    .map((a, i) => `${a.perSecond.toFixed(1)} / ${direct[i].perSecond.toFixed(1)}`)
    .join(', ');
  writeResults('amqp', smoke, results, [
    '| AMQP bridge vs TypeScript client | bridge | direct | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    `| ${config.launches} launches started/s (bridge / direct per rep: ${perRep}; ratios ${ratios
      .map((r) => r.toFixed(2))
      .join(', ')}) | ${median(amqp.map((a) => a.perSecond)).toFixed(1)} | ${median(
      direct.map((d) => d.perSecond),
    ).toFixed(1)} | ${(results.medianRatio as number).toFixed(2)} | ≥ 0.8 |`,
  ]);
}

runMain(main);
