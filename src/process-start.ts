/**
 * How a process's workflow is started — the one place that builds it, for the launcher, the interpreter's
 * `<call>` executor, the tests, the benchmarks and the history recorder alike: the input (definition,
 * launch fields and the settings a process passes on to its sub-processes) and what makes a process
 * recognisable in the Temporal Web UI without extra history events (memo, search attribute, summary).
 *
 * Pure module (no Node APIs): the interpreter workflow imports it.
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { ProcessDefinition } from './definition/model';
import type { ProcessInput } from './protocol';
import type { ContextValues } from './scope';
import { DEFINITION_NAME, DEFINITION_VERSION, PROCESS_NAME } from './search-attributes';
import { formatDefinitionRef, type DefinitionRef } from './deployed';

/** The memo of a process workflow. */
export interface ProcessMemo {
  /** `<process name="…">`, when the definition names itself. */
  readonly processName?: string;
  /** How many activities the definition holds. */
  readonly activityCount: number;
  /** The deployed definition it runs (`order@3`), when started by name. */
  readonly definition?: string;
}

/** Start options that make a process recognisable: memo, search attribute and summary. */
export interface ProcessStartMetadata {
  /** The memo: the process's name and activity count, which listings show without a query. */
  readonly memo: ProcessMemo & Record<string, unknown>;
  /** The `BureaucratProcessName` search attribute, when the definition names itself. */
  readonly typedSearchAttributes: SearchAttributePair[];
  /** The Web UI's summary of the process. */
  readonly staticSummary: string;
}

/**
 * The settings of a process that its `<call>`ed sub-processes inherit, at any depth: whether its awaits
 * receive broadcast events, its actions' timeouts and retry policy, and its continue-as-new threshold.
 * (Sub-processes also run on their parent's task queue: Temporal's default for child workflows.)
 */
export type ProcessSettings = Pick<
  ProcessInput,
  'broadcastEvents' | 'actionOptions' | 'continueAsNewAfterEvents'
>;

/** What {@link processStartOptions} needs besides the validated model. */
export interface ProcessStartRequest {
  /** The process id: the workflow id. */
  readonly processId: string;
  /**
   * The definition as the workflow receives it: the XML text (validated again in the workflow). Unset
   * (with {@link deployed}): the workflow reads it from the deployed definitions when it starts.
   */
  readonly definition?: string;
  /** The deployed definition (name and version) the process runs, when started by name. */
  readonly deployed?: Required<DefinitionRef>;
  /** Launch fields; they override the definition's process `<context>`. */
  readonly fields?: ContextValues;
  /** The settings the process (and its sub-processes) run with. */
  readonly settings?: ProcessSettings;
  /** The task queue of the interpreter workers; unset: the caller's default (a child: its parent's). */
  readonly taskQueue?: string;
  /** The Web UI summary; unset: `Bureaucrat process <name> (<n> activities)`. */
  readonly summary?: string;
}

/** The start options {@link processStartOptions} builds. */
export interface ProcessStartOptions extends ProcessStartMetadata {
  /** The process id. */
  workflowId: string;
  /** The interpreter workers' task queue; unset: the caller's default. */
  taskQueue?: string;
  /** The process workflow's input. */
  args: [ProcessInput];
}

/**
 * Options to start a process workflow of `model` with: workflow id, input, memo, search attribute and
 * summary. The result fits both the client's `workflow.start(PROCESS_WORKFLOW_TYPE, …)` and the workflow
 * API's `startChild`/`executeChild`; callers add their own policies (the launcher's id reuse, for one).
 *
 * @example
 * const model = parseDefinition(xml);
 * await client.workflow.start(PROCESS_WORKFLOW_TYPE, {
 *   ...processStartOptions(model, { processId: 'order-42', definition: xml, taskQueue: 'bureaucrat' }),
 * });
 */
export function processStartOptions(
  model: ProcessDefinition,
  request: ProcessStartRequest & {
    /** The task queue of the interpreter workers. */
    readonly taskQueue: string;
  },
): ProcessStartOptions & {
  /** The task queue of the request. */
  taskQueue: string;
};
export function processStartOptions(
  model: ProcessDefinition,
  request: ProcessStartRequest,
): ProcessStartOptions;
export function processStartOptions(
  model: ProcessDefinition,
  request: ProcessStartRequest,
): ProcessStartOptions {
  const input: ProcessInput = {
    ...(request.definition !== undefined && { definition: request.definition }),
    ...(request.deployed && { deployed: request.deployed }),
    ...(request.fields ? { fields: request.fields } : {}),
    ...definedSettings(request.settings),
  };
  return {
    workflowId: request.processId,
    ...(request.taskQueue ? { taskQueue: request.taskQueue } : {}),
    args: [input],
    ...processStartMetadata(model, request.summary, request.deployed),
  };
}

/** The settings a running process passes on to the sub-processes it calls. */
export function inheritedSettings(input: ProcessInput): ProcessSettings {
  return definedSettings(input);
}

/**
 * The memo, search attributes and summary to start a process of `model` with (a model, or what a deployed
 * version's info says of it), and of the deployed definition it runs, if any.
 */
export function processStartMetadata(
  model: Pick<ProcessDefinition, 'activityCount'> & { readonly name?: string; readonly processName?: string },
  summary?: string,
  deployed?: Required<DefinitionRef>,
): ProcessStartMetadata {
  const name = 'processName' in model ? model.processName : model.name;
  const label = deployed && formatDefinitionRef(deployed);
  return {
    memo: {
      ...(name ? { processName: name } : {}),
      activityCount: model.activityCount,
      ...(label && { definition: label }),
    },
    typedSearchAttributes: [
      ...(name ? [{ key: PROCESS_NAME, value: name }] : []),
      ...(deployed && label
        ? [
            { key: DEFINITION_NAME, value: deployed.name },
            { key: DEFINITION_VERSION, value: label },
          ]
        : []),
    ],
    staticSummary:
      summary ??
      `Bureaucrat process${label ? ` ${label}` : name ? ` ${name}` : ''} (${model.activityCount} activities)`,
  };
}

/** Only the settings that are set, so that an input stays as small as what was asked for. */
function definedSettings(settings: ProcessSettings = {}): ProcessSettings {
  const { broadcastEvents, actionOptions, continueAsNewAfterEvents } = settings;
  return {
    ...(broadcastEvents ? { broadcastEvents } : {}),
    ...(actionOptions ? { actionOptions } : {}),
    ...(continueAsNewAfterEvents !== undefined ? { continueAsNewAfterEvents } : {}),
  };
}
