import { renderState } from '../../src/cli/render-state';
import { snapshotNode } from '../support/snapshots';
import { faultedStep } from '../../src/client/reset';
import { checkFields, InvalidFieldsError } from '../../src/operations';

const node = snapshotNode;

describe('checkFields: what `set` accepts', () => {
  it.each([
    [{ a: 1, b: 'x', c: [true, null], d: { e: 2.5 } }],
    [{}],
    // Falsy and edge values are still JSON data.
    [{ zero: 0, negative: -1e300, empty: '', no: false, nothing: null, list: [], object: {} }],
    [{ deep: { a: [{ b: [[1, 'two', { c: null }]] }] } }],
    // Only the `inst:` prefix is reserved, and case matters.
    [{ inst: 1, 'Inst:x': 2, 'x:inst:y': 3, 'inst-x': 4 }],
  ])('accepts %j, returning nothing and leaving it as it was', (fields) => {
    const before = JSON.stringify(fields);
    expect(checkFields(fields)).toBeUndefined();
    expect(JSON.stringify(fields)).toBe(before);
  });

  it('refuses with an InvalidFieldsError of code INVALID_FIELDS', () => {
    let thrown: unknown;
    try {
      checkFields([]);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidFieldsError);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toMatchObject({
      name: 'InvalidFieldsError',
      code: 'INVALID_FIELDS',
      message: 'the fields must be a JSON object of field names to values',
    });
  });

  it.each([
    [null, 'the fields must be a JSON object of field names to values'],
    [[1], 'the fields must be a JSON object of field names to values'],
    ['x', 'the fields must be a JSON object of field names to values'],
    [
      { 'inst:fault': 1, ok: 2, 'inst:x': 3 },
      'fields starting with "inst:" are reserved for the engine: inst:fault, inst:x',
    ],
    [{ n: Number.NaN }, 'field n: the value is not JSON data'],
    [{ f: { g: () => 1 } }, 'field f: the value is not JSON data'],
    [{ u: undefined }, 'field u: the value is not JSON data'],
    [undefined, 'the fields must be a JSON object of field names to values'],
    [42, 'the fields must be a JSON object of field names to values'],
    [{ i: Number.POSITIVE_INFINITY }, 'field i: the value is not JSON data'],
    [{ b: BigInt(1) }, 'field b: the value is not JSON data'],
    // A value deep inside is named by its top-level field.
    [
      { ok: 1, deep: { list: [1, { x: Number.NEGATIVE_INFINITY }] } },
      'field deep: the value is not JSON data',
    ],
    // The first offending field, in key order.
    [{ a: 1, s: Symbol('s'), f: () => 1 }, 'field s: the value is not JSON data'],
    // Reserved names are reported before values, all of them, in key order.
    [
      { 'inst:b': Number.NaN, 'inst:a': 1 },
      'fields starting with "inst:" are reserved for the engine: inst:b, inst:a',
    ],
  ])('refuses %p', (fields, message) => {
    expect(() => checkFields(fields)).toThrow(new InvalidFieldsError(message));
  });
});

describe('faultedStep: where a retry starts', () => {
  it('follows aborted activities down to the deepest, through fault handlers too', () => {
    const tree = node({
      state: 'aborted',
      children: [
        node({ id: 'p_0', type: 'action', state: 'completed' }),
        node({
          id: 'p_1',
          type: 'sequence',
          state: 'aborted',
          children: [node({ id: 'p_1_0', type: 'action', state: 'aborted' })],
        }),
      ],
    });
    expect(faultedStep(tree).id).toBe('p_1_0');
    // A handler that faulted itself: the fault it was handling came before.
    const inHandler = node({
      state: 'aborted',
      children: [
        node({
          id: 'p_0',
          type: 'sequence',
          state: 'aborted',
          children: [node({ id: 'p_0_0', type: 'action', state: 'aborted' })],
          faults: [
            node({
              id: 'p_0_faults_0',
              type: 'handler',
              state: 'aborted',
              children: [node({ id: 'p_0_faults_0_0', type: 'action', state: 'aborted' })],
            }),
          ],
        }),
      ],
    });
    expect(faultedStep(inHandler).id).toBe('p_0_faults_0_0');
  });
});

describe('status of a paused process', () => {
  it('prints who paused it, since when and why above the tree', () => {
    const paused = { by: 'alice', reason: 'month end', since: '2026-11-23T12:00:00.000Z' };
    expect(renderState(node({ paused }))).toBe(
      ['paused by alice since 2026-11-23T12:00:00.000Z: month end', 'p process active'].join('\n'),
    );
    expect(renderState(node({ paused: { ...paused, reason: '' } })).split('\n')[0]).toBe(
      'paused by alice since 2026-11-23T12:00:00.000Z',
    );
  });
});
