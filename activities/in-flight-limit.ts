/**
 * A limit on how many operations run at once, shared by whoever holds it: the worker's deliveries share
 * one, so that the signals in flight from a worker stay bounded however many routers deliver at once.
 * Waiters go in the order they came, so concurrent deliveries take turns.
 */
export class InFlightLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  /** Runs `operation` once fewer than `max` others run; resolves or rejects as it does. */
  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await operation();
    } finally {
      // The slot passes straight to the next waiter, so `running` counts it without a gap to jump into.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
