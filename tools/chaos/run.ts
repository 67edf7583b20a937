// `npm run chaos`: the reliability suite. Real dev servers (`startDevServer`), `bureaucrat worker` child
// processes that are SIGKILLed, the library's Launcher and Events. Scenarios: a worker SIGKILL storm, a dev
// server restarted on its --db file with processes parked, the broadcast race at hundreds of processes,
// hostile participants and expressions. Prints a table per scenario and `N passed, M failed`; exits 1 on any
// failed check. `npm run chaos -- --smoke` runs small sizes (CI); `--only NAME[,NAME]` picks scenarios.
// Writes tools/chaos/results/latest.json (smoke.json). Not part of `npm test`: it takes minutes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevServer, type DevServer } from '../../src';
import { installQuietRuntime } from '../../src/internal';
import { fromRoot, machine, runMain } from '../../bench/lib/stats';
import { log, type Check, type ScenarioInput, type ScenarioResult } from './harness';
import { killStorm, type KillStormConfig } from './kill-storm';
import { serverRestart, type ServerRestartConfig } from './server-restart';
import { broadcastRace, type BroadcastRaceConfig } from './broadcast-race';
import { hostile, type HostileConfig } from './hostile';

const smoke = process.argv.includes('--smoke');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : undefined;

const config: {
  killStorm: KillStormConfig;
  serverRestart: ServerRestartConfig;
  broadcastRace: BroadcastRaceConfig;
  hostile: HostileConfig;
} = smoke
  ? {
      killStorm: { processes: 30, kills: 3, killEveryMs: [500, 1500], timeoutMs: 90_000 },
      serverRestart: {
        awaiting: 10,
        delayed: 10,
        shortDelay: 2,
        longDelay: 12,
        downMs: 3000,
        timeoutMs: 90_000,
      },
      broadcastRace: { processes: 40, timeoutMs: 90_000 },
      hostile: { copies: 1, timeoutMs: 90_000 },
    }
  : {
      killStorm: { processes: 300, kills: 10, killEveryMs: [1500, 4000], timeoutMs: 300_000 },
      serverRestart: {
        awaiting: 100,
        delayed: 100,
        shortDelay: 3,
        longDelay: 20,
        downMs: 5000,
        timeoutMs: 180_000,
      },
      broadcastRace: { processes: 400, timeoutMs: 180_000 },
      hostile: { copies: 5, timeoutMs: 180_000 },
    };

/** A scenario of the suite: its key in `config`, its title, and whether it shares the dev server. */
interface Scenario {
  key: keyof typeof config;
  title: string;
  run: (input: ScenarioInput<never>) => Promise<ScenarioResult>;
  server: 'shared' | 'own';
}

const allScenarios: Scenario[] = [
  { key: 'killStorm', title: 'worker SIGKILL storm', run: killStorm, server: 'shared' },
  { key: 'serverRestart', title: 'dev server restart on its --db file', run: serverRestart, server: 'own' },
  { key: 'broadcastRace', title: 'broadcast race', run: broadcastRace, server: 'shared' },
  { key: 'hostile', title: 'hostile participants and expressions', run: hostile, server: 'shared' },
];
const scenarios = allScenarios.filter((s) => !only || only.includes(s.key));

/** A Markdown table of one scenario's figures. */
function table(figures: Record<string, unknown>): string {
  const rows = Object.entries(figures).map(
    ([k, v]) => `| ${k} | ${typeof v === 'object' ? JSON.stringify(v) : String(v)} |`,
  );
  return ['| figure | value |', '| --- | ---: |', ...rows].join('\n');
}

async function main(): Promise<number> {
  installQuietRuntime('ERROR');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-chaos-'));
  log(`chaos${smoke ? ' (smoke)' : ''}: logs in ${dir}`);
  const started = performance.now();
  const report: {
    scenario: string;
    seconds: number;
    figures: Record<string, unknown>;
    checks: Check[];
    passed: number;
    failed: number;
  }[] = [];
  let shared: DevServer | undefined;
  try {
    for (const scenario of scenarios) {
      log(`== ${scenario.title}`);
      const t0 = performance.now();
      let result: ScenarioResult;
      try {
        if (scenario.server === 'shared' && !shared) shared = await startDevServer({ log });
        // The server-restart scenario starts its own servers and takes no `server`.
        const input = { server: shared as DevServer, dir, config: config[scenario.key] };
        result = await scenario.run(input as ScenarioInput<never>);
      } catch (caught) {
        const err = caught as Error;
        result = {
          checks: { list: [{ name: 'runs to its end', ok: false, detail: String(err.stack) }] },
          figures: {},
        };
        log(`  FAIL ${scenario.title}: ${err.stack}`);
      }
      const list = result.checks.list;
      report.push({
        scenario: scenario.title,
        seconds: Math.round((performance.now() - t0) / 1000),
        figures: result.figures,
        checks: list,
        passed: list.filter((c) => c.ok).length,
        failed: list.filter((c) => !c.ok).length,
      });
    }
  } finally {
    await shared?.stop();
  }
  const out: string[] = [];
  for (const r of report) {
    out.push(`### ${r.scenario} (${r.seconds} s)`, '', table(r.figures), '');
    for (const c of r.checks)
      out.push(`- ${c.ok ? 'passed' : 'FAILED'}: ${c.name}${c.ok ? '' : ` — ${c.detail}`}`);
    out.push('', `${r.passed} passed, ${r.failed} failed`, '');
  }
  const passed = report.reduce((a, r) => a + r.passed, 0);
  const failed = report.reduce((a, r) => a + r.failed, 0);
  out.push(
    `total ${Math.round((performance.now() - started) / 1000)} s`,
    `${passed} passed, ${failed} failed`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  const resultsDir = fromRoot('tools', 'chaos', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    path.join(resultsDir, smoke ? 'smoke.json' : 'latest.json'),
    `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), smoke, report }, null, 2)}\n`,
  );
  if (failed === 0) rmSync(dir, { recursive: true, force: true });
  else log(`logs kept in ${dir}`);
  return failed === 0 ? 0 : 1;
}

runMain(main);
