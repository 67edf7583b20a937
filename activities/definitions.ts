/**
 * The activities that read deployed definitions for workflows: a process started by name (by a schedule,
 * a trigger, a migration, or with a definition too large to carry in its input) reads its text, and a
 * `<call definition>` resolves which version it calls. Their results are recorded in the history, so a
 * replay takes the same version the run took.
 */
import type { Client } from '@temporalio/client';
import { Definitions, DefinitionNotFoundError } from '../src/client/definitions';
import {
  DEFINITION_NOT_FOUND_CODE,
  READ_DEFINITION_ACTIVITY,
  RESOLVE_DEFINITION_ACTIVITY,
  type DefinitionRef,
  type DefinitionSlice,
  type ReadDefinitionInput,
  type ResolvedDefinition,
} from '../src/deployed';
import { ApplicationFailure } from '@temporalio/common';

/** The definition activities of a worker, on its client. */
export function definitionActivities(client: Client) {
  const definitions = new Definitions(client);
  return {
    /** A slice of the text of the version the input names (the latest when it names none). */
    async [READ_DEFINITION_ACTIVITY]({
      name,
      version,
      offset,
    }: ReadDefinitionInput): Promise<DefinitionSlice> {
      return notFoundFails(() =>
        definitions.slice({ name, ...(version !== undefined && { version }) }, offset),
      );
    },

    /** The version a reference names, without its text. */
    async [RESOLVE_DEFINITION_ACTIVITY](ref: DefinitionRef): Promise<ResolvedDefinition> {
      const { chunks: _chunks, ...info } = await notFoundFails(() => definitions.resolve(ref));
      return info;
    },
  };
}

/** A definition that is not deployed fails for good (retrying would not deploy it). */
async function notFoundFails<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof DefinitionNotFoundError) {
      throw ApplicationFailure.nonRetryable(err.message, DEFINITION_NOT_FOUND_CODE);
    }
    throw err;
  }
}
