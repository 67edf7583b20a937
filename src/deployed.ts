/**
 * Deployed definitions: the contract between the store (`Definitions`, on the Temporal cluster), the
 * processes that run a deployed definition by name, and the activity that reads one for a workflow. A
 * deployed definition is named `order` and numbered `order@1`, `order@2`, …; a reference without a version
 * means the latest one at the time it is resolved.
 *
 * Pure module (no Node APIs, no Temporal imports): the workflow bundle imports it.
 *
 * @module
 */
import { BureaucratError } from './errors';

/** A deployed definition by name, and by version when pinned (unset: the latest when it is resolved). */
export interface DefinitionRef {
  /** The name it was deployed under: its `<process name>`, or the name given to `deploy`. */
  readonly name: string;
  /** The version, 1-based; unset: the latest. */
  readonly version?: number;
}

/** A deployed definition's name: letters, digits, `_`, `-` and `.`, starting with a letter or digit. */
export const DEFINITION_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;

/** A reference that is not `NAME` or `NAME@VERSION`. */
export class DefinitionRefError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'DefinitionRefError';
  readonly code = 'DEFINITION_REF_INVALID';
}

/** Why `name` cannot name a deployed definition, or undefined when it can. */
export function definitionNameProblem(name: string): string | undefined {
  if (DEFINITION_NAME_PATTERN.test(name)) return undefined;
  return (
    `"${name}" cannot name a deployed definition: use 1 to 200 letters, digits, "_", "-" or ".", ` +
    'starting with a letter or digit'
  );
}

/** `order` or `order@3` as a {@link DefinitionRef}; throws {@link DefinitionRefError} for anything else. */
export function parseDefinitionRef(text: string): DefinitionRef {
  const at = text.lastIndexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  const problem = definitionNameProblem(name);
  if (problem) throw new DefinitionRefError(`${problem} (in "${text}")`);
  if (at < 0) return { name };
  const version = text.slice(at + 1);
  if (!/^[1-9]\d{0,8}$/.test(version)) {
    throw new DefinitionRefError(
      `"${text}": the version after "@" must be a whole number from 1, got "${version}"`,
    );
  }
  return { name, version: Number(version) };
}

/** `order@3`, or `order` for the latest. */
export function formatDefinitionRef(ref: DefinitionRef): string {
  return ref.version === undefined ? ref.name : `${ref.name}@${ref.version}`;
}

/** The workflow type that holds one deployed version (running for as long as the version is kept). */
export const DEFINITION_WORKFLOW_TYPE = 'bureaucratDefinition';

/** The workflow id of version `version` of `name`: unique per namespace, which numbers versions safely. */
export const definitionWorkflowId = (name: string, version: number): string =>
  `bureaucrat-definition:${name}@${version}`;

/**
 * The workflow type that holds a further chunk (the second, third, …) of a large definition's gzip
 * content. Chunk workflows are started before their version's workflow, so a version exists only once all
 * its content does; their ids are content-addressed, so a deploy that was interrupted and run again reuses
 * them.
 */
export const DEFINITION_CHUNK_WORKFLOW_TYPE = 'bureaucratDefinitionChunk';

/** The workflow id of chunk `index` (1-based past the first) of the content with SHA-256 `digest`. */
export const definitionChunkWorkflowId = (digest: string, index: number): string =>
  `bureaucrat-definition-chunk:${digest}:${index}`;

/** What a version's workflow is started with (and carries in its memo, so listings need no history). */
export interface DeployedVersionInfo {
  /** The name it was deployed under. */
  readonly name: string;
  /** Its version, 1-based. */
  readonly version: number;
  /** SHA-256 of the XML text (UTF-8), hex: the same content is the same version. */
  readonly digest: string;
  /** The XML text's size in bytes (UTF-8). */
  readonly size: number;
  /** How many gzip chunks the content is stored in (the first with the version, the others on their own). */
  readonly chunks: number;
  /** `<process name>` of the definition, when it names itself. */
  readonly processName?: string;
  /** How many activities the definition holds. */
  readonly activityCount: number;
  /** When it was deployed (ISO 8601). */
  readonly deployedAt: string;
}

/** The activity that reads (a slice of) a deployed definition for a workflow that runs it by name. */
export const READ_DEFINITION_ACTIVITY = 'bureaucrat.readDefinition';

/** Input of {@link READ_DEFINITION_ACTIVITY}. */
export interface ReadDefinitionInput {
  readonly name: string;
  /** Unset: the latest (the result says which version that was). */
  readonly version?: number;
  /** Where the slice starts, in characters of the XML text. */
  readonly offset: number;
}

/** A slice of a deployed definition's XML text, small enough for one payload. */
export interface DefinitionSlice extends Omit<DeployedVersionInfo, 'chunks' | 'deployedAt'> {
  /** The slice of the XML text. */
  readonly text: string;
  /** Where the next slice starts; unset on the last one. */
  readonly next?: number;
}

/** The activity that resolves a reference to a version without reading it (`<call definition>` uses it). */
export const RESOLVE_DEFINITION_ACTIVITY = 'bureaucrat.resolveDefinition';

/** What {@link RESOLVE_DEFINITION_ACTIVITY} returns: the version's info, without its content. */
export type ResolvedDefinition = Omit<DeployedVersionInfo, 'chunks'>;

/** The most characters of XML text one {@link DefinitionSlice} holds (≤ 3 bytes each in JSON). */
export const DEFINITION_SLICE_CHARS = 500_000;

/** The fault code of a process (or `<call>`) whose deployed definition is not there. */
export const DEFINITION_NOT_FOUND_CODE = 'DefinitionNotFound';
