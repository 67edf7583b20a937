/**
 * Names a definition uses that nothing it holds defines:
 *
 * - W004 undeclared-property (info): a `foreach select`, `call process` or `await key` naming a property
 *   that no `<context>` the element sees declares and no `assign` anywhere sets. It may still arrive with the
 *   launch fields or in a participant's reply, hence only information. Reserved `inst:` names are the
 *   engine's and never reported.
 * - W005 unknown-participant: an `action` whose participant is not among the registered ones (given).
 * - W006 unknown-event: an `await` whose event is not among the known ones (given).
 * - W007 unknown-definition: a `call definition` naming a definition that is not deployed, or pinning a
 *   version past the latest deployed one (when the deployed definitions are given).
 */
import { isReserved } from '../../scope';
import type { ProcessDefinition } from '../model';
import { contextReads } from './reads';
import type { Reporter } from './report';
import { ownsScope, subtree, visitWithAncestors } from './tree';

/** What the definition is checked against, beyond itself. */
export interface ReferenceOptions {
  /** The participants the workers register; when given, actions naming others are reported (W005). */
  readonly participants?: Iterable<string>;
  /** The events something triggers; when given, awaits of others are reported (W006). */
  readonly events?: Iterable<string>;
  /**
   * The deployed definitions: each name with its latest version. When given, a `<call definition>` naming
   * another one, or pinning a version past the latest, is reported (W007).
   */
  readonly deployed?: ReadonlyMap<string, number>;
}

/** Runs the reference rules over `root`. */
export function lintReferences(root: ProcessDefinition, report: Reporter, options: ReferenceOptions): void {
  const assigned = new Set<string>();
  for (const activity of root.activities)
    for (const node of subtree(activity)) if (node.kind === 'assign') assigned.add(node.property);
  for (const handler of root.faults)
    for (const node of subtree(handler)) if (node.kind === 'assign') assigned.add(node.property);
  const participants = options.participants && new Set(options.participants);
  const events = options.events && new Set(options.events);
  const { deployed } = options;

  visitWithAncestors(root, (node, ancestors) => {
    const undeclared = (name: string, element: string) => {
      const visible = ancestors.some((a) => ownsScope(a) && a.context.some((prop) => prop.name === name));
      if (name && !isReserved(name) && !visible && !assigned.has(name)) {
        report(
          'W004',
          node,
          `${element} reads property "${name}", which no context it sees declares and no <assign> sets: ` +
            'it must come with the launch fields or from a participant',
        );
      }
    };
    if (node.kind === 'foreach') undeclared(node.select[0], `<foreach select="${node.select.join('.')}">`);
    else if (node.kind === 'call' && node.property !== undefined)
      undeclared(node.property, `<call process="$${node.property}">`);
    if (node.kind === 'await' && node.key) {
      for (const name of contextReads([node.key]).keys)
        undeclared(name, `<await event="${node.event}" key="${node.key.source}">`);
    }
    if (
      node.kind === 'action' &&
      node.queue === undefined && // served on its own queue, maybe by another SDK's worker
      participants &&
      !participants.has(node.participant)
    ) {
      report('W005', node, `no worker registers participant "${node.participant}"`);
    } else if (node.kind === 'await' && events && !events.has(node.event)) {
      report('W006', node, `nothing triggers event "${node.event}" (not in the events given)`);
    } else if (node.kind === 'call' && node.deployed && deployed) {
      const { name, version } = node.deployed;
      const latest = deployed.get(name);
      if (latest === undefined) report('W007', node, `no definition named "${name}" is deployed`);
      else if (version !== undefined && version > latest) {
        report(
          'W007',
          node,
          `definition "${name}" has no version ${version} deployed (the latest is ${name}@${latest})`,
        );
      }
    }
  });
}
