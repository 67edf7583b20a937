/**
 * The scenarios whose histories are committed in this directory and replayed by the test command. Between
 * them they run every activity kind and every fault path. `npm run histories:record` runs them against a
 * fresh dev server and rewrites the `*.json` files; do that only for a deliberate change of behaviour, and
 * guard the change with `patched()` so that the old histories still replay.
 *
 * Plain CommonJS so that the recording script runs with Node alone. A participant receives the workitem
 * and `{ attempt, ParticipantFault }`; `drive(helpers)` plays the outside world (events, cancellation,
 * operator updates, retry and reset). `allRuns` records every run of the process (a number: wait until
 * that many are listed).
 */
'use strict';

const cdata = (xml) => `<![CDATA[${xml}]]>`;
/** How often the `retried` scenario's participant ran: it fails the first time only. */
const fixable = { calls: 0 };
const child = '<process name="child"><action participant="work"/><fault code="ChildFailed" message="as planned"/></process>';

module.exports = [
  {
    name: 'every-activity',
    xml: `<process name="every-activity">
      <context>
        <property name="n" type="int">0</property>
        <property name="items" type="json">[1, 2, 3]</property>
        <property name="total" type="int">0</property>
        <property name="sub" type="str">${cdata(child)}</property>
        <property name="handled" type="str"></property>
      </context>
      <sequence>
        <context><property name="local" type="str">x</property></context>
        <action participant="work"/>
        <assign property="n">context["n"] + 1</assign>
      </sequence>
      <switch>
        <case><condition>context["n"] == 0</condition><fault code="Wrong"/></case>
        <case><condition>context["n"] == 1</condition><assign property="total">100</assign></case>
      </switch>
      <switch><case><condition>False</condition><fault/></case></switch>
      <while>
        <condition>context["n"] &lt; 3</condition>
        <action participant="work"/>
        <assign property="n">context["n"] + 1</assign>
      </while>
      <foreach select="items">
        <condition>context["inst:current"] != 2</condition>
        <assign property="total">context["total"] + context["inst:current"]</assign>
      </foreach>
      <all>
        <action participant="work"/>
        <delay duration="1"/>
        <sequence><await event="go"><condition>event["ok"] is True</condition></await></sequence>
      </all>
      <sequence>
        <context><faults>
          <case code="Other"><assign property="handled">"wrong"</assign></case>
          <case code="ChildFailed"><assign property="handled">context["inst:fault"]["message"]</assign></case>
        </faults></context>
        <call process="$sub"/>
      </sequence>
    </process>`,
    participants: { work: () => ({}) },
    async drive(helpers) {
      await helpers.waitFor('_5_2_0', 'active');
      await helpers.signal({ event: 'go', ok: false }); // fails the condition: keeps waiting
      await helpers.signal({ event: 'go', ok: true });
    },
  },
  {
    name: 'unhandled-fault',
    xml: `<process>
      <sequence>
        <context><faults><case code="Other"><assign property="x">1</assign></case></faults></context>
        <action participant="critical"/>
      </sequence>
    </process>`,
    participants: { critical: () => ({ status: 'critical', error: 'disk full' }) },
    expectFailure: 'ActionError',
  },
  {
    name: 'all-fault-cancels-sibling',
    xml: `<process>
      <context><property name="cancelled" type="bool">0</property></context>
      <all>
        <context><faults><default><assign property="cancelled">True</assign></default></faults></context>
        <delay duration="3600"/>
        <await event="never"/>
        <sequence><action participant="work"/><fault code="Stop"/></sequence>
      </all>
    </process>`,
    participants: { work: () => ({}) },
  },
  {
    name: 'participant-failures',
    xml: `<process>
      <context><property name="a" type="str"/><property name="b" type="str"/></context>
      <action participant="flaky"/>
      <sequence>
        <context><faults><case code="OutOfStock"><assign property="a">context["inst:fault"]["message"]</assign></case></faults></context>
        <action participant="out_of_stock"/>
      </sequence>
      <sequence>
        <context><faults><default><assign property="b">context["inst:fault"]["code"]</assign></default></faults></context>
        <assign property="x">1 / 0</assign>
      </sequence>
    </process>`,
    input: { actionOptions: { retry: { initialInterval: '10 ms', backoffCoefficient: 1, maximumAttempts: 3 } } },
    participants: {
      flaky: (_w, { attempt }) => (attempt < 2 ? { status: 'error', error: 'busy' } : { flaky: 'ok' }),
      out_of_stock: (_w, { ParticipantFault }) => {
        throw new ParticipantFault('OutOfStock', 'none left');
      },
    },
  },
  {
    name: 'continue-as-new',
    xml: `<process>
      <context><property name="n" type="int">0</property></context>
      <sequence>
        <context><property name="outer" type="int">1</property></context>
        <while><condition>context["n"] &lt; 12</condition>
          <action participant="work"/>
          <assign property="n">context["n"] + context["outer"]</assign>
        </while>
      </sequence>
    </process>`,
    input: { continueAsNewAfterEvents: 30 },
    participants: { work: () => ({}) },
    allRuns: true,
  },
  {
    name: 'cancelled',
    xml: `<process>
      <context><property name="sub" type="str">${cdata('<process><await event="never"/></process>')}</property></context>
      <all><delay duration="3600"/><call process="$sub"/></all>
    </process>`,
    participants: {},
    async drive(helpers) {
      await helpers.waitFor('_0_1', 'active');
      await helpers.waitForChild('_0_1-1');
      await helpers.cancel();
    },
    expectFailure: 'cancelled',
  },
  {
    name: 'broadcast',
    xml: `<process name="broadcast">
      <context><property name="wanted" type="int">2</property></context>
      <await event="history-bcast"><condition>event["n"] == context["wanted"]</condition></await>
      <assign property="done">True</assign>
    </process>`,
    input: { broadcastEvents: true },
    participants: {},
    async drive(helpers) {
      await helpers.waitFor('_0', 'active');
      await helpers.trigger('history-bcast', { n: 1 }); // fails the condition: the await subscribes again
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await helpers.trigger('history-bcast', { n: 2 });
    },
    // The router's history is recorded too (it keeps running, so a partial history).
    alsoRecord: ['bureaucrat-events:history-bcast'],
  },
  {
    // A published event reaches the await and, through the router's trigger activity, starts a process
    // of a trigger (one matching event, one not); the router's and the trigger registry's histories too.
    name: 'triggered',
    xml: `<process name="triggered">
      <await event="history-trig"/>
      <assign property="done">True</assign>
    </process>`,
    input: { broadcastEvents: true },
    participants: {},
    async drive(helpers) {
      await helpers.waitFor('_0', 'active');
      await helpers.addTrigger('history-trig', '<process name="started"><assign property="x">1</assign></process>', {
        name: 'history-trigger',
        when: "event['n'] > 0",
        id: "'history-triggered-' + str(event['n'])",
      });
      await helpers.trigger('history-trig', { n: 0 }); // the await takes it; the predicate is false
      await helpers.trigger('history-trig', { n: 1 }); // starts history-triggered-1
      await helpers.waitForProcess('history-triggered-1');
    },
    alsoRecord: ['bureaucrat-events:history-trig', 'bureaucrat-triggers:record-histories'],
  },
  {
    // A burst of events for a trigger, after routers kept up to 8 trigger batches in flight (the patch
    // router-pipelined-fires): the router's history carries that patch's marker.
    name: 'triggered-burst',
    xml: `<process name="triggered-burst"><await event="history-burst"/></process>`,
    input: { broadcastEvents: true },
    participants: {},
    async drive(helpers) {
      await helpers.waitFor('_0', 'active');
      await helpers.addTrigger('history-burst', '<process name="started"><assign property="x">1</assign></process>', {
        name: 'history-burst-trigger',
        id: "'history-burst-' + str(event['n'])",
      });
      await Promise.all(Array.from({ length: 20 }, (_, n) => helpers.trigger('history-burst', { n })));
      for (let n = 0; n < 20; n++) await helpers.waitForProcess(`history-burst-${n}`);
    },
    alsoRecord: ['bureaucrat-events:history-burst'],
  },
  {
    // Operated by hand: a participant's halt reply pauses it, resume; pause while it awaits, set a field the
    // await's condition reads, the event (taken, but no next step while paused), resume.
    name: 'operated',
    xml: `<process name="operated">
      <context><property name="approved" type="int">0</property></context>
      <action participant="review"/>
      <await event="go"><condition>context["approved"] == 1</condition></await>
      <action participant="work"/>
    </process>`,
    participants: { review: () => ({ status: 'halt', reason: 'needs a human', reviewed: true }) },
    async drive(helpers) {
      await helpers.waitForPause();
      await helpers.update('resume');
      await helpers.waitFor('_1', 'active');
      await helpers.update('pause', { by: 'recorder', reason: 'month end' });
      await helpers.update('setFields', { approved: 1 });
      await helpers.signal({ event: 'go' });
      await helpers.waitFor('_1', 'completed');
      await helpers.update('resume');
    },
  },
  {
    // Failed on a participant that then fixed itself, and retried: the second run's history starts with
    // the first one's events up to the faulted step's workflow task, then Temporal's reset.
    name: 'retried',
    xml: `<process name="retried">
      <action participant="work"/>
      <action participant="fixable"/>
      <action participant="work"/>
    </process>`,
    participants: {
      fixable: (_w, { ParticipantFault }) => {
        fixable.calls += 1;
        if (fixable.calls === 1) throw new ParticipantFault('Broken', 'not yet');
        return { fixed: true };
      },
    },
    async drive(helpers) {
      await helpers.waitForEnd();
      await helpers.retry();
    },
    allRuns: 2,
  },
  {
    // Completed, then reset into the middle of its <while> (the first iteration's assign).
    name: 'reset-while',
    xml: `<process name="reset-while">
      <context><property name="n" type="int">0</property></context>
      <while><condition>context["n"] &lt; 3</condition>
        <action participant="work"/>
        <assign property="n">context["n"] + 1</assign>
      </while>
    </process>`,
    participants: { work: () => ({}) },
    async drive(helpers) {
      await helpers.waitForEnd();
      await helpers.reset('_0_1');
    },
    allRuns: 2,
  },
  {
    // Parked in an <await> and a <delay>, migrated to a version that adds a step after each: the first
    // run ends on the migrate update's continue-as-new, the second resumes in the target.
    name: 'migrated',
    xml: `<process name="migrated">
      <context><property name="n" type="int">0</property></context>
      <await event="go"/>
      <delay duration="1"/>
    </process>`,
    participants: {},
    async drive(helpers) {
      await helpers.waitFor('_0', 'active');
      await helpers.update('migrate', {
        definition: `<process name="migrated">
          <context>
            <property name="n" type="int">0</property>
            <property name="added" type="bool">False</property>
          </context>
          <await event="go"/>
          <assign property="n">context["n"] + 1</assign>
          <delay duration="1"/>
          <assign property="added">True</assign>
        </process>`,
      });
      await helpers.waitFor('_0', 'active');
      await helpers.signal({ event: 'go' });
    },
    allRuns: 2,
  },
  {
    // Cancelled while its action runs: the action ends canceled and the process cancelled (patch
    // cancelled-action-is-cancelled; before it, the process failed on ActionError).
    name: 'cancelled-action',
    xml: `<process name="cancelled-action"><action participant="slow"/></process>`,
    participants: { slow: () => new Promise((resolve) => setTimeout(() => resolve({}), 1000)) },
    async drive(helpers) {
      await helpers.waitFor('_0', 'active');
      await helpers.cancel();
    },
    expectFailure: 'cancelled',
  },
  {
    // Actions whose activity input is `{ fields, step }` and whose summaries name the step (the adapters
    // complete the workitem from the activity's info): in a sequence, a loop, `<all>` branches, and a delay.
    name: 'action-input',
    xml: `<process name="action-input">
      <context><property name="n" type="int">0</property></context>
      <action participant="where"/>
      <while><condition>context["n"] &lt; 2</condition><action participant="count"/></while>
      <all>
        <sequence><action participant="where"/></sequence>
        <sequence><delay duration="0.01"/><action participant="where"/></sequence>
      </all>
    </process>`,
    participants: {
      where: (w) => ({ [`at${w.activityId.slice(w.processId.length)}`]: w.participant }),
      count: (w) => ({ n: w.fields.n + 1 }),
    },
  },
];
