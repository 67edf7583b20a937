/**
 * Group commit for the signals of one workflow. Temporal writes the signals of one workflow one at a
 * time, so many concurrent signals to one workflow — the events published on one name, the awaits
 * subscribing to one name, all to that name's router — wait in line there, each a round trip and a write
 * of its own. Instead, while one signal to a workflow is in flight, the items sent to it wait here and go
 * together as one signal once it returns: same order, same guarantee (each `send` resolves once its item
 * is recorded in the workflow's history), far fewer writes. The first item for a workflow waits for the
 * end of the current turn of the event loop, so that items sent together (a loop of calls) start as one
 * signal too. A lone item goes as a signal of its own, as before.
 */

/** Sends one batch of items to the workflow that `key` names (one signal), resolving once it is recorded. */
export type SendBatch<T> = (key: string, items: readonly T[]) => Promise<void>;

/** At most this many items per signal. */
const MAX_BATCH = 200;

/**
 * At most about this many bytes of JSON per signal, well under Temporal's 2 MiB payload limit; a single
 * larger item goes alone (and the server says whether it fits).
 */
const MAX_BATCH_BYTES = 256 * 1024;

interface Waiting<T> {
  readonly item: T;
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** The items waiting to be sent, per workflow; a workflow with a queue has a signal in flight or due. */
export class SignalOutbox<T> {
  private readonly waiting = new Map<string, Waiting<T>[]>();

  constructor(private readonly sendBatch: SendBatch<T>) {}

  /** Resolves once `item` is recorded by the workflow `key` names; rejects with its signal's error. */
  send(key: string, item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = { item, bytes: JSON.stringify(item).length, resolve, reject };
      const queue = this.waiting.get(key);
      if (queue) {
        queue.push(entry); // a signal to this workflow is in flight or due: this item goes with the next
        return;
      }
      this.waiting.set(key, [entry]);
      setImmediate(() => void this.drain(key));
    });
  }

  /** Sends the workflow's waiting items, a batch at a time, until none are left. */
  private async drain(key: string): Promise<void> {
    const queue = this.waiting.get(key) as Waiting<T>[];
    while (queue.length > 0) {
      const batch = takeBatch(queue);
      try {
        await this.sendBatch(
          key,
          batch.map((w) => w.item),
        );
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.waiting.delete(key);
  }
}

/** Takes the first items of `queue` that fit one signal (at least one). */
function takeBatch<T>(queue: Waiting<T>[]): Waiting<T>[] {
  let count = 0;
  let bytes = 0;
  while (count < queue.length && count < MAX_BATCH) {
    bytes += queue[count].bytes;
    if (count > 0 && bytes > MAX_BATCH_BYTES) break;
    count += 1;
  }
  return queue.splice(0, count);
}
