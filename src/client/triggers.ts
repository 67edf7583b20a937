/**
 * Processes that start themselves: a trigger starts a definition's process for every published event of
 * its name whose predicate holds (see `src/triggers/protocol.ts` for the moving parts and
 * `workflows/trigger-registry.ts` for where triggers live).
 */
import { createHash } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { clearDeadLetter, fireTrigger } from '../../activities/triggers';
import { newRouterState, signalRouter } from '../../activities/events';
import { parseExpression } from '../expression';
import { eventRouterId, SERVICE_PRIORITY } from '../wire/router';
import {
  ADD_TRIGGER_UPDATE,
  DEAD_LETTERS_QUERY,
  REMOVE_TRIGGER_UPDATE,
  TRIGGER_CONFLICT_ERROR,
  TRIGGER_REGISTRY_WORKFLOW_TYPE,
  TRIGGERS_ON_SIGNAL,
  TRIGGERS_QUERY,
  triggerRegistryId,
  type AddTriggerResult,
  type DeadLetter,
  type TriggerRegistration,
  type TriggerRegistryState,
} from '../triggers/protocol';
import { connectClient, DEFAULT_TASK_QUEUE, type ConnectionOptions } from './connection';
import { loadDefinition } from './definition-source';
import { Definitions } from './definitions';
import {
  definitionNameProblem,
  DefinitionRefError,
  formatDefinitionRef,
  type DefinitionRef,
} from '../deployed';
import { BureaucratError } from '../errors';

export type { DeadLetter, AddTriggerResult } from '../triggers/protocol';

/** Options of {@link Triggers.add}. */
export interface TriggerAddOptions {
  /** The trigger's name; derived from the settings when unset, so identical registrations are one. */
  readonly name?: string;
  /** Predicate over `event` (the event message); every event when unset. */
  readonly when?: string;
  /** Correlation id over `event`: the process id; one process per event when unset. */
  readonly id?: string;
  /** Retries of a start that fails (with backoff) before the event is dead-lettered; 3 by default. */
  readonly retries?: number;
  /** Replace a trigger of the same name with other settings instead of refusing. */
  readonly replace?: boolean;
}

/** One trigger as {@link Triggers.list} reports it. */
export interface TriggerInfo {
  /** The trigger's name. */
  readonly name: string;
  /** The event name it listens to. */
  readonly event: string;
  /** `<process name="…">` of the definition it starts, when the definition names itself. */
  readonly processName?: string;
  /** The deployed definition it starts by name: `order` (the latest at each start) or `order@3`. */
  readonly definition?: string;
  /** Its predicate over `event`; absent: every event. */
  readonly when?: string;
  /** Its correlation id over `event`; absent: one process per event. */
  readonly id?: string;
  /** Retries of a failed start before the event is dead-lettered. */
  readonly retries: number;
  /** Processes it started (counted by their `BureaucratTrigger` search attribute). */
  readonly started: number;
  /** Events whose start failed for good and wait for a redrive. */
  readonly deadLetters: number;
}

/** A `--when`/`--id` expression that does not parse: names the option, the expression and the position. */
export class TriggerExpressionError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'TriggerExpressionError';
  readonly code = 'INVALID_TRIGGER_EXPRESSION';
}

/** The trigger name is taken by a registration with other settings (pass `replace` to replace it). */
export class TriggerConflictError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'TriggerConflictError';
  readonly code = 'TRIGGER_CONFLICT';
}

/** What {@link Triggers.redrive} did with a trigger's dead letters. */
export interface RedriveResult {
  /** Letters whose process now exists (started, or found already there). */
  readonly started: number;
  /** Letters the predicate now rejects: cleared, nothing started. */
  readonly skipped: number;
  /** Letters that failed again and stay dead letters, with the new error. */
  readonly failed: number;
}

/**
 * Event triggers. Registrations live in a registry workflow (`bureaucrat-triggers:<task queue>`) on the
 * server; the event router of each event name hands every published event to a worker activity that
 * starts the matching triggers' processes. Reading the registry (list, dead letters) needs a worker on
 * the task queue.
 *
 * @example
 * const triggers = await Triggers.connect();
 * await triggers.add('order_placed', 'processes/order.xml', {
 *   when: "event['total'] > 100",
 *   id: "'order-' + str(event['order'])",
 * });
 */
export class Triggers {
  constructor(
    /** The Temporal client it works through. */
    readonly client: Client,
    /** The task queue of the interpreter workers. */
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
  ) {}

  /** Triggers on the connection `options` describe (envconfig by default). */
  static async connect(options: ConnectionOptions = {}): Promise<Triggers> {
    return new Triggers(await connectClient(options), options.taskQueue);
  }

  /**
   * Validates everything, then registers: throws `DefinitionError` (every problem, with line and column),
   * {@link TriggerExpressionError} or `TypeError` for bad input and registers nothing then, and
   * {@link TriggerConflictError} when the name is taken by other settings and `replace` is not set.
   *
   * `definition` is XML text, an `.xml` path, or a deployed definition by name: `{ name: 'order' }` starts
   * the latest version at each event, `{ name: 'order', version: 3 }` always version 3. A name or version
   * that is not deployed now is refused with `DefinitionNotFoundError`.
   */
  async add(
    event: string,
    definition: string | DefinitionRef,
    options: TriggerAddOptions = {},
  ): Promise<{
    /** The trigger's name: the one given, or the one derived from the settings. */
    name: string;
    /** Whether the trigger was added, was already there with these settings, or replaced another. */
    result: AddTriggerResult;
  }> {
    let registration = await validateTrigger(event, definition, options);
    if (registration.deployed) {
      // Refuses a name (or version) that is not deployed now; later versions are taken as they come.
      const info = await new Definitions(this.client, this.taskQueue).resolve(registration.deployed);
      if (info.processName) registration = { ...registration, processName: info.processName };
    }
    // The router learns first that its events have triggers; if registering then fails, it only hands
    // events to an activity that finds no trigger.
    await signalRouter(this.client, {
      routerId: eventRouterId(event),
      taskQueue: this.taskQueue,
      state: newRouterState(event),
      signal: TRIGGERS_ON_SIGNAL,
      args: [],
    });
    try {
      const result = await this.client.workflow.executeUpdateWithStart<
        (state: TriggerRegistryState) => Promise<never>,
        AddTriggerResult,
        [TriggerRegistration, boolean]
      >(ADD_TRIGGER_UPDATE, {
        args: [registration, options.replace ?? false],
        startWorkflowOperation: new WithStartWorkflowOperation<
          (state: TriggerRegistryState) => Promise<never>
        >(TRIGGER_REGISTRY_WORKFLOW_TYPE, {
          workflowId: triggerRegistryId(this.taskQueue),
          taskQueue: this.taskQueue,
          args: [{ triggers: [], deadLetters: [] } satisfies TriggerRegistryState],
          workflowIdConflictPolicy: 'USE_EXISTING',
          priority: SERVICE_PRIORITY,
        }),
      });
      return { name: registration.name, result };
    } catch (err) {
      if (
        err instanceof WorkflowUpdateFailedError &&
        err.cause instanceof ApplicationFailure &&
        err.cause.type === TRIGGER_CONFLICT_ERROR
      ) {
        throw new TriggerConflictError(
          `trigger ${registration.name} already exists with other settings; remove it first or replace it (--replace)`,
        );
      }
      throw err;
    }
  }

  /** Removes trigger `name` and its dead letters; false when there was none. Started processes go on. */
  async remove(name: string): Promise<boolean> {
    try {
      return await this.registry().executeUpdate<boolean, [string]>(REMOVE_TRIGGER_UPDATE, { args: [name] });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /** The triggers, by name, with how many processes each started and its dead-letter count. */
  async list(): Promise<TriggerInfo[]> {
    const [triggers, letters] = await Promise.all([this.registrations(), this.deadLetters()]);
    const infos = await Promise.all(
      triggers.map(async (t): Promise<TriggerInfo> => {
        const { count } = await this.client.workflow.count(`BureaucratTrigger = ${quote(t.name)}`);
        return {
          name: t.name,
          event: t.event,
          ...(t.processName ? { processName: t.processName } : {}),
          ...(t.deployed ? { definition: formatDefinitionRef(t.deployed) } : {}),
          ...(t.when !== undefined ? { when: t.when } : {}),
          ...(t.id !== undefined ? { id: t.id } : {}),
          retries: t.retries,
          started: count,
          deadLetters: letters.filter((d) => d.trigger === t.name).length,
        };
      }),
    );
    return infos.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The dead letters, of one trigger or of all: each keeps the event and the error. */
  async deadLetters(name?: string): Promise<DeadLetter[]> {
    try {
      return await this.registry().query<DeadLetter[], [string?]>(DEAD_LETTERS_QUERY, name);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [];
      throw err;
    }
  }

  /**
   * Runs trigger `name` again on each of its dead letters, with its current settings (so a predicate
   * fixed with `replace` applies): a letter that goes through is cleared, one that fails again stays
   * with the new error. An id-less trigger reuses the letter's process id, so a redrive starts at most
   * one process per event.
   */
  async redrive(name: string): Promise<RedriveResult> {
    const trigger = (await this.registrations()).find((t) => t.name === name);
    if (!trigger) throw new TypeError(`no trigger named ${name}`);
    const result = { started: 0, skipped: 0, failed: 0 };
    for (const letter of await this.deadLetters(name)) {
      const outcome = await fireTrigger(
        this.client,
        this.taskQueue,
        trigger,
        letter.message,
        letter.defaultProcessId,
      );
      if (outcome === 'dead-lettered') {
        result.failed += 1;
        continue;
      }
      await clearDeadLetter(this.client, this.taskQueue, letter);
      if (outcome === 'skipped') result.skipped += 1;
      else result.started += 1;
    }
    return result;
  }

  private registry() {
    return this.client.workflow.getHandle(triggerRegistryId(this.taskQueue));
  }

  private async registrations(): Promise<TriggerRegistration[]> {
    try {
      return await this.registry().query<TriggerRegistration[], [string?]>(TRIGGERS_QUERY);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [];
      throw err;
    }
  }
}

/**
 * Checks a registration completely and builds it; throws without side effects on any problem. A deployed
 * definition's name is only checked for its form here (it needs a connection to be looked up: `add` does).
 */
export async function validateTrigger(
  event: string,
  definition: string | DefinitionRef,
  options: TriggerAddOptions,
): Promise<TriggerRegistration> {
  if (!event) throw new TypeError('a trigger needs an event name');
  const retries = options.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 0 || retries > 100) {
    throw new TypeError(`retries must be an integer from 0 to 100, got ${retries}`);
  }
  if (options.name !== undefined && !/^[\w.:-]{1,200}$/.test(options.name)) {
    throw new TypeError(
      `a trigger name takes letters, digits, "_", "-", "." and ":" (at most 200), got ${JSON.stringify(options.name)}`,
    );
  }
  let deployed: DefinitionRef | undefined;
  let loaded: Awaited<ReturnType<typeof loadDefinition>> | undefined;
  if (typeof definition === 'string') loaded = await loadDefinition(definition);
  else {
    const problem = definitionNameProblem(definition.name);
    if (problem) throw new DefinitionRefError(problem);
    const { version } = definition;
    if (version !== undefined && (!Number.isSafeInteger(version) || version < 1)) {
      throw new DefinitionRefError(`${definition.name}: a version is a whole number from 1, got ${version}`);
    }
    deployed = { name: definition.name, ...(version !== undefined && { version }) };
  }
  for (const [flag, text] of [
    ['--when', options.when],
    ['--id', options.id],
  ] as const) {
    if (text === undefined) continue;
    try {
      parseExpression(text, { names: ['event'] });
    } catch (err) {
      throw new TriggerExpressionError(`${flag}: ${(err as Error).message}`, { cause: err });
    }
  }
  const settings = {
    event,
    definition: loaded?.xml,
    ...(deployed && { deployed: formatDefinitionRef(deployed) }),
    when: options.when,
    id: options.id,
    retries,
  };
  const digest = createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 10);
  const label = deployed?.name ?? loaded?.model.name ?? 'process';
  const name = options.name ?? `${event}-${label}-${digest}`.replace(/[^\w.:-]/g, '_');
  return {
    name,
    event,
    ...(loaded && { definition: loaded.xml }),
    ...(deployed && { deployed }),
    ...(loaded?.source ? { source: loaded.source } : {}),
    ...(loaded?.model.name ? { processName: loaded.model.name } : {}),
    ...(options.when !== undefined ? { when: options.when } : {}),
    ...(options.id !== undefined ? { id: options.id } : {}),
    retries,
  };
}

/** A string literal of Temporal's visibility query language. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
