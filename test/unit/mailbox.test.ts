/**
 * A process's mailbox (workflows/mailbox.ts): where events meet `<await>`s. Direct events reach every await
 * of their name; broadcast deliveries only the awaits they name, newer than what each was offered; failed
 * conditions ask for a resubscription; correlation keys are evaluated when the await starts. Pure.
 */
import { EXPRESSION_ERROR_CODE, parseExpression } from '../../src/expression';
import { Scope } from '../../src/scope';
import { Mailbox } from '../../workflows/mailbox';
import { ProcessFault } from '../../workflows/process-fault';

type Condition = Parameters<Mailbox['enter']>[2][number];
type Delivery = NonNullable<Parameters<Mailbox['deliver']>[1]>;

const condition = (source: string): Condition => ({
  expression: parseExpression(source, { names: ['context', 'event'] }),
  loc: { line: 1, column: 1, path: 'process/await[1]/condition[1]' },
});
const expression = (source: string) => parseExpression(source);
const delivery = (seq: number, awaitKeys: string[], joined?: number): Delivery => ({
  seq,
  awaitKeys,
  ...(joined !== undefined ? { joined } : {}),
});

describe('Mailbox: direct events', () => {
  it('completes every await of the event name whose conditions hold, and only those', () => {
    const mailbox = new Mailbox();
    const scope = new Scope(undefined, { limit: 10 });
    const any = mailbox.enter('_0#1', 'paid', [], scope);
    const big = mailbox.enter('_1#1', 'paid', [condition('event["amount"] > context["limit"]')], scope);
    const other = mailbox.enter('_2#1', 'shipped', [], scope);

    mailbox.deliver({ event: 'paid', amount: 5 });
    expect([any.settled, big.settled, other.settled]).toEqual([true, false, false]);
    // A direct event that fails the conditions leaves the await waiting, with nothing to resubscribe.
    expect(big.resubscribe).toBe(false);
    expect(big.after).toBeUndefined();

    mailbox.deliver({ event: 'paid', amount: 50 });
    expect(big.settled).toBe(true);
    expect(big.fault).toBeUndefined();
  });

  it('ORs the conditions, and reads the context when the event arrives', () => {
    const mailbox = new Mailbox();
    const scope = new Scope(undefined, { ready: false });
    const waiter = mailbox.enter(
      '_0#1',
      'go',
      [condition('event["force"] == True'), condition('context["ready"]')],
      scope,
    );
    mailbox.deliver({ event: 'go', force: false });
    expect(waiter.settled).toBe(false);
    scope.set('ready', true);
    mailbox.deliver({ event: 'go', force: false });
    expect(waiter.settled).toBe(true);
  });

  it('offers nothing to an await that left or has settled', () => {
    const mailbox = new Mailbox();
    const scope = new Scope(undefined, {});
    const left = mailbox.enter('_0#1', 'paid', [], scope);
    mailbox.leave(left);
    mailbox.deliver({ event: 'paid' });
    expect(left.settled).toBe(false);

    const raising = mailbox.enter('_1#1', 'paid', [condition('event["missing"] > 1')], scope);
    mailbox.deliver({ event: 'paid' });
    const fault = raising.fault;
    // A settled await keeps its first outcome: a later event does not overwrite the fault.
    mailbox.deliver({ event: 'paid', missing: 2 });
    expect(raising.fault).toBe(fault);
  });

  it('settles an await whose condition raises, with an ExpressionError fault', () => {
    const mailbox = new Mailbox();
    const waiter = mailbox.enter(
      '_0#1',
      'paid',
      [condition('event["amount"] > 1')],
      new Scope(undefined, {}),
    );
    mailbox.deliver({ event: 'paid' });
    expect(waiter.settled).toBe(true);
    expect(waiter.fault).toBeInstanceOf(ProcessFault);
    expect(waiter.fault?.code).toBe(EXPRESSION_ERROR_CODE);
    expect(waiter.fault?.message).toBe(`expression "event[\\"amount\\"] > 1" failed: KeyError: 'amount'`);
  });
});

describe('Mailbox: broadcast deliveries', () => {
  it('reaches only the awaits the delivery names', () => {
    const mailbox = new Mailbox();
    const scope = new Scope(undefined, {});
    const named = mailbox.enter('_0#1', 'paid', [], scope);
    const later = mailbox.enter('_0#2', 'paid', [], scope); // started after the trigger
    mailbox.deliver({ event: 'paid' }, delivery(4, ['_0#1']));
    expect([named.settled, later.settled]).toEqual([true, false]);
  });

  it('asks an await that failed its conditions to resubscribe after that trigger, and ignores older ones', () => {
    const mailbox = new Mailbox();
    const waiter = mailbox.enter('_0#1', 'paid', [condition('event["ok"]')], new Scope(undefined, {}));
    mailbox.deliver({ event: 'paid', ok: false }, delivery(4, ['_0#1']));
    expect(waiter).toMatchObject({ settled: false, resubscribe: true, after: 4 });
    expect(mailbox.subscription(waiter)).toEqual({ awaitKey: '_0#1', after: 4 });

    // A delivery of trigger 4 again (or an older one) is not offered.
    mailbox.deliver({ event: 'paid', ok: true }, delivery(4, ['_0#1']));
    mailbox.deliver({ event: 'paid', ok: true }, delivery(3, ['_0#1']));
    expect(waiter.settled).toBe(false);
    mailbox.deliver({ event: 'paid', ok: true }, delivery(5, ['_0#1']));
    expect(waiter.settled).toBe(true);
  });

  it('remembers the newest trigger the process took, so a later await is not offered it again', () => {
    const mailbox = new Mailbox();
    const scope = new Scope(undefined, {});
    const first = mailbox.enter('_0#1', 'paid', [], scope);
    expect(mailbox.subscription(first)).toEqual({ awaitKey: '_0#1' });
    mailbox.deliver({ event: 'paid' }, delivery(7, ['_0#1']));
    mailbox.leave(first);

    const second = mailbox.enter('_0#2', 'paid', [], scope);
    expect(mailbox.subscription(second)).toEqual({ awaitKey: '_0#2', since: 7 });
    // Per event name: another name has taken nothing.
    expect(mailbox.subscription(mailbox.enter('_1#1', 'shipped', [], scope))).toEqual({ awaitKey: '_1#1' });
    // An older trigger taken later does not move it back.
    mailbox.deliver({ event: 'paid' }, delivery(6, ['_0#2']));
    expect(mailbox.subscription(mailbox.enter('_0#3', 'paid', [], scope))).toMatchObject({ since: 7 });
  });

  it('records when a buffered delivery says the await joined, and subscribes again with it', () => {
    const mailbox = new Mailbox();
    const waiter = mailbox.enter('_0#1', 'paid', [condition('event["ok"]')], new Scope(undefined, {}));
    mailbox.deliver({ event: 'paid', ok: false }, delivery(2, ['_0#1'], 9));
    expect(waiter.joined).toBe(9);
    expect(mailbox.subscription(waiter)).toEqual({ awaitKey: '_0#1', after: 2, joined: 9 });
  });
});

describe('Mailbox: correlation keys', () => {
  const scope = new Scope(undefined, { order: 'A-1', number: 42, ratio: 1.5, flag: true });

  it.each([
    ['context["order"]', 'A-1'],
    ['context["number"]', '42'],
    ['context["ratio"]', '1.5'],
    ['"x" + context["order"]', 'xA-1'],
  ])('evaluates %s to the key %j when the await starts', (source, key) => {
    const mailbox = new Mailbox();
    const waiter = mailbox.enter('_0#1', 'paid', [], scope, expression(source));
    expect(waiter.correlation).toBe(key);
    expect(mailbox.subscription(waiter)).toEqual({ awaitKey: '_0#1', key });
  });

  it('has no key without a key expression', () => {
    const waiter = new Mailbox().enter('_0#1', 'paid', [], scope);
    expect(waiter).not.toHaveProperty('correlation');
  });

  it('faults on a key that is neither a string nor a number', () => {
    const enter = () => new Mailbox().enter('_0#1', 'paid', [], scope, expression('context["flag"]'));
    expect(enter).toThrow(ProcessFault);
    expect(enter).toThrow(
      '<await event="paid" key="context["flag"]">: the key must be a string or a number, got true',
    );
    try {
      enter();
    } catch (err) {
      expect((err as ProcessFault).code).toBe(EXPRESSION_ERROR_CODE);
    }
  });

  it('faults on a key whose expression raises, naming the await', () => {
    const mailbox = new Mailbox();
    const enter = () => mailbox.enter('_0#1', 'paid', [], scope, expression('context["nope"] + 1'));
    expect(enter).toThrow(ProcessFault);
    expect(enter).toThrow(/^<await event="paid" key="context\["nope"\] \+ 1">: /);
    // Nothing was registered: a later event completes no await.
    const other = mailbox.enter('_1#1', 'paid', [], scope);
    mailbox.deliver({ event: 'paid' });
    expect(other.settled).toBe(true);
  });
});
