/**
 * The one internal entry of the repository's own scripts (bench/ and tools/): what they need from the
 * sources that the package root (`src/index.ts`) does not export. Not part of the public API, not in the
 * package's `exports`; public things are imported from `src/index.ts`.
 *
 * @internal
 * @packageDocumentation
 */

export { eventActivities } from '../activities/events';
export {
  eventRouterId,
  overflowRouterId,
  SUBSCRIBE_SIGNAL,
  SUBSCRIBES_SIGNAL,
  TRIGGER_SIGNAL,
  TRIGGERS_SIGNAL,
} from './wire/router';
export { freePort } from './server/dev-server';
export { installQuietRuntime } from './server/quiet-runtime';
export { resolveTimeSkippingServer } from './server/time-skipping-server';
export {
  sharedWorkflowModules,
  testingWorkflowsPath,
  TESTING_BUNDLE_FILE,
  withBuiltinsBound,
  withWorkerHooks,
} from './worker/workflow-bundle';
export { openApiDocument } from './api/app';
export { parseExpression, evaluate, evaluateCondition } from './expression';
export { jsonBytes } from './context-size';
export { resetProcess } from './client/reset';
