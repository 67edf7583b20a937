import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes this project sets on process workflows. They must be registered on the
 * namespace before a workflow sets them: the test harness and `bureaucrat dev` do it when they start a dev
 * server; on a real cluster run `temporal operator search-attribute create` once (see README).
 *
 * Pure module (no Node APIs): the interpreter workflow imports it.
 */

/** The definition's `<process name="…">`, set once when a process starts, so the Web UI can filter by it. */
export const PROCESS_NAME = defineSearchAttributeKey('BureaucratProcessName', SearchAttributeType.KEYWORD);

/** The schedule that started a process (`bureaucrat schedule`), so `list` and the Web UI can filter by it. */
export const SCHEDULE_NAME = defineSearchAttributeKey('BureaucratSchedule', SearchAttributeType.KEYWORD);

/** The trigger that started a process (`bureaucrat trigger`); `trigger list` counts its processes by it. */
export const TRIGGER_NAME = defineSearchAttributeKey('BureaucratTrigger', SearchAttributeType.KEYWORD);

/**
 * The name of the deployed definition a process runs (`order`), set when it starts by name and changed by a
 * migration; the deployed versions' own workflows carry it too.
 */
export const DEFINITION_NAME = defineSearchAttributeKey(
  'BureaucratDefinitionName',
  SearchAttributeType.KEYWORD,
);

/** The deployed definition and version a process runs (`order@3`), so that listings filter by version. */
export const DEFINITION_VERSION = defineSearchAttributeKey(
  'BureaucratDefinition',
  SearchAttributeType.KEYWORD,
);

/** Every search attribute this project needs registered, in one list. */
export const BUREAUCRAT_SEARCH_ATTRIBUTES = [
  PROCESS_NAME,
  SCHEDULE_NAME,
  TRIGGER_NAME,
  DEFINITION_NAME,
  DEFINITION_VERSION,
] as const;
