/**
 * `foreach select="a.b"`: one iteration per element of the list at that path (read once, when the loop
 * starts), each in a fresh scope with `inst:current`, `inst:iteration` (1-based) and `inst:selection`.
 * Conditions, if any, filter elements (the original parsed and ignored them): a filtered-out element's
 * iteration begins and ends at once.
 */
import type { ForeachActivity } from '../../src/definition';
import { EXPRESSION_ERROR_CODE } from '../../src/expression';
import type { Scope } from '../../src/scope';
import { evaluated, holds } from '../context-rules';
import { ProcessFault } from '../process-fault';
import { iterationScope, loopKind } from './loop';

/** `<foreach>`. */
export const foreachKind = loopKind<ForeachActivity>((node, frame, run) => {
  const outer = frame.parent?.scope;
  const selection = (frame.selection ??= select(node.select, outer as Scope));
  for (let i = frame.iteration; i < selection.length; i++) {
    const scope = iterationScope(node, frame.parent);
    run.iterate(frame, scope, i + 1);
    scope.define('inst:current', selection[i]);
    scope.define('inst:iteration', i + 1);
    scope.define('inst:selection', selection);
    if (node.conditions.length === 0 || holds(node.conditions, scope)) return true;
  }
  return false;
});

function select(path: readonly string[], scope: Scope): readonly unknown[] {
  const where = `foreach select="${path.join('.')}"`;
  let value = evaluated(() => scope.get(path[0]));
  for (const key of path.slice(1)) {
    if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, key)) {
      throw new ProcessFault(EXPRESSION_ERROR_CODE, `${where}: no key "${key}"`);
    }
    value = (value as Record<string, unknown>)[key];
  }
  if (!Array.isArray(value)) throw new ProcessFault(EXPRESSION_ERROR_CODE, `${where} is not a list`);
  return value;
}
