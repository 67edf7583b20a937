/**
 * Walking the process model: which nodes a node contains. Pure module (no Node APIs).
 */
import type { Activity, FaultHandler, ProcessDefinition } from './model';

/** Any node of the model tree: the process, an activity or a fault handler. */
export type ModelNode = ProcessDefinition | Activity | FaultHandler;

/** A node's child activities in document order (a `switch`'s cases; none for simple activities). */
export function childActivities(node: ModelNode): readonly Activity[] {
  if (node.kind === 'switch') return node.cases;
  return 'activities' in node ? node.activities : [];
}

/** A node's fault handlers (none for activities that cannot own a `<faults>` section). */
export function faultHandlers(node: ModelNode): readonly FaultHandler[] {
  return 'faults' in node ? node.faults : [];
}

/** Calls `visit` for every node strictly inside `node` (child activities and handlers, recursively). */
export function forEachDescendant(
  node: ModelNode,
  visit: (descendant: Activity | FaultHandler) => void,
): void {
  for (const child of [...childActivities(node), ...faultHandlers(node)]) {
    visit(child);
    forEachDescendant(child, visit);
  }
}
