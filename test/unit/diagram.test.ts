import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { parseDefinition, forEachDescendant } from '../../src/definition';
import { buildFlow, renderSvg, treeOfDefinition, treeOfSnapshot } from '../../src/diagram';
import type { ActivitySnapshot } from '../../src/protocol';
import { NodeStates } from '../../workflows/node-states';

const example = (name: string) =>
  parseDefinition(readFileSync(path.join(__dirname, '../../examples/processes', name), 'utf8'));

/** The `data-id` → `data-state` pairs of the activity nodes drawn in an SVG. */
function drawnNodes(svg: string): Map<string, string | undefined> {
  const nodes = new Map<string, string | undefined>();
  for (const [tag] of svg.matchAll(/<g class="node" [^>]*>/g)) {
    const id = /data-id="([^"]*)"/.exec(tag);
    if (id) nodes.set(id[1], /data-state="([a-z]+)"/.exec(tag)?.[1]);
  }
  return nodes;
}

describe('diagram', () => {
  it('draws every activity and handler of a definition once, as well-formed SVG', () => {
    const model = example('example1.xml');
    const svg = renderSvg(treeOfDefinition(model), { title: 'example1.xml' });
    expect(XMLValidator.validate(svg)).toBe(true);
    const ids = [''];
    forEachDescendant(model, (node) => ids.push(node.id));
    expect([...drawnNodes(svg).keys()].sort()).toEqual(ids.sort());
  });

  it('draws gateways around switch and all, a back edge for loops and dashed edges to fault handlers', () => {
    const model = parseDefinition(`<process>
      <switch><case><condition>True</condition><fault code="X"/></case></switch>
      <while><condition>False</condition><delay duration="60"/></while>
      <sequence>
        <context><faults><case code="X, Y"><action participant="p"/></case></faults></context>
        <await event="go"/><call process="$sub"/>
      </sequence>
    </process>`);
    const flow = buildFlow(treeOfDefinition(model));
    const shape = (key: string) => flow.nodes.find((n) => n.key === key)?.shape;
    expect([shape('_0'), shape('_0#join'), shape('_1'), shape('_1_0'), shape('_2_0'), shape('_2_1')]).toEqual(
      ['gateway', 'gateway', 'loop', 'timer', 'event', 'call'],
    );
    // The fault ends its branch: nothing leaves it; the switch still completes when no case holds.
    expect(flow.edges.filter((e) => e.from === '_0_0_0')).toEqual([]);
    expect(flow.edges).toContainEqual({ from: '_0', to: '_0#join', style: 'flow', label: 'no case' });
    expect(flow.edges).toContainEqual({ from: '_1_0', to: '_1', style: 'back', label: 'repeat' });
    expect(flow.edges).toContainEqual({ from: '_2', to: '_2_faults_0', style: 'fault', label: 'X, Y' });
    expect(flow.nodes.find((n) => n.key === '_1_0')?.lines).toEqual(['delay _1_0', '1m']);
  });

  it('shows what a call runs: the property of process="$name", or the deployed definition (and version)', () => {
    const model = parseDefinition(
      '<process><call process="$sub"/><call definition="shipping"/><call definition="shipping" version="2"/></process>',
    );
    const lines = (tree: ReturnType<typeof treeOfDefinition>) =>
      buildFlow(tree)
        .nodes.filter((n) => n.shape === 'call')
        .map((n) => n.lines);
    expect(lines(treeOfDefinition(model))).toEqual([
      ['call _0', '$sub'],
      ['call _1', 'shipping'],
      ['call _2', 'shipping@2'],
    ]);
    // The state snapshot says the same (`process` or `definition`), and so does its diagram.
    const snapshot = new NodeStates().snapshot(model, 'p');
    expect(snapshot.children.map(({ process, definition }) => ({ process, definition }))).toEqual([
      { process: '$sub', definition: undefined },
      { process: undefined, definition: 'shipping' },
      { process: undefined, definition: 'shipping@2' },
    ]);
    expect(lines(treeOfSnapshot(snapshot))).toEqual(lines(treeOfDefinition(model)));
  });

  it('colours a process by the states of its snapshot and shows loop iterations', () => {
    const node = (
      id: string,
      type: string,
      state: ActivitySnapshot['state'],
      extra = {},
    ): ActivitySnapshot => ({
      id,
      type,
      state,
      children: [],
      faults: [],
      ...extra,
    });
    const snapshot: ActivitySnapshot = {
      ...node('p1', 'process', 'active'),
      children: [
        node('p1_0', 'action', 'completed', { participant: 'ask' }),
        {
          ...node('p1_1', 'while', 'active', { iteration: 3 }),
          children: [node('p1_1_0', 'await', 'active', { event: 'go' })],
        },
      ],
    };
    const svg = renderSvg(treeOfSnapshot(snapshot, 'demo'));
    expect(Object.fromEntries(drawnNodes(svg))).toEqual({
      '': 'active',
      _0: 'completed',
      _1: 'active',
      _1_0: 'active',
    });
    expect(svg).toContain('data-iteration="3"');
    expect(svg).toContain('iteration 3');
    expect(svg).toContain('demo · p1');
  });

  it('lays out a definition of over 100 activities with every node inside the picture', () => {
    const branch = (i: number) =>
      `<switch><case><condition>context["n"] > ${i}</condition><action participant="a${i}"/><delay duration="5"/></case>` +
      `<case><condition>True</condition><await event="e${i}"/></case></switch>`;
    const model = parseDefinition(
      `<process><context><property name="n" type="int">1</property></context>${Array.from({ length: 20 }, (_, i) => branch(i)).join('')}</process>`,
    );
    expect(model.activityCount).toBeGreaterThanOrEqual(100);
    const svg = renderSvg(treeOfDefinition(model));
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(drawnNodes(svg).size).toBe(model.activityCount + 1);
    const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
    for (const match of svg.matchAll(
      /<rect x="(-?[\d.]+)" y="(-?[\d.]+)" width="([\d.]+)" height="([\d.]+)"/g,
    )) {
      expect(Number(match[1])).toBeGreaterThanOrEqual(0);
      expect(Number(match[1]) + Number(match[3])).toBeLessThanOrEqual(Number(width));
      expect(Number(match[2]) + Number(match[4])).toBeLessThanOrEqual(Number(height));
    }
  });
});
