import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadParticipants } from '../../src/cli/load-participants';
import { duration, jsonObject } from '../../src/cli/options';
import { renderState } from '../../src/cli/render-state';
import type { ActivitySnapshot } from '../../src/protocol';

describe('participant modules', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-participants-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('loads a TypeScript default export and a JS `participants` export', async () => {
    const ts = loadParticipants(
      file(
        'p.ts',
        'const n: number = 2;\nexport default { double: (w: { fields: { x: number } }) => ({ x: w.fields.x * n }) };',
      ),
    );
    expect(
      await ts.double({ fields: { x: 4 }, participant: 'double', processId: 'p', activityId: 'p_0' }),
    ).toEqual({
      x: 8,
    });
    const js = loadParticipants(file('p.js', 'exports.participants = { "a.b.c": () => ({ ok: true }) };'));
    expect(Object.keys(js)).toEqual(['a.b.c']);
  });

  it('says what is wrong with a module that exports no participants', () => {
    expect(() => loadParticipants(file('empty.js', 'module.exports = {};'))).toThrow(
      /no participants exported/,
    );
    expect(() => loadParticipants(file('bad.js', 'exports.participants = { x: 1 };'))).toThrow(
      /participants must be functions: x are not/,
    );
  });
});

describe('command-line values', () => {
  it('parses JSON objects and durations, rejecting anything else with a reason', () => {
    expect(jsonObject('{"a": 1}')).toEqual({ a: 1 });
    expect(() => jsonObject('[1]')).toThrow(/expected a JSON object/);
    expect(() => jsonObject('{a')).toThrow(/not valid JSON/);
    expect(duration('30s')).toBe(30_000);
    expect(duration('1500')).toBe(1500);
    expect(() => duration('soon')).toThrow(/not a duration: soon/);
  });
});

describe('status rendering', () => {
  const node = (over: Partial<ActivitySnapshot>): ActivitySnapshot => ({
    id: 'p',
    type: 'process',
    state: 'active',
    children: [],
    faults: [],
    ...over,
  });

  it('prints one indented line per activity with its detail, state and iteration', () => {
    const tree = node({
      children: [
        node({
          id: 'p_0',
          type: 'while',
          state: 'active',
          iteration: 3,
          children: [node({ id: 'p_0_0', type: 'delay', seconds: 5 })],
        }),
      ],
      faults: [node({ id: 'p_faults_0', type: 'handler', state: 'ready', codes: null })],
    });
    expect(renderState(tree)).toBe(
      [
        'p process active',
        '  p_0 while active iteration 3',
        '    p_0_0 delay 5s active',
        '  p_faults_0 handler default ready',
      ].join('\n'),
    );
    expect(renderState(node({}), true)).toBe('p process \x1b[33mactive\x1b[0m');
  });
});
