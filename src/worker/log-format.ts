/**
 * How a worker's log lines look: the SDK's text (`2026-12-07T10:00:00.000Z [WARN] message { … }`), or one
 * JSON object per line for log collectors, with the process, the activity and the participant named in
 * fields of their own, so that a search for one process finds every line about it.
 */
import type { ActivityInterceptorsFactory, LogEntry } from '@temporalio/worker';
import { workitemOf, type Workitem } from '../protocol';

/** The formats of `--log-format`. */
export const LOG_FORMATS = ['text', 'json'] as const;

/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The environment variable that sets the log format (`text` by default). */
export const LOG_FORMAT_ENV = 'BUREAUCRAT_LOG_FORMAT';

/** The format asked for: `format`, else `$BUREAUCRAT_LOG_FORMAT`, else `text`. */
export function logFormat(format?: string): LogFormat {
  const chosen = (format ?? process.env[LOG_FORMAT_ENV] ?? 'text').trim().toLowerCase();
  if ((LOG_FORMATS as readonly string[]).includes(chosen)) return chosen as LogFormat;
  throw new TypeError(
    `${format === undefined ? `${LOG_FORMAT_ENV}=` : '--log-format '}${chosen}: expected one of ${LOG_FORMATS.join(', ')}`,
  );
}

/**
 * The JSON line of a log entry: `time`, `level`, `message`; `processId` (the workflow id), `activityId`
 * (an action's id in the original's scheme, `<processId>_0_2`) and `participant` (the activity type) when
 * the entry comes from a process or a participant; then the SDK's other metadata (run id, task queue,
 * attempt…) and an error as its name, message and stack.
 */
export function jsonLogLine(entry: LogEntry): string {
  const { workflowId, activityId, activityType, actionId, error, ...rest } = (entry.meta ?? {}) as Record<
    string,
    unknown
  >;
  const line: Record<string, unknown> = {
    time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
    level: entry.level,
    message: entry.message,
    ...(workflowId !== undefined && { processId: workflowId }),
    // An action's own id (`<processId>_0_2`, see actionLogAttributes), else Temporal's activity id.
    ...((actionId ?? activityId) !== undefined && { activityId: actionId ?? activityId }),
    ...(actionId !== undefined && activityId !== undefined && { temporalActivityId: activityId }),
    ...(activityType !== undefined && { participant: activityType }),
    ...rest,
    ...(error !== undefined && { error: errorFields(error) }),
  };
  return JSON.stringify(line, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

/** Writes {@link jsonLogLine} of `entry` to stderr (the log function of a JSON-format logger). */
export function writeJsonLog(entry: LogEntry): void {
  process.stderr.write(`${jsonLogLine(entry)}\n`);
}

function errorFields(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(code !== undefined && { code }),
    ...(error.stack && { stack: error.stack }),
  };
}

/**
 * Adds an action's own id (`actionId`: `<processId>_0_2`, from the workitem the participant receives) to
 * the log attributes of its activity, so that the SDK's lines about a participant (its failures, and what
 * it logs through `Context.current().log`) name the action as the state tree and the console do.
 * Temporal's activity id (`1`, `2`, …) stays in `activityId`.
 */
export const actionLogAttributes: ActivityInterceptorsFactory = (ctx) => {
  let actionId: string | undefined;
  return {
    inbound: {
      execute(input, next) {
        const workitem = workitemOf(input.args[0], ctx.info) as Partial<Workitem> | undefined;
        if (typeof workitem?.activityId === 'string') actionId = workitem.activityId;
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(attributes, next) {
        return next(actionId === undefined ? attributes : { ...attributes, actionId });
      },
    },
  };
};
