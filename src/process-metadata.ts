/**
 * What a process shows in the Temporal Web UI without extra history events: set once, when the
 * process's workflow starts (by the launcher, or by the interpreter for a `<call>`ed sub-process).
 *
 * Pure module (no Node APIs): the interpreter workflow imports it.
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { ProcessDefinition } from './definition/model';
import { PROCESS_NAME } from './search-attributes';

/** The memo of a process workflow. */
export interface ProcessMemo {
  /** `<process name="…">`, when the definition names itself. */
  readonly processName?: string;
  /** How many activities the definition holds. */
  readonly activityCount: number;
}

/** Start options that make a process recognisable: memo, search attribute and summary. */
export interface ProcessStartMetadata {
  readonly memo: ProcessMemo & Record<string, unknown>;
  readonly typedSearchAttributes: SearchAttributePair[];
  readonly staticSummary: string;
}

/** The memo, search attributes and summary to start a process of `model` with. */
export function processStartMetadata(model: ProcessDefinition, summary?: string): ProcessStartMetadata {
  const name = model.name;
  return {
    memo: { ...(name ? { processName: name } : {}), activityCount: model.activityCount },
    typedSearchAttributes: name ? [{ key: PROCESS_NAME, value: name }] : [],
    staticSummary:
      summary ?? `Bureaucrat process${name ? ` ${name}` : ''} (${model.activityCount} activities)`,
  };
}
