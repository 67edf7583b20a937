// Scenario 4: hostile participants (throwing, never settling, replying with arrays, null, numbers, huge or
// deep objects) and hostile expressions (issue 11's budget-busting ones), several copies of each at once on
// one worker. Each process must end with the expected context or a clear fault, no workflow task may fail,
// and the worker must survive: still running, and a plain process still completes afterwards.
import path from 'node:path';
import { Launcher, type ActionOptions } from '../../src';
import * as h from './harness';

/** The sizes of a run. */
export interface HostileConfig {
  /** Copies of each case at once. */
  copies: number;
  timeoutMs: number;
}

/** A case: a definition, launch fields and what it must end with (a context, or a fault code and text). */
interface Case {
  name: string;
  xml: string;
  fields?: Record<string, unknown>;
  context?: Record<string, unknown>;
  code?: string;
  text?: string;
  check?: (o: h.Outcome) => boolean;
}

const action = (participant: string): string =>
  `<process name="hostile"><action participant="${participant}"/></process>`;
const assign = (expression: string): string =>
  `<process name="hostile"><assign property="x">${expression.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</assign></process>`;

/** Short attempts and two of them, so that throwing and hanging participants fault within seconds. */
const actionOptions: ActionOptions = {
  startToCloseTimeout: '2s',
  retry: { initialInterval: '200ms', backoffCoefficient: 1, maximumAttempts: 2 },
};

/** Each case: a definition, launch fields and what it must end with (a context, or a fault code and text). */
const CASES: Case[] = [
  {
    name: 'participant throws',
    xml: action('chaos.throws'),
    code: 'ActionError',
    text: 'the participant throws',
  },
  { name: 'participant never settles', xml: action('chaos.hangs'), code: 'ActionError' },
  {
    name: 'participant replies with an array',
    xml: action('chaos.array'),
    code: 'ActionError',
    text: 'array',
  },
  { name: 'participant replies with a number', xml: action('chaos.number'), code: 'ActionError' },
  { name: 'participant replies with a string', xml: action('chaos.string'), code: 'ActionError' },
  { name: 'participant replies null', xml: action('chaos.null'), fields: { x: 1 }, context: { x: 1 } },
  {
    name: 'participant replies critical',
    xml: action('chaos.critical'),
    code: 'ActionError',
    text: 'critical reply',
  },
  { name: 'participant raises a fault', xml: action('chaos.fault'), code: 'Declined', text: 'declined' },
  { name: 'participant replies 1.5 MB', xml: action('chaos.huge'), code: 'ContextSizeError' },
  {
    name: 'participant replies 3 MB (over the payload limit)',
    xml: action('chaos.oversized'),
    code: 'ActionError',
  },
  { name: 'participant replies 100,000 fields', xml: action('chaos.wide'), code: 'ContextSizeError' },
  {
    name: 'participant replies 1,000 levels deep',
    xml: action('chaos.deep'),
    check: (o) => o.context?.deep?.d !== undefined,
  },
  {
    name: 'a handler catches a hostile reply',
    xml: `<process name="hostile"><context><property name="handled" type="bool">False</property></context><sequence><context><faults><default><assign property="handled">True</assign></default></faults></context>
      <action participant="chaos.array"/></sequence></process>`,
    context: { handled: true },
  },
  {
    name: '[[[0]*1000]*1000]*1000',
    xml: assign('[[[0]*1000]*1000]*1000'),
    code: 'ExpressionError',
    text: 'MemoryError',
  },
  {
    name: 'len(str([[0]*10**4]*10**4))',
    xml: assign('len(str([[0]*10**4]*10**4))'),
    code: 'ExpressionError',
    text: 'MemoryError',
  },
  {
    name: 'condition sum([2**50000]*10**7) > 0',
    xml: `<process name="hostile"><switch><case><condition>sum([2**50000]*10**7) &gt; 0</condition>
      <assign property="x">1</assign></case></switch></process>`,
    code: 'ExpressionError',
    text: 'MemoryError',
  },
  { name: '"a" * (5 * 10**6)', xml: assign('"a" * (5 * 10**6)'), code: 'ContextSizeError' },
  {
    name: 'sorted([[0]*1000]*9000)',
    xml: assign('sorted([[0]*1000]*9000)'),
    code: 'ExpressionError',
    text: 'TimeoutError',
  },
  { name: '1 / 0', xml: assign('1 / 0'), code: 'ExpressionError', text: 'ZeroDivisionError' },
  {
    name: 'a loop growing the context without end',
    xml: `<process name="hostile"><context><property name="s" type="str"></property></context>
      <while><condition>True</condition><assign property="s">context["s"] + "x" * 100000</assign></while></process>`,
    code: 'ContextSizeError',
  },
];

/** Whether an outcome is what the case expects. */
function expected(c: Case, o: h.Outcome): boolean {
  if (c.check) return c.check(o);
  if (c.context) return JSON.stringify(o.context) === JSON.stringify(c.context);
  return o.code === c.code && (!c.text || (o.message ?? '').includes(c.text));
}

export async function hostile({
  server,
  dir,
  config,
}: h.ScenarioInput<HostileConfig>): Promise<h.ScenarioResult> {
  const checks = new h.Checks('hostile');
  const client = server.env.client;
  const taskQueue = 'chaos-hostile';
  const worker = await h.startWorker({ server, taskQueue, logFile: path.join(dir, 'hostile-worker.log') });
  const launcher = new Launcher(client, taskQueue);
  const t0 = performance.now();
  try {
    const runs = CASES.flatMap((c) => Array.from({ length: config.copies }, () => c));
    const handles = await h.pool(runs, 20, (c) => launcher.launch(c.xml, c.fields ?? {}, { actionOptions }));
    const outcomes = await h.pool(handles, handles.length, (hd) => h.within(h.outcome(hd), config.timeoutMs));
    const endings: Record<string, string | undefined> = {};
    for (const c of CASES) {
      // An outcome that timed out is `{ error }`, as `outcome` gives for any other error.
      const mine: h.Outcome[] = outcomes.filter((_, i) => runs[i] === c);
      const bad = mine.filter((o) => !expected(c, o));
      const o = mine[0];
      endings[c.name] = o.context ? `context ${JSON.stringify(o.context).slice(0, 40)}` : (o.code ?? o.error);
      checks.check(
        `${c.name}: ${c.code ? `fault ${c.code}` : 'completes with the right context'}`,
        bad.length === 0,
        h.sample(bad.map((b) => ({ ...b, message: b.message?.slice(0, 200) }))),
      );
    }
    const failures = await h.pool(handles, 20, async (hd) =>
      h.workflowTaskFailures(await h.historyEvents(client, hd.processId)),
    );
    checks.noFailedWorkflowTasks(failures);
    checks.check(
      'the worker is still running',
      worker.exitCode === null && worker.signalCode === null,
      `exited ${worker.exitCode ?? worker.signalCode}`,
    );
    const probe: h.Outcome = await h.within(
      h.outcome(await launcher.launch(action('chaos.step'), { trail: [] })),
      60_000,
    );
    checks.check(
      'a plain process still completes on it',
      JSON.stringify(probe.context) === '{"trail":["_0"]}',
      JSON.stringify(probe),
    );
    return {
      checks,
      figures: {
        processes: handles.length,
        cases: CASES.length,
        endings,
        seconds: Math.round((performance.now() - t0) / 1000),
      },
    };
  } finally {
    await h.stopWorker(worker, 'SIGKILL');
  }
}
