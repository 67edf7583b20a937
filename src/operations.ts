/**
 * The operator's contract with a running process: pause, resume and change its context (Temporal Updates,
 * so the caller learns that the process took the change, and the history records it so it replays), and
 * the `starts` query that tells retry and reset where each step started.
 *
 * Pure module: the workflow bundle and the client share these definitions.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { isReserved, RESERVED_PREFIX, type ContextValues } from './scope';
import { BureaucratError } from './errors';

/** Who paused a process, why and since when (ISO time), as the `state` query shows it. */
export interface PauseInfo {
  /**
   * Who paused it: the `by` of the request (`operator` when it named no one), or `participant <name>` for a
   * `halt` reply.
   */
  readonly by: string;
  /** Why, in the requester's words; `''` when it gave no reason. */
  readonly reason: string;
  /** When it paused (ISO time). */
  readonly since: string;
}

/** What a pause request says: who asks and why (both optional). */
export interface PauseRequest {
  /** Who asks; `operator` when unset. */
  readonly by?: string;
  /** Why, in words. */
  readonly reason?: string;
}

/**
 * Where a step started in the current run: `first` and `last` are the workflow task (its started event id,
 * `workflowInfo().historyLength`) in which it became active the first and the latest time.
 */
export interface StepStart {
  /** The workflow task in which the step first became active. */
  readonly first: number;
  /** The workflow task in which it became active the latest time. */
  readonly last: number;
}

/** Update name: pause the process before its next step. Replies the {@link PauseInfo}. */
export const PAUSE_UPDATE = 'pause';

/** Update name: resume a paused process. Replies whether it was paused. */
export const RESUME_UPDATE = 'resume';

/** Update name: set fields of the process context. Replies the new process context. */
export const SET_FIELDS_UPDATE = 'setFields';

/** Query name of {@link StepStart}s by activity id relative to the process (`_0_1`). */
export const STARTS_QUERY = 'starts';

/** Pauses the process: running actions finish, timers keep their deadlines, no new step starts. */
export const pauseUpdate = defineUpdate<PauseInfo, [PauseRequest]>(PAUSE_UPDATE);

/** Resumes a paused process where it stopped; replies `false` when it was not paused. */
export const resumeUpdate = defineUpdate<boolean, []>(RESUME_UPDATE);

/** Sets fields of the process context (`set` semantics from the process scope); replies the new context. */
export const setFieldsUpdate = defineUpdate<ContextValues, [ContextValues]>(SET_FIELDS_UPDATE);

/** Where each step started in the current run (see {@link StepStart}). */
export const startsQuery = defineQuery<Readonly<Record<string, StepStart>>>(STARTS_QUERY);

/** Fields refused by {@link checkFields}: the message names the problem. */
export class InvalidFieldsError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'InvalidFieldsError';
  readonly code = 'INVALID_FIELDS';
}

/**
 * Checks fields given to `set`: a JSON object (not an array or null) with no reserved `inst:` key, whose
 * values survive JSON (no functions, undefined, non-finite numbers). Throws {@link InvalidFieldsError}.
 */
export function checkFields(fields: unknown): asserts fields is ContextValues {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new InvalidFieldsError('the fields must be a JSON object of field names to values');
  }
  const reserved = Object.keys(fields).filter(isReserved);
  if (reserved.length) {
    throw new InvalidFieldsError(
      `fields starting with "${RESERVED_PREFIX}" are reserved for the engine: ${reserved.join(', ')}`,
    );
  }
  for (const [key, value] of Object.entries(fields)) {
    if (!isJson(value)) throw new InvalidFieldsError(`field ${key}: the value is not JSON data`);
  }
}

function isJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value === 'object') return Object.values(value).every(isJson);
  return false;
}
