import path from 'node:path';
import { ACTIVITY_KINDS, forEachDescendant, parseDefinition } from '../../src/definition';
import { readHistories, ReplayError, replayHistories } from '../../src/testing/replay';
import { installQuietRuntime } from '../../src/server/quiet-runtime';
import { CANCELLED_ACTION_PATCH } from '../../workflows/kinds/action';
import { HALT_REPLY_PATCH } from '../../workflows/operations';
import { testWorkflowBundle } from '../support/temporal';

const directory = path.join(__dirname, '../histories');
installQuietRuntime('ERROR'); // the tampered history's expected failure would log a warning

interface JsonEvent {
  eventType: string;
  workflowExecutionStartedEventAttributes?: {
    workflowType: { name: string };
    input: { payloads: { data: string }[] };
  };
  activityTaskScheduledEventAttributes?: { activityType: { name: string } };
  workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest: { input: { name: string } } };
  markerRecordedEventAttributes?: { details?: Record<string, { payloads: { data: string }[] }> };
  workflowTaskFailedEventAttributes?: { cause?: string };
}

const events = (history: unknown) => (history as { events: JsonEvent[] }).events;

describe('committed histories replay against the current interpreter', () => {
  const histories = readHistories(directory);

  it('replays every committed history', async () => {
    expect(histories.length).toBeGreaterThanOrEqual(6);
    await expect(replayHistories(histories, { workflowBundle: testWorkflowBundle() })).resolves.toBe(
      histories.length,
    );
  });

  it('cover every activity kind and every way a process ends', () => {
    const kinds = new Set<string>();
    const endings = new Set<string>();
    const types = new Set<string>();
    for (const { history } of histories) {
      const list = events(history);
      const type = list[0].workflowExecutionStartedEventAttributes?.workflowType.name ?? '';
      types.add(type);
      if (type !== 'bureaucratProcess') continue;
      const input = list[0].workflowExecutionStartedEventAttributes?.input.payloads[0].data ?? '';
      const { definition } = JSON.parse(Buffer.from(input, 'base64').toString('utf8')) as {
        definition: string;
      };
      forEachDescendant(parseDefinition(definition), (node) => kinds.add(node.kind));
      endings.add(list[list.length - 1].eventType);
    }
    expect([...types].sort()).toEqual(['bureaucratEventRouter', 'bureaucratProcess', 'bureaucratTriggers']);
    expect([...kinds].sort()).toEqual([...new Set([...ACTIVITY_KINDS, 'case', 'handler'])].sort());
    expect([...endings].sort()).toEqual(
      [
        'EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED',
        'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
        'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
        'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED',
      ].sort(),
    );
  });

  it('contain every operation: halt, pause, resume, set, retry, reset and migrate', () => {
    const seen = new Set<string>();
    for (const { name, history } of histories) {
      for (const event of events(history)) {
        const update = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest.input.name;
        if (update) seen.add(`update ${update}`);
        const marker = event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads[0]?.data;
        if (marker) seen.add(`patch ${JSON.parse(Buffer.from(marker, 'base64').toString('utf8')).id}`);
        if (event.workflowTaskFailedEventAttributes?.cause === 'WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW') {
          seen.add(`reset ${name.replace(/\.run-\d+\.json$/, '')}`);
        }
      }
    }
    expect([...seen]).toEqual(
      expect.arrayContaining([
        `patch ${HALT_REPLY_PATCH}`,
        `patch ${CANCELLED_ACTION_PATCH}`,
        'reset reset-while',
        'reset retried',
        'update migrate',
        'update pause',
        'update resume',
        'update setFields',
      ]),
    );
  });

  it('names the history and the mismatch when a history no longer matches the code', async () => {
    const original = histories.find((h) => h.name === 'every-activity.json');
    if (!original) throw new Error('every-activity.json is missing');
    const tampered = structuredClone(original.history);
    const scheduled = events(tampered).find((e) => e.activityTaskScheduledEventAttributes);
    if (!scheduled?.activityTaskScheduledEventAttributes)
      throw new Error('no activity in every-activity.json');
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'someone_else';
    const err = await replayHistories([{ name: 'tampered.json', history: tampered }], {
      workflowBundle: testWorkflowBundle(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayError);
    expect((err as ReplayError).failures).toHaveLength(1);
    expect((err as ReplayError).message).toBe(
      "1 history does not replay:\n  tampered.json: [TMPRL1100] Nondeterminism error: Activity type of scheduled event 'someone_else' does not match activity type of activity command 'work'",
    );
  });
});
