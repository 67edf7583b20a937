/**
 * The activity types and summaries the interpreter gives `<action>`, `<delay>` and `<call>` steps (internal):
 * they are what the Temporal Web UI shows, and part of committed histories.
 *
 * Pure module (no Node APIs, no Temporal imports): the workflow bundle imports it.
 *
 * @module
 */

/** The activity type (and summary) of a `<delay>` or an `<action>` shown in the Web UI. */
export const summaryOf = {
  action: (participant: string, activityId: string): string => `${participant} · ${activityId}`,
  delay: (seconds: number, activityId: string): string => `delay ${seconds}s · ${activityId}`,
  call: (property: string, activityId: string): string => `call $${property} · ${activityId}`,
} as const;
