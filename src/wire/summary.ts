/**
 * The activity types and summaries the interpreter gives `<action>`, `<delay>` and `<call>` steps (internal):
 * they are what the Temporal Web UI shows, and part of committed histories.
 *
 * Pure module (no Node APIs, no Temporal imports): the workflow bundle imports it.
 *
 * @module
 */
import { formatDefinitionRef, type DefinitionRef } from '../deployed';

/**
 * The summaries the Web UI shows. An action's and a delay's name the step within the process (`_0_2`):
 * the UI shows them on the process's own page, and they are written into every action's history event,
 * where the process id would add its length each time. A call's summary is its sub-process's, shown on
 * that process's page: it names the calling step with its process id (`order-7_1`).
 */
export const summaryOf = {
  action: (participant: string, step: string): string => `${participant} · ${step}`,
  delay: (seconds: number, step: string): string => `delay ${seconds}s · ${step}`,
  /**
   * A `<call>`: `target` is the property name of `process="$name"` (`call $name · id`), or the deployed
   * definition of `definition="name"` (`call name@2 · id`, or `call name · id` for an unresolved latest).
   */
  call: (target: string | DefinitionRef, activityId: string): string =>
    typeof target === 'string'
      ? `call $${target} · ${activityId}`
      : `call ${formatDefinitionRef(target)} · ${activityId}`,
} as const;
