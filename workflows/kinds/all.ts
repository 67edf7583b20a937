/**
 * `all`: every branch in parallel in one scope; the first fault cancels the branches still running (the
 * driver runs each branch on a stack of its own, see `Runtime.branches`).
 */
import type { AllActivity } from '../../src/definition';
import type { FrameKind } from './kind';

/** `<all>`. */
export const allKind: FrameKind<AllActivity> = {
  shape: 'frame',
  enter: (node, parent, run) => run.open(node, parent),
  body: (node, frame, run) => run.branches(node, frame),
};
