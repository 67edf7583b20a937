/**
 * The interpreter workflow `bureaucratProcess`: validates its input, answers the `state` and `context`
 * queries, receives events as the `event` signal, runs the {@link Interpreter}, and turns an unhandled
 * fault into a non-retryable `ApplicationFailure` typed by the fault code.
 */
import { ApplicationFailure, makeContinueAsNewFunc, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  DEFINITION_ERROR_CODE,
  DefinitionError,
  parseDefinitionCached,
  type ProcessDefinition,
} from '../src/definition';
import { contextQuery, routedEventSignal, stateQuery, traceQuery } from '../src/messages';
import type { EventMessage, FaultDetails } from '../src/protocol';
import type { ProcessRunInput } from '../src/wire/continuation';
import { inheritedSettings } from '../src/process-start';
import { startsQuery } from '../src/operations';
import type { ContextValues } from '../src/scope';
import { DEFAULT_CONTINUE_AS_NEW_AFTER, Interpreter, properties } from './interpreter';
import { Hooks } from './hooks';
import { Operations } from './operations';
import { ProcessFault } from './process-fault';

/**
 * Runs a Bureaucrat process and returns its final context. Not `async`: its end is one `then` on the
 * interpreter's promise, so that a process creates no more promises than it must (see `Interpreter.run`).
 */
export function bureaucratProcess(input: ProcessRunInput): Promise<ContextValues> {
  const model = typeof input.definition === 'string' ? parseOrFail(input.definition) : input.definition;
  const processId = workflowInfo().workflowId;
  const continueAsNew = makeContinueAsNewFunc<typeof bureaucratProcess>();
  // The hooks and operations reach the interpreter created just below (only once it runs).
  const hooks = new Hooks(processId, model.name ?? '', () => interpreter.context());
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
  });
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
  if (!input.resume) hooks.started({ ...properties(model.context), ...input.fields });
  return interpreter.run(input.fields ?? {}).then(
    () => {
      hooks.completed();
      return interpreter.context();
    },
    (err: unknown) => {
      if (err instanceof ProcessFault) {
        hooks.faulted(err.code, err.message);
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
