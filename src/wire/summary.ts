/**
 * The activity types and summaries the interpreter gives `<action>`, `<delay>` and `<call>` steps (internal):
 * they are what the Temporal Web UI shows, and part of committed histories.
 *
 * Pure module (no Node APIs, no Temporal imports): the workflow bundle imports it.
 *
 * @module
 */
import { formatDefinitionRef, type DefinitionRef } from '../deployed';

/** The activity type (and summary) of a `<delay>` or an `<action>` shown in the Web UI. */
export const summaryOf = {
  action: (participant: string, activityId: string): string => `${participant} · ${activityId}`,
  delay: (seconds: number, activityId: string): string => `delay ${seconds}s · ${activityId}`,
  /**
   * A `<call>`: `target` is the property name of `process="$name"` (`call $name · id`), or the deployed
   * definition of `definition="name"` (`call name@2 · id`, or `call name · id` for an unresolved latest).
   */
  call: (target: string | DefinitionRef, activityId: string): string =>
    typeof target === 'string'
      ? `call $${target} · ${activityId}`
      : `call ${formatDefinitionRef(target)} · ${activityId}`,
} as const;
