// Worker memory per process parked in an <await> (issue 4): parks N processes (default 1,000) on one
// worker and reports the worker process's RSS growth per process (after GC), then releases them with a
// loop of direct signals and reports how long until the last one completes.
// Run: npm run bench:await-memory   (nothing asserted; figures for the closing note)
'use strict';

const {
  startServer,
  createWorker,
  processStart,
  machine,
  log,
  PROCESS_WORKFLOW_TYPE,
} = require('./lib/harness');
const { STATE_QUERY, EVENT_SIGNAL } = require('../lib/src/protocol');

const xml = `<process name="parked">
  <context><property name="order" type="int">0</property></context>
  <action participant="noop"/>
  <await event="release"><condition>event["order"] == context["order"] or event["order"] == -1</condition></await>
  <action participant="noop"/>
</process>`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const rssMiB = () => {
  global.gc?.();
  return process.memoryUsage().rss / 2 ** 20;
};

async function main() {
  const n = Number(process.env.BENCH_PROCESSES ?? 1000);
  const server = await startServer();
  const client = server.env.client;
  const taskQueue = 'bench-await';
  try {
    const worker = await createWorker(server, taskQueue, ['noop'], { maxCachedWorkflows: n + 100 });
    return await worker.runUntil(async () => {
      // Warm up: one process through the same path, so code and caches are loaded before the baseline.
      const warm = await client.workflow.start(PROCESS_WORKFLOW_TYPE, processStart(taskQueue, 'warm', xml));
      await sleep(500);
      await warm.signal(EVENT_SIGNAL, { event: 'release', order: -1 });
      await warm.result();
      await sleep(500);
      const before = rssMiB();
      const ids = Array.from({ length: n }, (_, i) => `parked-${i}`);
      const t0 = performance.now();
      await inBatches(ids, 50, (id, i) =>
        client.workflow.start(
          PROCESS_WORKFLOW_TYPE,
          processStart(taskQueue, id, xml, { fields: { order: i } }),
        ),
      );
      await inBatches(ids, 50, async (id) => {
        for (;;) {
          const s = await client.workflow.getHandle(id).query(STATE_QUERY);
          if (s.children[1].state === 'active') return;
          await sleep(100);
        }
      });
      const parkedMs = performance.now() - t0;
      await sleep(1000);
      const after = rssMiB();
      const perProcessKiB = ((after - before) * 1024) / n;
      log(`parked ${n} processes in ${Math.round(parkedMs)} ms`);
      const t1 = performance.now();
      await inBatches(ids, 100, (id) =>
        client.workflow.getHandle(id).signal(EVENT_SIGNAL, { event: 'release', order: -1 }),
      );
      await inBatches(ids, 100, (id) => client.workflow.getHandle(id).result());
      const releaseMs = performance.now() - t1;
      console.log(`Await memory (${machine()})`);
      console.log(
        `| processes parked | RSS before (MiB) | RSS after (MiB) | growth per process (KiB) | direct signals → last completed (ms) |`,
      );
      console.log('|---:|---:|---:|---:|---:|');
      console.log(
        `| ${n} | ${before.toFixed(0)} | ${after.toFixed(0)} | ${perProcessKiB.toFixed(1)} | ${Math.round(releaseMs)} |`,
      );
      return { n, before, after, perProcessKiB, releaseMs };
    });
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
module.exports = { main };
