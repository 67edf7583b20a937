/**
 * `sequence` (and a `<switch>`'s chosen `case`): its children in order, in a scope of its own. The
 * process itself and fault handlers run the same way (the driver treats them as blocks).
 */
import type { CaseActivity, SequenceActivity } from '../../src/definition';
import type { FrameKind } from './kind';

/** A block: one pass through its children in a fresh scope. */
export const block: FrameKind<SequenceActivity | CaseActivity> = {
  shape: 'frame',
  enter: (node, parent, run) => run.open(node, parent),
};
