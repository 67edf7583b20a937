// `npm run bench:api`: the HTTP API against the TypeScript client it wraps, side by side in one run on one
// dev server and one worker (no-op participants). Side A goes over HTTP (`POST /v1/processes`,
// `POST /v1/events`) with Node's `fetch` (undici, connections kept alive), side B calls `Launcher.launch`
// and `Events.trigger` directly; both 50 in flight, interleaved A, B, A, B for each repetition, each side
// with process ids and event names of its own. Rows: launches of a one-action definition accepted per
// second (201 / resolved: the starts only, the worker runs the processes afterwards); events published
// per second (202 / resolved), spread round-robin over 8 event names per side and repetition (each name
// has a router workflow of its own: a handful of names, as in real use, and no router piling up over
// the run); p50 / p99 latency of a request on each side; the API / direct throughput ratio per
// repetition and its median (the target: ≥ 0.8); how many events went to one router signal on
// each side (the client batches the triggers on a name). The JSON also says how busy the main thread was:
// the HTTP client, the API server, the Temporal client and the activities all run on it. Before each
// measurement the machine settles: every launched process has completed and this process (client, API,
// worker) is near idle. A warm-up of both sides goes first, uncounted. Writes bench/results/api.json.
// The API runs as `bureaucrat api` in a process of its own unless `--in-process`.
// Nothing is asserted: the machine is shared and noisy. `--smoke` runs tiny sizes; `--reps N` sets the
// repetitions (3 by default); `--launches N` and `--events N` the sizes (1,000 and 2,000 by default).
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Events, Launcher, participantActivities, startApi } from '../src';
import { eventActivities, eventRouterId } from '../src/internal';
import { startServer, createWorker, settle, writeResults } from './lib/harness';
import { freePort, log, machine, median, percentile, pool, runMain } from './lib/stats';

const smoke = process.argv.includes('--smoke');
/** The number after `--name` (or in `--name=N`), else `fallback`. */
function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i > 0) return Number(process.argv[i + 1]);
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? Number(eq.slice(name.length + 3)) : fallback;
}
const config = {
  reps: numberArg('reps', smoke ? 1 : 3),
  launches: numberArg('launches', smoke ? 20 : 1000),
  events: numberArg('events', smoke ? 40 : 2000),
  eventNames: smoke ? 2 : 8,
  inFlight: 50,
  warmup: smoke ? 10 : 100,
  api: process.argv.includes('--in-process')
    ? 'in the bench process'
    : 'bureaucrat api, a process of its own',
};
/**
 * Where the API runs: by default in a process of its own, `bureaucrat api` as it is deployed (its own
 * thread, its own Temporal connection); `--in-process` runs it in the bench's process, beside the HTTP
 * client, the direct side and the worker, all on one thread.
 */
const inProcess = process.argv.includes('--in-process');
const DEFINITION = '<process name="bench-api"><action participant="noop"/></process>';

/** `bureaucrat api` in a child process on a free port; resolves once it prints its address. */
async function apiProcess(
  address: string,
  namespace: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const cli = path.join(__dirname, '..', 'src', 'cli', 'main.js');
  const port = await freePort();
  const args = [cli, 'api', '--port', String(port), '--address', address, '--namespace', namespace];
  const child = spawn(process.execPath, [...args, '--task-queue', TASK_QUEUE], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^API: /m.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`bureaucrat api exited with ${code}: ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
const TASK_QUEUE = 'bench-api';

type SideName = 'api' | 'direct';

/** What one side can do: launch a process, publish an event. */
interface Side {
  launch(processId: string): Promise<unknown>;
  publish(event: string, n: number): Promise<unknown>;
}

/** One measurement: its rate, time, latencies and how busy this process was. */
interface Measurement {
  perSecond: number;
  ms: number;
  p50?: number;
  p99?: number;
  mainThreadBusy: number;
  cores: number;
  latencies: number[];
  /** Events runs: the signals their routers received. */
  routerSignals?: number;
}

/** POSTs `body` as JSON to `url`; throws unless the answer has status `expected`. */
async function post(url: string, body: unknown, expected: number): Promise<void> {
  const res = await globalThis.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text(); // read to the end, so that the connection goes back to the pool
  if (res.status !== expected) throw new Error(`POST ${url}: ${res.status} ${text}`);
}

/** The two sides of each measurement: `api` over HTTP, `direct` through the client. */
function sides(url: string, client: Client): Record<SideName, Side> {
  const launcher = new Launcher(client, TASK_QUEUE);
  const events = new Events(client, TASK_QUEUE);
  return {
    api: {
      launch: (processId) => post(`${url}/v1/processes`, { definition: DEFINITION, processId }, 201),
      publish: (event, n) => post(`${url}/v1/events`, { event, n }, 202),
    },
    direct: {
      launch: (processId) => launcher.launch(DEFINITION, {}, { processId }),
      publish: (event, n) => events.trigger(event, { n }),
    },
  };
}

/** Runs `fn` over `items`, `config.inFlight` at once: requests per second and each request's latency (ms). */
async function measure<T>(
  items: readonly T[],
  fn: (item: T, i: number) => Promise<unknown>,
): Promise<Measurement> {
  const latencies: number[] = [];
  const loop = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await pool(items, config.inFlight, async (item, i) => {
    const start = performance.now();
    await fn(item, i);
    latencies.push(performance.now() - start);
  });
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return {
    perSecond: items.length / (ms / 1000),
    ms: Math.round(ms),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    // How busy the main thread (client, API server, activities) was, and the cores this process used.
    mainThreadBusy: performance.eventLoopUtilization(loop).utilization,
    cores: (used.user + used.system) / 1000 / ms,
    latencies,
  };
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** `config.launches` launches on `side`, each a process id of its own. */
function launches(side: Side, prefix: string): Promise<Measurement> {
  return measure(
    range(config.launches).map((i) => `${prefix}-${i}`),
    (id) => side.launch(id),
  );
}

/** `config.events` events on `side`, spread round-robin over `config.eventNames` names starting `prefix`. */
function events(side: Side, prefix: string): Promise<Measurement> {
  return measure(
    range(config.events).map((i) => `${prefix}-${i % config.eventNames}`),
    (name, i) => side.publish(name, i),
  );
}

/**
 * How many signals the routers of the event names starting `prefix` received, every run of each: the
 * client sends the triggers published on a name while a signal to its router is in flight together, as
 * one signal, so fewer signals for the same events means larger batches.
 */
async function routerSignals(client: Client, prefix: string): Promise<number> {
  let signals = 0;
  for (let k = 0; k < config.eventNames; k++) {
    const id = eventRouterId(`${prefix}-${k}`);
    for await (const run of client.workflow.list({ query: `WorkflowId = '${id}'` })) {
      const history = await client.workflow.getHandle(id, run.runId).fetchHistory();
      signals += (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    }
  }
  return signals;
}

/** Per side, per repetition `{ perSecond, ms, p50, p99 }`; the ratios; pooled latencies. */
function summary(runs: Record<SideName, Measurement[]>) {
  const strip = ({ latencies: _, ...rest }: Measurement): Omit<Measurement, 'latencies'> => rest;
  const ratios = runs.api.map((a, i) => a.perSecond / runs.direct[i].perSecond);
  const pooled = (side: SideName): number[] => runs[side].flatMap((r) => r.latencies);
  return {
    api: runs.api.map(strip),
    direct: runs.direct.map(strip),
    ratios,
    medianRatio: median(ratios),
    latency: {
      api: { p50: percentile(pooled('api'), 50), p99: percentile(pooled('api'), 99) },
      direct: { p50: percentile(pooled('direct'), 50), p99: percentile(pooled('direct'), 99) },
    },
  };
}

type Summary = ReturnType<typeof summary>;

async function main(): Promise<void> {
  const server = await startServer();
  const client = server.env.client;
  const results: { machine: string; config: typeof config; launches?: Summary; events?: Summary } = {
    machine: machine(),
    config,
  };
  try {
    const worker = await createWorker(server, TASK_QUEUE, ['noop'], {
      activities: { ...participantActivities({ noop: () => ({}) }), ...eventActivities(client) },
    });
    await worker.runUntil(async () => {
      const api = inProcess
        ? await startApi({
            client,
            namespace: server.namespace,
            taskQueue: TASK_QUEUE,
            port: 0,
            temporalAddress: server.address,
            console: false,
          })
        : await apiProcess(server.address, server.namespace);
      try {
        const run = Date.now();
        const side = sides(api.url, client);
        log(`API at ${api.url}; warm-up (${config.warmup} launches and events per side)`);
        for (const name of ['api', 'direct'] as const) {
          await pool(range(config.warmup), config.inFlight, (i) =>
            side[name].launch(`warm-${name}-${run}-${i}`),
          );
          await pool(range(config.warmup), config.inFlight, (i) =>
            side[name].publish(`warm-${name}-${run}-${i % config.eventNames}`, i),
          );
        }
        await settle(client);
        const launched: Record<SideName, Measurement[]> = { api: [], direct: [] };
        const published: Record<SideName, Measurement[]> = { api: [], direct: [] };
        for (let rep = 0; rep < config.reps; rep++) {
          for (const name of ['api', 'direct'] as const) {
            const r = await launches(side[name], `${name}-${run}-${rep}`);
            launched[name].push(r);
            log(
              `rep ${rep + 1} launches ${name}: ${r.perSecond.toFixed(1)}/s (${r.ms} ms), p50 ${f(r.p50)} ms, p99 ${f(r.p99)} ms, main thread ${pct(r.mainThreadBusy)} busy, ${r.cores.toFixed(2)} cores; settled in ${await settle(client)} ms`,
            );
          }
          for (const name of ['api', 'direct'] as const) {
            const prefix = `bench-api-${name}-${run}-${rep}`;
            const r = await events(side[name], prefix);
            const settled = await settle(client);
            const signals = (r.routerSignals = await routerSignals(client, prefix));
            published[name].push(r);
            log(
              `rep ${rep + 1} events ${name}: ${r.perSecond.toFixed(1)}/s (${r.ms} ms), p50 ${f(r.p50)} ms, p99 ${f(r.p99)} ms, main thread ${pct(r.mainThreadBusy)} busy, ${r.cores.toFixed(2)} cores, ${(config.events / signals).toFixed(1)} events per router signal; settled in ${settled} ms`,
            );
          }
        }
        results.launches = summary(launched);
        results.events = summary(published);
      } finally {
        await api.close();
      }
    });
  } finally {
    await server.stop();
  }
  const { launches: launchSummary, events: eventSummary } = results;
  if (!launchSummary || !eventSummary) throw new Error('the measurements did not finish');
  const perRep = (s: Summary): string =>
    s.api.map((a, i) => `${f(a.perSecond)} / ${f(s.direct[i].perSecond)}`).join(', ');
  const row = (label: string, s: Summary): string => {
    const a = median(s.api.map((r) => r.perSecond));
    const d = median(s.direct.map((r) => r.perSecond));
    const ratios = s.ratios.map((r) => r.toFixed(2)).join(', ');
    return `| ${label} (API / direct per rep: ${perRep(s)}; ratios ${ratios}) | ${f(a)} | ${f(d)} | ${s.medianRatio.toFixed(2)} | ≥ 0.8 |`;
  };
  const latency = (label: string, s: Summary): string =>
    `| ${label}, ms, p50 / p99 | ${f(s.latency.api.p50)} / ${f(s.latency.api.p99)} | ${f(s.latency.direct.p50)} / ${f(s.latency.direct.p99)} | | |`;
  const perSignal = (side: SideName): string =>
    f(median(eventSummary[side].map((r) => config.events / (r.routerSignals ?? NaN))));
  const rows = [
    '| HTTP API vs TypeScript client | API | direct | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    row(`${config.launches} launches accepted/s, ${config.inFlight} in flight`, launchSummary),
    latency('launch request', launchSummary),
    row(
      `${config.events} events accepted/s over ${config.eventNames} names, ${config.inFlight} in flight`,
      eventSummary,
    ),
    latency('event request', eventSummary),
    `| events per router signal (the triggers published on a name while a signal to its router is in flight go as one) | ${perSignal('api')} | ${perSignal('direct')} | | |`,
  ];
  writeResults('api', smoke, results, rows);
}

/** A number with one decimal (`NaN` for a figure that is missing, e.g. the percentile of no latencies). */
function f(x: number | undefined): string {
  return (x ?? NaN).toFixed(1);
}

runMain(main);
