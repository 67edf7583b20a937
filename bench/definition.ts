// Benchmarks of the definition language (issue 3): parse + validate a 10,000-activity definition, and
// evaluate a typical condition from a parsed expression. Run: npm run bench:definition
// Reports medians over repetitions; nothing is asserted (machines are shared and noisy).
import { checkDefinition, lintDefinition, parseDefinition } from '../src';
import { parseExpression, evaluateCondition } from '../src/internal';
import { median } from './lib/stats';

/** A definition with `n` activities of every common kind, nested a few levels deep. */
export function bigDefinition(n: number): string {
  const parts = [
    '<?xml version="1.0"?>',
    '<process name="big">',
    '<context><property name="a" type="int">5</property>',
  ];
  parts.push(
    '<property name="b" type="str">x</property><property name="items" type="json">[1,2,3]</property></context>',
  );
  let count = 0;
  while (count < n) {
    parts.push('<sequence>');
    parts.push('<action participant="p1"/><assign property="a">context["a"] + 1</assign>');
    parts.push('<switch><case><condition>context["a"] &gt; 3 and context["b"] in ["x", "y"]</condition>');
    parts.push('<action participant="p2"/></case></switch>');
    parts.push('<while><condition>context["a"] &lt; 3</condition><delay duration="1"/></while>');
    parts.push(
      '<all><action participant="p3"/><await event="go"><condition>event["ok"]</condition></await></all>',
    );
    parts.push('</sequence>');
    count += 11; // sequence, action, assign, switch, case, action, while, delay, all, action, await
  }
  parts.push('</process>');
  return parts.join('\n');
}

/** Milliseconds of each of `reps` runs of `fn`. */
function timeIt(fn: () => unknown, reps: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times;
}

/** Parses a 10,000-activity definition `reps` times (after 3 warm-ups); returns { activities, kib, ms[] }. */
export function parseBenchmark(reps = 15): { activities: number; kib: number; ms: number[] } {
  const xml = bigDefinition(10_000);
  let model = parseDefinition(xml);
  timeIt(() => (model = parseDefinition(xml)), 2); // warm-up (three parses in all)
  const ms = timeIt(() => (model = parseDefinition(xml)), reps);
  return { activities: model.activityCount, kib: xml.length / 1024, ms };
}

/**
 * Lints the 10,000-activity definition and a worst case for the loop rule (an <all> of 2,000 branches, each
 * a while in a sequence with an action: every loop looks at every other branch); returns ms per run.
 */
export function lintBenchmark(reps = 15): { big: number[]; wide: { activities: number; ms: number[] } } {
  const big = parseDefinition(bigDefinition(10_000));
  const branches = Array.from(
    { length: 2000 },
    (_, i) =>
      `<sequence><while><condition>context["k${i}"]</condition><delay duration="1"/></while><action participant="p"/></sequence>`,
  );
  const wide = parseDefinition(`<process><all>${branches.join('')}</all></process>`);
  timeIt(() => lintDefinition(big), 3);
  return {
    big: timeIt(() => lintDefinition(big), reps),
    wide: { activities: wide.activityCount, ms: timeIt(() => lintDefinition(wide), reps) },
  };
}

if (require.main === module) {
  const { activities, kib, ms: parseTimes } = parseBenchmark();
  console.log(
    `parse + validate ${activities} activities (${kib.toFixed(0)} KiB): ` +
      `median ${median(parseTimes).toFixed(1)} ms, min ${Math.min(...parseTimes).toFixed(1)} ms, max ${Math.max(...parseTimes).toFixed(1)} ms`,
  );

  const lint = lintBenchmark();
  console.log(
    `lint the same definition: median ${median(lint.big).toFixed(1)} ms; ` +
      `an <all> of 2,000 loops (${lint.wide.activities} activities): median ${median(lint.wide.ms).toFixed(1)} ms`,
  );
  const checked = checkDefinition(bigDefinition(10_000));
  console.log(`(checkDefinition = parse + lint: ${checked.warnings.length} warnings on it)`);

  const expression = parseExpression('context["a"] > 3 and context["b"] in ["x", "y"]');
  const scope = { context: { a: 5, b: 'y', c: [1, 2, 3] } };
  const N = 1_000_000;
  const evalTimes = timeIt(() => {
    for (let i = 0; i < N; i++) evaluateCondition(expression, scope);
  }, 7).map((ms) => (ms * 1000) / N);
  console.log(
    `evaluate condition: median ${median(evalTimes).toFixed(3)} µs, min ${Math.min(...evalTimes).toFixed(3)} µs, max ${Math.max(...evalTimes).toFixed(3)} µs`,
  );
}
