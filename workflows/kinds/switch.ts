/**
 * `switch`: runs the first case one of whose conditions holds, in the switch's parent frame. No case holds
 * → the switch simply completes (the original never reported completion and the process hung: defect 1).
 */
import type { SwitchActivity } from '../../src/definition';
import { holds } from '../context-rules';
import type { FrameKind } from './kind';

/** `<switch>`: opens the chosen case's frame; the switch completes or fails with it. */
export const switchKind: FrameKind<SwitchActivity> = {
  shape: 'frame',
  enter(node, parent, run) {
    const chosen = node.cases.find((c) => holds(c.conditions, parent.scope));
    return chosen ? run.open(chosen, parent, node) : undefined;
  },
};
