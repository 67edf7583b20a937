/**
 * `call process="$name"`: runs the definition held in context property `name` as a child process with its
 * own context, and waits for it. An invalid definition faults with `DefinitionError`; a child's fault
 * becomes the same fault here (the original left the caller waiting forever: defect 3); cancelling the
 * caller cancels the child. Child ids are `<processId><activityId>-<n>`, n counting runs of this call.
 */
import { ChildWorkflowFailure, executeChild, isCancellation } from '@temporalio/workflow';
import {
  DEFINITION_ERROR_CODE,
  DefinitionError,
  parseDefinitionCached,
  type CallActivity,
  type ProcessDefinition,
} from '../../src/definition';
import { processStartOptions } from '../../src/process-start';
import { PROCESS_WORKFLOW_TYPE } from '../../src/protocol';
import { summaryOf } from '../../src/wire/summary';
import type { Frame } from '../frame';
import { evaluated } from '../context-rules';
import { childFault, ProcessFault } from '../process-fault';
import type { Runtime, StepKind } from './kind';

/** `<call>`. */
export const callKind: StepKind<CallActivity> = {
  shape: 'step',
  // Not async: the child's own promise is the step's, so a call creates no promise of its own (each
  // promise created in workflow code costs the SDK a stack-trace capture).
  start: startChild,
  failed: (_node, err) =>
    err instanceof ChildWorkflowFailure && !isCancellation(err) ? childFault(err) : err,
};

/** Starts the sub-process and returns its result; a property that is no valid definition faults here. */
function startChild(node: CallActivity, frame: Frame, run: Runtime): Promise<unknown> {
  const { scope } = frame;
  const definition = evaluated(() => scope.get(node.property));
  if (typeof definition !== 'string') {
    throw new ProcessFault(
      DEFINITION_ERROR_CODE,
      `call process="$${node.property}": the property holds ${typeof definition}, not a definition text`,
    );
  }
  let model: ProcessDefinition;
  try {
    model = parseDefinitionCached(definition);
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    throw new ProcessFault(DEFINITION_ERROR_CODE, `call process="$${node.property}": ${err.message}`);
  }
  const count = run.nextCall(node);
  const activityId = run.fullId(node.id);
  return executeChild(
    PROCESS_WORKFLOW_TYPE,
    processStartOptions(model, {
      processId: `${activityId}-${count}`,
      definition,
      settings: run.inherited,
      summary: summaryOf.call(node.property, activityId),
    }),
  );
}
