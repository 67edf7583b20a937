/**
 * Definitions deployed by name and version, stored on the Temporal cluster itself: no database of ours.
 *
 * Each version is one workflow, `bureaucrat-definition:NAME@VERSION`, that runs for as long as the version
 * is kept (running workflows are never removed by the namespace's retention). Its input holds the version's
 * info and the first chunk of its gzip-compressed XML; further chunks (only past 1 MiB compressed) are held
 * by workflows of their own, started first, so a definition of any size the parser takes (5 MiB) stays
 * within Temporal's payload limits and a version exists only once all of its content does.
 * Reading a version reads that workflow's history. Version numbers are handed out by the workflow id:
 * starting `NAME@4` succeeds once, so two deploys at the same moment never get the same number. The latest
 * version is found by probing ids (strongly consistent, unlike visibility): a few `describe` calls, and one
 * once this client has seen the name. Listing names and versions reads visibility (the memo), which may lag
 * a deploy by a moment on a large cluster.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import {
  checkDefinition,
  DefinitionError,
  type DefinitionWarning,
  type ProcessDefinition,
} from '../definition';
import { parseDefinitionCached } from '../definition/model-cache';
import {
  DEFINITION_CHUNK_WORKFLOW_TYPE,
  definitionChunkWorkflowId,
  DEFINITION_SLICE_CHARS,
  DEFINITION_WORKFLOW_TYPE,
  definitionNameProblem,
  definitionWorkflowId,
  DefinitionRefError,
  formatDefinitionRef,
  parseDefinitionRef,
  type DefinitionRef,
  type DefinitionSlice,
  type DeployedVersionInfo,
} from '../deployed';
import { BureaucratError } from '../errors';
import { DEFINITION_NAME, DEFINITION_VERSION } from '../search-attributes';
import { connectClient, DEFAULT_TASK_QUEUE, type ConnectionOptions } from './connection';

/** The most bytes of compressed content one chunk holds (Temporal refuses payloads over 2 MB). */
const CHUNK_BYTES = 1024 * 1024;

/** A reference to a name that was never deployed, or to a version it does not have. */
export class DefinitionNotFoundError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'DefinitionNotFoundError';
  readonly code = 'DEFINITION_NOT_FOUND';
  constructor(
    /** What was asked for. */
    readonly ref: DefinitionRef,
    /** The latest version of that name, when it has one. */
    readonly latest?: number,
  ) {
    super(
      latest === undefined
        ? `no definition named "${ref.name}" is deployed`
        : `definition ${ref.name} has no version ${ref.version} (the latest is ${ref.name}@${latest})`,
    );
  }
}

/** A `deploy --strict` refused because the lint warned. */
export class DefinitionWarningsError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'DefinitionWarningsError';
  readonly code = 'DEFINITION_WARNINGS';
  constructor(
    /** The lint's warnings (infos left out). */
    readonly warnings: readonly DefinitionWarning[],
  ) {
    super(
      `not deployed: --strict and the lint warned ${warnings.length} time${warnings.length === 1 ? '' : 's'}`,
    );
  }
}

/** A stored version whose content is missing or damaged (a deploy that was interrupted, for one). */
export class DefinitionDamagedError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'DefinitionDamagedError';
  readonly code = 'DEFINITION_DAMAGED';
}

/** Options of {@link Definitions.deploy}. */
export interface DeployOptions {
  /** The name to deploy under; the definition's `<process name>` by default. */
  readonly name?: string;
  /** Refuse to deploy when the lint warns (infos do not count). */
  readonly strict?: boolean;
  /** Where the text came from (a file name), for messages. */
  readonly source?: string;
}

/** What {@link Definitions.deploy} did. */
export interface DeployResult extends DeployedVersionInfo {
  /** True when the latest version already had this content: nothing new was stored. */
  readonly unchanged: boolean;
  /** The lint's findings (warnings and infos), deployed or not. */
  readonly warnings: readonly DefinitionWarning[];
}

/** One stored version with its XML text. */
export interface DeployedDefinition extends DeployedVersionInfo {
  /** The XML text as deployed. */
  readonly xml: string;
}

/** One deployed name as {@link Definitions.list} shows it. */
export interface DeployedName {
  /** The name. */
  readonly name: string;
  /** Its latest version. */
  readonly latest: number;
  /** How many versions it has. */
  readonly versions: number;
  /** `<process name>` of its latest version. */
  readonly processName?: string;
  /** When its latest version was deployed (ISO 8601). */
  readonly deployedAt: string;
}

/**
 * The definitions deployed on a namespace: deploy, resolve, read and list them.
 *
 * @example
 * const definitions = await Definitions.connect();
 * const { name, version, unchanged } = await definitions.deploy(xml); // order@3
 * const { xml: v2 } = await definitions.get('order@2');
 */
export class Definitions {
  /** The latest version this client has seen of each name: where probing for a newer one starts. */
  private readonly seen = new Map<string, number>();

  constructor(
    /** The Temporal client it works through. */
    readonly client: Client,
    /** The task queue the versions' workflows (which only wait) are started on. */
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
  ) {}

  /** Definitions on the connection `options` describe (envconfig by default). */
  static async connect(options: ConnectionOptions = {}): Promise<Definitions> {
    return new Definitions(await connectClient(options), options.taskQueue);
  }

  /**
   * Validates `xml` and stores it as the next version of its name, unless the latest version has the same
   * content (then that version is returned with `unchanged`). Throws `DefinitionError` for an invalid
   * definition, `DefinitionRefError` for a name that cannot be used, and {@link DefinitionWarningsError}
   * under `strict` when the lint warns; nothing is stored then.
   */
  async deploy(xml: string, options: DeployOptions = {}): Promise<DeployResult> {
    const { definition, problems, warnings } = checkDefinition(xml, {
      deployed: await this.latestVersions(xml),
    });
    if (!definition) throw new DefinitionError(problems, options.source);
    const name = options.name ?? definition.name;
    if (name === undefined) {
      throw new DefinitionRefError(
        `${options.source ? `${options.source}: ` : ''}the definition has no <process name>: give it one, or deploy it with a name`,
      );
    }
    const problem = definitionNameProblem(name);
    if (problem) throw new DefinitionRefError(problem);
    if (options.strict && warnings.some((w) => w.severity === 'warning')) {
      throw new DefinitionWarningsError(warnings.filter((w) => w.severity === 'warning'));
    }
    const digest = createHash('sha256').update(xml, 'utf8').digest('hex');
    const packed = gzipSync(Buffer.from(xml, 'utf8'));
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < packed.length || at === 0; at += CHUNK_BYTES) {
      chunks.push(packed.subarray(at, at + CHUNK_BYTES));
    }
    // Versions are numbered by workflow ids: a deploy that lost the race for a number tries the next one.
    for (;;) {
      const latest = await this.latest(name);
      if (latest !== undefined) {
        const info = await this.info(name, latest);
        if (info?.digest === digest) return { ...info, unchanged: true, warnings };
      }
      const info: DeployedVersionInfo = {
        name,
        version: (latest ?? 0) + 1,
        digest,
        size: Buffer.byteLength(xml, 'utf8'),
        chunks: chunks.length,
        ...(definition.name !== undefined && { processName: definition.name }),
        activityCount: definition.activityCount,
        deployedAt: new Date().toISOString(),
      };
      if (await this.store(info, chunks)) {
        this.seen.set(name, info.version);
        return { ...info, unchanged: false, warnings };
      }
    }
  }

  /** The latest version of `name`, or undefined when none is deployed. */
  async latest(name: string): Promise<number | undefined> {
    // Probe upwards from what this client last saw (doubling the step), then bisect: a name with 1,000
    // versions takes about 20 describes the first time, and 1 after that while nothing new is deployed.
    // A version once seen stays (its workflow is kept while it runs, and after it ends until retention).
    let low = this.seen.get(name) ?? 0;
    let step = 1;
    let high = low + step;
    while (await this.exists(name, high)) {
      low = high;
      step *= 2;
      high = low + step;
    }
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await this.exists(name, middle)) low = middle;
      else high = middle;
    }
    if (low === 0) {
      this.seen.delete(name);
      return undefined;
    }
    this.seen.set(name, low);
    return low;
  }

  /**
   * The version `ref` names (`order` is the latest, `order@2` the second), without its content. Throws
   * {@link DefinitionNotFoundError} when there is none.
   */
  async resolve(ref: DefinitionRef | string): Promise<DeployedVersionInfo> {
    const wanted = typeof ref === 'string' ? parseDefinitionRef(ref) : ref;
    const version = wanted.version ?? (await this.latest(wanted.name));
    if (version === undefined) throw new DefinitionNotFoundError(wanted);
    const info = await this.info(wanted.name, version);
    if (!info) throw new DefinitionNotFoundError(wanted, await this.latest(wanted.name));
    return info;
  }

  /** The version `ref` names, with its XML text (read once per client and version, then cached). */
  async get(ref: DefinitionRef | string): Promise<DeployedDefinition> {
    const info = await this.resolve(ref);
    return { ...info, xml: await this.read(info) };
  }

  /**
   * The version `ref` names, read and validated: its text and model. Throws like {@link get}, and
   * `DefinitionError` when the stored text no longer parses (a newer parser, stricter rules).
   */
  async load(ref: DefinitionRef | string): Promise<
    DeployedDefinition & {
      /** The validated model of its text. */
      readonly model: ProcessDefinition;
    }
  > {
    const found = await this.get(ref);
    return { ...found, model: parseDefinitionCached(found.xml) };
  }

  /** A slice of a version's text, as the `bureaucrat.readDefinition` activity hands it to a workflow. */
  async slice(ref: DefinitionRef, offset: number): Promise<DefinitionSlice> {
    const { xml, chunks: _chunks, deployedAt: _at, ...info } = await this.get(ref);
    const end = offset + DEFINITION_SLICE_CHARS;
    return { ...info, text: xml.slice(offset, end), ...(end < xml.length && { next: end }) };
  }

  /** Every version of `name`, oldest first (from visibility). */
  async versions(name: string): Promise<DeployedVersionInfo[]> {
    const problem = definitionNameProblem(name);
    if (problem) throw new DefinitionRefError(problem);
    const found = await this.listed(`${DEFINITION_NAME.name} = '${name}'`);
    return found.sort((a, b) => a.version - b.version);
  }

  /** Every deployed name with its latest version, by name (from visibility). */
  async list(): Promise<DeployedName[]> {
    const names = new Map<string, DeployedName>();
    for (const info of await this.listed()) {
      const known = names.get(info.name);
      const count = (known?.versions ?? 0) + 1;
      if (!known || info.version > known.latest) {
        names.set(info.name, {
          name: info.name,
          latest: info.version,
          versions: count,
          ...(info.processName !== undefined && { processName: info.processName }),
          deployedAt: info.deployedAt,
        });
      } else {
        names.set(info.name, { ...known, versions: count });
      }
    }
    return [...names.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** `order@3` of a version. */
  static label(info: Pick<DeployedVersionInfo, 'name' | 'version'>): string {
    return formatDefinitionRef(info);
  }

  // ── storage ──────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Stores the chunks past the first (content-addressed: again after an interrupted deploy, the same
   * workflows), then starts the version's workflow with its first chunk: the version exists from then on.
   * False if its number was taken meanwhile.
   */
  private async store(info: DeployedVersionInfo, chunks: readonly Uint8Array[]): Promise<boolean> {
    for (let index = 1; index < chunks.length; index++) {
      await this.client.workflow.start(DEFINITION_CHUNK_WORKFLOW_TYPE, {
        workflowId: definitionChunkWorkflowId(info.digest, index),
        taskQueue: this.taskQueue,
        args: [info.digest, index, chunks[index]],
        staticSummary: `Bureaucrat definition content ${info.digest.slice(0, 12)}, chunk ${index + 1} of ${chunks.length}`,
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    }
    const workflowId = definitionWorkflowId(info.name, info.version);
    try {
      await this.client.workflow.start(DEFINITION_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [info, chunks[0]],
        memo: { definition: info },
        typedSearchAttributes: [
          { key: DEFINITION_NAME, value: info.name },
          { key: DEFINITION_VERSION, value: formatDefinitionRef(info) },
        ],
        staticSummary: `Bureaucrat definition ${formatDefinitionRef(info)} (${info.activityCount} activities)`,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw err;
    }
    return true;
  }

  /** Whether version `version` of `name` exists (its workflow does, in any state). */
  private async exists(name: string, version: number): Promise<boolean> {
    return (await this.info(name, version)) !== undefined;
  }

  /** The info a version's workflow was started with (from its memo), or undefined when it has none. */
  private async info(name: string, version: number): Promise<DeployedVersionInfo | undefined> {
    const key = `${this.client.options.namespace}/${name}@${version}`;
    const known = infoCache.get(key);
    if (known) return known;
    const info = await this.describe(name, version);
    if (info) {
      if (infoCache.size >= 10_000) infoCache.delete(infoCache.keys().next().value as string);
      infoCache.set(key, info);
    }
    return info;
  }

  /** {@link info}, from the server. */
  private async describe(name: string, version: number): Promise<DeployedVersionInfo | undefined> {
    try {
      const description = await this.client.workflow
        .getHandle(definitionWorkflowId(name, version))
        .describe();
      const info = description.memo?.definition;
      return isVersionInfo(info) ? info : undefined;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /** The XML text of a version, from its workflow's history, checked against its digest. */
  private async read(info: DeployedVersionInfo): Promise<string> {
    const key = `${info.name}@${info.version}:${info.digest}`;
    const cached = contentCache.get(key);
    if (cached !== undefined) return cached;
    const label = formatDefinitionRef(info);
    const chunks = await Promise.all(
      Array.from({ length: info.chunks }, (_, index) =>
        this.startInput(
          index === 0
            ? definitionWorkflowId(info.name, info.version)
            : definitionChunkWorkflowId(info.digest, index),
          index === 0 ? 1 : 2,
        ),
      ),
    );
    const missing = chunks.flatMap((chunk, index) => (chunk instanceof Uint8Array ? [] : [index + 1]));
    if (missing.length) {
      throw new DefinitionDamagedError(
        `${label}: chunk${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of its ${info.chunks} cannot be read (was a workflow of it terminated?); deploy it again`,
      );
    }
    const xml = gunzipSync(Buffer.concat(chunks as Uint8Array[])).toString('utf8');
    if (createHash('sha256').update(xml, 'utf8').digest('hex') !== info.digest) {
      throw new DefinitionDamagedError(`${label}: its stored content does not match its digest`);
    }
    contentCache.set(key, xml);
    return xml;
  }

  /** Argument `index` of the input workflow `workflowId` was started with, or undefined when it is gone. */
  private async startInput(workflowId: string, index: number): Promise<unknown> {
    let history;
    try {
      history = await this.client.workflow.getHandle(workflowId).fetchHistory();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const args = await decodeArrayFromPayloads(
      this.client.options.loadedDataConverter,
      started?.input?.payloads,
    );
    return args[index];
  }

  /** The versions visibility lists, with an extra filter. */
  private async listed(filter?: string): Promise<DeployedVersionInfo[]> {
    const query = [`WorkflowType = '${DEFINITION_WORKFLOW_TYPE}'`, "ExecutionStatus = 'Running'"];
    if (filter) query.push(filter);
    const found: DeployedVersionInfo[] = [];
    for await (const execution of this.client.workflow.list({ query: query.join(' AND ') })) {
      const info = execution.memo?.definition;
      if (isVersionInfo(info)) found.push(info);
    }
    return found;
  }

  /** The latest version of each name `<call definition>`s in `xml` name, for the lint (best effort). */
  private async latestVersions(xml: string): Promise<Map<string, number>> {
    const names = new Set<string>();
    for (const match of xml.matchAll(/<call\b[^>]*\bdefinition\s*=\s*["']([^"']+)["']/g)) {
      if (!definitionNameProblem(match[1])) names.add(match[1]);
    }
    const latest = new Map<string, number>();
    for (const name of names) {
      const version = await this.latest(name);
      if (version !== undefined) latest.set(name, version);
    }
    return latest;
  }
}

/**
 * The info of each version seen, by `namespace/name@version`: a version never changes, so shared by every client in
 * the process (at most 10,000, the oldest dropped first). Only versions that exist are cached.
 */
const infoCache = new Map<string, DeployedVersionInfo>();

/** Decompressed contents by `name@version:digest`: immutable, so shared by every client in the process. */
const contentCache = new (class {
  private readonly entries = new Map<string, string>();
  private chars = 0;
  /** About 64 MB of text at most; the oldest entries go first. */
  private readonly limit = 32 * 1024 * 1024;

  get(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: string): void {
    this.entries.set(key, value);
    this.chars += value.length;
    for (const [old, text] of this.entries) {
      if (this.chars <= this.limit || old === key) break;
      this.entries.delete(old);
      this.chars -= text.length;
    }
  }
})();

function isVersionInfo(value: unknown): value is DeployedVersionInfo {
  const info = value as DeployedVersionInfo | undefined;
  return (
    typeof info === 'object' &&
    info !== null &&
    typeof info.name === 'string' &&
    typeof info.version === 'number' &&
    typeof info.digest === 'string' &&
    typeof info.chunks === 'number'
  );
}
