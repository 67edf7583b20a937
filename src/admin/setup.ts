/**
 * Preparing a namespace of a real Temporal cluster for this project: what an operator does once, before the
 * first worker starts. `bureaucrat setup` is a thin wrapper around {@link setupNamespace}.
 *
 * Everything goes through the public gRPC API with the caller's credentials (envconfig: address, TLS, API
 * key), so it works wherever the caller is allowed to do it, and says exactly what to run where it is not
 * (Temporal Cloud, a role without operator rights).
 */
import { Connection, isGrpcServiceError } from '@temporalio/client';
import {
  encodeSearchAttributeIndexedValueType,
  type SearchAttributeKey,
  type SearchAttributeType,
} from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import { resolveConnectConfig, type ConnectionOptions } from '../client/connection';
import { BUREAUCRAT_SEARCH_ATTRIBUTES } from '../search-attributes';
import { BureaucratError } from '../errors';

/** gRPC status codes this module reacts to (numbers, so that no gRPC package has to be imported). */
const GRPC = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  UNIMPLEMENTED: 12,
  UNAUTHENTICATED: 16,
} as const;

/** How the Temporal CLI and `tcld` spell each search attribute type. */
const TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** A value of each type for the probe query that tells when an attribute became queryable. */
const PROBE_VALUES: Record<SearchAttributeType, string> = {
  TEXT: "'probe'",
  KEYWORD: "'probe'",
  KEYWORD_LIST: "'probe'",
  INT: '0',
  DOUBLE: '0',
  BOOL: 'true',
  DATETIME: "'2000-01-01T00:00:00Z'",
};

/** The default retention of a namespace created by {@link setupNamespace}: 7 days. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Options of {@link setupNamespace}: where to connect (envconfig by default) and what to do. */
export interface SetupOptions extends Omit<ConnectionOptions, 'client' | 'taskQueue'> {
  /** Register the namespace when it does not exist (otherwise a missing namespace is an error). */
  readonly createNamespace?: boolean;
  /** Retention of closed processes' histories, for a namespace created here (default 7 days). */
  readonly retentionMs?: number;
  /** The search attributes to register (default: every one this project uses). */
  readonly searchAttributes?: readonly SearchAttributeKey<SearchAttributeType>[];
  /** How long to wait for a new namespace or attribute to become usable (default 60 s). */
  readonly readyTimeoutMs?: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** What {@link setupNamespace} found and did. */
export interface SetupResult {
  /** The Temporal address it connected to. */
  readonly address: string;
  /** The namespace it checked or registered. */
  readonly namespace: string;
  /** True when this call registered the namespace. */
  readonly namespaceCreated: boolean;
  /** The namespace's retention in milliseconds, as the server reports it. */
  readonly retentionMs?: number;
  /** Search attributes this call registered. */
  readonly added: readonly string[];
  /** Search attributes that were registered already, with the right type. */
  readonly present: readonly string[];
}

/** Why {@link setupNamespace} could not finish, with the commands that would (see {@link SetupError.instructions}). */
export class SetupError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'SetupError';
  readonly code = 'NAMESPACE_SETUP_FAILED';
  constructor(
    message: string,
    /** What an operator should run instead, one line each (empty when there is nothing to run). */
    readonly instructions: readonly string[],
    /** The search attributes still missing. */
    readonly missing: readonly SearchAttributeKey<SearchAttributeType>[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A search attribute the namespace lacks, or holds with another type. */
export interface SearchAttributeProblem {
  /** The search attribute (its name and the type this project needs). */
  readonly key: SearchAttributeKey<SearchAttributeType>;
  /** The type registered under the same name, when it is not the one this project needs. */
  readonly registeredAs?: string;
}

/**
 * Prepares `namespace` for Bureaucrat processes: registers it when asked to (and waits until the frontend
 * serves it), then registers every search attribute this project sets and waits until visibility queries
 * accept them. Idempotent: a second call finds everything in place and changes nothing.
 *
 * @throws SetupError when the namespace is missing (without `createNamespace`), an attribute exists with
 * another type, or the server refuses (Temporal Cloud, a role without operator rights); its `instructions`
 * name the `temporal operator` / `tcld` commands that do it.
 */
export async function setupNamespace(options: SetupOptions = {}): Promise<SetupResult> {
  const log = options.log ?? (() => undefined);
  const config = resolveConnectConfig(options);
  const namespace = options.namespace ?? config.namespace;
  const address = config.connectionOptions.address;
  const keys = options.searchAttributes ?? BUREAUCRAT_SEARCH_ATTRIBUTES;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const connection = options.connection ?? (await Connection.connect(config.connectionOptions));
  try {
    const namespaceCreated = await ensureNamespace(connection, namespace, address, keys, options, log);
    const described = await connection.workflowService.describeNamespace({ namespace });
    const ttl = described.config?.workflowExecutionRetentionTtl;
    const retentionMs = ttl
      ? Number(ttl.seconds ?? 0) * 1000 + Math.floor((ttl.nanos ?? 0) / 1e6)
      : undefined;

    let problems: SearchAttributeProblem[];
    try {
      problems = await searchAttributeProblems(connection, namespace, keys);
    } catch (err) {
      throw refusal(err, 'list search attributes', namespace, address, keys);
    }
    const conflicts = problems.filter((p) => p.registeredAs);
    if (conflicts.length) {
      throw new SetupError(
        conflicts
          .map(
            (p) =>
              `search attribute ${p.key.name} is registered in namespace ${namespace} as ${p.registeredAs}, ` +
              `but Bureaucrat needs ${TYPE_NAMES[p.key.type]}`,
          )
          .join('\n'),
        [
          `Remove it (self-hosted: temporal operator search-attribute remove --name NAME --namespace ${namespace}) ` +
            'and run setup again, or use another namespace.',
        ],
        conflicts.map((p) => p.key),
      );
    }
    const missing = problems.map((p) => p.key);
    const present = keys.filter((k) => !missing.includes(k)).map((k) => k.name);
    for (const name of present) log(`search attribute ${name} already registered in ${namespace}`);
    if (missing.length) {
      await addSearchAttributes(connection, namespace, address, missing);
      for (const key of missing)
        log(`search attribute ${key.name} (${TYPE_NAMES[key.type]}) registered in ${namespace}`);
      await waitForQueries(connection, namespace, missing, readyTimeoutMs);
    }
    return {
      address,
      namespace,
      namespaceCreated,
      ...(retentionMs !== undefined && { retentionMs }),
      added: missing.map((k) => k.name),
      present,
    };
  } finally {
    if (!options.connection) await connection.close();
  }
}

/**
 * The search attributes `namespace` lacks or holds with another type (empty: all in place). One
 * `ListSearchAttributes` call: cheap enough for a worker to check at start.
 */
export async function searchAttributeProblems(
  connection: Connection,
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[] = BUREAUCRAT_SEARCH_ATTRIBUTES,
): Promise<SearchAttributeProblem[]> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const custom = listed.customAttributes ?? {};
  const problems: SearchAttributeProblem[] = [];
  for (const key of keys) {
    const registered = custom[key.name];
    if (registered === undefined) {
      problems.push({ key });
    } else if (registered !== indexedValueType(key.type)) {
      problems.push({ key, registeredAs: typeName(registered) });
    }
  }
  return problems;
}

/** The commands that register `keys` in `namespace`: the Temporal CLI (self-hosted) and `tcld` (Cloud). */
export function registrationInstructions(
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
): string[] {
  const cli = keys.map((k) => `--name ${k.name} --type ${TYPE_NAMES[k.type]}`).join(' ');
  const tcld = keys.map((k) => `--search-attribute "${k.name}=${TYPE_NAMES[k.type]}"`).join(' ');
  return [
    'Self-hosted cluster (a user with operator rights, e.g. through the admin-tools container):',
    `  temporal operator search-attribute create --namespace ${namespace} ${cli}`,
    'Temporal Cloud (namespace id <namespace>.<account>; or the Cloud UI: Namespaces → Custom Search Attributes):',
    `  tcld namespace search-attributes add --namespace ${namespace} ${tcld}`,
  ];
}

/** True for Temporal Cloud endpoints (namespace endpoints and the regional API-key endpoints). */
export function isTemporalCloud(address: string): boolean {
  const host = address.replace(/:\d+$/, '').toLowerCase();
  return host.endsWith('.tmprl.cloud') || host.endsWith('.api.temporal.io');
}

async function ensureNamespace(
  connection: Connection,
  namespace: string,
  address: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
  options: SetupOptions,
  log: (line: string) => void,
): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    log(`namespace ${namespace} already exists on ${address}`);
    return false;
  } catch (err) {
    if (!hasCode(err, GRPC.NOT_FOUND)) throw refusal(err, 'describe the namespace', namespace, address, keys);
  }
  if (!options.createNamespace) {
    throw new SetupError(
      `namespace ${namespace} does not exist on ${address}`,
      [
        'Run setup again with --create-namespace (and --retention, default 7d), or create it yourself:',
        `  temporal operator namespace create --namespace ${namespace} --retention 7d`,
        ...(isTemporalCloud(address)
          ? [`  tcld namespace create --namespace ${namespace} --region REGION …`]
          : []),
      ],
      keys,
    );
  }
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(retentionMs),
      description: 'Bureaucrat processes',
    });
    log(`namespace ${namespace} registered (retention ${formatDays(retentionMs)})`);
  } catch (err) {
    // Another setup registered it in the meantime: that is what we wanted.
    if (!hasCode(err, GRPC.ALREADY_EXISTS))
      throw refusal(err, 'register the namespace', namespace, address, keys);
  }
  await waitForNamespace(connection, namespace, options.readyTimeoutMs ?? 60_000);
  return true;
}

/**
 * A new namespace exists in the database at once, but each frontend serves it only after its namespace
 * cache refreshed (seconds): wait until a call scoped to the namespace succeeds.
 */
async function waitForNamespace(connection: Connection, namespace: string, timeoutMs: number): Promise<void> {
  await until(timeoutMs, `namespace ${namespace} to become usable`, async () => {
    try {
      await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
      return true;
    } catch (err) {
      if (hasCode(err, GRPC.NOT_FOUND) || hasCode(err, GRPC.INVALID_ARGUMENT)) return false;
      throw err;
    }
  });
}

async function addSearchAttributes(
  connection: Connection,
  namespace: string,
  address: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
): Promise<void> {
  const searchAttributes = Object.fromEntries(keys.map((k) => [k.name, indexedValueType(k.type)]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    throw refusal(err, 'register search attributes', namespace, address, keys);
  }
}

/**
 * With SQL visibility an attribute is an alias in the namespace's config, which each frontend learns when
 * its namespace cache refreshes; until then starting a process that sets it fails. Wait until a visibility
 * query on every attribute is accepted.
 */
async function waitForQueries(
  connection: Connection,
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
  timeoutMs: number,
): Promise<void> {
  const query = keys.map((k) => `${k.name} = ${PROBE_VALUES[k.type]}`).join(' OR ');
  await until(
    timeoutMs,
    `search attributes ${keys.map((k) => k.name).join(', ')} to become queryable`,
    async () => {
      try {
        await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1, query });
        return true;
      } catch (err) {
        if (hasCode(err, GRPC.INVALID_ARGUMENT)) return false;
        throw err;
      }
    },
  );
}

async function until(timeoutMs: number, what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The error for a call the server refused: the reason, and what to run instead. */
function refusal(
  err: unknown,
  what: string,
  namespace: string,
  address: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
): Error {
  const denied = hasCode(err, GRPC.PERMISSION_DENIED) || hasCode(err, GRPC.UNAUTHENTICATED);
  const unsupported = hasCode(err, GRPC.UNIMPLEMENTED);
  const cloud = isTemporalCloud(address);
  if (!denied && !unsupported && !cloud) return err instanceof Error ? err : new Error(String(err));
  const reason = denied
    ? 'permission denied'
    : unsupported
      ? 'the server does not offer this call'
      : 'refused by Temporal Cloud';
  const detail = err instanceof Error ? err.message : String(err);
  const instructions = [
    ...(cloud
      ? [
          'Temporal Cloud manages namespaces and search attributes with its own tools (tcld, Cloud UI, Cloud ops API).',
        ]
      : []),
    'Register these search attributes:',
    ...keys.map((k) => `  ${k.name}  ${TYPE_NAMES[k.type]}`),
    ...registrationInstructions(namespace, keys),
  ];
  return new SetupError(
    `could not ${what} in namespace ${namespace} on ${address}: ${reason} (${detail})`,
    instructions,
    keys,
    {
      cause: err,
    },
  );
}

function hasCode(err: unknown, code: number): boolean {
  return isGrpcServiceError(err) && err.code === code;
}

/** The protobuf enum value of a search attribute type (every SDK type has one). */
function indexedValueType(type: SearchAttributeType): number {
  return encodeSearchAttributeIndexedValueType(type) ?? 0;
}

function typeName(registered: number): string {
  for (const [type, name] of Object.entries(TYPE_NAMES)) {
    if (indexedValueType(type as SearchAttributeType) === registered) return name;
  }
  return `type ${registered}`;
}

function formatDays(ms: number): string {
  const days = ms / 86_400_000;
  return Number.isInteger(days) ? `${days}d` : `${Math.round(ms / 3_600_000)}h`;
}
