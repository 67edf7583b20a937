/**
 * `assign property="p"`: evaluates the expression in the merged context and `set`s the property
 * (`ContextSizeError` when the context would become too large). Synchronous: no promise.
 */
import type { AssignActivity } from '../../src/definition';
import { checkAssignSize, valueIn } from '../context-rules';
import type { StepKind } from './kind';

/** `<assign>`. */
export const assignKind: StepKind<AssignActivity> = {
  shape: 'step',
  start(node, frame) {
    const { scope } = frame;
    const value = valueIn(node.expression, scope);
    checkAssignSize(scope, node.property, value);
    scope.set(node.property, value);
    return undefined;
  },
};
