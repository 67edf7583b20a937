import type { WorkflowStartOptions } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parseDefinition } from '../../src/definition';
import { processStartOptions } from '../../src/process-start';
import {
  PROCESS_WORKFLOW_TYPE,
  STATE_QUERY,
  type ActivitySnapshot,
  type ProcessInput,
  type ProcessSnapshot,
} from '../../src/protocol';
import { participantActivities, type Participants } from '../../src/worker/participants';
import { withWorker, type TestWorkerOptions } from './temporal';

/** A unique process id for a test. */
export const processId = (prefix = 'proc'): string => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

/** Start options of a process the way the launcher starts one: validated, with memo and search attributes. */
export function processStart(
  taskQueue: string,
  definition: string,
  input: Omit<ProcessInput, 'definition'> = {},
  workflowId = processId(),
): WorkflowStartOptions<(input: ProcessInput) => Promise<Record<string, unknown>>> {
  const { fields, ...settings } = input;
  return processStartOptions(parseDefinition(definition), {
    processId: workflowId,
    definition,
    fields,
    settings,
    taskQueue,
  });
}

/** Runs `fn` with a real worker serving the interpreter and `participants` (through the participant adapter). */
export function withProcessWorker<T>(
  env: TestWorkflowEnvironment,
  participants: Participants,
  fn: (taskQueue: string) => Promise<T>,
  options: TestWorkerOptions = {},
): Promise<T> {
  return withWorker(
    env,
    { ...options, activities: { ...participantActivities(participants), ...options.activities } },
    fn,
  );
}

/** Starts a process and returns its handle. */
export function startProcess(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  definition: string,
  input: Omit<ProcessInput, 'definition'> = {},
  workflowId?: string,
) {
  return env.client.workflow.start(
    PROCESS_WORKFLOW_TYPE,
    processStart(taskQueue, definition, input, workflowId),
  );
}

/** The node with relative id `id` (e.g. `_0_1`) in a snapshot tree, or undefined. */
export function findNode(root: ActivitySnapshot, id: string): ActivitySnapshot | undefined {
  const wanted = `${root.id}${id}`;
  const visit = (node: ActivitySnapshot): ActivitySnapshot | undefined => {
    if (node.id === wanted) return node;
    for (const child of [...node.children, ...node.faults]) {
      const found = visit(child);
      if (found) return found;
    }
    return undefined;
  };
  return visit(root);
}

/** The state query of a process. */
export function processState(env: TestWorkflowEnvironment, workflowId: string): Promise<ProcessSnapshot> {
  return env.client.workflow.getHandle(workflowId).query<ProcessSnapshot>(STATE_QUERY);
}
