/** `fault code="…" message="…"`: raises the fault (synchronously) for the enclosing handlers. */
import type { FaultActivity } from '../../src/definition';
import { ProcessFault } from '../process-fault';
import type { StepKind } from './kind';

/** `<fault>`. */
export const faultKind: StepKind<FaultActivity> = {
  shape: 'step',
  start(node) {
    throw new ProcessFault(node.code, node.message);
  },
};
