/**
 * From a {@link DiagramTree} to a flow graph in the manner of BPMN: a sequence is a chain of nodes, a
 * `switch` and an `all` open and close with a gateway around their branches, a loop is a gateway with a
 * back edge from the end of its body, and fault handlers hang off their activity by a dashed edge.
 *
 * Pure module (no Node APIs): layout and drawing happen in `svg.ts`.
 */
import type { ActivityState } from '../protocol';
import type { DiagramTree } from './tree';

/** How a node is drawn. */
export type NodeShape =
  | 'start' // the process's start: a thin circle
  | 'end' // the process's end: a thick circle
  | 'task' // action, assign: a rounded box
  | 'call' // call: a box with a double border (a sub-process)
  | 'event' // await: a double circle with an envelope
  | 'timer' // delay: a double circle with a clock
  | 'fault' // fault: a thick red circle with a lightning bolt
  | 'gateway' // switch (×), all (+): a diamond
  | 'loop' // while, foreach: a diamond with a loop arrow
  | 'marker' // sequence, case: a small pill where the group starts
  | 'handler'; // a fault handler: a dashed red pill

/** One node of the flow graph. */
export interface FlowNode {
  /** Unique within the graph (the activity id, or the id with a `#join`/`#end` suffix). */
  readonly key: string;
  readonly shape: NodeShape;
  /** The activity this node stands for (unset for joins and the end). */
  readonly activityId?: string;
  readonly kind: string;
  /** Text lines: `kind id` and the detail. */
  readonly lines: readonly string[];
  /** The symbol drawn in a gateway: `×` exclusive, `+` parallel. */
  readonly symbol?: string;
  readonly state?: ActivityState;
  readonly iteration?: number;
}

/** How an edge is drawn. */
export type EdgeStyle = 'flow' | 'back' | 'fault';

/** One edge of the flow graph. */
export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  readonly style: EdgeStyle;
  readonly label?: string;
}

/** The flow graph of one process. */
export interface FlowGraph {
  readonly nodes: readonly FlowNode[];
  readonly edges: readonly FlowEdge[];
}

interface Fragment {
  readonly entry: string;
  /** Where the flow leaves; null when it cannot go on (a `<fault>`, or a chain ending in one). */
  readonly exit: string | null;
  /** The node fault handlers attach to. */
  readonly anchor: string;
}

const SHAPES: Record<string, NodeShape> = {
  action: 'task',
  assign: 'task',
  call: 'call',
  await: 'event',
  delay: 'timer',
  fault: 'fault',
  switch: 'gateway',
  all: 'gateway',
  while: 'loop',
  foreach: 'loop',
  sequence: 'marker',
  case: 'marker',
  handler: 'handler',
};

/** Builds the flow graph of a process tree. */
export function buildFlow(root: DiagramTree): FlowGraph {
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];

  const label = (tree: DiagramTree): string[] => {
    const lines = [`${tree.kind} ${tree.id || '/'}`];
    const extra = [tree.detail, tree.iteration !== undefined ? `iteration ${tree.iteration}` : undefined]
      .filter((part): part is string => part !== undefined && part !== '')
      .join(' · ');
    if (extra) lines.push(extra);
    return lines;
  };
  const add = (node: FlowNode): string => {
    nodes.push(node);
    return node.key;
  };
  const nodeOf = (tree: DiagramTree, shape: NodeShape, extra: Partial<FlowNode> = {}): string =>
    add({
      key: tree.id,
      shape,
      activityId: tree.id,
      kind: tree.kind,
      lines: label(tree),
      ...(tree.state !== undefined ? { state: tree.state } : {}),
      ...(tree.iteration !== undefined ? { iteration: tree.iteration } : {}),
      ...extra,
    });
  const edge = (from: string | null, to: string, style: EdgeStyle = 'flow', text?: string) => {
    if (from !== null) edges.push({ from, to, style, ...(text ? { label: text } : {}) });
  };

  /** Chains `children` after `from`; returns where the chain leaves. */
  const chain = (children: readonly DiagramTree[], from: string | null): string | null => {
    let previous = from;
    for (const child of children) {
      const part = fragment(child);
      edge(previous, part.entry);
      previous = part.exit;
    }
    return previous;
  };

  const attachHandlers = (tree: DiagramTree, anchor: string) => {
    for (const handler of tree.faults) {
      const part = fragment(handler);
      edge(anchor, part.entry, 'fault', handler.detail);
    }
  };

  const fragment = (tree: DiagramTree): Fragment => {
    const shape = SHAPES[tree.kind] ?? 'task';
    let result: Fragment;
    switch (tree.kind) {
      case 'switch':
      case 'all': {
        const split = nodeOf(tree, 'gateway', { symbol: tree.kind === 'switch' ? '×' : '+' });
        const join = add({
          key: `${tree.id}#join`,
          shape: 'gateway',
          kind: 'join',
          lines: [],
          symbol: tree.kind === 'switch' ? '×' : '+',
        });
        let joined = false;
        for (const branch of tree.children) {
          const part = fragment(branch);
          edge(split, part.entry);
          if (part.exit !== null) {
            edge(part.exit, join);
            joined = true;
          }
        }
        // A switch whose cases all fail just completes; an empty `all` completes at once.
        if (tree.kind === 'switch' || tree.children.length === 0) {
          edge(split, join, 'flow', tree.kind === 'switch' ? 'no case' : undefined);
          joined = true;
        }
        result = { entry: split, exit: joined ? join : null, anchor: split };
        break;
      }
      case 'while':
      case 'foreach': {
        const loop = nodeOf(tree, 'loop');
        const end = chain(tree.children, loop);
        if (end !== null && tree.children.length > 0) edge(end, loop, 'back', 'repeat');
        result = { entry: loop, exit: loop, anchor: loop };
        break;
      }
      case 'fault': {
        const node = nodeOf(tree, 'fault');
        result = { entry: node, exit: null, anchor: node };
        break;
      }
      case 'process': {
        const start = nodeOf(tree, 'start');
        const exit = chain(tree.children, start);
        if (exit !== null) {
          edge(exit, add({ key: '#end', shape: 'end', kind: 'end', lines: ['end'] }));
        }
        result = { entry: start, exit: null, anchor: start };
        break;
      }
      default: {
        const node = nodeOf(tree, shape);
        const exit = tree.children.length > 0 ? chain(tree.children, node) : node;
        result = { entry: node, exit, anchor: node };
      }
    }
    attachHandlers(tree, result.anchor);
    return result;
  };

  fragment(root);
  return { nodes, edges };
}
