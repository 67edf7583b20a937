import { workitemOf, type Workitem } from '../../src/protocol';

const info = { activityType: 'shop.charge', workflowExecution: { workflowId: 'order-42' } };

test("an action's input and the activity's info make the participant's workitem", () => {
  expect(workitemOf({ fields: { amount: 3 }, step: '_1_0' }, info)).toEqual({
    fields: { amount: 3 },
    participant: 'shop.charge',
    processId: 'order-42',
    activityId: 'order-42_1_0',
  });
});

test('a whole workitem (what earlier releases scheduled, still seen on their retries) passes through', () => {
  const whole: Workitem = { fields: { a: 1 }, participant: 'old', processId: 'p-1', activityId: 'p-1_0' };
  expect(workitemOf(whole, info)).toBe(whole);
});

test('anything else passes through: inputs that are no action, and activities no workflow started', () => {
  expect(workitemOf('text', info)).toBe('text');
  expect(workitemOf(undefined, info)).toBeUndefined();
  const noStep = { fields: {} };
  expect(workitemOf(noStep, info)).toBe(noStep);
  const standalone = { fields: {}, step: '_0' };
  expect(workitemOf(standalone, { activityType: 'x' })).toBe(standalone);
});
