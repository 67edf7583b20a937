/**
 * The original's launcher API on the Temporal client: validate a definition, start it as a process.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { processStartOptions } from '../process-start';
import { loadDefinition } from './definition-source';
import { PROCESS_WORKFLOW_TYPE, type ActionOptions } from '../protocol';
import { DEFINITION_SLICE_CHARS, type DefinitionRef } from '../deployed';
import type { ProcessDefinition } from '../definition';
import { Definitions } from './definitions';
import {
  migrateProcesses,
  type MigrateOptions,
  type MigrationOutcome,
  type MigrationSelection,
} from './migrations';
import { parseRoutes, ROUTES_ENV, type Routes } from '../routes';
import type { ContextValues } from '../scope';
import { connectClient, DEFAULT_TASK_QUEUE, type ConnectionOptions } from './connection';
import { ProcessHandle } from './process-handle';
import { listProcesses, type ListProcessesOptions, type ProcessPage } from './process-list';

/** What {@link Launcher.start} did: the process, its run, and whether this call started it. */
export interface LaunchResult {
  /** A handle on the process. */
  readonly process: ProcessHandle;
  /** The id of its current run. */
  readonly runId: string;
  /** False when the id was already running or had completed: that process is handed back instead. */
  readonly started: boolean;
}

/** Options of {@link Launcher.launch}. */
export interface LaunchOptions {
  /**
   * The process id (the workflow id); a new UUID by default. Launching an id that is running or has
   * completed returns that process instead of starting a second one; after a failed, cancelled or
   * terminated run the id starts afresh.
   */
  readonly processId?: string;
  /** Timeouts and retry policy of the process's actions (see README). */
  readonly actionOptions?: ActionOptions;
  /**
   * Participant name or glob → task queue. Unset: `actionOptions.routes`, else `$BUREAUCRAT_ROUTES` (see
   * README, routing). An `<action queue="…">` attribute wins over both.
   */
  readonly routes?: Routes;
}

/**
 * Starts processes. `definition` is XML text, the path of an `.xml` file (as the original took), or a
 * deployed definition by name (`{ name: 'order' }` for the latest, `{ name: 'order', version: 3 }`).
 *
 * @example
 * const launcher = await Launcher.connect();
 * const process = await launcher.launch('order.xml', { customer: 'ACME' });
 * console.log(await process.result());
 */
export class Launcher {
  constructor(
    /** The Temporal client it works through. */
    readonly client: Client,
    /** The task queue of the interpreter workers. */
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
  ) {}

  /** A launcher on the connection `options` describe (envconfig by default). */
  static async connect(options: ConnectionOptions = {}): Promise<Launcher> {
    return new Launcher(await connectClient(options), options.taskQueue);
  }

  /**
   * Validates the definition and starts it. Throws `DefinitionError` (listing every problem) for an
   * invalid definition, its subclass `DefinitionFileError` for a file that cannot be read, or
   * `DefinitionNotFoundError` for a name or version that is not deployed, and starts nothing then.
   */
  async launch(
    definition: string | DefinitionRef,
    fields: ContextValues = {},
    options: LaunchOptions = {},
  ): Promise<ProcessHandle> {
    return (await this.start(definition, fields, options)).process;
  }

  /**
   * {@link launch}, saying whether this call started the process or found it running or completed (the
   * HTTP API answers 201 or 200 by it), and with the run id.
   */
  async start(
    definition: string | DefinitionRef,
    fields: ContextValues = {},
    options: LaunchOptions = {},
  ): Promise<LaunchResult> {
    const { xml, model, deployed } = await this.definitionOf(definition);
    const processId = options.processId ?? randomUUID();
    const routes = options.routes ?? options.actionOptions?.routes ?? envRoutes();
    const actionOptions =
      routes && Object.keys(routes).length ? { ...options.actionOptions, routes } : options.actionOptions;
    try {
      const handle = await this.client.workflow.start(PROCESS_WORKFLOW_TYPE, {
        ...processStartOptions(model, {
          processId,
          // A large deployed definition is read by the process itself, a slice at a time (see README).
          ...(!deployed || xml.length <= DEFINITION_SLICE_CHARS ? { definition: xml } : {}),
          ...(deployed && { deployed }),
          fields,
          taskQueue: this.taskQueue,
          settings: { broadcastEvents: true, actionOptions },
        }),
        // A running process with this id, or a completed one, is refused here and handed back below; after
        // a failed, cancelled or terminated run the id starts afresh.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        workflowIdConflictPolicy: 'FAIL',
      });
      return { process: this.get(processId), runId: handle.firstExecutionRunId, started: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const process = this.get(processId);
    const { runId } = await process.workflowHandle.describe();
    return { process, runId, started: false };
  }

  /** One page of processes, newest first, filtered by status and `<process name>`. */
  list(options: ListProcessesOptions = {}): Promise<ProcessPage> {
    return listProcesses(this.client, options);
  }

  /** The deployed definitions of this launcher's namespace (launches by name read them). */
  get definitions(): Definitions {
    return (this.#definitions ??= new Definitions(this.client, this.taskQueue));
  }

  #definitions?: Definitions;

  /** The text and model of what a launch names: XML text, an `.xml` path, or a deployed definition. */
  private async definitionOf(definition: string | DefinitionRef): Promise<{
    xml: string;
    model: ProcessDefinition;
    deployed?: Required<DefinitionRef>;
  }> {
    if (typeof definition === 'string') return loadDefinition(definition);
    const found = await this.definitions.load(definition);
    return { xml: found.xml, model: found.model, deployed: { name: found.name, version: found.version } };
  }

  /**
   * Moves running processes onto a deployed version (`options.to`): the ones given by id, or every running
   * process of a deployed definition (`{ definition: 'order@1' }`). A process moves when every activity it
   * has active exists in the target (same id and kind, or mapped by `options.map`); otherwise it is refused
   * with the reasons and left untouched. `dryRun` only reports. See README, "Migrating running processes".
   */
  migrate(selection: MigrationSelection, options: MigrateOptions): Promise<MigrationOutcome[]> {
    return migrateProcesses(this.client, this.definitions, selection, options);
  }

  /** A handle on an existing process. */
  get(processId: string): ProcessHandle {
    return new ProcessHandle(this.client, processId);
  }
}

/** The routes of `$BUREAUCRAT_ROUTES`, if set (a malformed value throws {@link RoutesError}). */
function envRoutes(): Routes | undefined {
  const text = process.env[ROUTES_ENV];
  return text === undefined ? undefined : parseRoutes(text);
}
