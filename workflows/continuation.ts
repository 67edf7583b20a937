/**
 * Continue-as-new, owned here alone: when a run must end (its history is long enough), what it saves (the
 * stack of frames, node states, counters) and how the next run rebuilds the stack to resume exactly at the
 * step that was about to run. The saved format (`Continuation`) is part of committed histories: unchanged.
 */
import { workflowInfo } from '@temporalio/workflow';
import { faultHandlers, type ProcessDefinition } from '../src/definition';
import { HISTORY_LIMIT_CODE } from '../src/protocol';
import type { Continuation, SavedFrame } from '../src/wire/continuation';
import { contextValues, Scope } from '../src/scope';
import { Frame, type ComplexNode } from './frame';
import type { NodeStates } from './node-states';
import { ProcessFault } from './process-fault';

/**
 * Past this history length (or 4× the continue-as-new threshold, if lower), a process that cannot continue
 * as new because it is inside an `<all>` faults with `HistoryLimitError` rather than hit Temporal's cap.
 */
export const HISTORY_HARD_LIMIT = 40_000;

/** When to continue as new. */
export interface ContinuePolicy {
  readonly continueAsNewAfterEvents: number;
  /** Also continue as new when the server suggests it (unless the input set an explicit threshold). */
  readonly followServerSuggestion: boolean;
}

/**
 * Whether the history is long enough to continue as new (or the server suggests it). Both change only
 * between workflow activations, so the driver asks once per activation, not before every step.
 */
export function continueAsNewDue(policy: ContinuePolicy): boolean {
  const info = workflowInfo();
  return (
    (policy.followServerSuggestion && info.continueAsNewSuggested) ||
    info.historyLength >= policy.continueAsNewAfterEvents
  );
}

/**
 * Before a step, once {@link continueAsNewDue}: whether to continue as new now. Inside an `<all>` branch
 * other branches are in flight, so it waits for the `<all>` to end, and faults if the history nears the
 * cap first.
 */
export function mustContinueAsNew(frame: Frame, policy: ContinuePolicy): boolean {
  if (!frame.parallel) return true;
  const { historyLength } = workflowInfo();
  const hardLimit = Math.min(HISTORY_HARD_LIMIT, 4 * policy.continueAsNewAfterEvents);
  if (historyLength < hardLimit) return false;
  throw new ProcessFault(
    HISTORY_LIMIT_CODE,
    `the history holds ${historyLength} events and the process cannot continue as new inside a running <all>`,
  );
}

/** What the next run resumes from: the stack (outermost first), resuming at its top's next step. */
export function saveContinuation(
  stack: readonly Frame[],
  nodes: NodeStates,
  counters: { calls: Readonly<Record<string, number>>; awaits: number; runs: number },
): Continuation {
  return {
    frames: stack.map(saveFrame),
    nodes: nodes.save(),
    calls: counters.calls,
    awaits: counters.awaits,
    runs: counters.runs + 1,
  };
}

function saveFrame(frame: Frame): SavedFrame {
  return {
    id: frame.node.id,
    locals: contextValues(frame.scope.locals),
    index: frame.index,
    ...(frame.iteration > 0 ? { iteration: frame.iteration } : {}),
    ...(frame.selection !== undefined ? { selection: frame.selection } : {}),
  };
}

/**
 * Rebuilds the saved stack: each saved frame is either a child of the frame below at its index (through a
 * `<switch>` for a case) or a fault handler of the frame below's node, which is then handling. Node states
 * come back with the saved ones; the frames' scopes are attached again, and the nodes on the path show
 * `active` again in the order the previous run entered them (the trace of this run starts with them).
 */
export function restoreStack(
  model: ProcessDefinition,
  saved: readonly SavedFrame[],
  nodes: NodeStates,
): Frame[] {
  const stack: Frame[] = [];
  for (const s of saved) {
    const below = stack.at(-1);
    let frame: Frame;
    if (!below) {
      frame = new Frame(model, undefined, new Scope(undefined, s.locals), model.activities);
    } else {
      const handler = faultHandlers(below.node).find((h) => h.id === s.id);
      let node: ComplexNode;
      let via;
      if (handler) {
        below.handling = true;
        nodes.set(below.node.id, 'aborting');
        node = handler;
      } else {
        const child = below.steps[below.index];
        if (child?.kind === 'switch') via = child;
        const found = child?.kind === 'switch' ? child.cases.find((c) => c.id === s.id) : child;
        if (!found || found.id !== s.id || !('activities' in found)) {
          throw new Error(
            `continue-as-new: saved frame ${s.id} is not in the definition at ${below.node.id}`,
          );
        }
        node = found;
        if (via) nodes.set(via.id, 'active');
      }
      frame = new Frame(node, below, new Scope(below.scope, s.locals), node.activities, { via });
    }
    frame.index = s.index;
    frame.iteration = s.iteration ?? 0;
    frame.selection = s.selection;
    nodes.set(frame.node.id, 'active');
    nodes.attach(frame.node.id, frame.scope, s.iteration);
    stack.push(frame);
  }
  return stack;
}
