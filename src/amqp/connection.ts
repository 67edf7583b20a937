/**
 * The bridge's RabbitMQ connection: amqplib's recovering connection, and the headers its messages carry.
 */
import { isGrpcServiceError } from '@temporalio/client';
import {
  connect,
  type Channel,
  type ChannelModel,
  type Options,
  type ConsumeMessage,
  type RecoveringChannelModel,
} from 'amqplib';
import { BureaucratError } from '../errors';

/** The header holding the id the bridge gave a message (the process id or the event id). */
export const ID_HEADER = 'x-bureaucrat-id';
/** The header of a dead letter saying why the bridge could not use it. */
export const REASON_HEADER = 'x-bureaucrat-reason';
/** The header of a dead letter naming the queue it came from. */
export const SOURCE_HEADER = 'x-bureaucrat-queue';

/**
 * amqplib's recovering connection, `setup` run on every (re)connection: it resolves once connected and set
 * up, and fails at once when the broker cannot be reached now; later it reconnects every few seconds.
 */
export function connectRecovering(
  url: string,
  setup: (model: ChannelModel) => Promise<void>,
): Promise<RecoveringChannelModel> {
  return connect(url, { recovery: { setup, initialMaxRetries: 0, maxDelay: 5_000 } });
}

/** RabbitMQ cannot be reached when a bridge or legacy participants start. */
export class AmqpUnavailableError extends BureaucratError {
  /** The class name, which logs and stack traces show. */
  override readonly name = 'AmqpUnavailableError';
  readonly code = 'AMQP_UNAVAILABLE';
}

/**
 * The {@link AmqpUnavailableError} of a failed first connection to `where` (the URL, password hidden): what
 * amqplib said, and what to do about it when the cause is a usual one (nothing listening, an unknown host,
 * refused credentials, a missing virtual host).
 */
export function amqpUnavailable(where: string, err: unknown): AmqpUnavailableError {
  const hint = unavailableHint(err);
  return new AmqpUnavailableError(
    `cannot connect to RabbitMQ at ${where}: ${messageOf(err)}${hint ? ` (${hint})` : ''}`,
    { cause: err },
  );
}

/**
 * What to do about a failed connection, in words, when its cause is a usual one. The socket's error code is
 * read from the message too: amqplib rewraps an error that is not an `Error` of its own realm.
 */
function unavailableHint(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  const said = `${typeof code === 'string' ? code : ''} ${messageOf(err)}`;
  const give =
    "give the broker with --url amqp://user:password@host:port/vhost or the config file's [amqp] url";
  if (/\bECONNREFUSED\b/.test(said)) return `nothing listens there: is RabbitMQ running? Otherwise ${give}`;
  if (/\b(ENOTFOUND|EAI_AGAIN)\b/.test(said)) return `the host is not known: ${give}`;
  if (/\b(ETIMEDOUT|EHOSTUNREACH)\b/.test(said)) return 'no answer: check the host, its port and the network';
  if (/ACCESS[-_]REFUSED/.test(said)) return 'the broker refused the user or password in the URL';
  if (/NOT[-_]ALLOWED/.test(said) && /vhost/i.test(said)) {
    return 'the virtual host in the URL does not exist, or the user may not use it (rabbitmqctl add_vhost, set_permissions)';
  }
  return undefined;
}

/** The publish options of a copy of `msg`: its properties, persistent, with `headers` added. */
export function copyOptions(msg: ConsumeMessage, headers: Record<string, string>): Options.Publish {
  const p = msg.properties;
  return {
    persistent: true,
    ...(p.contentType && { contentType: p.contentType as string }),
    ...(p.contentEncoding && { contentEncoding: p.contentEncoding as string }),
    ...(p.messageId && { messageId: p.messageId as string }),
    ...(p.correlationId && { correlationId: p.correlationId as string }),
    ...(p.appId && { appId: p.appId as string }),
    ...(p.type && { type: p.type as string }),
    ...(p.timestamp && { timestamp: p.timestamp as number }),
    headers: { ...(p.headers ?? {}), ...headers },
  };
}

/**
 * The publish options of the dead letter of `msg` (which came from `queue`): its properties, with the
 * reason, the queue and the time in its headers.
 */
export function deadLetterOptions(msg: ConsumeMessage, reason: string, queue: string): Options.Publish {
  return copyOptions(msg, {
    [REASON_HEADER]: reason,
    [SOURCE_HEADER]: queue,
    'x-bureaucrat-dead-at': new Date().toISOString(),
  });
}

/** An error's message, for log lines and dead-letter reasons. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Whether Temporal refused a request as invalid (gRPC INVALID_ARGUMENT): retrying cannot help. */
export function isInvalidArgument(err: unknown): boolean {
  const grpc = [err, (err as { cause?: unknown })?.cause].find(isGrpcServiceError);
  return grpc !== undefined && grpc.code === 3;
}

/** Acks `msg`, unless its channel closed meanwhile: the broker then delivers it again, to be done again. */
export function ackQuietly(channel: Channel, msg: ConsumeMessage): void {
  try {
    channel.ack(msg);
  } catch {
    // Delivered again later; ids make doing it twice harmless.
  }
}

/** How {@link untilTaken} ended: done, refused for good (with the error), or abandoned because stopping. */
export type Taken = { readonly done: true } | { readonly refused: unknown } | { readonly abandoned: true };

/**
 * Runs `attempt` until Temporal takes it, retrying with backoff (0.5 s doubling to 30 s) while it is
 * unreachable: `final(err)` says an error is an answer rather than an outage; `stopping()` abandons the
 * retries (the message stays unacked and comes back).
 */
export async function untilTaken(
  attempt: () => Promise<void>,
  final: (err: unknown) => boolean,
  stopping: () => boolean,
  onRetry: (err: unknown, delayMs: number) => void,
): Promise<Taken> {
  for (let delay = 500; ; delay = Math.min(delay * 2, 30_000)) {
    try {
      await attempt();
      return { done: true };
    } catch (err) {
      if (final(err)) return { refused: err };
      if (stopping()) return { abandoned: true };
      onRetry(err, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
