/**
 * `call process="$name"`: runs the definition held in context property `name` as a child process with its
 * own context, and waits for it. An invalid definition faults with `DefinitionError`; a child's fault
 * becomes the same fault here (the original left the caller waiting forever: defect 3); cancelling the
 * caller cancels the child. Child ids are `<processId><activityId>-<n>`, n counting runs of this call.
 */
import { ChildWorkflowFailure, executeChild, isCancellation } from '@temporalio/workflow';
import { deployedDefinitions, notDeployed } from '../deployed-definitions';
import {
  DEFINITION_NOT_FOUND_CODE,
  formatDefinitionRef,
  RESOLVE_DEFINITION_ACTIVITY,
  type DefinitionRef,
  type ResolvedDefinition,
} from '../../src/deployed';
import {
  DEFINITION_ERROR_CODE,
  DefinitionError,
  parseDefinitionCached,
  type CallActivity,
  type ProcessDefinition,
} from '../../src/definition';
import { processStartMetadata, processStartOptions } from '../../src/process-start';
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
  if (node.property === undefined) return startDeployedChild(node, node.deployed as DefinitionRef, run);
  const property = node.property;
  const { scope } = frame;
  const definition = evaluated(() => scope.get(property));
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

/**
 * `<call definition="name" version="n">`: which version it calls is resolved through an activity when the
 * call starts (the latest, unless pinned), so that the history records it and a replay calls the same one;
 * the sub-process reads that version's text itself (its own history holds it, not the caller's).
 */
async function startDeployedChild(node: CallActivity, ref: DefinitionRef, run: Runtime): Promise<unknown> {
  let info: ResolvedDefinition;
  try {
    info = await deployedDefinitions[RESOLVE_DEFINITION_ACTIVITY](ref);
  } catch (err) {
    const missing = notDeployed(err);
    if (missing === undefined) throw err;
    throw new ProcessFault(
      DEFINITION_NOT_FOUND_CODE,
      `call definition="${formatDefinitionRef(ref)}": ${missing}`,
    );
  }
  const deployed = { name: info.name, version: info.version };
  const count = run.nextCall(node);
  const activityId = run.fullId(node.id);
  return executeChild(PROCESS_WORKFLOW_TYPE, {
    workflowId: `${activityId}-${count}`,
    args: [{ deployed, ...run.inherited }],
    ...processStartMetadata(info, summaryOf.call(deployed, activityId), deployed),
  });
}
