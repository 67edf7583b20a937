/**
 * Moving a running process onto another definition: whether it can move, and where it resumes there.
 *
 * A process can move when every activity it has active (the complex activities on the path from the
 * process to where it is, and the step it is parked in) exists in the target with the same kind, under
 * the same id or the one a map gives (`_0_2=_0_3`). Where it resumes is found by anchors rather than by
 * position: a frame resumes at its active child's place in the target, a parked step (an `<await>`, a
 * `<delay>`) runs again at its own place (keeping its deadline), and a process between steps goes on after
 * the step it completed last, so that steps the target inserts after that point run. The recorded states
 * of activities the target lacks (or has of another kind) are dropped; context values come along, and the
 * target's new context properties start with their defaults.
 *
 * Pure module (no Node APIs; of Temporal only the update and query descriptors): the interpreter workflow
 * imports it, and its unit tests run without a server.
 *
 * @module
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { childActivities, faultHandlers, forEachDescendant } from './definition/walk';
import type { Activity, FaultHandler, ProcessDefinition } from './definition/model';
import type { DefinitionRef } from './deployed';
import { BureaucratError } from './errors';
import type { ContextValues } from './scope';
import type { Continuation, SavedFrame, SavedNode } from './wire/continuation';

/** Update name of a migration; its validator refuses (changing nothing) when the process cannot move. */
export const MIGRATE_UPDATE = 'migrate';

/** Query name of a dry run: what a migration would do. */
export const MIGRATION_CHECK_QUERY = 'migrationCheck';

/** What a migration asks of a process. */
export interface MigrationRequest {
  /** The target definition's XML text. */
  readonly definition: string;
  /** The deployed definition it is, when it is one (recorded in the memo and search attributes). */
  readonly to?: Required<DefinitionRef>;
  /** Activity ids of the running definition → ids in the target, for activities that moved. */
  readonly map?: Readonly<Record<string, string>>;
}

/** What a migration did, or would do: move (now, or once the running step ends), or not, and why. */
export interface MigrationCheck {
  /** Whether the process can move. */
  readonly movable: boolean;
  /** Why it cannot (each activity that stands in the way), when it cannot. */
  readonly reasons: readonly string[];
  /** The activities it has active, by relative id (`_0_2`). */
  readonly active: readonly string[];
  /** When it moves: now (between steps, or parked), or once its running step (an action, a call) ends. */
  readonly when?: 'now' | 'after the running step';
  /** The definition it runs now (`order@1`), when it was started by name. */
  readonly from?: string;
}

/** One migration a process went through, as its memo records it. */
export interface MigrationRecord {
  /** The deployed version it ran (`order@1`), when it was started by name. */
  readonly from?: string;
  /** The version it moved to (`order@2`), or the target's name and size when it is not deployed. */
  readonly to: string;
  /** When it moved (ISO 8601, workflow time). */
  readonly at: string;
}

/** The migration update: the validator refuses what cannot move; the handler says when it moves. */
export const migrateUpdate = defineUpdate<MigrationCheck, [MigrationRequest]>(MIGRATE_UPDATE);

/** The dry run's query. */
export const migrationCheckQuery = defineQuery<MigrationCheck, [MigrationRequest]>(MIGRATION_CHECK_QUERY);

/** The error type (ApplicationFailure type) of a refused migration. */
export const MIGRATION_REFUSED = 'MigrationRefused';

/** A process that cannot move: every reason. */
export class MigrationRefused extends BureaucratError {
  override readonly name = 'MigrationRefused';
  readonly code = MIGRATION_REFUSED;
  constructor(readonly reasons: readonly string[]) {
    super(reasons.join('; '));
  }
}

/** Where the process is, as the interpreter sees it. */
export interface ProcessPosition {
  /** The stack, outermost first, as continue-as-new saves it (`index`: the next step, or the parked one). */
  readonly frames: readonly SavedFrame[];
  /** The step of the top frame that is running, if one is (its index is the top frame's `index`). */
  readonly running?: string;
  /** The process is inside a running `<all>` (its branches run in parallel): it cannot move then. */
  readonly parallel: boolean;
}

type Node = ProcessDefinition | Activity | FaultHandler;

/** Every node of a model by id, the process included. */
function nodesById(model: ProcessDefinition): Map<string, Node> {
  const nodes = new Map<string, Node>([[model.id, model]]);
  forEachDescendant(model, (node) => nodes.set(node.id, node));
  return nodes;
}

/**
 * Checks that the process at `position` can move from `source` to `target` (throws
 * {@link MigrationRefused} with every reason when not) and returns the stack it resumes with there.
 * `defaults(node)` gives a target node's declared context properties with their default values.
 */
export function translatePosition(
  source: ProcessDefinition,
  target: ProcessDefinition,
  position: ProcessPosition,
  map: Readonly<Record<string, string>> = {},
  defaults: (node: Node) => ContextValues = () => ({}),
): SavedFrame[] {
  const reasons: string[] = [];
  if (position.parallel) reasons.push('it is inside a running <all>: migrate it once the <all> has ended');
  const from = nodesById(source);
  const to = nodesById(target);
  const moved = (id: string) => map[id] ?? id;
  /** The target's node for source node `id`, checked: same kind. */
  const counterpart = (id: string): Node | undefined => {
    const old = from.get(id);
    const found = to.get(moved(id));
    if (!old) {
      reasons.push(`${id} is not an activity of the running definition`);
      return undefined;
    }
    if (!found) {
      reasons.push(
        `active ${describe(old)} ${id} is not in the target${map[id] ? ` (mapped to ${map[id]})` : ''}`,
      );
      return undefined;
    }
    if (found.kind !== old.kind) {
      reasons.push(`active ${describe(old)} ${id} is ${describe(found)} ${found.id} in the target`);
      return undefined;
    }
    return found;
  };
  /** Where `child` (a target node) is among `parent`'s steps in the target; -1 with a reason if not there. */
  const placeIn = (parent: Node, child: Node, sourceParent: string): number => {
    const place = childActivities(parent).findIndex((c) => c.id === child.id);
    if (place < 0) {
      reasons.push(
        `${child.id} is not a step of ${parent.id || 'the process'} in the target, as it is of ${sourceParent || 'the process'}`,
      );
    }
    return place;
  };

  const frames: SavedFrame[] = [];
  position.frames.forEach((saved, i) => {
    const node = counterpart(saved.id);
    const sourceNode = from.get(saved.id);
    if (!node || !sourceNode) return;
    const above = position.frames[i + 1];
    const steps = childActivities(sourceNode);
    let index: number;
    if (above && faultHandlers(sourceNode).some((h) => h.id === above.id)) {
      index = saved.index; // handling a fault: the owner ends with its handler, where it was matters not
    } else if (above) {
      // The child holding the frame above: itself, or the `<switch>` that chose it as a case.
      const child = steps[saved.index];
      const mapped = child && counterpart(child.id);
      index = mapped ? placeIn(node, mapped, sourceNode.id) : -1;
      if (mapped?.kind === 'switch' && child.kind === 'switch') {
        const aboveNode = to.get(moved(above.id));
        if (aboveNode && !mapped.cases.some((c) => c.id === aboveNode.id)) {
          reasons.push(`case ${above.id} is not a case of ${mapped.id} in the target`);
        }
      }
    } else if (position.running !== undefined) {
      const running = counterpart(position.running);
      index = running ? placeIn(node, running, sourceNode.id) : -1;
    } else if (saved.index === 0) {
      index = 0;
    } else {
      // Between steps: on after the step that completed last, so that steps inserted after it run.
      const last = steps[saved.index - 1];
      const mapped = last && to.get(moved(last.id));
      if (!mapped || mapped.kind !== last.kind) {
        reasons.push(`${last?.id ?? saved.id} (the step the process completed last) is not in the target`);
        index = -1;
      } else {
        const place = childActivities(node).findIndex((c) => c.id === mapped.id);
        if (place < 0)
          reasons.push(`${mapped.id} is not a step of ${node.id || 'the process'} in the target`);
        index = place + 1;
      }
    }
    frames.push({ ...saved, id: node.id, index, locals: { ...defaults(node), ...saved.locals } });
  });
  if (reasons.length) throw new MigrationRefused(reasons);
  return frames;
}

/**
 * The continuation the process resumes with on `target`: the translated stack, the states of the
 * activities the target has (of the same kind), call counters by their new ids.
 */
export function translateContinuation(
  source: ProcessDefinition,
  target: ProcessDefinition,
  continuation: Continuation,
  frames: SavedFrame[],
  map: Readonly<Record<string, string>> = {},
): Continuation {
  const from = nodesById(source);
  const to = nodesById(target);
  const moved = (id: string) => map[id] ?? id;
  const nodes: Record<string, SavedNode> = {};
  for (const [id, state] of Object.entries(continuation.nodes)) {
    const counterpart = to.get(moved(id));
    if (counterpart && counterpart.kind === from.get(id)?.kind) nodes[counterpart.id] = state;
  }
  const calls: Record<string, number> = {};
  for (const [id, count] of Object.entries(continuation.calls)) calls[moved(id)] = count;
  const deadlines: Record<string, number> = {};
  for (const [id, at] of Object.entries(continuation.deadlines ?? {})) deadlines[moved(id)] = at;
  return {
    ...continuation,
    frames,
    nodes,
    calls,
    ...(Object.keys(deadlines).length ? { deadlines } : {}),
  };
}

/** Parses `OLD=NEW` pairs (the CLI's `--map`); throws on anything else. */
export function parseMigrationMap(pairs: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^\s*(_[\w]*|[\w]+)\s*=\s*(_[\w]*)\s*$/.exec(pair);
    if (!match) throw new TypeError(`--map ${pair}: expected OLD=NEW activity ids, like _0_2=_0_3`);
    map[match[1]] = match[2];
  }
  return map;
}

function describe(node: Node): string {
  return node.kind === 'process' ? 'the process' : `<${node.kind}>`;
}
