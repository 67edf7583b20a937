/**
 * `while`: a precondition loop. The conditions are evaluated before every iteration, in that iteration's
 * fresh scope.
 */
import type { WhileActivity } from '../../src/definition';
import { holds } from '../context-rules';
import { iterationScope, loopKind } from './loop';

/** `<while>`. */
export const whileKind = loopKind<WhileActivity>((node, frame, run) => {
  const scope = iterationScope(node, frame.parent);
  if (!holds(node.conditions, scope)) return false;
  run.iterate(frame, scope, frame.iteration + 1);
  return true;
});
