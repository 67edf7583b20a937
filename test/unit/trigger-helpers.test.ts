/**
 * The pure parts of triggers: record-change events and their per-field diffs, the typing of launch fields
 * from event data, and registration checks (names derived from the settings, invalid input refused).
 */
import { launchFields } from '../../activities/triggers';
import { TriggerExpressionError, validateTrigger } from '../../src/client/triggers';
import { DefinitionError, parseDefinition } from '../../src/definition';
import { recordChanges, recordCreated, recordDeleted, recordUpdated } from '../../src/triggers/record-events';

const definition = `<process name="typed">
  <context>
    <property name="count" type="int">0</property>
    <property name="price" type="float">0</property>
    <property name="label" type="str"></property>
    <property name="flag" type="bool">0</property>
    <property name="data" type="json">{}</property>
  </context>
</process>`;
const declared = parseDefinition(definition).context;

describe('record-change events', () => {
  test('created, updated and deleted carry per-field diffs', () => {
    expect(recordCreated('task', { id: 1, status: 'new' })).toEqual({
      name: 'task.created',
      data: {
        model: 'task',
        action: 'created',
        id: 1,
        record: { id: 1, status: 'new' },
        changes: { id: { old: null, new: 1 }, status: { old: null, new: 'new' } },
      },
    });
    expect(
      recordUpdated('task', { id: 1, status: 'new', tags: ['a'] }, { id: 1, status: 'done', tags: ['a'] })
        .data.changes,
    ).toEqual({
      status: { old: 'new', new: 'done' },
    });
    expect(recordDeleted('task', { status: 'done' })).toEqual({
      name: 'task.deleted',
      data: {
        model: 'task',
        action: 'deleted',
        record: { status: 'done' },
        changes: { status: { old: 'done', new: null } },
      },
    });
  });

  test('fields added or removed by an update count as changes; nested values compare as JSON', () => {
    expect(recordChanges({ a: 1, nested: { x: [1] } }, { b: 2, nested: { x: [1] } })).toEqual({
      a: { old: 1, new: null },
      b: { old: null, new: 2 },
    });
    expect(() => recordCreated('', {})).toThrow('a record event needs the model name');
  });
});

describe('launch fields from event data', () => {
  test('only declared fields, converted to the declared types', () => {
    expect(
      launchFields(declared, {
        event: 'e',
        count: '42',
        price: 3,
        label: 7,
        flag: 'true',
        data: { deep: [1] },
        other: 'left out',
      }),
    ).toEqual({ count: 42, price: 3, label: '7', flag: true, data: { deep: [1] } });
    expect(launchFields(declared, { event: 'e', flag: 0 })).toEqual({ flag: false });
  });

  test('a value that does not fit its type is an error naming the field', () => {
    expect(() => launchFields(declared, { event: 'e', count: 1.5 })).toThrow(
      'event field "count" = 1.5 does not fit the declared type int',
    );
    expect(() => launchFields(declared, { event: 'e', count: 'many' })).toThrow(
      'does not fit the declared type int',
    );
    expect(() => launchFields(declared, { event: 'e', flag: [] })).toThrow(
      'does not fit the declared type bool',
    );
  });
});

describe('registration checks', () => {
  test('names derive from the settings: equal settings, equal names', async () => {
    const a = await validateTrigger('paid', definition, { when: "event['x'] == 1" });
    const b = await validateTrigger('paid', definition, { when: "event['x'] == 1" });
    const c = await validateTrigger('paid', definition, { when: "event['x'] == 2" });
    expect(a.name).toBe(b.name);
    expect(a.name).toMatch(/^paid-typed-[0-9a-f]{10}$/);
    expect(c.name).not.toBe(a.name);
    expect(a).toMatchObject({ event: 'paid', processName: 'typed', retries: 3, when: "event['x'] == 1" });
  });

  test('invalid definitions, expressions, retries and names are refused', async () => {
    await expect(validateTrigger('paid', '<process><nope/></process>', {})).rejects.toThrow(DefinitionError);
    await expect(validateTrigger('paid', definition, { id: 'context["x"]' })).rejects.toThrow(
      TriggerExpressionError,
    );
    await expect(validateTrigger('paid', definition, { when: 'event[' })).rejects.toThrow(
      /^--when: .* at column \d+ of expression "event\["$/,
    );
    await expect(validateTrigger('paid', definition, { retries: -1 })).rejects.toThrow(
      'retries must be an integer',
    );
    await expect(validateTrigger('paid', definition, { name: 'a b' })).rejects.toThrow(
      'a trigger name takes',
    );
    await expect(validateTrigger('', definition, {})).rejects.toThrow('a trigger needs an event name');
  });
});
