/**
 * How the `bureaucrat` command reports a failure: the innermost message the server or the system gave
 * (the SDK wraps it in generic ones such as "Failed to start Workflow"), what it means when it is a known
 * one, how to fix it, and the exit code.
 */
import { inspect } from 'node:util';
import { BureaucratError } from '../errors';

/**
 * Exit codes, the same for every command: 0 done; 1 the operation failed (a process fault or cancellation
 * under `--wait`, a replay mismatch, an invalid definition under `validate`, the server unreachable or
 * refusing the request); 2 the command line or its input is wrong (bad option value, unknown command or
 * option, missing argument, unreadable or invalid definition under `launch`) and nothing was done.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in the command line or its input, found before anything was done: exit 2. */
export class UsageError extends BureaucratError {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
}

/** What the user reads about a failure, and the exit code. */
export interface ErrorDescription {
  /** One line: what failed and the innermost reason. */
  readonly message: string;
  /** How to fix it, when the failure is a known one. */
  readonly hints: readonly string[];
  readonly exitCode: number;
}

const SEARCH_ATTRIBUTE_MISSING = /Namespace (\S+) has no mapping defined for search attribute (\w+)/;
const WORKFLOW_NOT_FOUND = /workflow not found for ID: (\S+)/;
const NAMESPACE_NOT_FOUND = /Namespace (\S+?)\.? (?:is|was) not found/i;

/** Describes any error thrown by a command for the user. */
export function describeError(err: unknown): ErrorDescription {
  const chain = causeChain(err);
  const message = chainMessage(chain);
  const names = new Set(chain.map((e) => (e instanceof Error ? e.name : '')));
  const text = chain.map(messageOf).join('\n');

  if (
    names.has('UsageError') ||
    names.has('DefinitionError') ||
    names.has('InvalidFieldsError') ||
    names.has('ApiConfigError') ||
    names.has('TokensFileError') ||
    names.has('EncryptionKeyError') ||
    names.has('CodecServerConfigError') ||
    names.has('AmqpConfigError')
  ) {
    // Worded by this project, naming the path or the option and the reason: the causes would repeat it.
    return { message: messageOf(err), hints: [], exitCode: EXIT.usage };
  }
  if (names.has('ResetError') || names.has('ProcessEndedError'))
    return { message: messageOf(err), hints: [], exitCode: EXIT.failed };
  const connection = chain.find(
    (e): e is Error & { address: string } => e instanceof Error && e.name === 'TemporalConnectionError',
  );
  if (connection) {
    return {
      message: connection.message, // its cause only says "Failed to connect before the deadline"
      hints: [
        `Is a Temporal server running at ${connection.address}? Start a local one with \`bureaucrat dev\`,`,
        'or point at yours with --address HOST:PORT, $TEMPORAL_ADDRESS, or a profile (--profile NAME,',
        '$TEMPORAL_PROFILE, temporal.toml); TLS and API keys come from the same settings.',
      ],
      exitCode: EXIT.failed,
    };
  }
  const attribute = SEARCH_ATTRIBUTE_MISSING.exec(text);
  if (attribute) {
    const [, namespace, name] = attribute;
    return {
      message,
      hints: [
        `The namespace ${namespace} lacks the search attribute ${name} that Bureaucrat's processes carry.`,
        `Register it once: bureaucrat setup --namespace ${namespace}`,
      ],
      exitCode: EXIT.failed,
    };
  }
  const missingNamespace = chain.find(
    (e): e is Error & { namespace: string } => e instanceof Error && e.name === 'NamespaceNotFoundError',
  );
  const namespace = missingNamespace?.namespace ?? NAMESPACE_NOT_FOUND.exec(text)?.[1];
  if (namespace !== undefined) {
    return {
      message: `namespace ${namespace} does not exist on this Temporal server`,
      hints: [
        `Create it (temporal operator namespace create --namespace ${namespace}; a dev server:`,
        `bureaucrat dev --namespace ${namespace}), or name another with --namespace, $TEMPORAL_NAMESPACE or a profile.`,
      ],
      exitCode: EXIT.failed,
    };
  }
  const notFound = chain.find(
    (e): e is Error & { workflowId: string } => e instanceof Error && e.name === 'WorkflowNotFoundError',
  );
  // The client's WorkflowNotFoundError, or the bare gRPC NOT_FOUND some calls (history) give.
  const missingId = notFound?.workflowId ?? WORKFLOW_NOT_FOUND.exec(text)?.[1];
  if (missingId !== undefined) {
    return {
      message: `no process with id ${missingId} in this namespace`,
      hints: ['`bureaucrat list` shows the processes there.'],
      exitCode: EXIT.failed,
    };
  }
  return { message, hints: [], exitCode: EXIT.failed };
}

/**
 * The text to print: `bureaucrat: message`, then the hints indented; with `$BUREAUCRAT_DEBUG` set, the full
 * error with its causes too.
 */
export function formatError(err: unknown, description = describeError(err)): string {
  const lines = [`bureaucrat: ${description.message}`, ...description.hints.map((h) => `  ${h}`)];
  if (process.env.BUREAUCRAT_DEBUG) lines.push(inspect(err, { depth: 8 }));
  return `${lines.join('\n')}\n`;
}

/** `err` and its causes, outermost first (bounded, in case of a cycle). */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && chain.length < 10;) {
    chain.push(e);
    e = e instanceof Error ? e.cause : undefined;
  }
  return chain;
}

/**
 * The message of one error: gRPC errors carry the server's words in `details` (their `message` prefixes
 * the status code), and errors from the SDK's Rust core embed them in a debug dump (`message: "…"`).
 */
function messageOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const details = (err as { details?: unknown }).details;
  if (typeof (err as { code?: unknown }).code === 'number' && typeof details === 'string' && details) {
    return details;
  }
  const status = /Status \{ code: \w+, message: "((?:[^"\\]|\\.)*)"/.exec(err.message);
  if (status) return status[1].replace(/\\(.)/g, '$1');
  return err.message;
}

/** The chain as one line, outer to inner, leaving out messages that repeat the one they wrap. */
function chainMessage(chain: readonly unknown[]): string {
  const parts: string[] = [];
  for (const message of chain.map(messageOf).filter(Boolean)) {
    const last = parts[parts.length - 1];
    if (last !== undefined && last.includes(message)) continue;
    if (last !== undefined && message.includes(last)) parts[parts.length - 1] = message;
    else parts.push(message);
  }
  return parts.join(': ') || 'unknown error';
}
