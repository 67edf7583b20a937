// Worker start-up (issue 10): the time from calling createWorker to the worker polling its task queue,
// with the prebuilt workflow bundle against bundling the workflows with webpack at start (what every
// worker did before). Each measurement runs in a fresh Node process (module caches cold, as on a real
// start), alternating the two modes. Standalone: `npm run bench:startup`; `npm run bench` includes it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { DevServer } from '../src';
import { startServer } from './lib/harness';
import { log, runMain, stats, type Stats } from './lib/stats';

type Mode = 'prebuilt' | 'bundling';

/** One start in a fresh process; resolves with `{ startup, process }` milliseconds as it reported them. */
function startOnce(server: DevServer, mode: Mode): Promise<{ startup: number; process: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(__dirname, 'lib/startup-probe.js'), server.address, server.namespace, mode],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const startup = Number(/^startup-ms (\S+)/m.exec(out)?.[1]);
      const whole = Number(/^process-ms (\S+)/m.exec(out)?.[1]);
      if (code === 0 && Number.isFinite(startup)) resolve({ startup, process: whole });
      else reject(new Error(`start-up probe (${mode}) exited ${code}: ${out}`));
    });
  });
}

/** What {@link workerStartup} measured. */
export interface StartupResults {
  reps: number;
  prebuilt: Stats;
  bundling: Stats;
  prebuiltProcess: Stats;
  bundlingProcess: Stats;
}

/**
 * `reps` interleaved starts per mode. `prebuilt`/`bundling`: createWorker → polling, ms; `…Process`: the
 * same moment counted from the Node process's start (loading the SDK's modules included).
 */
export async function workerStartup(server: DevServer, reps: number): Promise<StartupResults> {
  const ms: Record<Mode, { startup: number; process: number }[]> = { prebuilt: [], bundling: [] };
  for (let rep = 0; rep < reps; rep++) {
    const order: Mode[] = rep % 2 === 0 ? ['prebuilt', 'bundling'] : ['bundling', 'prebuilt'];
    for (const mode of order) ms[mode].push(await startOnce(server, mode));
  }
  const of = (mode: Mode, key: 'startup' | 'process'): Stats => stats(ms[mode].map((m) => m[key]));
  return {
    reps,
    prebuilt: of('prebuilt', 'startup'),
    bundling: of('bundling', 'startup'),
    prebuiltProcess: of('prebuilt', 'process'),
    bundlingProcess: of('bundling', 'process'),
  };
}

if (require.main === module) {
  runMain(async () => {
    const server = await startServer();
    try {
      const r = await workerStartup(server, Number(process.argv[2] ?? 5));
      const f = (s: Stats): string => `${s.median.toFixed(0)} ms (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
      log(`worker start-up, createWorker → polling, ${r.reps} starts each:`);
      log(`  prebuilt bundle: ${f(r.prebuilt)}; from process start ${f(r.prebuiltProcess)}`);
      log(`  bundling at start: ${f(r.bundling)}; from process start ${f(r.bundlingProcess)}`);
    } finally {
      await server.stop();
    }
  });
}
