// `npm run bench:triggers`: processes that start themselves, side by side with direct launches on one dev
// server and worker. Rows: 1,000 published events of which half match a trigger → processes started per
// second, against the same 500 processes started with `Launcher.launch` (50 in flight each); publish →
// process started latency p50 / p99; schedule start lateness p50 / p99 (a schedule every second, the
// processes' start times against the nominal times in their ids). Writes bench/results/triggers.json.
// Nothing is asserted: the machine is shared and noisy. `--smoke` runs tiny sizes; `--reps=N` sets the
// repetitions (4 by default).
import type { Client } from '@temporalio/client';
import { Events, Launcher, Schedules, Triggers } from '../src';
import { eventActivities } from '../src/internal';
import { startServer, createWorker, writeResults } from './lib/harness';
import { log, machine, percentile, pool, runMain, sleep, stats } from './lib/stats';

const smoke = process.argv.includes('--smoke');
const repsArg = process.argv.find((a) => a.startsWith('--reps='));
const config = smoke
  ? { reps: 1, events: 40, scheduleSeconds: 4 }
  : { reps: repsArg ? Number(repsArg.slice('--reps='.length)) : 4, events: 1000, scheduleSeconds: 30 };
const DEFINITION =
  '<process name="bench"><context><property name="n" type="int">0</property></context><assign property="x">1</assign></process>';

/** Start times (ms) of the workflows a visibility query finds, by workflow id, once `n` are there. */
async function startTimes(client: Client, query: string, n: number): Promise<Map<string, number>> {
  // A cheap count until all are there (listing hundreds of workflows in a tight loop would load the
  // server being measured), then one listing for the start times.
  while ((await client.workflow.count(query)).count < n) await sleep(500);
  const found = new Map<string, number>();
  for await (const wf of client.workflow.list({ query })) found.set(wf.workflowId, wf.startTime.getTime());
  return found;
}

async function triggered(
  client: Client,
  taskQueue: string,
  rep: number,
): Promise<{ perSecond: number; publishPerSecond: number; latencies: number[] }> {
  const triggers = new Triggers(client, taskQueue);
  const events = new Events(client, taskQueue);
  const event = `bench-${rep}-${Date.now()}`;
  const { name } = await triggers.add(event, DEFINITION, {
    name: event,
    when: "event['n'] % 2 == 0",
    id: `'${event}-' + str(event['n'])`,
  });
  const published = new Map<string, number>();
  const t0 = Date.now();
  await pool(
    Array.from({ length: config.events }, (_, n) => n),
    50,
    async (n) => {
      published.set(`${event}-${n}`, Date.now());
      await events.trigger(event, { n });
    },
  );
  const publishSeconds = (Date.now() - t0) / 1000;
  const started = await startTimes(client, `BureaucratTrigger = '${name}'`, config.events / 2);
  const last = Math.max(...started.values());
  const latencies = [...started].map(([id, at]) => at - (published.get(id) ?? NaN));
  await triggers.remove(name);
  log(`  published in ${Math.round(publishSeconds * 1000)} ms, last process started at ${last - t0} ms`);
  return {
    perSecond: started.size / ((last - t0) / 1000),
    publishPerSecond: config.events / publishSeconds,
    latencies,
  };
}

async function launched(client: Client, taskQueue: string, rep: number): Promise<{ perSecond: number }> {
  const launcher = new Launcher(client, taskQueue);
  const prefix = `direct-${rep}-${Date.now()}`;
  const t0 = Date.now();
  await pool(
    Array.from({ length: config.events / 2 }, (_, n) => n),
    50,
    (n) => launcher.launch(DEFINITION, { n }, { processId: `${prefix}-${n * 2}` }),
  );
  return { perSecond: config.events / 2 / ((Date.now() - t0) / 1000) };
}

async function scheduleLateness(client: Client, taskQueue: string): Promise<number[]> {
  const schedules = new Schedules(client, taskQueue);
  const name = `bench-schedule-${Date.now()}`;
  await schedules.add(name, DEFINITION, { every: '1s', overlap: 'allow' }); // every start counts, however long a process runs
  await sleep(config.scheduleSeconds * 1000);
  await schedules.remove(name);
  await sleep(1000);
  const lateness: number[] = [];
  for await (const wf of client.workflow.list({ query: `BureaucratSchedule = '${name}'` })) {
    const nominal = Date.parse(wf.workflowId.slice(name.length + 1));
    lateness.push(wf.startTime.getTime() - nominal);
  }
  return lateness;
}

async function main(): Promise<void> {
  const server = await startServer();
  const taskQueue = 'bench-triggers';
  const worker = await createWorker(server, taskQueue, ['noop'], {
    activities: eventActivities(server.env.client),
  });
  const client = server.env.client;
  const results = {
    machine: machine(),
    config,
    triggered: [] as number[],
    published: [] as number[],
    launched: [] as number[],
    latencies: [] as number[],
    lateness: [] as number[],
  };
  try {
    await worker.runUntil(async () => {
      for (let rep = 0; rep < config.reps; rep++) {
        log(`rep ${rep + 1}: triggered`);
        const t = await triggered(client, taskQueue, rep);
        results.triggered.push(t.perSecond);
        results.published.push(t.publishPerSecond);
        results.latencies.push(...t.latencies);
        log(`rep ${rep + 1}: launched`);
        results.launched.push((await launched(client, taskQueue, rep)).perSecond);
        log(`rep ${rep + 1}: ratio ${(results.triggered[rep] / results.launched[rep]).toFixed(2)}`);
      }
      log('schedule lateness');
      results.lateness = await scheduleLateness(client, taskQueue);
    });
  } finally {
    await server.stop();
  }
  const t = stats(results.triggered);
  const l = stats(results.launched);
  const f = (x: number): string => x.toFixed(1);
  const ms = (xs: number[], p: number): number => Math.round(percentile(xs, p) ?? NaN);
  const rows = [
    `| ${config.events} published events, half matching a trigger → processes started/s (vs the same ${config.events / 2} with \`Launcher.launch\`) | ${f(t.median)} (${f(t.min)}–${f(t.max)}) | ${f(l.median)} (${f(l.min)}–${f(l.max)}) | ${(t.median / l.median).toFixed(2)} | ≥ 0.8 |`,
    `| publishing those ${config.events} events (\`Events.trigger\`, 50 in flight), events/s | ${f(stats(results.published).median)} (${f(stats(results.published).min)}–${f(stats(results.published).max)}) | | | |`,
    `| publish → triggered process started, ms, p50 / p99 | ${ms(results.latencies, 50)} / ${ms(results.latencies, 99)} | | | |`,
    `| schedule start lateness, ms, p50 / p99 (every 1 s, ${results.lateness.length} starts) | ${ms(results.lateness, 50)} / ${ms(results.lateness, 99)} | | | < 1,000 |`,
  ];
  writeResults('triggers', smoke, results, rows);
}

runMain(main);
