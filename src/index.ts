/**
 * Bureaucrat on Temporal: the public API. Everything a user imports comes from here.
 *
 * @module
 */
export { startDevServer, type DevServer, type DevServerOptions } from './server/dev-server';
export {
  resolveTemporalCli,
  cachedTemporalCliPath,
  TemporalCliNotFoundError,
  TEMPORAL_CLI_VERSION,
  type ResolvedTemporalCli,
  type ResolveTemporalCliOptions,
  type TemporalCliSource,
} from './server/temporal-cli';
export { resolveTimeSkippingServer, timeSkippingLauncherPath } from './server/time-skipping-server';
export { PROCESS_NAME, BUREAUCRAT_SEARCH_ATTRIBUTES } from './search-attributes';
export {
  setupNamespace,
  searchAttributeProblems,
  registrationInstructions,
  isTemporalCloud,
  SetupError,
  DEFAULT_RETENTION_MS,
  type SetupOptions,
  type SetupResult,
  type SearchAttributeProblem,
} from './admin/setup';
export * from './protocol';
export {
  parseDefinition,
  checkDefinition,
  DefinitionError,
  formatProblem,
  DEFINITION_ERROR_CODE,
  type DefinitionProblem,
  type ProcessDefinition,
  type Activity,
  type ActivityKind,
  type ParseDefinitionOptions,
} from './definition';
export { ExpressionError, ExpressionSyntaxError, EXPRESSION_ERROR_CODE } from './expression';
export { processStartMetadata, type ProcessMemo, type ProcessStartMetadata } from './process-metadata';
export {
  participantActivities,
  ParticipantFault,
  PARTICIPANT_ERROR_TYPE,
  type Participant,
  type Participants,
} from './worker/participants';
export {
  replayHistories,
  readHistories,
  ReplayError,
  type RecordedHistory,
  type ReplayFailure,
  type ReplayOptions,
} from './testing/replay';
