/**
 * Prometheus metrics end to end: a CLI worker (`bureaucrat worker --metrics`, a child process: the
 * Temporal runtime and its endpoint are per process) runs known processes, a real Prometheus (Debian's
 * `prometheus`; CI installs it, .ci/run) scrapes it every second, and PromQL over its HTTP API gives the
 * expected counts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Launcher } from '../../src/client/launcher';
import { ProcessCancelledError, ProcessFaultError } from '../../src/client/process-handle';
import { freePort } from '../../src/server/dev-server';
import { runCli, startCli, stopCli } from '../support/cli';
import { eventually, uniqueTaskQueue, useTestServer } from '../support/temporal';

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const havePrometheus = existsSync(PROMETHEUS);
if (!havePrometheus && process.env.CI) {
  // CI installs Prometheus (.ci/run): a missing one there is a failure, not a reason to skip.
  throw new Error(`no Prometheus at ${PROMETHEUS} in CI`);
}
if (!havePrometheus) {
  console.warn(`metrics tests skipped: no Prometheus at ${PROMETHEUS} (apt-get install prometheus)`);
}

const LIB = path.join(__dirname, '../../lib/src/index.js');

const participantsModule = `'use strict';
const { ParticipantFault } = require(${JSON.stringify(LIB)});
module.exports = {
  participants: {
    'metrics.work': async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { worked: true };
    },
    'metrics.fail': () => {
      throw new ParticipantFault('OutOfStock', 'no widgets left');
    },
  },
};
`;

const WORKS = `<process name="metrics-works">
  <action participant="metrics.work"/>
  <action participant="metrics.work"/>
</process>`;
const FAILS = `<process name="metrics-fails">
  <action participant="metrics.fail"/>
</process>`;
const HANGS = `<process name="metrics-hangs">
  <await event="metrics-never"/>
</process>`;
const WAITS = `<process name="metrics-waits">
  <await event="metrics-go"/>
</process>`;

interface PromVector {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

(havePrometheus ? describe : describe.skip)('Prometheus metrics of a worker', () => {
  const testServer = useTestServer();
  const taskQueue = uniqueTaskQueue('metrics');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-metrics-'));
  let worker: ChildProcess | undefined;
  let prometheus: ChildProcess | undefined;
  let prometheusOutput = '';
  let promUrl = '';
  let metricsAddress = '';
  let connection: string[] = [];

  beforeAll(async () => {
    const participants = path.join(dir, 'participants.js');
    writeFileSync(participants, participantsModule);
    metricsAddress = `127.0.0.1:${await freePort()}`;
    connection = [
      '--address',
      process.env.BUREAUCRAT_TEST_ADDRESS ?? '',
      '--namespace',
      testServer().namespace ?? 'default',
      '--task-queue',
      taskQueue,
    ];
    worker = await startCli(
      ['worker', '--participants', participants, '--metrics', metricsAddress, ...connection],
      /worker on .* task queue/,
    );
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    const config = path.join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: bureaucrat',
        '    static_configs:',
        `      - targets: ['${metricsAddress}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (d: Buffer) => (prometheusOutput += d.toString()));
    prometheus.stderr?.on('data', (d: Buffer) => (prometheusOutput += d.toString()));
  }, 90_000);

  afterAll(async () => {
    if (prometheus) await stopCli(prometheus);
    if (worker) await stopCli(worker);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The value of a PromQL expression (a single number: wrap it in `sum(...)`), 0 when it has none. */
  const query = async (expr: string): Promise<number> => {
    const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`).catch(
      () => undefined,
    );
    if (!response?.ok) return Number.NaN;
    const body = (await response.json()) as PromVector;
    const first = body.data.result[0];
    return first ? Number(first.value[1]) : 0;
  };

  /** Waits until Prometheus has scraped `expr` at `expected` (scrapes happen every second). */
  const expectQuery = async (expr: string, expected: number) => {
    const value = await eventually(
      () => query(expr),
      (v) => v === expected,
      30_000,
    ).catch(() => query(expr));
    expect({ expr, value }).toEqual({ expr, value: expected });
  };

  it('counts processes, faults, cancellations, actions and deliveries, and Prometheus scrapes them', async () => {
    const launcher = new Launcher(testServer().client, taskQueue);

    // A deployed definition: its metrics carry the version too.
    const deployedName = `metrics-deployed-${Date.now()}`;
    const file = path.join(dir, 'deployed.xml');
    writeFileSync(file, WORKS);
    const deploy = await runCli(['deploy', file, '--name', deployedName, ...connection]);
    expect(deploy).toMatchObject({ code: 0, stdout: `${deployedName}@1\n` });
    const deployed = await launcher.launch({ name: deployedName });

    const works = await Promise.all([1, 2, 3].map(() => launcher.launch(WORKS)));
    const fails = await Promise.all([1, 2].map(() => launcher.launch(FAILS)));
    const hangs = await launcher.launch(HANGS);
    const waits = await launcher.launch(WAITS);
    for (const p of [deployed, ...works]) await p.result();
    for (const p of fails) await expect(p.result()).rejects.toBeInstanceOf(ProcessFaultError);
    // Cancelled while it waits.
    await eventually(
      () => hangs.state(),
      (s) => s.children[0]?.state === 'active',
    );
    await hangs.cancel();
    await expect(hangs.result()).rejects.toBeInstanceOf(ProcessCancelledError);
    // The await has subscribed at its router before the event is published.
    await eventually(
      () => waits.state(),
      (s) => s.children[0]?.state === 'active',
    );
    // Kept for a minute: delivered even if the await subscribes after the publish.
    const published = await runCli(['event', '-e', 'metrics-go', '--ttl', '1m', ...connection]);
    expect(published.code).toBe(0);
    await waits.result();

    // The endpoint serves the SDK's metrics too (prefixed `temporal_`) and the engine's as named.
    const exposition = await (await fetch(`http://${metricsAddress}/metrics`)).text();
    expect(exposition).toMatch(/^temporal_workflow_task_schedule_to_start_latency_bucket\{/m);
    expect(exposition).toMatch(/^temporal_activity_schedule_to_start_latency_bucket\{/m);
    expect(exposition).toMatch(/^bureaucrat_processes_started_total\{/m);
    expect(exposition).toMatch(/^bureaucrat_action_duration_ms_bucket\{/m);
    expect(exposition).not.toMatch(/process_id|workflow_id|run_id|activity_id/);

    const q = (name: string, labels: string) => `sum(${name}{${labels},taskQueue="${taskQueue}"})`;
    await expectQuery(q('bureaucrat_processes_started_total', 'definition="metrics-works"'), 3);
    await expectQuery(q('bureaucrat_processes_completed_total', 'definition="metrics-works"'), 3);
    await expectQuery(q('bureaucrat_processes_started_total', `definition="${deployedName}",version="1"`), 1);
    await expectQuery(
      q('bureaucrat_processes_completed_total', `definition="${deployedName}",version="1"`),
      1,
    );
    await expectQuery(q('bureaucrat_processes_completed_total', 'definition="metrics-works",version!=""'), 0);
    await expectQuery(
      q('bureaucrat_processes_faulted_total', 'definition="metrics-fails",code="OutOfStock"'),
      2,
    );
    await expectQuery(q('bureaucrat_processes_started_total', 'definition="metrics-fails"'), 2);
    await expectQuery(q('bureaucrat_processes_cancelled_total', 'definition="metrics-hangs"'), 1);
    await expectQuery(q('bureaucrat_processes_completed_total', 'definition="metrics-waits"'), 1);
    await expectQuery(q('bureaucrat_action_duration_ms_count', 'participant="metrics.work",outcome="ok"'), 8); // 2 actions × 4 processes
    // A ParticipantFault is not retried: one failed attempt per process.
    await expectQuery(q('bureaucrat_action_failures_total', 'participant="metrics.fail",kind="fault"'), 2);
    await expectQuery(q('bureaucrat_events_delivered_total', 'event="metrics-go"'), 1);
    await expectQuery(q('bureaucrat_events_published_total', 'event="metrics-go"'), 1);
    // A quantile over the histogram's buckets (the dashboard takes it over a rate): ~20 ms actions.
    const p95 = await query(
      `histogram_quantile(0.95, sum by (le) (bureaucrat_action_duration_ms_bucket{participant="metrics.work",taskQueue="${taskQueue}"}))`,
    );
    expect(p95).toBeGreaterThanOrEqual(10);
    expect(p95).toBeLessThanOrEqual(1000);
    expect(prometheusOutput).not.toMatch(/level=error/);
  }, 120_000);

  it('counts trigger starts and dead letters, and the lateness of scheduled starts', async () => {
    const suffix = Date.now();
    const file = path.join(dir, 'counted.xml');
    writeFileSync(
      file,
      `<process name="metrics-counted">
  <context><property name="n" type="int">0</property></context>
  <action participant="metrics.work"/>
</process>`,
    );
    const event = `metrics-trigger-${suffix}`;
    const trigger = `metrics-trigger-${suffix}`;
    expect((await runCli(['trigger', 'add', event, file, '--name', trigger, ...connection])).code).toBe(0);
    // Fits the declared int: a process starts. Does not fit: dead-lettered at once.
    expect((await runCli(['event', '-e', event, '-d', '{"n": 1}', ...connection])).code).toBe(0);
    expect((await runCli(['event', '-e', event, '-d', '{"n": "many"}', ...connection])).code).toBe(0);

    const schedule = `metrics-schedule-${suffix}`;
    expect((await runCli(['schedule', 'add', schedule, file, '--every', '2s', ...connection])).code).toBe(0);
    try {
      const q = (name: string, labels: string) => `sum(${name}{${labels},taskQueue="${taskQueue}"})`;
      await expectQuery(q('bureaucrat_trigger_starts_total', `trigger="${trigger}"`), 1);
      await expectQuery(q('bureaucrat_trigger_dead_letters_total', `trigger="${trigger}"`), 1);
      const lateness = await eventually(
        () => query(q('bureaucrat_schedule_lateness_ms_count', `schedule="${schedule}"`)),
        (n) => n >= 1,
        30_000,
      );
      expect(lateness).toBeGreaterThanOrEqual(1);
      // A start on time: well under the alert's 60 s.
      const p95 = await query(
        `histogram_quantile(0.95, sum by (le) (bureaucrat_schedule_lateness_ms_bucket{schedule="${schedule}",taskQueue="${taskQueue}"}))`,
      );
      expect(p95).toBeLessThan(60_000);
    } finally {
      await runCli(['schedule', 'remove', schedule, ...connection]);
      await runCli(['trigger', 'remove', trigger, ...connection]);
    }
  }, 120_000);
});
