/**
 * The one loop skeleton of `while` and `foreach`: a loop is a frame whose body runs once per iteration,
 * each iteration in a fresh scope (its `<context>` read again) whose parent is the loop's parent scope.
 * A kind supplies only `next`: start the next iteration (through `Runtime.iterate`) or say the loop is done.
 */
import type { ForeachActivity, WhileActivity } from '../../src/definition';
import { Scope } from '../../src/scope';
import { properties } from '../context-rules';
import { Frame } from '../frame';
import type { FrameKind, Runtime } from './kind';

/** A loop activity. */
export type LoopNode = WhileActivity | ForeachActivity;

/** A loop kind from its `next` rule. */
export function loopKind<A extends LoopNode>(
  next: (node: A, frame: Frame, run: Runtime) => boolean,
): FrameKind<A> {
  return {
    shape: 'frame',
    enter(node, parent) {
      // Not shown until an iteration begins; its scope stands for the loop until then (a handler of the
      // loop's own faults runs in it).
      const frame = new Frame(node, parent, iterationScope(node, parent), node.activities);
      frame.index = node.activities.length; // "the body has ended": the driver asks `next` at once
      return frame;
    },
    again: next,
  };
}

/** A fresh scope for one iteration of `node`, in its parent frame's scope. */
export function iterationScope(node: LoopNode, parent: Frame | undefined): Scope {
  return new Scope(parent?.scope, properties(node.context));
}
