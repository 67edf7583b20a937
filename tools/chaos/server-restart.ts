// Scenario 2: the dev server is stopped and started again on its --db file (same port) while processes are
// parked in `await` (a broadcast) and in `delay`. The short delays' deadlines pass while the server is down,
// the long ones' after it is back. The event is triggered once the server is back, before any worker runs.
// Every process must complete with the right context, and no timer may fire before its deadline.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Events, Launcher, startDevServer, type ActionOptions } from '../../src';
import { freePort } from '../../bench/lib/stats';
import * as h from './harness';

/** The sizes of a run. */
export interface ServerRestartConfig {
  awaiting: number;
  delayed: number;
  /** Seconds of the delays whose deadline passes while the server is down. */
  shortDelay: number;
  /** Seconds of the delays whose deadline comes after it is back. */
  longDelay: number;
  downMs: number;
  timeoutMs: number;
}

/** A process to park: its id and definition. */
interface Spec {
  id: string;
  xml: string;
}

const awaiting = (event: string): string =>
  `<process name="parked-await"><await event="${event}"/><action participant="chaos.step"/></process>`;
const delayed = (seconds: number): string =>
  `<process name="parked-delay"><delay duration="${seconds}"/><action participant="chaos.step"/></process>`;

/**
 * An action running when the worker stops is retried once its attempt times out: 5 s here rather than the
 * default 5 minutes, so that the run does not wait for it.
 */
const actionOptions: ActionOptions = { startToCloseTimeout: '5s' };

export async function serverRestart({
  dir,
  config,
}: Omit<h.ScenarioInput<ServerRestartConfig>, 'server'>): Promise<h.ScenarioResult> {
  const checks = new h.Checks('server restart');
  const { awaiting: nAwait, delayed: nDelay, shortDelay, longDelay, downMs } = config;
  const port = await freePort();
  const dbFilename = path.join(dir, 'restart.db');
  const taskQueue = 'chaos-restart';
  const logFile = path.join(dir, 'server-restart-worker.log');
  const event = `chaos-restart-${Date.now()}`;
  const t0 = performance.now();
  let server = await startDevServer({ port, dbFilename, log: h.log });
  let worker: ChildProcess | undefined;
  try {
    worker = await h.startWorker({ server, taskQueue, logFile });
    const launcher = new Launcher(server.env.client, taskQueue);
    const park = async (group: readonly Spec[]): Promise<boolean[]> => {
      await h.pool(group, 50, (s) =>
        launcher.launch(s.xml, { trail: [] }, { processId: s.id, actionOptions }),
      );
      return h.pool(group, 20, (s) =>
        h.until(
          () => launcher.get(s.id).state(),
          // a short delay may already have fired on a loaded machine: it was parked
          (st) => st.state === 'completed' || ['active', 'completed'].includes(st.children[0].state),
          60_000,
        ),
      );
    };
    const spec = (kind: string, i: number, xml: string): Spec => ({
      id: `chaos-${kind}-${Date.now()}-${i}`,
      xml,
    });
    const long = [
      ...Array.from({ length: nAwait }, (_, i) => spec('await', i, awaiting(event))),
      ...Array.from({ length: nDelay - Math.floor(nDelay / 2) }, (_, i) =>
        spec('delay', i, delayed(longDelay)),
      ),
    ];
    // The short delays last, right before the stop, so that their deadlines pass while the server is down.
    const short = Array.from({ length: Math.floor(nDelay / 2) }, (_, i) =>
      spec('delay-short', i, delayed(shortDelay)),
    );
    const parked = [...(await park(long)), ...(await park(short))];
    const specs = [...long, ...short];
    checks.check(
      `${nAwait} processes parked in await and ${nDelay} in delay`,
      parked.every(Boolean),
      `${parked.filter((p) => !p).length} not active`,
    );
    h.log(`  parked; stopping the worker and the server for ${downMs / 1000} s`);
    await h.stopWorker(worker, 'SIGKILL');
    // Read once no worker runs: from here on nothing can complete until the restart.
    const statusBefore = await h.pool(
      specs,
      20,
      async (s) => (await server.env.client.workflow.getHandle(s.id).describe()).status.name as string,
    );
    await server.stop();
    await h.sleep(downMs);
    server = await startDevServer({ port, dbFilename, log: h.log });
    const restartedAt = Date.now();
    h.log(`  server back on port ${port}; triggering ${event} before a worker runs`);
    const client = server.env.client;
    const running = await h.pool(
      specs,
      20,
      async (s) => (await client.workflow.getHandle(s.id).describe()).status.name as string,
    );
    const changed = running.filter((s, i) => s !== statusBefore[i]);
    checks.check(
      `every process is as it was before the stop (${statusBefore.filter((s) => s === 'RUNNING').length} running)`,
      changed.length === 0,
      h.sample(changed),
    );
    await new Events(client, taskQueue).trigger(event, { k: 1 });
    worker = await h.startWorker({ server, taskQueue, logFile });
    const launcher2 = new Launcher(client, taskQueue);
    const results = await h.within(
      Promise.all(specs.map((s) => h.outcome(launcher2.get(s.id)))),
      config.timeoutMs,
    );
    if (!Array.isArray(results)) {
      checks.check('every process ends', false, results.error);
      return { checks, figures: {} };
    }
    const wrong = results
      .map((o, i) => ({ id: specs[i].id, o }))
      .filter(({ o }) => JSON.stringify(o.context) !== JSON.stringify({ trail: ['_1'] }));
    checks.check('every process completes with the right context', wrong.length === 0, h.sample(wrong));
    // Timers: fired at or after their deadline (started + duration), judged from the histories.
    let early = 0;
    let lateMax = 0;
    let firedAfterRestart = 0;
    const failures = await h.pool(specs, 20, async (s) => {
      const events = await h.historyEvents(client, s.id);
      const started = events.find((e) => e.timerStartedEventAttributes);
      const fired = events.find((e) => e.timerFiredEventAttributes);
      const timeout = started?.timerStartedEventAttributes?.startToFireTimeout;
      if (started && fired && timeout) {
        const deadline =
          h.eventTime(started) + Number(timeout.seconds ?? 0) * 1000 + Math.floor((timeout.nanos ?? 0) / 1e6);
        const late = h.eventTime(fired) - deadline;
        if (late < 0) early++;
        if (h.eventTime(fired) >= restartedAt) firedAfterRestart++;
        lateMax = Math.max(lateMax, late);
      } else if (s.id.startsWith('chaos-delay')) {
        early++; // a delay process without a fired timer: wrong
      }
      return h.workflowTaskFailures(events);
    });
    checks.check('no delay fired before its deadline', early === 0, `${early} timers fired early or never`);
    checks.noFailedWorkflowTasks(failures);
    return {
      checks,
      figures: {
        awaiting: nAwait,
        delayed: nDelay,
        delays: `${shortDelay} s (deadline while down) / ${longDelay} s`,
        serverDownSeconds: downMs / 1000,
        timersFiredAfterRestart: firedAfterRestart,
        latestTimerAfterDeadlineSeconds: Math.round(lateMax / 100) / 10,
        seconds: Math.round((performance.now() - t0) / 1000),
      },
    };
  } finally {
    if (worker) await h.stopWorker(worker, 'SIGKILL');
    await server.stop();
  }
}
