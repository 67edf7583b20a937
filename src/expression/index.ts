/**
 * The expression language of definitions: a safe, tree-walking implementation of the Python expression
 * subset that Bureaucrat's `eval` accepted. Pure module (no Node APIs): the workflow sandbox imports it.
 */
export type { Expression, Node as ExpressionNode, NameRef } from './ast';
export { parseExpression, MAX_EXPRESSION_LENGTH, type ParseOptions } from './parser';
export { evaluate, evaluateCondition, evaluateValue, type EvaluationScope } from './evaluator';
export { MAX_CELLS, MAX_OPERATIONS, type BudgetLimits } from './budget';
export { MAX_INT_BITS } from './operators';
export { ExpressionError, ExpressionSyntaxError, EXPRESSION_ERROR_CODE } from './errors';
export { pyRepr, pyStr, type PyValue } from './values';
