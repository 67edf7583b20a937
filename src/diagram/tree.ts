/**
 * The diagram's input: one tree shape for both a definition (no states) and a running process (its state
 * snapshot), so that the picture of a file and the picture of a process are laid out alike.
 *
 * Pure module (no Node APIs).
 */
import { formatDefinitionRef } from '../deployed';
import { childActivities, faultHandlers, type ModelNode } from '../definition/walk';
import type { ProcessDefinition } from '../definition/model';
import type { ActivitySnapshot, ActivityState, ProcessSnapshot } from '../protocol';

/** One activity (or the process, or a fault handler) as the diagram shows it. */
export interface DiagramTree {
  /** The id relative to the process: `""` for the process, `_0_2`, `_1_faults_0`. */
  readonly id: string;
  /** `process`, an activity kind, or `handler`. */
  readonly kind: string;
  /** What it calls or waits on: participant, event, duration, called property, fault code, handled codes. */
  readonly detail?: string;
  /** Unset for a definition (nothing runs yet). */
  readonly state?: ActivityState;
  /** For `while` and `foreach`: the current (or last) iteration, 1-based. */
  readonly iteration?: number;
  /** Its child activities, in document order. */
  readonly children: readonly DiagramTree[];
  /** The handlers of its `<faults>` section. */
  readonly faults: readonly DiagramTree[];
}

/** `1h 30m`-style text for a delay in seconds (the definition says seconds; people read minutes). */
export function formatSeconds(seconds: number): string {
  if (seconds < 60 || seconds % 60 !== 0) return `${seconds}s`;
  const minutes = seconds / 60;
  if (minutes < 60 || minutes % 60 !== 0) return `${minutes}m`;
  return `${minutes / 60}h`;
}

function codesText(codes: readonly string[] | null | undefined): string {
  return codes === null || codes === undefined ? 'default' : codes.join(', ');
}

/** The diagram tree of a definition: every activity, no states. */
export function treeOfDefinition(model: ProcessDefinition): DiagramTree {
  const visit = (node: ModelNode): DiagramTree => ({
    id: node.id,
    kind: node.kind,
    ...detailOf(node),
    children: childActivities(node).map(visit),
    faults: faultHandlers(node).map(visit),
  });
  const root = visit(model);
  return model.name ? { ...root, detail: model.name } : root;
}

function detailOf(node: ModelNode): { detail?: string } {
  switch (node.kind) {
    case 'action':
      return { detail: node.participant };
    case 'await': // a keyed await shows its key expression: which instance of the event it waits for
      return { detail: node.key ? `${node.event} · key ${node.key.source}` : node.event };
    case 'delay':
      return { detail: formatSeconds(node.seconds) };
    case 'call':
      return { detail: node.deployed ? formatDefinitionRef(node.deployed) : `$${node.property ?? ''}` };
    case 'fault':
      return { detail: node.code };
    case 'handler':
      return { detail: codesText(node.codes) };
    case 'assign':
      return { detail: node.property };
    case 'foreach':
      return { detail: node.select.join('.') };
    default:
      return {};
  }
}

/** The diagram tree of a process's state snapshot; `name` is shown on the start node. */
export function treeOfSnapshot(root: ProcessSnapshot, name?: string): DiagramTree {
  const prefix = root.id;
  const visit = (node: ActivitySnapshot): DiagramTree => {
    const detail = snapshotDetail(node);
    return {
      id: node.id.startsWith(prefix) ? node.id.slice(prefix.length) : node.id,
      kind: node.type,
      ...(detail !== undefined ? { detail } : {}),
      state: node.state,
      ...(node.iteration !== undefined ? { iteration: node.iteration } : {}),
      children: node.children.map(visit),
      faults: node.faults.map(visit),
    };
  };
  const tree = visit(root);
  return { ...tree, detail: name ? `${name} · ${prefix}` : prefix };
}

function snapshotDetail(node: ActivitySnapshot): string | undefined {
  if (node.participant !== undefined) return node.participant;
  if (node.event !== undefined) return node.event;
  if (node.seconds !== undefined) return formatSeconds(node.seconds);
  if (node.process !== undefined) return node.process;
  if (node.definition !== undefined) return node.definition;
  if (node.code !== undefined) return node.code;
  if (node.codes !== undefined) return codesText(node.codes);
  return undefined;
}
