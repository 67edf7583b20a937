/**
 * What a condition reads of the context, found by walking its syntax tree. Only `context["k"]` and
 * `context.get("k")` with a literal key name a property; any other use of `context` (a computed key,
 * `"k" in context`, `len(context)`) may depend on every property.
 */
import { evaluateCondition, type Expression, type ExpressionNode } from '../../expression';

/** The properties some expressions read. */
export interface ContextReads {
  /** Properties read by a literal name. */
  readonly keys: ReadonlySet<string>;
  /** Whether the context is also read in a way that may depend on any property. */
  readonly any: boolean;
}

/** The properties `expressions` read (see the module comment for what counts). */
export function contextReads(expressions: readonly Expression[]): ContextReads {
  const keys = new Set<string>();
  let any = false;
  const literalKey = (node: ExpressionNode | undefined): string | undefined =>
    node?.kind === 'const' && node.value.type === 'str' ? node.value.value : undefined;
  const isContext = (node: ExpressionNode): boolean => node.kind === 'name' && node.name === 'context';
  const visit = (node: ExpressionNode): void => {
    if (node.kind === 'subscript' && isContext(node.target) && literalKey(node.index) !== undefined) {
      keys.add(literalKey(node.index) as string);
      return;
    }
    if (node.kind === 'get' && isContext(node.target) && literalKey(node.args[0]) !== undefined) {
      keys.add(literalKey(node.args[0]) as string);
      node.args.slice(1).forEach(visit);
      return;
    }
    if (isContext(node)) any = true;
    children(node).forEach(visit);
  };
  for (const expression of expressions) visit(expression.tree);
  return { keys, any };
}

/** Whether an expression reads no name at all (neither `context` nor `event`): its value never changes. */
export function isConstant(expression: Expression): boolean {
  const reads = (node: ExpressionNode): boolean => node.kind === 'name' || children(node).some(reads);
  return !reads(expression.tree);
}

/**
 * The truth of a condition in `context`, or `undefined` when evaluating it fails (the lint is no type
 * checker: a condition that raises at run time is the run's business).
 */
export function truthIn(expression: Expression, context: Record<string, unknown>): boolean | undefined {
  try {
    return evaluateCondition(expression, { context });
  } catch {
    return undefined;
  }
}

function children(node: ExpressionNode): readonly ExpressionNode[] {
  switch (node.kind) {
    case 'const':
    case 'name':
      return [];
    case 'list':
    case 'tuple':
      return node.items;
    case 'dict':
      return [...node.keys, ...node.values];
    case 'subscript':
      return [node.target, node.index];
    case 'slice':
      return [node.target, node.lower, node.upper, node.step].filter((n): n is ExpressionNode => n !== null);
    case 'call':
      return [...node.args, ...node.keywords.map((k) => k.value)];
    case 'get':
      return [node.target, ...node.args];
    case 'unary':
      return [node.operand];
    case 'binary':
    case 'and':
    case 'or':
      return [node.left, node.right];
    case 'compare':
      return [node.left, ...node.comparators];
    case 'ifelse':
      return [node.test, node.body, node.orelse];
  }
}
