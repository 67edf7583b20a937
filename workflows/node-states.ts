/**
 * What every activity of a running process is doing, for the `state` query: one record per node that has
 * been reached (an unreached node is `ready`), with its local scope and, for loops, its iteration. The
 * snapshot tree is built from the model on demand, so recording costs a map write per step.
 */
import {
  childActivities,
  faultHandlers,
  forEachDescendant,
  type Activity,
  type ModelNode,
  type ProcessDefinition,
} from '../src/definition';
import { formatDefinitionRef } from '../src/deployed';
import type { ActivitySnapshot, ActivityState, ProcessSnapshot } from '../src/protocol';
import type { SavedNode } from '../src/wire/continuation';
import { contextValues, type ContextValues, type Scope } from '../src/scope';

/** The longest trace kept (a bound on the workflow's memory). */
export const MAX_TRACE = 10_000;

interface NodeRecord {
  state: ActivityState;
  iteration?: number;
  /** The live scope while the process runs in this run. */
  scope?: Scope;
  /** The scope's values recorded by an earlier run (before continue-as-new). */
  context?: ContextValues;
}

/** The recorded states of one process's nodes, keyed by id relative to the process. */
export class NodeStates {
  private readonly records = new Map<string, NodeRecord>();
  /** Ids of the activities that became active in this run, in order (for the test kit's trace). */
  private readonly started: string[] = [];

  constructor(saved: Readonly<Record<string, SavedNode>> = {}) {
    for (const id of Object.keys(saved)) this.records.set(id, { ...saved[id] });
  }

  private record(id: string): NodeRecord {
    let record = this.records.get(id);
    if (!record) {
      record = { state: 'ready' };
      this.records.set(id, record);
    }
    return record;
  }

  /** Told each time a node becomes active (the process records where steps start, for reset). */
  onActive?: (id: string) => void;

  /** Sets a node's state. */
  set(id: string, state: ActivityState): void {
    this.record(id).state = state;
    if (state !== 'active') return;
    this.onActive?.(id);
    if (id !== '' && this.started.length < MAX_TRACE) this.started.push(id);
  }

  /**
   * The ids (relative to the process) of the activities that started in this run, in order, the root
   * excluded; a loop's body appears once per iteration. At most {@link MAX_TRACE} entries; not carried
   * over continue-as-new.
   */
  trace(): readonly string[] {
    return this.started;
  }

  /** A node's current state. */
  get(id: string): ActivityState {
    return this.records.get(id)?.state ?? 'ready';
  }

  /** Attaches the node's live scope (shown as its `context`). */
  attach(id: string, scope: Scope, iteration?: number): void {
    const record = this.record(id);
    record.scope = scope;
    record.context = undefined;
    if (iteration !== undefined) record.iteration = iteration;
  }

  /** Forgets what `node`'s descendants did: a loop's new iteration shows them `ready` again. */
  resetDescendants(node: ModelNode): void {
    for (const id of descendantIds(node)) this.records.delete(id);
  }

  /** Marks every `active` node inside `node` (and `node` itself) as `canceling`. */
  markCanceling(node: Activity): void {
    if (this.get(node.id) === 'active') this.set(node.id, 'canceling');
    forEachDescendant(node, (descendant) => {
      if (this.get(descendant.id) === 'active') this.set(descendant.id, 'canceling');
    });
  }

  /** Plain JSON for continue-as-new. */
  save(): Record<string, SavedNode> {
    const out: Record<string, SavedNode> = {};
    for (const [id, record] of this.records) {
      const context = record.scope ? contextValues(record.scope.locals) : record.context;
      out[id] = {
        state: record.state,
        ...(record.iteration !== undefined ? { iteration: record.iteration } : {}),
        ...(context ? { context } : {}),
      };
    }
    return out;
  }

  /** The snapshot tree of the whole process. */
  snapshot(model: ProcessDefinition, processId: string): ProcessSnapshot {
    return this.node(model, processId);
  }

  private node(node: ModelNode, processId: string): ActivitySnapshot {
    const record = this.records.get(node.id);
    const context = record?.scope ? contextValues(record.scope.locals) : record?.context;
    return {
      id: `${processId}${node.id}`,
      type: node.kind,
      state: record?.state ?? 'ready',
      ...(context ? { context: { ...context } } : {}),
      ...(record?.iteration !== undefined ? { iteration: record.iteration } : {}),
      ...details(node),
      children: childActivities(node).map((child) => this.node(child, processId)),
      faults: faultHandlers(node).map((handler) => this.node(handler, processId)),
    };
  }
}

/** The ids of each loop's descendants, listed once: every iteration resets them (models never change). */
const descendantLists = new WeakMap<ModelNode, readonly string[]>();

function descendantIds(node: ModelNode): readonly string[] {
  let ids = descendantLists.get(node);
  if (!ids) {
    const list: string[] = [];
    forEachDescendant(node, (descendant) => list.push(descendant.id));
    descendantLists.set(node, (ids = list));
  }
  return ids;
}

function details(node: ModelNode): Partial<ActivitySnapshot> {
  switch (node.kind) {
    case 'action':
      return { participant: node.participant, ...(node.queue !== undefined && { queue: node.queue }) };
    case 'await':
      return { event: node.event };
    case 'delay':
      return { seconds: node.seconds };
    case 'call':
      return node.deployed
        ? { definition: formatDefinitionRef(node.deployed) }
        : { process: `$${node.property ?? ''}` };
    case 'fault':
      return { code: node.code };
    case 'handler':
      return { codes: node.codes };
    default:
      return {};
  }
}
