/**
 * The recorded states of a process's nodes (workflows/node-states.ts), behind the `state` query: states,
 * the trace of started activities, live and saved scopes, loop resets, cancellation and the snapshot tree.
 * Pure: it works on a parsed model.
 */
import { parseDefinition, type ProcessDefinition } from '../../src/definition';
import { Scope } from '../../src/scope';
import { MAX_TRACE, NodeStates } from '../../workflows/node-states';

const XML = `<process name="states">
  <context>
    <property name="total" type="int">0</property>
    <property name="sub" type="str"></property>
  </context>
  <while>
    <context><property name="i" type="int">0</property></context>
    <condition>context["i"] &lt; 3</condition>
    <action participant="p1" queue="q1"/>
    <await event="approved"/>
  </while>
  <sequence>
    <context>
      <faults><case code="A, B"><fault code="C" message="handled"/></case></faults>
    </context>
    <delay duration="5"/>
    <call process="$sub"/>
  </sequence>
</process>`;

const model: ProcessDefinition = parseDefinition(XML);
const loop = model.activities[0];
const sequence = model.activities[1];

describe('NodeStates: states and the trace', () => {
  it('knows every node as ready until it is set', () => {
    const states = new NodeStates();
    expect(states.get('')).toBe('ready');
    expect(states.get('_0_1')).toBe('ready');
    states.set('_0_1', 'active');
    states.set('_0_1', 'completed');
    expect(states.get('_0_1')).toBe('completed');
  });

  it('traces the activities that became active, in order, a loop body once per iteration, the root left out', () => {
    const states = new NodeStates();
    const told: string[] = [];
    states.onActive = (id) => told.push(id);
    states.set('', 'active');
    states.set('_0', 'active');
    states.set('_0_0', 'active');
    states.set('_0_0', 'completed');
    states.set('_0_0', 'active');
    states.set('_0_1', 'canceling');
    expect(states.trace()).toEqual(['_0', '_0_0', '_0_0']);
    // The process is told of every activation, the root's too (it records where steps start).
    expect(told).toEqual(['', '_0', '_0_0', '_0_0']);
  });

  it(`keeps at most ${MAX_TRACE} entries of trace`, () => {
    const states = new NodeStates();
    for (let i = 0; i < MAX_TRACE + 5; i++) states.set(`_${i}`, 'active');
    expect(states.trace()).toHaveLength(MAX_TRACE);
    expect(states.trace()[MAX_TRACE - 1]).toBe(`_${MAX_TRACE - 1}`);
    // The states themselves are all recorded.
    expect(states.get(`_${MAX_TRACE + 4}`)).toBe('active');
  });
});

describe('NodeStates: scopes, loops and cancellation', () => {
  it('shows a live scope as it is when asked, with the iteration', () => {
    const states = new NodeStates();
    const scope = new Scope(new Scope(undefined, { total: 0 }), { i: 0 });
    states.set('_0', 'active');
    states.attach('_0', scope, 1);
    scope.set('i', 2);
    scope.set('total', 7); // the process's scope, not the loop's
    expect(states.snapshot(model, 'p').children[0]).toMatchObject({
      id: 'p_0',
      state: 'active',
      context: { i: 2 },
      iteration: 1,
    });
    // Attaching again without an iteration keeps the last one.
    states.attach('_0', new Scope(undefined, { i: 5 }));
    expect(states.snapshot(model, 'p').children[0]).toMatchObject({ context: { i: 5 }, iteration: 1 });
  });

  it('forgets what a loop body did, for the next iteration, and keeps the loop itself', () => {
    const states = new NodeStates();
    states.set('_0', 'active');
    states.set('_0_0', 'completed');
    states.set('_0_1', 'active');
    states.set('_1_0', 'completed');
    states.resetDescendants(loop);
    expect(['_0', '_0_0', '_0_1', '_1_0'].map((id) => states.get(id))).toEqual([
      'active',
      'ready',
      'ready',
      'completed',
    ]);
    expect(Object.keys(states.save())).toEqual(['_0', '_1_0']);
  });

  it('marks the active nodes inside a node (and itself) canceling, and nothing else', () => {
    const states = new NodeStates();
    const told: string[] = [];
    states.set('_1', 'active');
    states.set('_1_0', 'active');
    states.set('_1_1', 'completed');
    states.set('_1_faults_0_0', 'active');
    states.set('_0_0', 'active');
    states.onActive = (id) => told.push(id);
    states.markCanceling(sequence);
    expect(['_1', '_1_0', '_1_1', '_1_faults_0_0', '_0_0'].map((id) => states.get(id))).toEqual([
      'canceling',
      'canceling',
      'completed',
      'canceling',
      'active',
    ]);
    expect(told).toEqual([]);
  });
});

describe('NodeStates: continue-as-new', () => {
  it('saves plain JSON: state, iteration and context only where there are some', () => {
    const states = new NodeStates();
    states.set('', 'active');
    states.set('_0', 'active');
    states.attach('_0', new Scope(undefined, { i: 2 }), 3);
    states.set('_0_0', 'completed');
    const saved = states.save();
    expect(JSON.parse(JSON.stringify(saved))).toStrictEqual({
      '': { state: 'active' },
      _0: { state: 'active', iteration: 3, context: { i: 2 } },
      _0_0: { state: 'completed' },
    });
  });

  it('restores the states and saved scopes, but not the trace', () => {
    const restored = new NodeStates({
      _0: { state: 'active', iteration: 3, context: { i: 2 } },
      _0_0: { state: 'completed' },
    });
    expect(restored.get('_0')).toBe('active');
    expect(restored.get('_0_0')).toBe('completed');
    expect(restored.trace()).toEqual([]);
    expect(restored.snapshot(model, 'p').children[0]).toMatchObject({ context: { i: 2 }, iteration: 3 });
    // A live scope attached in the new run replaces the saved values.
    restored.attach('_0', new Scope(undefined, { i: 4 }));
    expect(restored.save()._0).toEqual({ state: 'active', iteration: 3, context: { i: 4 } });
  });
});

describe('NodeStates: the snapshot tree', () => {
  it('mirrors the model, with ids under the process id and what each node waits on', () => {
    const states = new NodeStates();
    states.set('', 'active');
    states.set('_1', 'active');
    states.set('_1_0', 'active');
    expect(states.snapshot(model, 'order-7')).toEqual({
      id: 'order-7',
      type: 'process',
      state: 'active',
      children: [
        {
          id: 'order-7_0',
          type: 'while',
          state: 'ready',
          children: [
            {
              id: 'order-7_0_0',
              type: 'action',
              state: 'ready',
              participant: 'p1',
              queue: 'q1',
              children: [],
              faults: [],
            },
            { id: 'order-7_0_1', type: 'await', state: 'ready', event: 'approved', children: [], faults: [] },
          ],
          faults: [],
        },
        {
          id: 'order-7_1',
          type: 'sequence',
          state: 'active',
          children: [
            { id: 'order-7_1_0', type: 'delay', state: 'active', seconds: 5, children: [], faults: [] },
            { id: 'order-7_1_1', type: 'call', state: 'ready', process: '$sub', children: [], faults: [] },
          ],
          faults: [
            {
              id: 'order-7_1_faults_0',
              type: 'handler',
              state: 'ready',
              codes: ['A', 'B'],
              children: [
                {
                  id: 'order-7_1_faults_0_0',
                  type: 'fault',
                  state: 'ready',
                  code: 'C',
                  children: [],
                  faults: [],
                },
              ],
              faults: [],
            },
          ],
        },
      ],
      faults: [],
    });
  });
});
