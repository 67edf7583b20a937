/**
 * `bureaucrat-temporal/testing`: what your own test suite needs — running definitions with scripted
 * participants and events on the time-skipping test server ({@link testProcess}), replaying recorded
 * histories against the current interpreter, and Temporal's time-skipping test server itself.
 *
 * @module bureaucrat-temporal/testing
 */
export {
  testProcess,
  closeTestEnvironment,
  SCRIPT_EXHAUSTED_CODE,
  type ScriptedParticipant,
  type ScriptedEvent,
  type TestProcessOptions,
  type ProcessTestResult,
} from './test-process';
export {
  replayHistories,
  readHistories,
  ReplayError,
  type RecordedHistory,
  type ReplayFailure,
  type ReplayOptions,
} from './replay';
export {
  resolveTimeSkippingServer,
  startTimeSkippingEnvironment,
  timeSkippingLauncherPath,
} from '../server/time-skipping-server';
