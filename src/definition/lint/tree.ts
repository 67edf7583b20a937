/**
 * Walking the model with each node's ancestors, and the static view of scopes the rules share: which
 * nodes own a scope and which properties a scope declares.
 */
import type { Activity, FaultHandler, ProcessDefinition, PropertyDefinition } from '../model';
import { childActivities, faultHandlers, type ModelNode } from '../walk';

/** A node that owns a scope (process, sequence, all, case, while, foreach, fault handler). */
export type ScopeNode = Extract<ModelNode, { readonly context: readonly PropertyDefinition[] }>;

/** Whether `node` owns a scope; simple activities (and `switch`) use their parent's. */
export function ownsScope(node: ModelNode): node is ScopeNode {
  return 'context' in node;
}

/** The property names `node`'s `<context>` declares (none for nodes without a scope). */
export function declared(node: ModelNode): Set<string> {
  return new Set(ownsScope(node) ? node.context.map((p) => p.name) : []);
}

/** Calls `visit` for `root` and every node inside it, outermost first, with its ancestors (root first). */
export function visitWithAncestors(
  root: ProcessDefinition,
  visit: (node: ModelNode, ancestors: readonly ModelNode[]) => void,
): void {
  const walk = (node: ModelNode, ancestors: ModelNode[]): void => {
    visit(node, ancestors);
    ancestors.push(node);
    for (const child of [...childActivities(node), ...faultHandlers(node)]) walk(child, ancestors);
    ancestors.pop();
  };
  walk(root, []);
}

/** `node` and everything inside it (its activities, handlers, and theirs). */
export function subtree(node: Activity | FaultHandler): (Activity | FaultHandler)[] {
  const out: (Activity | FaultHandler)[] = [node];
  for (let i = 0; i < out.length; i++) out.push(...childActivities(out[i]), ...faultHandlers(out[i]));
  return out;
}
