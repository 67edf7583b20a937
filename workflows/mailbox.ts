/**
 * Where events meet `<await>`s. An event is offered to every await waiting for its name at that moment;
 * each one checks its conditions (OR-ed, none = true) against the context and the event, and completes
 * when one holds. An await whose conditions fail keeps waiting: the original dropped it (defect 2).
 * Events that no await is waiting for are not kept: awaits that start later do not see them.
 */
import type { Condition } from '../src/definition';
import { evaluateCondition, ExpressionError, EXPRESSION_ERROR_CODE } from '../src/expression';
import type { EventMessage } from '../src/protocol';
import type { Scope } from '../src/scope';
import { ProcessFault } from './process-fault';

/** One waiting `<await>`. */
export interface Waiter {
  readonly event: string;
  readonly conditions: readonly Condition[];
  readonly scope: Scope;
  /** Set when an event completed it (or its conditions raised a fault). */
  settled: boolean;
  fault?: ProcessFault;
  /** The event that completed it. */
  message?: EventMessage;
}

/** The process's waiting awaits, in the order they started. */
export class Mailbox {
  private readonly waiters = new Set<Waiter>();

  /** Registers an await; remove it with {@link leave} when it is done or cancelled. */
  enter(event: string, conditions: readonly Condition[], scope: Scope): Waiter {
    const waiter: Waiter = { event, conditions, scope, settled: false };
    this.waiters.add(waiter);
    return waiter;
  }

  leave(waiter: Waiter): void {
    this.waiters.delete(waiter);
  }

  /** How many awaits are waiting. */
  get size(): number {
    return this.waiters.size;
  }

  /** Offers an event to every await waiting for its name. */
  deliver(message: EventMessage): void {
    for (const waiter of this.waiters) {
      if (waiter.settled || waiter.event !== message.event) continue;
      try {
        if (holds(waiter, message)) {
          waiter.settled = true;
          waiter.message = message;
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
