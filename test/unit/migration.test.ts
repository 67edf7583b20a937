/**
 * Where a migrated process resumes (src/migration.ts): the checks that refuse a move (with every reason),
 * the anchors that place each frame in the target, the states and counters carried over, and `--map`
 * parsing. Pure: it works on parsed models and saved positions.
 */
import { parseDefinition } from '../../src/definition';
import {
  MigrationRefused,
  parseMigrationMap,
  translateContinuation,
  translatePosition,
  type ProcessPosition,
} from '../../src/migration';
import type { Continuation } from '../../src/wire/continuation';

const V1 = parseDefinition(`<process>
  <action participant="a"/>
  <sequence>
    <await event="go"/>
    <action participant="b"/>
  </sequence>
  <switch>
    <case><condition>True</condition><delay duration="9"/></case>
  </switch>
</process>`);

/** V1 with a step added inside the sequence after the await, and one after the switch. */
const V2 = parseDefinition(`<process>
  <action participant="a"/>
  <sequence>
    <await event="go"/>
    <action participant="new"/>
    <action participant="b"/>
  </sequence>
  <switch>
    <case><condition>True</condition><delay duration="9"/></case>
  </switch>
  <action participant="last"/>
</process>`);

const inSequence = (running?: string, index = 0): ProcessPosition => ({
  frames: [
    { id: '', locals: { x: 1 }, index: 1 },
    { id: '_1', locals: {}, index },
  ],
  ...(running !== undefined && { running }),
  parallel: false,
});

test('a parked step runs again at its place in the target; frames keep their context', () => {
  expect(translatePosition(V1, V2, inSequence('_1_0'))).toEqual([
    { id: '', locals: { x: 1 }, index: 1 },
    { id: '_1', locals: {}, index: 0 },
  ]);
});

test('between steps, the process goes on after the step it completed last: inserted steps run', () => {
  // After the await completed (index 1 in V1): V2's new action, at index 1, runs next.
  expect(translatePosition(V1, V2, inSequence(undefined, 1))[1].index).toBe(1);
  // At the start of the frame: index 0.
  expect(translatePosition(V1, V2, inSequence(undefined, 0))[1].index).toBe(0);
});

test('a frame entered through a switch case resumes in that case', () => {
  const position: ProcessPosition = {
    frames: [
      { id: '', locals: {}, index: 2 },
      { id: '_2_0', locals: {}, index: 0 },
    ],
    running: '_2_0_0',
    parallel: false,
  };
  expect(translatePosition(V1, V2, position).map((f) => [f.id, f.index])).toEqual([
    ['', 2],
    ['_2_0', 0],
  ]);
});

test('refused with every reason: an active step missing or of another kind, inside an <all>', () => {
  const removed = parseDefinition(
    `<process><action participant="a"/><sequence><delay duration="1"/></sequence></process>`,
  );
  let error: unknown;
  try {
    translatePosition(V1, removed, { ...inSequence('_1_0'), parallel: true });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(MigrationRefused);
  const reasons = (error as MigrationRefused).reasons;
  expect(reasons).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/inside a running <all>/),
      'active <await> _1_0 is <delay> _1_0 in the target',
    ]),
  );
  const gone = parseDefinition(`<process><action participant="a"/></process>`);
  expect(() => translatePosition(V1, gone, inSequence('_1_0'))).toThrow(
    /active <sequence> _1 is not in the target/,
  );
});

test('a map places activities whose ids changed; their states and counters follow', () => {
  const shifted = parseDefinition(`<process>
    <assign property="y">1</assign>
    <action participant="a"/>
    <sequence><await event="go"/><action participant="b"/></sequence>
  </process>`);
  expect(() => translatePosition(V1, shifted, inSequence('_1_0'))).toThrow(MigrationRefused);
  const map = parseMigrationMap(['_0=_1', '_1=_2', '_1_0=_2_0', '_1_1=_2_1']);
  const frames = translatePosition(V1, shifted, inSequence('_1_0'), map);
  expect(frames.map((f) => [f.id, f.index])).toEqual([
    ['', 2],
    ['_2', 0],
  ]);
  const saved: Continuation = {
    frames: inSequence('_1_0').frames,
    nodes: { _0: { state: 'completed' }, _1: { state: 'active' }, _2: { state: 'ready' } },
    calls: { _1_1: 2 },
    awaits: 3,
    runs: 1,
    deadlines: { _1_0: 1234 },
  };
  const moved = translateContinuation(V1, shifted, saved, frames, map);
  // _2 (a switch in V1) has no counterpart of its kind: its state is dropped.
  expect(moved.nodes).toEqual({ _1: { state: 'completed' }, _2: { state: 'active' } });
  expect(moved.calls).toEqual({ _2_1: 2 });
  expect(moved.deadlines).toEqual({ _2_0: 1234 });
  expect(moved.awaits).toBe(3);
});

test("the target's new context properties start with their defaults; values the process has win", () => {
  const frames = translatePosition(V1, V2, inSequence('_1_0'), {}, (node) =>
    node.kind === 'process' ? { x: 0, added: true } : {},
  );
  expect(frames[0].locals).toEqual({ x: 1, added: true });
});

test('--map takes OLD=NEW activity ids only', () => {
  expect(parseMigrationMap([' _0_2 = _0_3 '])).toEqual({ _0_2: '_0_3' });
  expect(() => parseMigrationMap(['_0_2'])).toThrow(/expected OLD=NEW/);
  expect(() => parseMigrationMap(['_0=x'])).toThrow(/expected OLD=NEW/);
});
