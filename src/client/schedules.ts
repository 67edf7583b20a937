/**
 * Processes that start on a timetable, on Temporal Schedules: the server starts them, so no worker of ours
 * keeps a timer loop, a schedule survives any restart, and the Temporal Web UI and CLI show and control it
 * like any other schedule.
 */
import type { Duration } from '@temporalio/common';
import {
  ScheduleNotFoundError,
  type Client,
  type ScheduleOverlapPolicy,
  type ScheduleSpec,
  type ScheduleDescription,
} from '@temporalio/client';
import { processStartMetadata, processStartOptions } from '../process-start';
import { formatDefinitionRef, type DefinitionRef } from '../deployed';
import { Definitions } from './definitions';
import { loadDefinition } from './definition-source';
import { PROCESS_WORKFLOW_TYPE, type ProcessInput } from '../protocol';
import type { ContextValues } from '../scope';
import { DEFINITION_NAME, SCHEDULE_NAME } from '../search-attributes';
import { connectClient, DEFAULT_TASK_QUEUE, type ConnectionOptions } from './connection';

/** What a schedule does when a start is due while the previous process still runs. */
export type ScheduleOverlap = 'skip' | 'buffer' | 'allow';

const OVERLAP: Record<ScheduleOverlap, ScheduleOverlapPolicy> = {
  skip: 'SKIP',
  buffer: 'BUFFER_ONE',
  allow: 'ALLOW_ALL',
};

/** When a schedule starts its process: every interval, or on a cron expression (exactly one). */
export type ScheduleTiming =
  | {
      /** Start a process every this long (`'1h'`, or milliseconds). */
      readonly every: Duration;
    }
  | {
      /** Start a process whenever this cron expression falls due (`0 2 * * *`). */
      readonly cron: string;
    };

/** Options of {@link Schedules.add}. */
export type ScheduleAddOptions = ScheduleTiming & {
  /** Launch fields of every process the schedule starts. */
  readonly fields?: ContextValues;
  /** What a start that falls due while the last process still runs does; `skip` by default. */
  readonly overlap?: ScheduleOverlap;
};

/** One schedule as {@link Schedules.list} reports it. */
export interface ScheduleInfo {
  /** The schedule's name, also the process id of what it starts. */
  readonly name: string;
  /** `<process name="…">` of the definition it starts, when the definition names itself. */
  readonly processName?: string;
  /** The deployed definition it starts by name: `order` (the latest at each start) or `order@3`. */
  readonly definition?: string;
  /** `every 1m` or `cron 0 * * * *`. */
  readonly timing: string;
  /** True while it is paused: it starts nothing then. */
  readonly paused: boolean;
  /** When it will start its next processes. */
  readonly nextStarts: readonly Date[];
  /** The ids of the processes it started most recently. */
  readonly recentProcessIds: readonly string[];
}

/** The memo of a schedule of ours: tells our schedules from others in the namespace. */
interface ScheduleMemo {
  readonly bureaucratSchedule: string;
  readonly processName?: string;
  /** The deployed definition it starts by name (`order`, or pinned `order@3`). */
  readonly definition?: string;
  readonly timing: string;
}

/**
 * Schedules of processes. A schedule's processes get ids that begin with the schedule's name (Temporal
 * appends the start time: `nightly-report-2025-01-01T02:00:00Z`) and carry the name in their memo
 * (`schedule`) and in the search attribute `BureaucratSchedule`, so `bureaucrat list` and the Web UI show
 * where they came from.
 *
 * @example
 * const schedules = await Schedules.connect();
 * await schedules.add('nightly-report', 'report.xml', { cron: '0 2 * * *', fields: { depth: 2 } });
 * await schedules.pause('nightly-report');
 */
export class Schedules {
  constructor(
    /** The Temporal client it works through. */
    readonly client: Client,
    /** The task queue of the interpreter workers. */
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
  ) {}

  /** Schedules on the connection `options` describe (envconfig by default). */
  static async connect(options: ConnectionOptions = {}): Promise<Schedules> {
    return new Schedules(await connectClient(options), options.taskQueue);
  }

  /**
   * Creates schedule `name` starting the definition: XML text, an `.xml` path, or a deployed definition by
   * name (`{ name: 'report' }`: the latest version at each start; `{ name, version }`: pinned). Throws
   * `DefinitionError` for an invalid definition, `DefinitionNotFoundError` for one not deployed (nothing
   * is created) and the SDK's
   * `ScheduleAlreadyRunning` when the name is taken.
   */
  async add(name: string, definition: string | DefinitionRef, options: ScheduleAddOptions): Promise<void> {
    if (!name) throw new TypeError('a schedule needs a name');
    const { spec, timing } = scheduleSpec(options);
    const start = await this.startOptions(name, definition, options.fields);
    const processName = start.memo.processName as string | undefined;
    const memo: ScheduleMemo = {
      bureaucratSchedule: name,
      ...(processName ? { processName } : {}),
      ...(typeof definition !== 'string' && { definition: formatDefinitionRef(definition) }),
      timing,
    };
    await this.client.schedule.create({
      scheduleId: name,
      spec,
      policies: { overlap: OVERLAP[options.overlap ?? 'skip'] },
      memo: { ...memo },
      action: {
        type: 'startWorkflow',
        workflowType: PROCESS_WORKFLOW_TYPE,
        workflowId: name,
        taskQueue: this.taskQueue,
        args: start.args,
        memo: { ...start.memo, schedule: name },
        typedSearchAttributes: [...start.typedSearchAttributes, { key: SCHEDULE_NAME, value: name }],
        staticSummary: start.staticSummary,
      },
    });
  }

  /**
   * What each start of schedule `name` starts: the definition's text, or for a deployed definition its
   * name (the process reads the latest version when it starts, or the pinned one).
   */
  private async startOptions(name: string, definition: string | DefinitionRef, fields?: ContextValues) {
    const settings = { broadcastEvents: true };
    if (typeof definition === 'string') {
      const { xml, model } = await loadDefinition(definition);
      return processStartOptions(model, {
        processId: name,
        definition: xml,
        fields,
        taskQueue: this.taskQueue,
        settings,
        summary: `Bureaucrat process${model.name ? ` ${model.name}` : ''} from schedule ${name}`,
      });
    }
    // Refuses a name (or version) that is not deployed now; later versions are taken as they come.
    const info = await new Definitions(this.client, this.taskQueue).resolve(definition);
    const pinned = definition.version !== undefined ? { name: info.name, version: info.version } : undefined;
    const metadata = processStartMetadata(
      pinned ? info : { activityCount: info.activityCount },
      `Bureaucrat process ${formatDefinitionRef(definition)} from schedule ${name}`,
      pinned,
    );
    const input: ProcessInput = { deployed: definition, ...(fields && { fields }), ...settings };
    return {
      ...metadata,
      taskQueue: this.taskQueue,
      args: [input],
      // The version is known when each process starts (it records it then); the name is known now.
      typedSearchAttributes: pinned
        ? metadata.typedSearchAttributes
        : [{ key: DEFINITION_NAME, value: definition.name }],
    };
  }

  /** The schedules of processes in the namespace (others' schedules are left out), by name. */
  async list(): Promise<ScheduleInfo[]> {
    const found: ScheduleInfo[] = [];
    for await (const summary of this.client.schedule.list()) {
      const memo = summary.memo as Partial<ScheduleMemo> | undefined;
      if (typeof memo?.bureaucratSchedule !== 'string') continue;
      // The listing comes from visibility, which lags a pause or resume by a moment; describing each
      // schedule reads its current state.
      try {
        const description = await this.client.schedule.getHandle(summary.scheduleId).describe();
        found.push(scheduleInfo(description, memo as ScheduleMemo));
      } catch (err) {
        if (!(err instanceof ScheduleNotFoundError)) throw err; // removed meanwhile
      }
    }
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Stops schedule `name` starting processes until {@link resume}. */
  async pause(name: string, note = 'paused by bureaucrat'): Promise<void> {
    await this.client.schedule.getHandle(name).pause(note);
  }

  /** Lets a paused schedule start processes again. */
  async resume(name: string, note = 'resumed by bureaucrat'): Promise<void> {
    await this.client.schedule.getHandle(name).unpause(note);
  }

  /** Starts the schedule's process now, once, under its overlap policy (also while paused). */
  async trigger(name: string): Promise<void> {
    await this.client.schedule.getHandle(name).trigger();
  }

  /** Deletes schedule `name`; processes it started keep running. */
  async remove(name: string): Promise<void> {
    await this.client.schedule.getHandle(name).delete();
  }

  /** Whether schedule `name` exists. */
  async exists(name: string): Promise<boolean> {
    try {
      await this.client.schedule.getHandle(name).describe();
      return true;
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return false;
      throw err;
    }
  }
}

function scheduleSpec(options: ScheduleTiming): { spec: ScheduleSpec; timing: string } {
  const every = 'every' in options ? options.every : undefined;
  const cron = 'cron' in options ? options.cron : undefined;
  if ((every === undefined) === (cron === undefined)) {
    throw new TypeError('a schedule needs exactly one of every (an interval) or cron (an expression)');
  }
  if (cron !== undefined) return { spec: { cronExpressions: [cron] }, timing: `cron ${cron}` };
  return {
    spec: { intervals: [{ every: every as Duration }] },
    timing: `every ${typeof every === 'number' ? `${every}ms` : every}`,
  };
}

function scheduleInfo(summary: ScheduleDescription, memo: ScheduleMemo): ScheduleInfo {
  const recent = summary.info.recentActions.flatMap((a) =>
    a.action.type === 'startWorkflow' ? [a.action.workflow.workflowId] : [],
  );
  return {
    name: summary.scheduleId,
    ...(memo.processName ? { processName: memo.processName } : {}),
    ...(memo.definition ? { definition: memo.definition } : {}),
    timing: memo.timing,
    paused: summary.state.paused,
    nextStarts: summary.info.nextActionTimes,
    recentProcessIds: recent,
  };
}
