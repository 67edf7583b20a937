// Worker start-up (issue 10): the time from calling createWorker to the worker polling its task queue,
// with the prebuilt workflow bundle against bundling the workflows with webpack at start (what every
// worker did before). Each measurement runs in a fresh Node process (module caches cold, as on a real
// start), alternating the two modes. Standalone: `npm run bench:startup`; `npm run bench` includes it.
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');
const { stats, log } = require('./lib/harness');

/** One start in a fresh process; resolves with `{ startup, process }` milliseconds as it reported them. */
function startOnce(server, mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(__dirname, 'lib/startup-probe.js'), server.address, server.namespace, mode],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const startup = Number(/^startup-ms (\S+)/m.exec(out)?.[1]);
      const whole = Number(/^process-ms (\S+)/m.exec(out)?.[1]);
      if (code === 0 && Number.isFinite(startup)) resolve({ startup, process: whole });
      else reject(new Error(`start-up probe (${mode}) exited ${code}: ${out}`));
    });
  });
}

/**
 * `reps` interleaved starts per mode. `prebuilt`/`bundling`: createWorker → polling, ms; `…Process`: the
 * same moment counted from the Node process's start (loading the SDK's modules included).
 */
async function workerStartup(server, reps) {
  const ms = { prebuilt: [], bundling: [] };
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? ['prebuilt', 'bundling'] : ['bundling', 'prebuilt'];
    for (const mode of order) ms[mode].push(await startOnce(server, mode));
  }
  const of = (mode, key) => stats(ms[mode].map((m) => m[key]));
  return {
    reps,
    prebuilt: of('prebuilt', 'startup'),
    bundling: of('bundling', 'startup'),
    prebuiltProcess: of('prebuilt', 'process'),
    bundlingProcess: of('bundling', 'process'),
  };
}

module.exports = { workerStartup };

if (require.main === module) {
  const { startServer } = require('./lib/harness');
  (async () => {
    const server = await startServer();
    try {
      const r = await workerStartup(server, Number(process.argv[2] ?? 5));
      const f = (s) => `${s.median.toFixed(0)} ms (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
      log(`worker start-up, createWorker → polling, ${r.reps} starts each:`);
      log(`  prebuilt bundle: ${f(r.prebuilt)}; from process start ${f(r.prebuiltProcess)}`);
      log(`  bundling at start: ${f(r.bundling)}; from process start ${f(r.bundlingProcess)}`);
    } finally {
      await server.stop();
    }
    process.exit(0);
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
