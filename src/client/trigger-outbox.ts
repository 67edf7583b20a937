/**
 * Group commit for published events. Every event of one name is a signal to that name's one router
 * workflow, and Temporal writes the signals of one workflow one at a time: a publisher with many events in
 * flight on one name would wait on that queue, each signal a round trip and a write of its own. Instead,
 * while one signal of a name is in flight, the triggers published on that name wait here, and go as one
 * `triggers` signal once it returns: same order, same guarantee (each `send` resolves once its trigger is
 * recorded in the router's history), far fewer writes. The first trigger of a name waits for the end of
 * the current turn of the event loop, so that the triggers a publisher issues together (a loop of
 * `trigger` calls) start as one signal too. A publisher with one event at a time sees no difference: a
 * lone trigger goes as a plain `trigger` signal.
 */
import type { Trigger } from '../protocol';

/** Sends one batch of triggers of one event name to its router (a lone trigger as itself). */
export type SendTriggers = (name: string, triggers: readonly Trigger[]) => Promise<void>;

/** At most this many triggers per signal. */
const MAX_BATCH = 200;

/**
 * At most about this many bytes of JSON per signal, well under Temporal's 2 MiB payload limit; a single
 * larger trigger goes alone (and the server says whether it fits).
 */
const MAX_BATCH_BYTES = 256 * 1024;

interface Waiting {
  readonly trigger: Trigger;
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** The triggers waiting to be sent, per event name, and which names have a signal in flight. */
export class TriggerOutbox {
  private readonly waiting = new Map<string, Waiting[]>();

  constructor(private readonly sendTriggers: SendTriggers) {}

  /** Resolves once `trigger` is recorded by the router of `name`; rejects with the signal's error. */
  send(name: string, trigger: Trigger): Promise<void> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(name);
      const entry = { trigger, bytes: JSON.stringify(trigger).length, resolve, reject };
      if (queue) {
        queue.push(entry); // a signal of this name is in flight: this one goes with the next
        return;
      }
      this.waiting.set(name, [entry]);
      setImmediate(() => void this.drain(name));
    });
  }

  /** Sends the name's waiting triggers, a batch at a time, until none are left. */
  private async drain(name: string): Promise<void> {
    const queue = this.waiting.get(name) as Waiting[];
    while (queue.length > 0) {
      const batch = takeBatch(queue);
      try {
        await this.sendTriggers(
          name,
          batch.map((w) => w.trigger),
        );
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.waiting.delete(name);
  }
}

/** Takes the first triggers of `queue` that fit one signal (at least one). */
function takeBatch(queue: Waiting[]): Waiting[] {
  let count = 0;
  let bytes = 0;
  while (count < queue.length && count < MAX_BATCH) {
    bytes += queue[count].bytes;
    if (count > 0 && bytes > MAX_BATCH_BYTES) break;
    count += 1;
  }
  return queue.splice(0, count);
}
