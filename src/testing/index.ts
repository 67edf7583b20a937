/**
 * `bureaucrat-temporal/testing`: what your own test suite needs — replaying recorded histories against the
 * current interpreter, and Temporal's time-skipping test server.
 *
 * @module
 */
export {
  replayHistories,
  readHistories,
  ReplayError,
  type RecordedHistory,
  type ReplayFailure,
  type ReplayOptions,
} from './replay';
export { resolveTimeSkippingServer, timeSkippingLauncherPath } from '../server/time-skipping-server';
