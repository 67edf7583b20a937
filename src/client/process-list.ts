/**
 * Listing processes from Temporal's visibility, a page at a time: the one listing behind `bureaucrat list`,
 * the web console and the HTTP API's `GET /v1/processes`.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { PROCESS_WORKFLOW_TYPE } from '../protocol';
import { DEFINITION_NAME, DEFINITION_VERSION, PROCESS_NAME } from '../search-attributes';
import { formatDefinitionRef, parseDefinitionRef } from '../deployed';
import { BureaucratError } from '../errors';

/** The statuses a listing filters on: `failed` covers every way a process ends without completing. */
export const PROCESS_STATUS_FILTERS = ['running', 'completed', 'failed'] as const;

/** One of {@link PROCESS_STATUS_FILTERS}. */
export type ProcessStatusFilter = (typeof PROCESS_STATUS_FILTERS)[number];

const STATUS_QUERIES: Record<ProcessStatusFilter, string> = {
  running: "ExecutionStatus = 'Running'",
  completed: "ExecutionStatus = 'Completed'",
  failed: "ExecutionStatus IN ('Failed', 'Terminated', 'Canceled', 'TimedOut')",
};

/** Options of a listing ({@link Launcher.list}). */
export interface ListProcessesOptions {
  /** Only processes in this status; all of them when unset. */
  readonly status?: ProcessStatusFilter;
  /** Only processes of this `<process name="…">` (the `BureaucratProcessName` search attribute). */
  readonly name?: string;
  /**
   * Only processes that run this deployed definition: `order` (any version, the `BureaucratDefinitionName`
   * search attribute) or `order@2` (that version, `BureaucratDefinition`). Throws `DefinitionRefError`
   * for anything else.
   */
  readonly definition?: string;
  /** At most this many processes (default 100, at most 1,000). */
  readonly pageSize?: number;
  /** Where the previous page ended ({@link ProcessPage.nextPageToken}). */
  readonly pageToken?: string;
}

/** A process as a listing shows it. */
export interface ProcessSummary {
  /** The process id (the workflow id). */
  readonly processId: string;
  /** The run this summary shows (a process that was reset has one per run). */
  readonly runId: string;
  /** The definition's `<process name="…">`, when it has one. */
  readonly name?: string;
  /** The deployed definition it runs (`order@3`), when it was started by name. */
  readonly definition?: string;
  /** `running`, `completed`, `failed`, `cancelled`, `terminated` or `timed_out`. */
  readonly status: string;
  /** When the run started. */
  readonly startTime: Date;
  /** When the run ended; absent while it runs. */
  readonly closeTime?: Date;
}

/** One page of a listing, newest first. */
export interface ProcessPage {
  /** The processes of this page. */
  readonly processes: readonly ProcessSummary[];
  /** Pass as `pageToken` for the next page; absent on the last one. */
  readonly nextPageToken?: string;
}

/** A page token that is not one this listing handed out. */
export class InvalidPageTokenError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'InvalidPageTokenError';
  readonly code = 'INVALID_PAGE_TOKEN';
}

/** The maximum page size. */
export const MAX_PAGE_SIZE = 1000;

/** Temporal's status names as this package says them (`canceled` is spelt the way the original did). */
export function processStatusName(status: string): string {
  const name = status.toLowerCase();
  return name === 'canceled' ? 'cancelled' : name;
}

/** The `<process name="…">` a process's memo records (the launcher writes it), if any. */
export function processNameOf(memo: Record<string, unknown> | undefined): string | undefined {
  const name = memo?.processName;
  return typeof name === 'string' && name ? name : undefined;
}

/** The deployed definition a process's memo records (`order@3`, when it was started by name), if any. */
export function definitionOf(memo: Record<string, unknown> | undefined): string | undefined {
  const definition = memo?.definition;
  return typeof definition === 'string' && definition ? definition : undefined;
}

/** The visibility query of a listing: one row per process run, continued-as-new runs left out. */
export function listQuery(options: Pick<ListProcessesOptions, 'status' | 'name' | 'definition'>): string {
  const filters = [`WorkflowType = '${PROCESS_WORKFLOW_TYPE}'`];
  // A process that continued as new has one closed run per continuation: only its current run counts.
  filters.push(options.status ? STATUS_QUERIES[options.status] : "ExecutionStatus != 'ContinuedAsNew'");
  if (options.name !== undefined) filters.push(`${PROCESS_NAME.name} = ${quote(options.name)}`);
  if (options.definition !== undefined) {
    const ref = parseDefinitionRef(options.definition);
    filters.push(
      ref.version === undefined
        ? `${DEFINITION_NAME.name} = ${quote(ref.name)}`
        : `${DEFINITION_VERSION.name} = ${quote(formatDefinitionRef(ref))}`,
    );
  }
  return filters.join(' AND ');
}

/** A visibility string literal (single quotes, backslash escapes). */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** One page of processes, newest first. */
export async function listProcesses(
  client: Client,
  options: ListProcessesOptions = {},
): Promise<ProcessPage> {
  const pageSize = Math.min(Math.max(1, Math.floor(options.pageSize ?? 100)), MAX_PAGE_SIZE);
  const query = listQuery(options);
  const nextPageToken =
    options.pageToken === undefined ? Buffer.alloc(0) : readPageToken(options.pageToken, query);
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query,
    pageSize,
    nextPageToken,
  });
  const processes = await Promise.all(
    response.executions.map(async (raw): Promise<ProcessSummary> => {
      const info = await executionInfoFromRaw(
        raw,
        client.options.loadedDataConverter,
        undefined,
        client.options.namespace,
      );
      const name = processNameOf(info.memo);
      const definition = definitionOf(info.memo);
      return {
        processId: info.workflowId,
        runId: info.runId,
        ...(name ? { name } : {}),
        ...(definition ? { definition } : {}),
        status: processStatusName(info.status.name),
        startTime: info.startTime,
        ...(info.closeTime ? { closeTime: info.closeTime } : {}),
      };
    }),
  );
  const token = response.nextPageToken;
  return {
    processes,
    ...(token && token.length ? { nextPageToken: writePageToken(Buffer.from(token), query) } : {}),
  };
}

/**
 * A page token is Temporal's, in base64url, with a check of it and of the filters it was made for: a token
 * typed wrong or used with other filters is refused here rather than sent to the server.
 */
function writePageToken(raw: Buffer, query: string): string {
  return `${raw.toString('base64url')}.${tokenCheck(raw, query)}`;
}

function readPageToken(token: string, query: string): Buffer {
  const [data, check, ...rest] = token.split('.');
  const raw = Buffer.from(data ?? '', 'base64url');
  if (rest.length || !raw.length || check !== tokenCheck(raw, query))
    throw new InvalidPageTokenError(`not a page token of this listing: ${token.slice(0, 40)}`);
  return raw;
}

function tokenCheck(raw: Buffer, query: string): string {
  return createHash('sha256').update(raw).update(query).digest('base64url').slice(0, 12);
}
