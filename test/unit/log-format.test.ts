/**
 * The JSON log format (src/worker/log-format.ts): one object per line naming the process, the activity and
 * the participant in fields of their own; errors as name, message and stack; the format chosen by flag or
 * environment, a wrong one refused by name.
 */
import { jsonLogLine, logFormat, LOG_FORMAT_ENV } from '../../src/worker/log-format';

test('an activity entry names its process, activity and participant', () => {
  const line = jsonLogLine({
    level: 'WARN',
    message: 'Activity failed',
    timestampNanos: 1_796_000_000_123_000_000n,
    meta: {
      workflowId: 'order-42',
      activityId: 'order-42_0_2',
      activityType: 'shop.charge',
      taskQueue: 'bureaucrat',
      attempt: 2,
      error: Object.assign(new Error('card declined'), { code: 'Declined' }),
    },
  });
  expect(line).not.toContain('\n');
  const parsed = JSON.parse(line) as Record<string, unknown>;
  expect(parsed).toMatchObject({
    time: '2026-11-30T00:53:20.123Z',
    level: 'WARN',
    message: 'Activity failed',
    processId: 'order-42',
    activityId: 'order-42_0_2',
    participant: 'shop.charge',
    taskQueue: 'bureaucrat',
    attempt: 2,
    error: { name: 'Error', message: 'card declined', code: 'Declined' },
  });
  expect(parsed).not.toHaveProperty('workflowId');
});

test("an action's own id (from the workitem) is the activityId; Temporal's is kept beside it", () => {
  const parsed = JSON.parse(
    jsonLogLine({
      level: 'INFO',
      message: 'charging',
      timestampNanos: 0n,
      meta: { workflowId: 'order-42', activityId: '3', actionId: 'order-42_1', activityType: 'shop.charge' },
    }),
  ) as Record<string, unknown>;
  expect(parsed).toMatchObject({
    activityId: 'order-42_1',
    temporalActivityId: '3',
    participant: 'shop.charge',
  });
  expect(parsed).not.toHaveProperty('actionId');
});

test('an entry without metadata has only time, level and message', () => {
  expect(JSON.parse(jsonLogLine({ level: 'INFO', message: 'Worker started', timestampNanos: 0n }))).toEqual({
    time: '1970-01-01T00:00:00.000Z',
    level: 'INFO',
    message: 'Worker started',
  });
});

test('the format comes from the flag, else the environment, else text; others are refused', () => {
  const saved = process.env[LOG_FORMAT_ENV];
  try {
    Reflect.deleteProperty(process.env, LOG_FORMAT_ENV);
    expect(logFormat()).toBe('text');
    expect(logFormat('JSON')).toBe('json');
    process.env[LOG_FORMAT_ENV] = 'json';
    expect(logFormat()).toBe('json');
    process.env[LOG_FORMAT_ENV] = 'xml';
    expect(() => logFormat()).toThrow(`${LOG_FORMAT_ENV}=xml: expected one of text, json`);
    expect(() => logFormat('yaml')).toThrow('--log-format yaml: expected one of text, json');
  } finally {
    if (saved === undefined) Reflect.deleteProperty(process.env, LOG_FORMAT_ENV);
    else process.env[LOG_FORMAT_ENV] = saved;
  }
});
