/**
 * Options shared by the sub-commands: the connection flags, and parsers for ports and JSON values.
 */
import { msToNumber, type Duration } from '@temporalio/common/lib/time';
import { InvalidArgumentError, type Command } from 'commander';
import type { ConnectionOptions } from '../client/connection';

/** The connection flags every command that talks to Temporal takes. */
export interface ConnectionFlags {
  readonly address?: string;
  readonly namespace?: string;
  readonly taskQueue?: string;
  readonly profile?: string;
  readonly encryptionKeyFile?: string;
  /** `--otlp URL` (worker, dev, launch, api): export OpenTelemetry traces there. */
  readonly otlp?: string;
}

/** `--otlp URL` of `worker`, `dev`, `launch` and `api` (see docs/production.md, "Traces"). */
export const otlpOption = [
  '--otlp <url>',
  'export OpenTelemetry traces to this OTLP/HTTP collector (default: $OTEL_EXPORTER_OTLP_ENDPOINT; off when unset)',
] as const;

/** `ConnectionOptions.tracing` for `--otlp` (without it, the OTEL_* variables decide). */
export function tracingFlag(flags: { readonly otlp?: string }): { tracing?: { otlpUrl: string } } {
  return flags.otlp ? { tracing: { otlpUrl: flags.otlp } } : {};
}

/**
 * Adds `--address`, `--namespace`, `--task-queue`, `--profile` (they override the environment) and
 * `--encryption-key-file`.
 */
export function withConnectionFlags(command: Command): Command {
  return command
    .option(
      '--address <host:port>',
      'Temporal frontend (default: $TEMPORAL_ADDRESS, the profile, localhost:7233)',
    )
    .option('--namespace <name>', 'namespace (default: $TEMPORAL_NAMESPACE, the profile, default)')
    .option('--task-queue <name>', 'task queue of the interpreter workers (default: bureaucrat)')
    .option('--profile <name>', 'envconfig profile to load')
    .option(
      '--encryption-key-file <file>',
      'encrypt/decrypt payloads with these keys (default: $BUREAUCRAT_ENCRYPTION_KEY_FILE)',
    );
}

/**
 * How long a command tries to reach the server: long enough for a remote cluster's TLS handshake, short
 * enough that a wrong address is reported promptly (the SDK's default is 10 s).
 */
export const CLI_CONNECT_TIMEOUT_MS = 5000;

/** The library's connection options from the flags. */
export function connectionOptions(flags: ConnectionFlags): ConnectionOptions {
  return {
    connectTimeout: CLI_CONNECT_TIMEOUT_MS,
    address: flags.address,
    namespace: flags.namespace,
    taskQueue: flags.taskQueue,
    profile: flags.profile,
    encryptionKeyFile: flags.encryptionKeyFile,
    ...tracingFlag(flags),
  };
}

/** Parses a TCP port. */
export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`not a port: ${value}`);
  return n;
}

/** Parses a JSON object (fields, event data). */
export function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new InvalidArgumentError(`not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('expected a JSON object, e.g. {"amount": 5}');
  }
  return parsed as Record<string, unknown>;
}

/** Parses a duration such as `30s`, `5m` or `1500` (milliseconds) into milliseconds; zero is refused. */
export function duration(value: string): number {
  const ms = gracePeriod(value);
  if (ms === 0) throw new InvalidArgumentError(`not a duration: ${value} (e.g. 30s, 5m)`);
  return ms;
}

/** Parses a duration that may be zero (`0` = no grace period). */
export function gracePeriod(value: string): number {
  let ms: number;
  try {
    ms = /^\d+$/.test(value) ? Number(value) : msToNumber(value as Duration);
  } catch {
    ms = NaN;
  }
  if (!Number.isFinite(ms) || ms < 0)
    throw new InvalidArgumentError(`not a duration: ${value} (e.g. 30s, 5m)`);
  return ms;
}
