/**
 * The worker's definition activities as the workflows call them (local: no round trip to the server), and
 * how a "not deployed" failure of theirs is told from others. One place for the process that reads its
 * deployed definition and the `<call definition>` that resolves one.
 */
import { ActivityFailure, ApplicationFailure, proxyLocalActivities } from '@temporalio/workflow';
import {
  DEFINITION_NOT_FOUND_CODE,
  READ_DEFINITION_ACTIVITY,
  RESOLVE_DEFINITION_ACTIVITY,
  type DefinitionRef,
  type DefinitionSlice,
  type ReadDefinitionInput,
  type ResolvedDefinition,
} from '../src/deployed';

/** `bureaucrat.readDefinition` and `bureaucrat.resolveDefinition` (see `activities/definitions.ts`). */
export const deployedDefinitions = proxyLocalActivities<{
  [READ_DEFINITION_ACTIVITY]: (input: ReadDefinitionInput) => Promise<DefinitionSlice>;
  [RESOLVE_DEFINITION_ACTIVITY]: (ref: DefinitionRef) => Promise<ResolvedDefinition>;
}>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '10 seconds' } });

/** The activity's message when `err` says the definition is not deployed; undefined for any other error. */
export function notDeployed(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === DEFINITION_NOT_FOUND_CODE
    ? cause.message
    : undefined;
}
