/**
 * Bureaucrat on Temporal: the public API. Everything the README documents is exported from here; the
 * interpreter's internal contract (continuation frames, the event router's state and signals) is not.
 *
 * - workers: {@link createWorker} with your participants ({@link ParticipantFault}, the reply protocol);
 * - starting and following processes: {@link Launcher}, {@link ProcessHandle}, {@link Events};
 * - operating them: `ProcessHandle` pause/resume/setFields/retry/reset, worker {@link ProcessHooks};
 * - definitions: {@link parseDefinition}, {@link checkDefinition}, {@link DefinitionError};
 * - the workflow contract for the plain Temporal client: {@link PROCESS_WORKFLOW_TYPE},
 *   {@link processStartOptions}, {@link eventSignal}, {@link stateQuery}, {@link contextQuery};
 * - errors: every error class extends {@link BureaucratError} and has a stable `code`;
 * - replay tests: `bureaucrat-temporal/testing` (`replayHistories`);
 * - a local server: {@link startDevServer}, {@link resolveTemporalCli}.
 *
 * @module bureaucrat-temporal
 */

// The base class of every error of the package.
export { BureaucratError } from './errors';

// Workers and participants.
export { createWorker, DEFAULT_SHUTDOWN_GRACE_TIME, type CreateWorkerOptions } from './worker/create-worker';
export {
  participantActivities,
  ParticipantFault,
  type ParticipantContext,
  PARTICIPANT_ERROR_TYPE,
  type Participant,
  type ParticipantActivity,
  type Participants,
} from './worker/participants';
export { LOG_LEVEL_ENV } from './worker/logging';
export { LOG_FORMAT_ENV, LOG_FORMATS, type LogFormat } from './worker/log-format';
export {
  buildWorkflowBundle,
  prebuiltWorkflowBundle,
  workflowsPath,
  WORKFLOW_BUNDLE_FILE,
} from './worker/workflow-bundle';

// Launching, following and signalling processes.
export { Launcher, type LaunchOptions, type LaunchResult } from './client/launcher';
export {
  Definitions,
  DefinitionNotFoundError,
  DefinitionWarningsError,
  DefinitionDamagedError,
  type DeployOptions,
  type DeployResult,
  type DeployedDefinition,
  type DeployedName,
} from './client/definitions';
export {
  DefinitionRefError,
  parseDefinitionRef,
  formatDefinitionRef,
  DEFINITION_NOT_FOUND_CODE,
  type DefinitionRef,
  type DeployedVersionInfo,
  type DefinitionSlice,
} from './deployed';
export {
  migrateProcesses,
  type MigrateOptions,
  type MigrationOutcome,
  type MigrationSelection,
} from './client/migrations';
export {
  parseMigrationMap,
  migrateUpdate,
  migrationCheckQuery,
  type MigrationCheck,
  type MigrationRecord,
  type MigrationRequest,
} from './migration';
export {
  InvalidPageTokenError,
  PROCESS_STATUS_FILTERS,
  type ListProcessesOptions,
  type ProcessPage,
  type ProcessStatusFilter,
  type ProcessSummary,
} from './client/process-list';

// The HTTP API and the web console (docs/http-api.md).
export { startApi, ApiConfigError, DEFAULT_API_PORT, type ApiOptions, type RunningApi } from './api/server';
export {
  parseTokens,
  readTokensFile,
  TokensFileError,
  SCOPES,
  type Scope,
  type TokenEntry,
} from './api/tokens';
export { startConsole, type ConsoleOptions, type RunningConsole } from './console/server';
export {
  ProcessHandle,
  ProcessFaultError,
  ProcessCancelledError,
  ProcessEndedError,
} from './client/process-handle';
export { Events, type TriggerOptions } from './client/events';
export {
  Schedules,
  type ScheduleAddOptions,
  type ScheduleInfo,
  type ScheduleOverlap,
  type ScheduleTiming,
} from './client/schedules';
export {
  Triggers,
  TriggerConflictError,
  TriggerExpressionError,
  type TriggerAddOptions,
  type TriggerInfo,
  type RedriveResult,
  type DeadLetter,
  type AddTriggerResult,
} from './client/triggers';
export {
  recordCreated,
  recordUpdated,
  recordDeleted,
  recordChanges,
  type RecordEvent,
  type FieldChange,
} from './triggers/record-events';
export { watchProcess, type ActivityChange } from './client/watch';

// Operating processes: pause, resume, set, retry, reset, lifecycle hooks (README "Operating processes").
export { ResetError, faultedStep, type ResetResult } from './client/reset';
export {
  pauseUpdate,
  resumeUpdate,
  setFieldsUpdate,
  startsQuery,
  checkFields,
  InvalidFieldsError,
  PAUSE_UPDATE,
  RESUME_UPDATE,
  SET_FIELDS_UPDATE,
  STARTS_QUERY,
  type PauseInfo,
  type PauseRequest,
  type StepStart,
} from './operations';
export { hookSinks, type ProcessHooks } from './worker/hooks';
export {
  HOOKS_SINK,
  HOOK_NAMES,
  type HookEvent,
  type StepHookEvent,
  type FaultHookEvent,
  type PauseHookEvent,
  type HookName,
  type HookCall,
  type HookSinks,
} from './hooks';
export { DEFAULT_TASK_QUEUE, TemporalConnectionError, type ConnectionOptions } from './client/connection';

// Encryption at rest (docs/production.md): the payload codec and the codec server for the Web UI.
export {
  EncryptionCodec,
  EncryptionKeyError,
  ENCRYPTION_KEY_FILE_ENV,
  ENCRYPTED_ENCODING,
  ENCRYPTION_KEY_ID_METADATA,
  decodeHistory,
  decodeMessagePayloads,
  encryptionCodecFor,
  encryptionCodecOf,
  generateEncryptionKey,
  keyId,
  parseEncryptionKeys,
  readEncryptionKeyFile,
  type EncryptionKey,
} from './codec/encryption';
export {
  startCodecServer,
  CodecServerConfigError,
  CODEC_BODY_LIMIT,
  CODEC_TOKEN_ENV,
  DEFAULT_UI_ORIGIN,
  type CodecServerOptions,
  type RunningCodecServer,
} from './codec/codec-server';

// The workflow contract, for code that uses the plain Temporal client.
export {
  PROCESS_WORKFLOW_TYPE,
  EVENT_SIGNAL,
  STATE_QUERY,
  CONTEXT_QUERY,
  ACTION_ERROR_CODE,
  TIMEOUT_CODE,
  HISTORY_LIMIT_CODE,
  type ProcessInput,
  type ActionOptions,
  type Workitem,
  type ActionInput,
  type ActionActivityInfo,
  workitemOf,
  type ParticipantReply,
  type EventMessage,
  type ActivitySnapshot,
  type ActivityState,
  type ProcessSnapshot,
  type FaultDetails,
} from './protocol';
export { eventSignal, stateQuery, contextQuery } from './messages';
export {
  processStartOptions,
  processStartMetadata,
  type ProcessSettings,
  type ProcessStartRequest,
  type ProcessStartOptions,
  type ProcessStartMetadata,
  type ProcessMemo,
} from './process-start';
export { parseRoutes, routeFor, RoutesError, ROUTES_ENV, type Routes } from './routes';
export {
  PROCESS_NAME,
  SCHEDULE_NAME,
  TRIGGER_NAME,
  DEFINITION_NAME,
  DEFINITION_VERSION,
  BUREAUCRAT_SEARCH_ATTRIBUTES,
} from './search-attributes';
export type { ContextValues } from './scope';

// Definitions and expressions.
export {
  parseDefinition,
  checkDefinition,
  DefinitionError,
  DefinitionFileError,
  formatProblem,
  DEFINITION_ERROR_CODE,
  type DefinitionProblem,
  type ProcessDefinition,
  type Activity,
  type ActivityKind,
  type ParseDefinitionOptions,
  type CheckDefinitionOptions,
  lintDefinition,
  formatWarning,
  LINT_RULES,
  type LintOptions,
  type DefinitionWarning,
  type LintRuleId,
  type LintRuleName,
  type LintSeverity,
} from './definition';
export {
  ExpressionError,
  ExpressionSyntaxError,
  EXPRESSION_ERROR_CODE,
  MAX_CELLS,
  MAX_OPERATIONS,
  MAX_INT_BITS,
  type BudgetLimits,
} from './expression';
export { MAX_CONTEXT_BYTES, CONTEXT_SIZE_CODE } from './context-size';

// A local Temporal server.
export {
  startDevServer,
  DevServerStartError,
  type DevServer,
  type DevServerOptions,
} from './server/dev-server';
export {
  resolveTemporalCli,
  TemporalCliNotFoundError,
  TEMPORAL_CLI_VERSION,
  type ResolvedTemporalCli,
  type ResolveTemporalCliOptions,
  type TemporalCliSource,
} from './server/temporal-cli';
export {
  setupNamespace,
  SetupError,
  DEFAULT_RETENTION_MS,
  type SetupOptions,
  type SetupResult,
} from './admin/setup';
export { treeOfDefinition, treeOfSnapshot, renderSvg, type DiagramTree, type SvgOptions } from './diagram';
export {
  flushTracing,
  resolveTracing,
  SPAN_ATTRIBUTES,
  type ResolvedTracing,
  type TracingOptions,
} from './tracing';
// The original's AMQP wire (README, "Moving from Bureaucrat").
export { AmqpBridge, acceptedQueue, type AmqpBridgeOptions, type AmqpBridgeCounts } from './amqp/bridge';
export {
  LegacyParticipants,
  LEGACY_TASK_QUEUE,
  NOT_SERVED_TYPE,
  type LegacyParticipantsOptions,
} from './amqp/legacy-participants';
export { startAmqpService, type AmqpService, type AmqpServiceOptions } from './amqp/service';
export {
  resolveAmqpSettings,
  parseAmqpConfig,
  readAmqpConfig,
  AmqpConfigError,
  DEFAULT_AMQP_SETTINGS,
  type AmqpSettings,
  type AmqpSettingsSource,
  type LegacyQueueKind,
} from './amqp/settings';
export { AmqpUnavailableError, ID_HEADER, REASON_HEADER, SOURCE_HEADER } from './amqp/connection';
