/**
 * The definition language: Bureaucrat XML → a validated process model. Pure module (no Node APIs): the
 * interpreter workflow validates `call`ed sub-processes with it.
 */
export * from './model';
export {
  parseDefinition,
  checkDefinition,
  convertProperty,
  ACTIVITY_KINDS,
  type ParseDefinitionOptions,
  type CheckDefinitionOptions,
} from './parse';
export {
  lintDefinition,
  formatWarning,
  LINT_RULES,
  type LintOptions,
  type DefinitionWarning,
  type LintRuleId,
  type LintRuleName,
  type LintSeverity,
} from './lint';
export {
  DefinitionError,
  DefinitionFileError,
  fileErrorReason,
  formatProblem,
  DEFINITION_ERROR_CODE,
  type DefinitionProblem,
} from './problems';
export { MAX_DEFINITION_BYTES, MAX_DEPTH, MAX_ELEMENTS } from './xml';
export { parseDefinitionCached } from './model-cache';
export { childActivities, faultHandlers, forEachDescendant, type ModelNode } from './walk';
