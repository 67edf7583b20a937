// `npm run bench:deployed`: deployed definitions and migration on one dev server and worker. Rows: a
// deploy of a new version (ms, p50 / p99, over the versions of one name); finding the latest version of a
// name with 1,000 versions (a fresh client, then one that has seen it); reading a 5 MB definition (first
// read, then cached); launches by name against launches of the same XML text (processes started/s, 50 in
// flight); migrating parked processes to another version (processes/s). Writes
// bench/results/deployed.json. Nothing is asserted: the machine is shared and noisy. `--smoke` runs tiny
// sizes.
import { randomBytes } from 'node:crypto';
import { Definitions, Launcher } from '../src';
import { eventActivities } from '../src/internal';
import { createWorker, startServer, writeResults } from './lib/harness';
import { log, machine, percentile, pool, runMain, stats } from './lib/stats';

const smoke = process.argv.includes('--smoke');
const config = smoke
  ? { versions: 30, launches: 40, parked: 40 }
  : { versions: 1000, launches: 500, parked: 1000 };

const definition = (name: string, step: number) =>
  `<process name="${name}"><context><property name="n" type="int">${step}</property></context><assign property="x">1</assign></process>`;
const parked = (name: string, extra = '') =>
  `<process name="${name}"><context><property name="n" type="int">0</property></context><delay duration="3600"/>${extra}</process>`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

async function main(): Promise<void> {
  const server = await startServer();
  const client = server.env.client;
  const taskQueue = 'bench-deployed';
  const worker = await createWorker(server, taskQueue, ['noop'], { activities: eventActivities(client) });
  const results = {
    machine: machine(),
    config,
    deployMs: [] as number[],
    latestColdMs: 0,
    latestWarmMs: [] as number[],
    bigReadColdMs: 0,
    bigReadWarmMs: 0,
    bigDeployMs: 0,
    byName: 0,
    byXml: 0,
    migratedPerSecond: 0,
  };
  try {
    await worker.runUntil(async () => {
      const definitions = new Definitions(client, taskQueue);
      const name = `bench-${Date.now()}`;
      log(`deploying ${config.versions} versions`);
      for (let v = 1; v <= config.versions; v++) {
        results.deployMs.push((await timed(() => definitions.deploy(definition(name, v))))[1]);
      }
      results.latestColdMs = (await timed(() => new Definitions(client).latest(name)))[1];
      for (let i = 0; i < 20; i++) {
        results.latestWarmMs.push((await timed(() => definitions.latest(name)))[1]);
      }

      log('a 5 MB definition');
      const big = `big-${Date.now()}`;
      const filler = `<!-- ${randomBytes(1_800_000).toString('base64')} -->\n<!-- ${randomBytes(1_800_000).toString('base64')} -->`;
      const bigXml = `<process name="${big}">${filler}<assign property="a">1</assign></process>`;
      results.bigDeployMs = (await timed(() => definitions.deploy(bigXml)))[1];
      results.bigReadColdMs = (await timed(() => new Definitions(client).get(big)))[1];
      results.bigReadWarmMs = (await timed(() => new Definitions(client).get(big)))[1];

      log(`${config.launches} launches by name, then as XML text`);
      const launcher = new Launcher(client, taskQueue);
      const xml = definition(name, config.versions);
      const ids = Array.from({ length: config.launches }, (_, i) => i);
      let t0 = performance.now();
      await pool(ids, 50, (i) => launcher.launch({ name }, {}, { processId: `${name}-name-${i}` }));
      results.byName = config.launches / ((performance.now() - t0) / 1000);
      t0 = performance.now();
      await pool(ids, 50, (i) => launcher.launch(xml, {}, { processId: `${name}-xml-${i}` }));
      results.byXml = config.launches / ((performance.now() - t0) / 1000);

      log(`migrating ${config.parked} parked processes`);
      const waiting = `parked-${Date.now()}`;
      await definitions.deploy(parked(waiting));
      const handles = await pool(
        Array.from({ length: config.parked }, (_, i) => i),
        50,
        (i) => launcher.launch({ name: waiting }, {}, { processId: `${waiting}-${i}` }),
      );
      await definitions.deploy(parked(waiting, '<assign property="n">1</assign>'));
      const query = `WorkflowType = 'bureaucratProcess' AND ExecutionStatus = 'Running' AND BureaucratDefinition = '${waiting}@1'`;
      while ((await client.workflow.count(query)).count < config.parked)
        await new Promise((r) => setTimeout(r, 200));
      t0 = performance.now();
      const outcomes = await launcher.migrate(
        { definition: `${waiting}@1` },
        { to: `${waiting}@2`, concurrency: 32 },
      );
      results.migratedPerSecond =
        outcomes.filter((o) => o.outcome === 'moved').length / ((performance.now() - t0) / 1000);
      log(`  ${outcomes.filter((o) => o.outcome === 'moved').length} moved`);
      await pool(handles, 50, (h) => h.cancel());
    });
  } finally {
    await server.stop();
  }
  const d = stats(results.deployMs);
  const f = (x: number): string => x.toFixed(1);
  const rows = [
    `| deploy a new version, ms, p50 / p99 (${config.versions} versions of one name) | ${f(d.median)} / ${f(percentile(results.deployMs, 99) ?? NaN)} |`,
    `| latest version of a name with ${config.versions} versions, ms: a fresh client / one that has seen it (median) | ${f(results.latestColdMs)} / ${f(stats(results.latestWarmMs).median)} |`,
    `| a 5 MB definition (random, 4 chunks): deploy / first read / cached read, ms | ${f(results.bigDeployMs)} / ${f(results.bigReadColdMs)} / ${f(results.bigReadWarmMs)} |`,
    `| launches/s by name vs as XML text (${config.launches}, 50 in flight) | ${f(results.byName)} vs ${f(results.byXml)} (${(results.byName / results.byXml).toFixed(2)}×) |`,
    `| parked processes migrated to another version, processes/s (${config.parked}, 32 at a time) | ${f(results.migratedPerSecond)} |`,
  ];
  writeResults('deployed', smoke, results, rows);
}

runMain(main);
