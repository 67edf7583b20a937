/**
 * The test kit (`bureaucrat-temporal/testing`): definitions run on the time-skipping server with scripted
 * participants and events — the project's own examples among them.
 */
import path from 'node:path';
import { DefinitionError } from '../../src/definition';
import { ParticipantFault } from '../../src/worker/participants';
import { closeTestEnvironment, replayHistories, SCRIPT_EXHAUSTED_CODE, testProcess } from '../../src/testing';
import { participants as exampleParticipants } from '../../examples/participants';

const examples = path.join(__dirname, '../../examples/processes');

const order = `<process name="order">
  <context>
    <property name="order" type="int">0</property>
    <property name="paid" type="bool">false</property>
  </context>
  <action participant="shop.reserve"/>
  <await event="paid"><condition>event["order"] == context["order"]</condition></await>
  <assign property="paid">True</assign>
  <delay duration="31536000"/>
  <action participant="shop.ship"/>
</process>`;

describe('testProcess: definitions under test with scripted participants and events', () => {
  afterAll(() => closeTestEnvironment());

  it('runs a process with canned replies and timed events; a year of delay takes no real time; the history replays', async () => {
    const started = Date.now();
    const result = await testProcess(order, {
      fields: { order: 42 },
      participants: { 'shop.reserve': [{ reserved: true }], 'shop.ship': [{ shipped: 'tomorrow' }] },
      events: [
        { at: '2m', name: 'paid', data: { order: 7 } }, // another order's: the await keeps waiting
        { at: '5m', name: 'paid', data: { order: 42 } },
      ],
    });
    expect(result.fault).toBeUndefined();
    expect(result.context).toEqual({ order: 42, paid: true, reserved: true, shipped: 'tomorrow' });
    expect(result.trace).toEqual(['_0', '_1', '_2', '_3', '_4']);
    expect(Date.now() - started).toBeLessThan(60_000); // not a year: the sanity bound of a skipped timer
    const timers = result.history.events?.filter((e) => e.timerStartedEventAttributes) ?? [];
    expect(timers.map((e) => Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds))).toEqual([
      31_536_000,
    ]);
    await expect(replayHistories([{ name: 'order', history: result.history }])).resolves.toBe(1);
  });

  it('reports an unhandled fault with its code and message; a handler sees a scripted ParticipantFault', async () => {
    const faulted = await testProcess(
      '<process><action participant="p"/><action participant="q"/></process>',
      {
        participants: { p: [new ParticipantFault('OutOfStock', 'none left')], q: [{}] },
      },
    );
    expect(faulted.context).toBeUndefined();
    expect(faulted.fault).toEqual({ code: 'OutOfStock', message: 'none left' });
    expect(faulted.trace).toEqual(['_0']);

    const handled = await testProcess(
      `<process>
        <context><property name="handled" type="str"/></context>
        <sequence>
          <context><faults><case code="OutOfStock"><assign property="handled">inst_fault_code</assign></case></faults></context>
          <action participant="p"/>
        </sequence>
      </process>`.replace('inst_fault_code', 'context["inst:fault"]["code"]'),
      {
        participants: {
          p: () => {
            throw new ParticipantFault('OutOfStock', 'none left');
          },
        },
      },
    );
    expect(handled.context).toEqual({ handled: 'OutOfStock' });
    expect(handled.trace).toEqual(['_0', '_0_0', '_0_faults_0', '_0_faults_0_0']);
  });

  it('faults a participant called more often than scripted or not scripted at all; refuses an invalid definition', async () => {
    const exhausted = await testProcess(
      '<process><action participant="p"/><action participant="p"/></process>',
      { participants: { p: [{ a: 1 }] } },
    );
    expect(exhausted.fault?.code).toBe(SCRIPT_EXHAUSTED_CODE);
    expect(exhausted.fault?.message).toContain('called 2 times; its script has 1 replies');

    const unscripted = await testProcess('<process><action participant="nobody"/></process>');
    expect(unscripted.fault).toEqual({
      code: SCRIPT_EXHAUSTED_CODE,
      message: expect.stringContaining('no script for participant nobody') as unknown,
    });
    await expect(testProcess('<process><bogus/></process>')).rejects.toBeInstanceOf(DefinitionError);
  });

  it('throws when the process is still running after timeoutSeconds of process time', async () => {
    await expect(
      testProcess('<process><await event="never"/></process>', { timeoutSeconds: 3600 }),
    ).rejects.toThrow(/still running after 3600 s of process time/);
  });

  it("runs the project's examples with their example participants, sub-process and events included", async () => {
    const example1 = await testProcess(path.join(examples, 'example1.xml'), {
      participants: exampleParticipants,
    });
    expect(example1.fault).toBeUndefined();
    expect(example1.context).toMatchObject({ counter: 4, testprop2: 'hello world' });
    expect(example1.trace.slice(0, 4)).toEqual(['_0', '_0_0', '_0_1', '_0_2']);
    expect(example1.trace.at(-1)).toBe('_4');

    const approval = await testProcess(path.join(examples, 'approval.xml'), {
      fields: { request: 7 },
      participants: exampleParticipants,
      events: [
        { at: '1h', name: 'approval', data: { request: 7 } }, // not approved: keeps waiting
        { at: '2h', name: 'approval', data: { request: 7, approved: true } },
      ],
    });
    expect(approval.context).toMatchObject({ request: 7, approved: true, notified: true });
  });

  it('delivers a scripted broadcast to an await inside a sub-process, and a direct event by process id', async () => {
    const child = '<process><await event="go"/><action participant="work"/></process>';
    const parent = `<process>
      <context><property name="sub" type="str"><![CDATA[${child}]]></property></context>
      <call process="$sub"/>
      <await event="direct"/>
    </process>`;
    const result = await testProcess(parent, {
      processId: 'kit-parent',
      participants: { work: [{ worked: true }] },
      events: [
        { at: '10m', name: 'go' },
        { at: '20m', name: 'direct', processId: 'kit-parent' },
      ],
    });
    expect(result.context).toEqual({ sub: child });
    expect(result.trace).toEqual(['_0', '_1']);
  });
});
