// Scenario 1: many processes of a 5-action sequence while the worker is SIGKILLed again and again and
// restarted. Every process must complete with its five actions applied once each, in order; calls beyond
// one per action are Temporal's at-least-once redeliveries, counted from the participants' call log.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Launcher, type ActionOptions } from '../../src';
import * as h from './harness';

/** The sizes of a run. */
export interface KillStormConfig {
  processes: number;
  kills: number;
  /** The pause between kills is drawn from this range (ms). */
  killEveryMs: [number, number];
  timeoutMs: number;
}

const DEFINITION = `<process name="kill-storm">
  <action participant="chaos.step"/><action participant="chaos.step"/><action participant="chaos.step"/>
  <action participant="chaos.step"/><action participant="chaos.step"/>
</process>`;
const EXPECTED_TRAIL = ['_0', '_1', '_2', '_3', '_4'];

/** Calls per action from the call log (from line `from` on): `start` lines, `end` lines, lines read. */
function callCounts(
  file: string,
  from = 0,
): { starts: Map<string, number>; ends: Map<string, number>; lines: number } {
  const starts = new Map<string, number>();
  const ends = new Map<string, number>();
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const line of lines.slice(from)) {
    const [kind, id] = line.split(' ');
    if (!id) continue;
    const map = kind === 'start' ? starts : ends;
    map.set(id, (map.get(id) ?? 0) + 1);
  }
  return { starts, ends, lines: lines.length - 1 };
}

export async function killStorm({
  server,
  dir,
  config,
}: h.ScenarioInput<KillStormConfig>): Promise<h.ScenarioResult> {
  const checks = new h.Checks('worker SIGKILL storm');
  const { processes, kills: maxKills, killEveryMs } = config;
  const taskQueue = 'chaos-kill-storm';
  const callsFile = path.join(dir, 'kill-storm-calls.log');
  writeFileSync(callsFile, '');
  const logFile = path.join(dir, 'kill-storm-worker.log');
  const env = { CHAOS_CALLS_FILE: callsFile, CHAOS_STEP_MS: '500' };
  const start = () => h.startWorker({ server, taskQueue, logFile, env });
  const t0 = performance.now();
  let worker = await start();
  const launcher = new Launcher(server.env.client, taskQueue);
  // Short attempts, so that an action whose worker died is retried within seconds (the default is 5 min).
  const actionOptions: ActionOptions = {
    startToCloseTimeout: '4s',
    retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '2s', maximumAttempts: 30 },
  };
  const handles = await h.pool(Array.from({ length: processes }), 50, (_, i) =>
    launcher.launch(
      DEFINITION,
      { i, trail: [] },
      { processId: `chaos-kill-${Date.now()}-${i}`, actionOptions },
    ),
  );
  h.log(`  ${processes} processes launched`);
  let finished = 0;
  const outcomes = Promise.all(
    handles.map((handle) =>
      h.outcome(handle).then((o) => {
        finished++;
        return o;
      }),
    ),
  );
  let kills = 0;
  let sinceLine = 0;
  let killedMidAction = 0;
  while (kills < maxKills && finished < processes) {
    await h.sleep(killEveryMs[0] + Math.random() * (killEveryMs[1] - killEveryMs[0]));
    // Kill while actions run (a fresh worker takes a moment to pick work up): wait for one in flight.
    let inFlight = 0;
    await h.until(
      async () => {
        // Only the current worker's calls: those cut short by an earlier kill never end.
        const { starts, ends } = callCounts(callsFile, sinceLine);
        inFlight = [...starts].filter(([id, n]) => n > (ends.get(id) ?? 0)).length;
        return inFlight;
      },
      (n) => n > 0 || finished >= processes,
      60_000,
      50,
    );
    if (finished >= processes) break;
    await h.stopWorker(worker, 'SIGKILL');
    sinceLine = callCounts(callsFile).lines;
    kills++;
    if (inFlight > 0) killedMidAction++;
    h.log(`  kill ${kills}: ${finished}/${processes} done, ${inFlight} actions in flight`);
    worker = await start();
  }
  const results = await h.within(outcomes, config.timeoutMs);
  const seconds = (performance.now() - t0) / 1000;
  await h.stopWorker(worker, 'SIGKILL');

  if (!Array.isArray(results)) {
    checks.check(`all ${processes} processes end`, false, results.error);
    return { checks, figures: { processes, kills, seconds } };
  }
  const wrong = results
    .map((o, i) => ({ i, o }))
    .filter(({ i, o }) => JSON.stringify(o.context) !== JSON.stringify({ i, trail: EXPECTED_TRAIL }));
  checks.check(
    `all ${processes} processes complete with their 5 actions applied once each, in order`,
    wrong.length === 0,
    h.sample(wrong),
  );
  checks.check(
    `the worker was SIGKILLed ${kills} times, always with actions in flight`,
    kills >= 1 && killedMidAction === kills,
    `${killedMidAction} of ${kills} kills hit actions in flight`,
  );

  const { starts, ends } = callCounts(callsFile);
  const actions = processes * EXPECTED_TRAIL.length;
  const calls = [...starts.values()].reduce((a, b) => a + b, 0);
  const completedCalls = [...ends.values()].reduce((a, b) => a + b, 0);
  const missing = handles.flatMap((hd) =>
    EXPECTED_TRAIL.filter((s) => !ends.has(`${hd.processId}${s}`)).map((s) => `${hd.processId}${s}`),
  );
  checks.check('every action ran to its end at least once', missing.length === 0, h.sample(missing));
  const failures = await h.pool(handles, 20, async (hd) =>
    h.workflowTaskFailures(await h.historyEvents(server.env.client, hd.processId)),
  );
  checks.noFailedWorkflowTasks(failures);
  return {
    checks,
    figures: {
      processes,
      actions,
      kills,
      calls,
      // Calls beyond one per action: attempts cut short by a kill, and attempts that had finished but whose
      // completion died with the worker (both are redelivered: at-least-once).
      duplicateCalls: calls - actions,
      duplicateCompletedCalls: completedCalls - actions,
      seconds: Math.round(seconds),
    },
  };
}
