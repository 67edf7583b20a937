/**
 * Starting processes from events (see `src/triggers/protocol.ts` and `workflows/trigger-registry.ts`): the
 * activity the event router hands each batch of events to, and {@link fireTrigger}, which the client's
 * redrive uses too.
 *
 * Exactly once per correlation id: a process is started with the id as its workflow id, reuse allowed only
 * after a failed run and an existing one used as is, so concurrent or retried starts of one id start one
 * process. An id-less trigger's id is derived from the router's event number, so a retried activity (a
 * worker that died halfway through a burst) starts nothing twice either.
 */
import { asyncLocalStorage, Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Definitions } from '../src/client/definitions';
import { DefinitionError, parseDefinition } from '../src/definition';
import { DEFINITION_SLICE_CHARS, formatDefinitionRef, type DefinitionRef } from '../src/deployed';
import type { ProcessDefinition, PropertyDefinition } from '../src/definition/model';
import { convertProperty } from '../src/definition/parse';
import { evaluate, evaluateCondition, parseExpression, type Expression } from '../src/expression';
import { processStartOptions } from '../src/process-start';
import { PROCESS_WORKFLOW_TYPE, type EventMessage } from '../src/protocol';
import type { ContextValues } from '../src/scope';
import { TRIGGER_NAME } from '../src/search-attributes';
import { InFlightLimit } from './in-flight-limit';
import {
  CLEAR_DEAD_LETTER_SIGNAL,
  DEAD_LETTER_SIGNAL,
  defaultTriggerProcessId,
  FIRE_TRIGGERS_ACTIVITY,
  TRIGGERS_QUERY,
  triggerRegistryId,
  type DeadLetter,
  type FireTriggersInput,
  type TriggerRegistration,
} from '../src/triggers/protocol';
import { triggerDeadLettered, triggerStarted } from '../src/worker/metrics';

/**
 * Starts running at once on one worker, shared by every batch it fires (as many as four batches of 32 had
 * before): a router keeps several batches in flight (workflows/event-router.ts), and a batch waiting here
 * takes the slots of the one ahead as they free up, so the starts never pause between batches.
 */
const STARTS_IN_FLIGHT = 128;

/** A batch waiting for start slots heartbeats this often, so that the wait does not look like a dead worker. */
const WAITING_HEARTBEAT_MS = 5_000;

/** The first retry of a failed start waits this long, doubling up to {@link MAX_BACKOFF_MS}. */
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** What firing one trigger on one event did. */
export type FireOutcome = 'started' | 'existing' | 'skipped' | 'dead-lettered';

/** A trigger's expressions, and its definition when it holds the text, parsed once per worker. */
interface Compiled {
  readonly model?: ProcessDefinition;
  readonly when?: Expression;
  readonly id?: Expression;
}
const compiled = new Map<string, Compiled>();

function compile(t: TriggerRegistration): Compiled {
  const key = JSON.stringify([t.definition, t.when, t.id]);
  let c = compiled.get(key);
  if (!c) {
    c = {
      ...(t.definition !== undefined && { model: parseDefinition(t.definition, { source: t.source }) }),
      ...(t.when !== undefined ? { when: parseExpression(t.when, { names: ['event'] }) } : {}),
      ...(t.id !== undefined ? { id: parseExpression(t.id, { names: ['event'] }) } : {}),
    };
    if (compiled.size >= 256) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, c);
  }
  return c;
}

/** What a trigger starts: the definition's text and model, and the deployed version when it is one. */
export interface TriggerDefinition {
  readonly xml: string;
  readonly model: ProcessDefinition;
  readonly deployed?: Required<DefinitionRef>;
}

/** Reads the deployed definition a trigger starts by name (the latest version, or the pinned one). */
export type DeployedLoader = (ref: DefinitionRef) => Promise<TriggerDefinition>;

/** A {@link DeployedLoader} over `definitions` (its content and model caches are shared by every call). */
export function deployedLoader(definitions: Definitions): DeployedLoader {
  return async (ref) => {
    const found = await definitions.load(ref);
    return {
      xml: found.xml,
      model: found.model,
      deployed: { name: found.name, version: found.version },
    };
  };
}

/** The trigger activity, bound to a client of the worker's namespace. */
export function triggerActivities(client: Client) {
  const starts = new InFlightLimit(STARTS_IN_FLIGHT);
  const definitions = new Definitions(client);
  return {
    /** Fires every trigger of the batch's event on each of its events. */
    async [FIRE_TRIGGERS_ACTIVITY]({ event, origin, events }: FireTriggersInput): Promise<void> {
      const taskQueue = Context.current().info.taskQueue;
      let triggers: TriggerRegistration[];
      try {
        triggers = await client.workflow
          .getHandle(triggerRegistryId(taskQueue))
          .query<TriggerRegistration[], [string]>(TRIGGERS_QUERY, event);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return; // no trigger was ever registered here
        throw err;
      }
      // A trigger by name reads the latest version once per batch (a failed read is tried again by the
      // next start that needs it, and counts as one of that start's attempts).
      const load = deployedLoader(definitions);
      const loads = new Map<string, Promise<TriggerDefinition>>();
      const batchLoad: DeployedLoader = (ref) => {
        const key = formatDefinitionRef(ref);
        let found = loads.get(key);
        if (!found) {
          found = load(ref);
          loads.set(key, found);
          found.catch(() => loads.delete(key));
        }
        return found;
      };
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), WAITING_HEARTBEAT_MS);
      try {
        await Promise.all(
          events.flatMap((e) =>
            triggers.map((t) =>
              starts.run(() =>
                fireTrigger(
                  client,
                  taskQueue,
                  t,
                  e.message,
                  defaultTriggerProcessId(t.name, origin, e.seq),
                  batchLoad,
                ).then((outcome) => {
                  if (outcome === 'started') triggerStarted(t.name);
                  else if (outcome === 'dead-lettered') triggerDeadLettered(t.name);
                  return outcome;
                }),
              ),
            ),
          ),
        );
      } finally {
        clearInterval(beat);
      }
    },
  };
}

/**
 * Fires trigger `t` on one event: evaluates its predicate and id, starts the process (retrying a failed
 * start `t.retries` times with backoff), or dead-letters the event with the error. A predicate or id
 * that raises, or event data that does not fit the declared types, is dead-lettered at once: retrying
 * cannot change the outcome. Never throws for a trigger's own failure, so one trigger cannot affect
 * another; it throws only when the dead letter itself cannot be recorded.
 */
export async function fireTrigger(
  client: Client,
  taskQueue: string,
  t: TriggerRegistration,
  message: EventMessage,
  defaultProcessId: string,
  loadDeployed: DeployedLoader = deployedLoader(new Definitions(client, taskQueue)),
): Promise<FireOutcome> {
  const registry = client.workflow.getHandle(triggerRegistryId(taskQueue));
  const deadLetter = async (error: string): Promise<FireOutcome> => {
    const letter: DeadLetter = {
      key: defaultProcessId,
      trigger: t.name,
      message,
      defaultProcessId,
      error,
      at: new Date().toISOString(),
    };
    await registry.signal(DEAD_LETTER_SIGNAL, letter);
    return 'dead-lettered';
  };

  let processId: string;
  let c: Compiled;
  try {
    c = compile(t);
    const scope = { context: {}, event: message };
    if (c.when && !evaluateCondition(c.when, scope)) return 'skipped';
    processId = c.id ? correlationId(evaluate(c.id, scope), t.id as string) : defaultProcessId;
  } catch (err) {
    return deadLetter(err instanceof Error ? err.message : String(err));
  }

  let lastError = '';
  for (let attempt = 0; attempt <= t.retries; attempt++) {
    if (attempt > 0) {
      await sleep(Math.min(FIRST_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS));
    }
    // What to start: the registration's text, or the deployed definition it names (the latest version now,
    // or the pinned one). A name or version that is gone, or a stored text that no longer parses, is
    // dead-lettered at once; a failure to read it (Temporal unreachable) is retried like a failed start.
    let definition: TriggerDefinition;
    try {
      if (c.model && t.definition !== undefined) definition = { xml: t.definition, model: c.model };
      else if (t.deployed) definition = await loadDeployed(t.deployed);
      else return deadLetter(`trigger ${t.name} has no definition`);
    } catch (err) {
      if (isPermanent(err)) return deadLetter(innermostMessage(err));
      lastError = innermostMessage(err);
      continue;
    }
    let fields: ContextValues;
    try {
      fields = launchFields(definition.model.context, message);
    } catch (err) {
      return deadLetter(err instanceof Error ? err.message : String(err));
    }
    const { model, deployed } = definition;
    const label = deployed ? formatDefinitionRef(deployed) : model.name;
    const start = {
      ...processStartOptions(model, {
        processId,
        // A large deployed definition is read by the process itself, a slice at a time.
        ...(!deployed || definition.xml.length <= DEFINITION_SLICE_CHARS
          ? { definition: definition.xml }
          : {}),
        ...(deployed && { deployed }),
        fields,
        taskQueue,
        settings: { broadcastEvents: true },
        summary: `Bureaucrat process${label ? ` ${label}` : ''} from trigger ${t.name}`,
      }),
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' as const,
      workflowIdConflictPolicy: 'USE_EXISTING' as const,
    };
    start.memo = { ...start.memo, trigger: t.name };
    start.typedSearchAttributes = [...start.typedSearchAttributes, { key: TRIGGER_NAME, value: t.name }];
    try {
      await client.workflow.start(PROCESS_WORKFLOW_TYPE, start);
      return 'started';
    } catch (err) {
      // A completed process with this id: exactly one per correlation id, so nothing to start.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'existing';
      lastError = innermostMessage(err);
    }
  }
  return deadLetter(`start failed after ${t.retries + 1} attempt(s): ${lastError}`);
}

/** Tells the registry that a redriven dead letter went through. */
export async function clearDeadLetter(client: Client, taskQueue: string, letter: DeadLetter): Promise<void> {
  await client.workflow
    .getHandle(triggerRegistryId(taskQueue))
    .signal(CLEAR_DEAD_LETTER_SIGNAL, { trigger: letter.trigger, key: letter.key });
}

/** A correlation id from the id expression's value: a non-empty string or an integer. */
function correlationId(value: unknown, source: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  throw new Error(
    `id expression ${JSON.stringify(source)} gave ${JSON.stringify(value) ?? String(value)}, not a non-empty string or an integer`,
  );
}

/**
 * The event's data fields that the process context declares, converted to the declared types: numbers,
 * booleans and strings are taken as they are when they fit, and strings are read as a `<property>`'s text
 * would be (`"42"` for an `int`). A value that does not fit is an error: the event is dead-lettered.
 */
export function launchFields(declared: readonly PropertyDefinition[], message: EventMessage): ContextValues {
  const fields: Record<string, unknown> = {};
  for (const p of declared) {
    if (!Object.prototype.hasOwnProperty.call(message, p.name) || p.name === 'event') continue;
    fields[p.name] = typed(p, message[p.name]);
  }
  return fields;
}

function typed(p: PropertyDefinition, value: unknown): unknown {
  const fits =
    p.type === 'json' ||
    (p.type === 'str' && typeof value === 'string') ||
    (p.type === 'int' && typeof value === 'number' && Number.isSafeInteger(value)) ||
    (p.type === 'float' && typeof value === 'number' && Number.isFinite(value)) ||
    (p.type === 'bool' && typeof value === 'boolean');
  if (fits) return value;
  if (p.type === 'str' && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
  if (p.type === 'float' && typeof value === 'number') return value;
  if (typeof value === 'string' || (p.type === 'bool' && typeof value === 'number')) {
    const converted = convertProperty(p.type, String(value));
    if ('value' in converted) return converted.value;
  }
  throw new Error(
    `event field "${p.name}" = ${JSON.stringify(value)} does not fit the declared type ${p.type}`,
  );
}

/** Whether reading a deployed definition failed for good: it is not there, or its text is not valid. */
function isPermanent(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (
    err instanceof DefinitionError ||
    code === 'DEFINITION_NOT_FOUND' ||
    code === 'DEFINITION_DAMAGED' ||
    code === 'DEFINITION_REF_INVALID'
  );
}

function innermostMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/** Waits `ms`, heartbeating inside an activity so that a long backoff does not look like a dead worker. */
async function sleep(ms: number): Promise<void> {
  const ctx = asyncLocalStorage.getStore(); // unset when the client redrives
  if (!ctx) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return;
  }
  ctx.heartbeat();
  await ctx.sleep(ms);
}
