/**
 * The interpreter workflow `bureaucratProcess`: validates its input, answers the `state` and `context`
 * queries, receives events as the `event` signal, runs the {@link Interpreter}, and turns an unhandled
 * fault into a non-retryable `ApplicationFailure` typed by the fault code.
 */
import {
  ApplicationFailure,
  isCancellation,
  makeContinueAsNewFunc,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { deployedDefinitions, notDeployed } from './deployed-definitions';
import {
  DEFINITION_NOT_FOUND_CODE,
  DEFINITION_SLICE_CHARS,
  formatDefinitionRef,
  READ_DEFINITION_ACTIVITY,
  type DefinitionSlice,
  type ReadDefinitionInput,
} from '../src/deployed';
import {
  DEFINITION_ERROR_CODE,
  DefinitionError,
  parseDefinitionCached,
  type ProcessDefinition,
} from '../src/definition';
import { contextQuery, routedEventSignal, stateQuery, traceQuery } from '../src/messages';
import type { EventMessage, FaultDetails } from '../src/protocol';
import type { ProcessRunInput } from '../src/wire/continuation';
import { inheritedSettings, processStartMetadata } from '../src/process-start';
import {
  MIGRATION_REFUSED,
  MigrationRefused,
  migrateUpdate,
  migrationCheckQuery,
  translatePosition,
  type MigrationCheck,
  type MigrationRecord,
  type MigrationRequest,
} from '../src/migration';
import { DEFINITION_NAME, DEFINITION_VERSION } from '../src/search-attributes';
import { startsQuery } from '../src/operations';
import type { ContextValues } from '../src/scope';
import { DEFAULT_CONTINUE_AS_NEW_AFTER, Interpreter, properties } from './interpreter';
import { Hooks } from './hooks';
import { processLabels, ProcessMetrics } from './metrics';
import { Operations } from './operations';
import { ProcessFault } from './process-fault';

/**
 * Runs a Bureaucrat process and returns its final context. Not `async`: its end is one `then` on the
 * interpreter's promise, so that a process creates no more promises than it must (see `Interpreter.run`).
 */
export function bureaucratProcess(input: ProcessRunInput): Promise<ContextValues> {
  const given = input.definition;
  if (given === undefined) return readDeployed(input).then(run);
  return run({ input, model: typeof given === 'string' ? parseOrFail(given) : given });
}

/** Runs the process of `model`; `input` is what the next run continues with. */
function run({ input, model }: { input: ProcessRunInput; model: ProcessDefinition }): Promise<ContextValues> {
  const processId = workflowInfo().workflowId;
  // The hooks and operations reach the interpreter created just below (only once it runs).
  const hooks = new Hooks(processId, model.name ?? '', () => interpreter.context());
  const metrics = new ProcessMetrics(
    processLabels(input.deployed?.name ?? model.name, input.deployed?.version),
  );
  const operations = new Operations(
    { scope: () => interpreter.scope(), context: () => interpreter.context() },
    hooks,
  );
  const interpreter: Interpreter = new Interpreter({
    model,
    processId,
    continueAsNewAfterEvents: input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER,
    followServerSuggestion: input.continueAsNewAfterEvents === undefined,
    actionOptions: input.actionOptions,
    broadcastEvents: input.broadcastEvents,
    inherited: inheritedSettings(input),
    resume: input.resume,
    hooks: operations,
    // Launch fields are already in the saved process scope; everything else carries over unchanged.
    continueAsNew: (resume) => continueAsNew({ ...input, fields: undefined, resume }),
    migrate: (resume, { model: target, request }) => {
      const label = request.to && formatDefinitionRef(request.to);
      const from = input.deployed?.version !== undefined ? formatDefinitionRef(input.deployed) : undefined;
      const record: MigrationRecord = {
        ...(from && { from }),
        to: label ?? `${target.name ?? 'process'} (${target.activityCount} activities)`,
        at: new Date().toISOString(),
      };
      const migrations = [...(input.migrations ?? []), record];
      const { memo, typedSearchAttributes } = processStartMetadata(target, undefined, request.to);
      upsertMemo({ ...memo, definition: label ?? null, migrations });
      upsertSearchAttributes([
        ...typedSearchAttributes,
        ...(request.to
          ? []
          : [
              { key: DEFINITION_NAME, value: null },
              { key: DEFINITION_VERSION, value: null },
            ]),
      ]);
      const carried = request.definition.length <= DEFINITION_SLICE_CHARS || !request.to;
      return continueAsNew({
        ...input,
        fields: undefined,
        definition: carried ? request.definition : undefined,
        deployed: request.to,
        resume,
        migrations,
      });
    },
  });
  setHandler(
    migrateUpdate,
    (request) => {
      const check = checkMigration(model, interpreter, request, input);
      interpreter.requestMigration({ model: parseDefinitionCached(request.definition), request });
      return check;
    },
    {
      validator: (request) => {
        if (interpreter.migrating)
          throw migrationRefused(['a migration of this process is already under way']);
        const check = checkMigration(model, interpreter, request, input);
        if (!check.movable) throw migrationRefused(check.reasons);
      },
    },
  );
  setHandler(migrationCheckQuery, (request) => checkMigration(model, interpreter, request, input));
  operations.install();
  setHandler(startsQuery, () => interpreter.starts.all());
  setHandler(stateQuery, () => {
    const snapshot = interpreter.nodes.snapshot(model, processId);
    const paused = operations.paused;
    return paused ? { ...snapshot, paused } : snapshot;
  });
  setHandler(contextQuery, () => interpreter.context());
  setHandler(traceQuery, () => interpreter.nodes.trace());
  setHandler(routedEventSignal, (message, delivery) => {
    if (isEventMessage(message)) interpreter.mailbox.deliver(message, delivery);
  });
  // The context the process starts with: the definition's, overridden by the launch fields.
  if (!input.resume) {
    hooks.started({ ...properties(model.context), ...input.fields });
    metrics.started();
  }
  return interpreter.run(input.fields ?? {}).then(
    () => {
      hooks.completed();
      metrics.completed();
      return interpreter.context();
    },
    (err: unknown) => {
      if (isCancellation(err)) metrics.cancelled();
      if (err instanceof ProcessFault) {
        hooks.faulted(err.code, err.message);
        metrics.faulted(err.code);
        const details: FaultDetails = {
          code: err.code,
          message: err.message,
          state: interpreter.nodes.snapshot(model, processId),
        };
        throw ApplicationFailure.nonRetryable(err.message, err.code, details);
      }
      throw err;
    },
  );
}

/**
 * The deployed definition a process started by name runs, read through an activity (so that the version
 * it took is in its history), a slice at a time. A version resolved here (the input named none) is
 * recorded in the memo and search attributes; the runs that continue this one read the same version.
 */
async function readDeployed(
  input: ProcessRunInput,
): Promise<{ input: ProcessRunInput; model: ProcessDefinition }> {
  const ref = input.deployed;
  if (!ref) {
    throw ApplicationFailure.nonRetryable(
      'the process input has neither a definition nor the name of a deployed one',
      DEFINITION_ERROR_CODE,
    );
  }
  let slice = await readSlice({ ...ref, offset: 0 });
  const version = slice.version;
  let xml = slice.text;
  while (slice.next !== undefined) {
    slice = await readSlice({ name: ref.name, version, offset: slice.next });
    xml += slice.text;
  }
  const model = parseOrFail(xml);
  const pinned = { name: ref.name, version };
  if (ref.version === undefined) {
    const { memo, typedSearchAttributes } = processStartMetadata(model, undefined, pinned);
    upsertMemo(memo);
    upsertSearchAttributes(typedSearchAttributes);
  }
  // Small enough to carry: the next runs need not read it again.
  const carried = xml.length <= DEFINITION_SLICE_CHARS ? { definition: xml } : {};
  return { input: { ...input, ...carried, deployed: pinned }, model };
}

/** The process faults (`DefinitionNotFound`) when its definition is not deployed: retrying would not help. */
async function readSlice(request: ReadDefinitionInput): Promise<DefinitionSlice> {
  try {
    return await deployedDefinitions[READ_DEFINITION_ACTIVITY](request);
  } catch (err) {
    const missing = notDeployed(err);
    if (missing !== undefined) throw ApplicationFailure.nonRetryable(missing, DEFINITION_NOT_FOUND_CODE);
    throw err;
  }
}

/** Whether the process can move onto `request`'s definition now, and when it would. */
function checkMigration(
  model: ProcessDefinition,
  interpreter: Interpreter,
  request: MigrationRequest,
  input: ProcessRunInput,
): MigrationCheck {
  const position = interpreter.position();
  const active = [
    ...position.frames.map((f) => f.id).filter((id) => id !== model.id),
    ...(position.running ? [position.running] : []),
  ];
  const from = input.deployed?.version !== undefined ? formatDefinitionRef(input.deployed) : undefined;
  const base = { active, ...(from && { from }) };
  let target: ProcessDefinition;
  try {
    target = parseDefinitionCached(request.definition);
  } catch (err) {
    const reason = err instanceof DefinitionError ? err.message : String(err);
    return { ...base, movable: false, reasons: [`the target is no valid definition: ${reason}`] };
  }
  try {
    translatePosition(model, target, position, request.map ?? {});
  } catch (err) {
    if (!(err instanceof MigrationRefused)) throw err;
    return { ...base, movable: false, reasons: err.reasons };
  }
  return {
    ...base,
    movable: true,
    reasons: [],
    when: position.running && !interpreter.isParked ? 'after the running step' : 'now',
  };
}

function migrationRefused(reasons: readonly string[]): ApplicationFailure {
  return ApplicationFailure.nonRetryable(reasons.join('; '), MIGRATION_REFUSED, { reasons });
}

/**
 * Continues as new with `input`, keeping the memo as this run has it: the server would otherwise start the
 * next run with the memo the process started with, losing what this run recorded (its version, migrations).
 */
function continueAsNew(input: ProcessRunInput): Promise<never> {
  const memo = Object.fromEntries(
    Object.entries(workflowInfo().memo ?? {}).filter(([, value]) => value !== null && value !== undefined),
  );
  return makeContinueAsNewFunc<typeof bureaucratProcess>({ memo })(input);
}

/** Signals are untyped on the wire: anything without a string `event` is ignored. */
function isEventMessage(message: unknown): message is EventMessage {
  return (
    typeof message === 'object' && message !== null && typeof (message as EventMessage).event === 'string'
  );
}

/** The definition text is validated again inside the workflow: a bad one fails the run, never the worker. */
function parseOrFail(xml: string): ProcessDefinition {
  try {
    return parseDefinitionCached(xml);
  } catch (err) {
    if (err instanceof DefinitionError) {
      throw ApplicationFailure.nonRetryable(err.message, DEFINITION_ERROR_CODE, { problems: err.problems });
    }
    throw err;
  }
}
