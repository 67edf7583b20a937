/**
 * The bridge's RabbitMQ connection: amqplib's recovering connection, and the headers its messages carry.
 */
import { connect, type ChannelModel, type RecoveringChannelModel } from 'amqplib';
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
