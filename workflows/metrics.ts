/**
 * The engine's metrics emitted by workflow code, through the SDK's workflow `metricMeter`: it sends
 * nothing while replaying, so a process replayed on another worker (or after eviction from the cache)
 * is not counted twice, and it creates no command (nothing in the history, no `patched()` needed). The
 * worker adds `namespace` and `task_queue`, the meter `workflow_type`. Names: `src/metrics.ts`.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { metricMeter, workflowInfo } from '@temporalio/workflow';
import {
  EVENTS_PUBLISHED,
  PROCESSES_CANCELLED,
  PROCESSES_COMPLETED,
  PROCESSES_FAULTED,
  PROCESSES_STARTED,
  SCHEDULE_LATENESS,
  UNNAMED_DEFINITION,
} from '../src/metrics';
import { SCHEDULE_NAME } from '../src/search-attributes';

/** Temporal's search attribute on a workflow started by a schedule: the time it was due. */
const SCHEDULED_START_TIME = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

/** What a process's metrics are labelled with: its definition's name, and the version if deployed. */
export interface ProcessLabels {
  readonly definition: string;
  readonly version?: string;
}

/** The labels of a process running `name` (the `<process name>` or the deployed name), `version` if deployed. */
export function processLabels(name: string | undefined, version: number | string | undefined): ProcessLabels {
  return {
    definition: name || UNNAMED_DEFINITION,
    ...(version !== undefined && { version: String(version) }),
  };
}

/** Per-process counters; the interpreter's hooks call these once per process lifetime. */
export class ProcessMetrics {
  constructor(private readonly labels: ProcessLabels) {}

  private tags(): Record<string, string> {
    return { ...this.labels };
  }

  /** The process started (its first run); a scheduled start also records its lateness. */
  started(): void {
    metricMeter.createCounter(PROCESSES_STARTED, undefined, 'Processes started').add(1, this.tags());
    recordScheduleLateness();
  }

  completed(): void {
    metricMeter.createCounter(PROCESSES_COMPLETED, undefined, 'Processes completed').add(1, this.tags());
  }

  faulted(code: string): void {
    metricMeter
      .createCounter(PROCESSES_FAULTED, undefined, 'Processes ended on an unhandled fault')
      .add(1, { ...this.tags(), code });
  }

  cancelled(): void {
    metricMeter.createCounter(PROCESSES_CANCELLED, undefined, 'Processes cancelled').add(1, this.tags());
  }
}

/** A router accepted a published event (the head of its chain only, so each event counts once). */
export function eventPublished(event: string): void {
  metricMeter.createCounter(EVENTS_PUBLISHED, undefined, 'Events published').add(1, { event });
}

/**
 * A process started by a schedule: how late its start was (its run's start − the time the schedule
 * meant), labelled by the schedule's name (the `BureaucratSchedule` search attribute or memo `schedule`,
 * else `unknown` for a schedule that is not ours).
 */
function recordScheduleLateness(): void {
  const info = workflowInfo();
  const scheduled = info.typedSearchAttributes.get(SCHEDULED_START_TIME);
  if (!(scheduled instanceof Date) || Number.isNaN(scheduled.getTime())) return;
  const fromAttribute = info.typedSearchAttributes.get(SCHEDULE_NAME);
  const fromMemo = info.memo?.schedule;
  const schedule =
    typeof fromAttribute === 'string' ? fromAttribute : typeof fromMemo === 'string' ? fromMemo : 'unknown';
  const lateness = Math.max(0, info.runStartTime.getTime() - scheduled.getTime());
  metricMeter
    .createHistogram(SCHEDULE_LATENESS, 'int', 'ms', 'How late scheduled processes started')
    .record(lateness, { schedule });
}
