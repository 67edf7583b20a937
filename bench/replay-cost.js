// Replay cost per interpreted step (issue 4): records a 1,000-step and a 10,000-step history of the same
// loop (each iteration: one <action> and one <assign>), then replays each with Worker.runReplayHistory and
// reports µs per step. Linear growth means the 10,000-step figure stays within 2× the 1,000-step one.
// Run: npm run bench:replay   (nothing asserted; figures for the closing note)
'use strict';

const { Worker } = require('@temporalio/worker');
const {
  startServer,
  createWorker,
  processStart,
  stats,
  machine,
  log,
  PROCESS_WORKFLOW_TYPE,
} = require('./lib/harness');

const loop = (iterations) => `<process>
  <context><property name="n" type="int">0</property></context>
  <while><condition>context["n"] &lt; ${iterations}</condition>
    <action participant="noop"/>
    <assign property="n">context["n"] + 1</assign>
  </while>
</process>`;

async function main() {
  const reps = Number(process.env.BENCH_REPS ?? 5);
  const sizes = (process.env.BENCH_STEPS ?? '1000,10000').split(',').map(Number);
  const server = await startServer();
  const taskQueue = 'bench-replay';
  const histories = {};
  try {
    const worker = await createWorker(server, taskQueue, ['noop'], {
      maxConcurrentActivityTaskExecutions: 50,
    });
    await worker.runUntil(async () => {
      for (const steps of sizes) {
        const started = performance.now();
        const workflowId = `replay-${steps}`;
        const handle = await server.env.client.workflow.start(
          PROCESS_WORKFLOW_TYPE,
          // No continue-as-new: the whole loop must be one history (10,000 steps ≈ 30,000 events).
          processStart(taskQueue, workflowId, loop(steps / 2), { continueAsNewAfterEvents: 50_000 }),
        );
        await handle.result();
        histories[steps] = { workflowId, history: await handle.fetchHistory() };
        log(
          `recorded ${steps} steps: ${histories[steps].history.events.length} events in ${Math.round(performance.now() - started)} ms`,
        );
      }
    });
  } finally {
    await server.stop();
  }
  const bundle = await require('@temporalio/worker').bundleWorkflowCode({
    workflowsPath: require.resolve('../lib/workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: log },
  });
  const rows = [];
  for (const steps of sizes) {
    const { workflowId, history } = histories[steps];
    const times = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId);
      times.push(((performance.now() - t) * 1000) / steps);
    }
    const s = stats(times);
    rows.push({ steps, events: history.events.length, usPerStep: s });
  }
  console.log(`Replay cost (${machine()}; ${reps} repetitions; median [min–max])`);
  console.log('| steps | events | µs per step |');
  console.log('|---:|---:|---:|');
  for (const r of rows) {
    const s = r.usPerStep;
    console.log(
      `| ${r.steps} | ${r.events} | ${s.median.toFixed(1)} [${s.min.toFixed(1)}–${s.max.toFixed(1)}] |`,
    );
  }
  if (rows.length === 2)
    console.log(
      `ratio ${rows[1].steps}/${rows[0].steps} per step: ${(rows[1].usPerStep.median / rows[0].usPerStep.median).toFixed(2)}`,
    );
  return rows;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
module.exports = { main };
