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
import { PROCESS_WORKFLOW_TYPE, summaryOf } from '../../src/protocol';
import type { Scope } from '../../src/scope';
import { evaluated } from '../context-rules';
import { childFault, ProcessFault } from '../process-fault';
import type { Runtime, StepKind } from './kind';

/** `<call>`. */
export const callKind: StepKind<CallActivity> = {
  shape: 'step',
  start: (node, frame, run) => call(node, frame.scope, run),
};

async function call(node: CallActivity, scope: Scope, run: Runtime): Promise<void> {
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
  try {
    await executeChild(
      PROCESS_WORKFLOW_TYPE,
      processStartOptions(model, {
        processId: `${activityId}-${count}`,
        definition,
        settings: run.inherited,
        summary: summaryOf.call(node.property, activityId),
      }),
    );
  } catch (err) {
    if (err instanceof ChildWorkflowFailure && !isCancellation(err)) throw childFault(err);
    throw err;
  }
}
