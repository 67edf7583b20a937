/**
 * `assign property="p"`: evaluates the expression in the merged context and `set`s the property
 * (`ContextSizeError` when the context would become too large). Synchronous: no promise.
 */
import type { AssignActivity } from '../../src/definition';
import { evaluate } from '../../src/expression';
import { checkContextSize, evaluated } from '../context-rules';
import type { StepKind } from './kind';

/** `<assign>`. */
export const assignKind: StepKind<AssignActivity> = {
  shape: 'step',
  start(node, frame) {
    const context = frame.scope.view();
    const value = evaluated(() => evaluate(node.expression, { context }));
    checkContextSize(frame.scope, { [node.property]: value }, `assign property="${node.property}"`, true);
    frame.scope.set(node.property, value);
    return undefined;
  },
};
