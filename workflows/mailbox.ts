/**
 * Where events meet `<await>`s. An event is offered to every await waiting for its name at that moment;
 * each one checks its conditions (OR-ed, none = true) against the context and the event, and completes
 * when one holds. An await whose conditions fail keeps waiting: the original dropped it (defect 2).
 * Events that no await is waiting for are not kept: awaits that start later do not see them.
 *
 * A broadcast event comes with a {@link Delivery}: only the awaits that had subscribed before it was
 * triggered may take it (an await that started between the trigger and the signal's arrival must not), and
 * an await whose conditions failed asks to resubscribe after that trigger's number.
 *
 * Correlation keys: an `<await key="…">` evaluates its key when it starts and subscribes with it, so the
 * router offers it only events triggered with an equal key (its conditions still apply). Buffered events
 * (triggered with a ttl) may reach an await that started after them: the mailbox remembers, per event
 * name, the newest router trigger the process has taken, so that a later await of the same process (a
 * loop) is not offered the same buffered event again.
 */
import type { Condition } from '../src/definition';
import {
  evaluate,
  evaluateCondition,
  ExpressionError,
  EXPRESSION_ERROR_CODE,
  type Expression,
} from '../src/expression';
import type { EventMessage } from '../src/protocol';
import type { Delivery, Subscription } from '../src/wire/router';
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
  /** The correlation key (`<await key="…">`'s value), if it has one. */
  readonly correlation?: string;
  /** The router trigger number when it subscribed, once a buffered event told it (see {@link Delivery.joined}). */
  joined?: number;
}

/** The process's waiting awaits, in the order they started. */
export class Mailbox {
  private readonly waiters = new Set<Waiter>();
  /** Per event name, the newest router trigger an await of this process took. */
  private readonly taken = new Map<string, number>();

  /**
   * Registers an await, evaluating its correlation key `correlation` (if any) in `scope`: a key that
   * raises or is not a string or a number faults with ExpressionError. Remove it with {@link leave}.
   */
  enter(
    key: string,
    event: string,
    conditions: readonly Condition[],
    scope: Scope,
    correlation?: Expression,
  ): Waiter {
    const waiter: Waiter = {
      key,
      event,
      conditions,
      scope,
      settled: false,
      resubscribe: false,
      ...(correlation && { correlation: correlationKey(event, correlation, scope) }),
    };
    this.waiters.add(waiter);
    return waiter;
  }

  /** What `waiter` subscribes with at its router (first time, or again after failed conditions). */
  subscription(waiter: Waiter): Omit<Subscription, 'processId'> {
    const since = this.taken.get(waiter.event);
    return {
      awaitKey: waiter.key,
      ...(waiter.after !== undefined && { after: waiter.after }),
      ...(waiter.correlation !== undefined && { key: waiter.correlation }),
      ...(waiter.joined !== undefined && { joined: waiter.joined }),
      ...(since !== undefined && { since }),
    };
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
      if (delivery?.joined !== undefined) waiter.joined = delivery.joined;
      try {
        if (holds(waiter, message)) {
          waiter.settled = true;
          if (delivery)
            this.taken.set(waiter.event, Math.max(delivery.seq, this.taken.get(waiter.event) ?? 0));
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
  const context = waiter.scope.view();
  return waiter.conditions.some((c) => evaluateCondition(c.expression, { context, event: message }));
}

/** The key of an `<await key="…">`: a string, or a number written as text (so `42` and `'42'` match). */
function correlationKey(event: string, expression: Expression, scope: Scope): string {
  const where = `<await event="${event}" key="${expression.source}">`;
  let value: unknown;
  try {
    value = evaluate(expression, { context: scope.view() });
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    throw new ProcessFault(EXPRESSION_ERROR_CODE, `${where}: ${err.message}`);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ProcessFault(
    EXPRESSION_ERROR_CODE,
    `${where}: the key must be a string or a number, got ${JSON.stringify(value)}`,
  );
}
