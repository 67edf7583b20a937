/**
 * Where events meet `<await>`s. An event is offered to every await waiting for its name at that moment;
 * each one checks its conditions (OR-ed, none = true) against the context and the event, and completes
 * when one holds. An await whose conditions fail keeps waiting: the original dropped it (defect 2).
 * Events that no await is waiting for are not kept: awaits that start later do not see them.
 *
 * A broadcast event comes with a {@link Delivery}: only the awaits that had subscribed before it was
 * triggered may take it (an await that started between the trigger and the signal's arrival must not), and
 * an await whose conditions failed asks to resubscribe after that trigger's number.
 */
import type { Condition } from '../src/definition';
import { evaluateCondition, ExpressionError, EXPRESSION_ERROR_CODE } from '../src/expression';
import type { Delivery, EventMessage } from '../src/protocol';
import type { Scope } from '../src/scope';
import { ProcessFault } from './process-fault';

/** One waiting `<await>`. */
export interface Waiter {
  /** Unique within the process; the router knows the await by it. */
  readonly key: string;
  readonly event: string;
  readonly conditions: readonly Condition[];
  readonly scope: Scope;
  /** Set when an event completed it (or its conditions raised a fault). */
  settled: boolean;
  fault?: ProcessFault;
  /** The last router trigger it was offered (broadcast only): later deliveries must be newer. */
  after?: number;
  /** Set when a broadcast event failed its conditions: it must subscribe again to hear the next one. */
  resubscribe: boolean;
}

/** The process's waiting awaits, in the order they started. */
export class Mailbox {
  private readonly waiters = new Set<Waiter>();

  /** Registers an await; remove it with {@link leave} when it is done or cancelled. */
  enter(key: string, event: string, conditions: readonly Condition[], scope: Scope): Waiter {
    const waiter: Waiter = { key, event, conditions, scope, settled: false, resubscribe: false };
    this.waiters.add(waiter);
    return waiter;
  }

  leave(waiter: Waiter): void {
    this.waiters.delete(waiter);
  }

  /** Offers an event to every await waiting for its name (or, when delivered, those it was meant for). */
  deliver(message: EventMessage, delivery?: Delivery): void {
    for (const waiter of this.waiters) {
      if (waiter.settled || waiter.event !== message.event) continue;
      if (delivery && (!delivery.awaitKeys.includes(waiter.key) || delivery.seq <= (waiter.after ?? -1)))
        continue;
      try {
        if (holds(waiter, message)) {
          waiter.settled = true;
        } else if (delivery) {
          waiter.after = delivery.seq;
          waiter.resubscribe = true;
        }
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        waiter.settled = true;
        waiter.fault = new ProcessFault(EXPRESSION_ERROR_CODE, err.message);
      }
    }
  }
}

function holds(waiter: Waiter, message: EventMessage): boolean {
  if (waiter.conditions.length === 0) return true;
  const context = waiter.scope.merged();
  return waiter.conditions.some((c) => evaluateCondition(c.expression, { context, event: message }));
}
