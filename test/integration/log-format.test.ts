/**
 * `bureaucrat worker --log-format json`, against the real dev server: the worker's log lines are JSON, one
 * object a line, and a participant's failure names the process, the action's id and the participant.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Launcher } from '../../src/client/launcher';
import { startCli, stopCli } from '../support/cli';
import { eventually, uniqueTaskQueue, useTestServer } from '../support/temporal';

const env = useTestServer();

/** Fails its first attempt (the SDK logs the failure at WARN), then succeeds. */
const participants = `'use strict';
let attempts = 0;
module.exports = {
  participants: {
    'shop.charge': async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('card reader offline');
      return { charged: true };
    },
  },
};
`;

test('the worker logs one JSON object a line, naming process, activity and participant', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-logs-'));
  const taskQueue = uniqueTaskQueue('logs');
  let worker: ChildProcess | undefined;
  try {
    writeFileSync(path.join(dir, 'participants.js'), participants);
    worker = await startCli(
      [
        'worker',
        '--participants',
        path.join(dir, 'participants.js'),
        '--log-format',
        'json',
        '--address',
        process.env.BUREAUCRAT_TEST_ADDRESS ?? '',
        '--namespace',
        env().namespace ?? 'default',
        '--task-queue',
        taskQueue,
      ],
      /worker on .* task queue/,
    );
    let stderr = '';
    worker.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const launcher = new Launcher(env().client, taskQueue);
    const order = await launcher.launch(
      '<process name="charge"><action participant="shop.charge"/></process>',
    );
    expect(await order.result()).toEqual({ charged: true });
    const failure = await eventually(
      async () =>
        stderr
          .split('\n')
          .filter((line) => line.trim().startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((entry) => entry.participant === 'shop.charge'),
      (entry) => entry !== undefined,
    );
    expect(failure).toMatchObject({
      level: 'WARN',
      processId: order.processId,
      activityId: `${order.processId}_0`,
      participant: 'shop.charge',
      error: expect.objectContaining({ message: 'card reader offline' }),
    });
    expect(typeof failure?.time).toBe('string');
    // Every line the worker logged is a JSON object.
    for (const line of stderr.split('\n').filter((l) => l.trim()))
      expect(() => JSON.parse(line)).not.toThrow();
  } finally {
    if (worker) await stopCli(worker);
    rmSync(dir, { recursive: true, force: true });
  }
});
