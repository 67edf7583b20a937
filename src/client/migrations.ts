/**
 * Migrating running processes onto another deployed version: each process checks, in its own workflow,
 * whether every activity it has active exists in the target (the `migrate` update's validator, which
 * changes nothing when it refuses), then moves by continuing as new on the target, context and all. A dry
 * run asks the same question with a query. Many processes go in parallel batches, with progress.
 */
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { formatDefinitionRef, parseDefinitionRef, type DefinitionRef } from '../deployed';
import {
  MIGRATION_REFUSED,
  migrateUpdate,
  migrationCheckQuery,
  type MigrationCheck,
  type MigrationRequest,
} from '../migration';
import { PROCESS_WORKFLOW_TYPE } from '../protocol';
import { DEFINITION_NAME, DEFINITION_VERSION } from '../search-attributes';
import type { Definitions } from './definitions';

/** Which processes to migrate: their ids, or every running process of a deployed definition (or version). */
export type MigrationSelection =
  | readonly string[]
  | {
      /** `order` (every version) or `order@1`. */
      readonly definition: DefinitionRef | string;
    };

/** Options of {@link migrateProcesses}. */
export interface MigrateOptions {
  /** The deployed definition to move them to: `order@2`, or `order` for the latest. */
  readonly to: DefinitionRef | string;
  /** Activity ids of the running definition → ids in the target (`{ _0_2: '_0_3' }`). */
  readonly map?: Readonly<Record<string, string>>;
  /** Only check: report per process whether it would move, and why not. */
  readonly dryRun?: boolean;
  /** How many processes are asked at once (16 by default). */
  readonly concurrency?: number;
  /** Called after each process with how many are done and how many there are. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What became of one process. */
export interface MigrationOutcome {
  /** The process. */
  readonly processId: string;
  /** `moved`; `movable` (a dry run: it would move); `refused` (it cannot: `reasons`); `failed` (an error). */
  readonly outcome: 'moved' | 'movable' | 'refused' | 'failed';
  /** The deployed version it ran, when it was started by name. */
  readonly from?: string;
  /** The version it moves (or would move) to. */
  readonly to: string;
  /** When it moves: now, or once the step it runs (an action, a call) has ended. */
  readonly when?: 'now' | 'after the running step';
  /** Why it was refused, or what failed. */
  readonly reasons: readonly string[];
}

/**
 * Migrates the selected processes to `options.to`, a deployed version. Resolves with one outcome per
 * process, in selection order; a process that is refused is left exactly as it was.
 */
export async function migrateProcesses(
  client: Client,
  definitions: Definitions,
  selection: MigrationSelection,
  options: MigrateOptions,
): Promise<MigrationOutcome[]> {
  const target = await definitions.get(options.to);
  const to = { name: target.name, version: target.version };
  const request: MigrationRequest = {
    definition: target.xml,
    to,
    ...(options.map && Object.keys(options.map).length ? { map: options.map } : {}),
  };
  const ids = Array.isArray(selection)
    ? [...(selection as readonly string[])]
    : await runningProcesses(client, (selection as { definition: DefinitionRef | string }).definition);
  const label = formatDefinitionRef(to);
  const outcomes: MigrationOutcome[] = new Array<MigrationOutcome>(ids.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      outcomes[i] = await migrateOne(client, ids[i], request, label, options.dryRun ?? false);
      options.onProgress?.(++done, ids.length);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 16, ids.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return outcomes;
}

/** The ids of the running processes of `definition` (every version of a name, or one version). */
async function runningProcesses(client: Client, definition: DefinitionRef | string): Promise<string[]> {
  const ref = typeof definition === 'string' ? parseDefinitionRef(definition) : definition;
  const filter =
    ref.version === undefined
      ? `${DEFINITION_NAME.name} = '${ref.name}'`
      : `${DEFINITION_VERSION.name} = '${formatDefinitionRef(ref)}'`;
  const query = `WorkflowType = '${PROCESS_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND ${filter}`;
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

async function migrateOne(
  client: Client,
  processId: string,
  request: MigrationRequest,
  to: string,
  dryRun: boolean,
): Promise<MigrationOutcome> {
  const handle = client.workflow.getHandle(processId);
  try {
    if (dryRun) {
      const check = await handle.query(migrationCheckQuery, request);
      return outcomeOf(processId, to, check, check.movable ? 'movable' : 'refused');
    }
    const { runId } = await handle.describe();
    const check = await handle.executeUpdate(migrateUpdate, { args: [request] });
    // Accepted "now", the process may still be ending its run (an await withdraws its subscription first):
    // wait for the new run, so that what is read next (status, the memo, search attributes) shows the move.
    if (check.when === 'now') await newRun(handle, runId);
    return outcomeOf(processId, to, check, 'moved');
  } catch (err) {
    const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === MIGRATION_REFUSED) {
      const details = cause.details?.[0] as { reasons?: unknown } | undefined;
      const reasons = Array.isArray(details?.reasons) ? details.reasons.map(String) : [cause.message];
      return { processId, outcome: 'refused', to, reasons };
    }
    return { processId, outcome: 'failed', to, reasons: [(err as Error).message ?? String(err)] };
  }
}

/** Waits (up to 30 s) until the process runs another run than `runId`. */
async function newRun(handle: WorkflowHandle, runId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await handle.describe()).runId !== runId) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function outcomeOf(
  processId: string,
  to: string,
  check: MigrationCheck,
  outcome: MigrationOutcome['outcome'],
): MigrationOutcome {
  return {
    processId,
    outcome,
    ...(check.from && { from: check.from }),
    to,
    ...(check.when && outcome !== 'refused' && { when: check.when }),
    reasons: check.reasons,
  };
}
