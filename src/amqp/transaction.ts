/**
 * AMQP 0-9-1 transactions (`tx.select`, `tx.commit`) on an amqplib channel. amqplib implements the methods
 * but exposes no call for them, so they go through the channel's own RPC with the protocol's method ids
 * (class 90, fixed by the AMQP 0-9-1 specification).
 *
 * Why the bridge needs them: a message is acknowledged and its stamped copy published as one unit. If the
 * bridge dies before the commit, the broker forgets both (the message is delivered again, unstamped); after
 * it, it keeps both. Publisher confirms cannot give that: between a confirmed publish and the ack, a crash
 * leaves two copies.
 */
import type { Channel } from 'amqplib';

const TX_SELECT = (90 << 16) | 10;
const TX_SELECT_OK = (90 << 16) | 11;
const TX_COMMIT = (90 << 16) | 20;
const TX_COMMIT_OK = (90 << 16) | 21;

/** The channel's RPC, which amqplib's promise API uses for every method (not in its type declarations). */
interface RpcChannel {
  rpc(method: number, fields: Record<string, never>, expect: number): Promise<unknown>;
}

function rpcOf(channel: Channel): RpcChannel['rpc'] {
  const rpc = (channel as unknown as Partial<RpcChannel>).rpc;
  if (typeof rpc !== 'function') {
    throw new TypeError('this amqplib has no channel.rpc: the AMQP bridge needs amqplib 2.x');
  }
  return rpc.bind(channel);
}

/** Puts `channel` in transaction mode: its publishes and acks take effect at each {@link commit}. */
export async function selectTransactions(channel: Channel): Promise<void> {
  await rpcOf(channel)(TX_SELECT, {}, TX_SELECT_OK);
}

/** Commits the publishes and acks made on `channel` since the last commit, together. */
export async function commit(channel: Channel): Promise<void> {
  await rpcOf(channel)(TX_COMMIT, {}, TX_COMMIT_OK);
}
