/**
 * The workflows that store deployed definitions (see `src/client/definitions.ts`): their histories are the
 * storage. `bureaucratDefinition` holds one version (its info and the first chunk of its content),
 * `bureaucratDefinitionChunk` one further chunk of a large one. They only wait, for as long as the version
 * is kept; clients read their content from their histories, so they keep none of it.
 */
import { condition } from '@temporalio/workflow';
import type { DeployedVersionInfo } from '../src/deployed';

/** Holds one deployed version: never ends on its own (terminating it removes the version). */
export async function bureaucratDefinition(_info: DeployedVersionInfo, _first: Uint8Array): Promise<void> {
  await condition(() => false);
}

/** Holds one further chunk of a large version's content, for as long as the version is kept. */
export async function bureaucratDefinitionChunk(
  _digest: string,
  _index: number,
  _chunk: Uint8Array,
): Promise<void> {
  await condition(() => false);
}
