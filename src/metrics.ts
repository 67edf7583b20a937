/**
 * The engine's own Prometheus metrics (docs/production.md, "Metrics"): their names,
 * shared by the workflow code (`workflows/metrics.ts`, through the SDK's replay-safe workflow meter) and
 * the worker's activities (`src/worker/metrics.ts`, through the activity context's meter). Both meters
 * feed the Temporal runtime's Prometheus exporter (`createWorker({ metrics: 'HOST:PORT' })`), which
 * exports these names as they are: no `temporal_` prefix (that is only on the SDK's own metrics) and no
 * suffix added. Labels are bounded: definition names and versions, participant, event, trigger and
 * schedule names, fault codes; never process ids or event data.
 */

/** Processes started (first run only; continue-as-new is not a start). Labels: `definition`, `version`. */
export const PROCESSES_STARTED = 'bureaucrat_processes_started_total';
/** Processes that completed. Labels: `definition`, `version`. */
export const PROCESSES_COMPLETED = 'bureaucrat_processes_completed_total';
/** Processes that ended on an unhandled fault. Labels: `definition`, `version`, `code`. */
export const PROCESSES_FAULTED = 'bureaucrat_processes_faulted_total';
/** Processes cancelled (`bureaucrat cancel`, the console, Temporal's cancel). Labels: `definition`, `version`. */
export const PROCESSES_CANCELLED = 'bureaucrat_processes_cancelled_total';
/** How late a scheduled start began, ms (histogram). Label: `schedule`. */
export const SCHEDULE_LATENESS = 'bureaucrat_schedule_lateness_ms';
/** How long one attempt of a participant took, ms (histogram). Labels: `participant`, `outcome` (ok | failed). */
export const ACTION_DURATION = 'bureaucrat_action_duration_ms';
/** Failed attempts of a participant. Labels: `participant`, `kind` (fault | error | exception). */
export const ACTION_FAILURES = 'bureaucrat_action_failures_total';
/** Event signals delivered by the event routers to waiting processes. Label: `event`. */
export const EVENTS_DELIVERED = 'bureaucrat_events_delivered_total';
/** Events published to a router (broadcast events; at the router, counted once per event). Label: `event`. */
export const EVENTS_PUBLISHED = 'bureaucrat_events_published_total';
/** Processes started by a trigger. Label: `trigger`. */
export const TRIGGER_STARTS = 'bureaucrat_trigger_starts_total';
/** Events a trigger dead-lettered. Label: `trigger`. */
export const TRIGGER_DEAD_LETTERS = 'bureaucrat_trigger_dead_letters_total';

/** The label value of a process whose definition has no `<process name>`. */
export const UNNAMED_DEFINITION = 'unnamed';

/**
 * Histogram buckets (ms) of the engine's histograms: the exporter's defaults stop at 10 s, too short for
 * participants that call slow systems and for the lateness of a schedule (the alert is at 60 s).
 */
export const METRIC_BUCKETS: Readonly<Record<string, number[]>> = {
  [ACTION_DURATION]: [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000],
  [SCHEDULE_LATENESS]: [100, 500, 1000, 5000, 15000, 30000, 60000, 120000, 300000, 900000, 3600000],
};
