import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  checkDefinition,
  formatWarning,
  LINT_RULES,
  parseDefinition,
  type CheckDefinitionOptions,
} from '../../src/definition';

const root = path.join(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The formatted warnings of a valid definition. */
function warningsOf(xml: string, options: CheckDefinitionOptions = {}): string[] {
  const { definition, problems, warnings } = checkDefinition(xml, options);
  expect(problems).toEqual([]);
  expect(definition).toBeDefined();
  return warnings.map(formatWarning);
}

const process = (body: string, context = '') =>
  `<process>\n<context>${context}</context>\n${body}\n</process>`;
const int = (name: string, value = 0) => `<property name="${name}" type="int">${value}</property>`;

describe('W001 endless-loop', () => {
  it('finds the published example1 trap at the while, with the reason', () => {
    const warnings = warningsOf(read('test/fixtures/definitions/example1.xml'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^27:5 warning W001 endless-loop process\/while\[1\]: the loop never ends: "counter" is declared in the while's own <context>/,
      ),
    ]);
  });

  it('finds nothing in the shipped examples (the fixed example1 keeps its counter in the process)', () => {
    expect(warningsOf(read('examples/processes/example1.xml'))).toEqual([]);
    expect(warningsOf(read('examples/processes/approval.xml'))).toEqual([]);
    expect(warningsOf(read('test/fixtures/definitions/every-element.xml'))).toEqual([]);
  });

  it('accepts loops whose body sets what the conditions read', () => {
    const cond = '<condition>context["n"] &lt; 3</condition>';
    expect(
      warningsOf(process(`<while>${cond}<assign property="n">context["n"] + 1</assign></while>`, int('n'))),
    ).toEqual([]);
    // A participant may set any property: an action in the body may end the loop.
    expect(warningsOf(process(`<while>${cond}<action participant="p"/></while>`, int('n')))).toEqual([]);
    // So may a branch running beside the loop in an <all>.
    expect(
      warningsOf(
        process(
          `<all><while>${cond}<delay duration="1"/></while><assign property="n">3</assign></all>`,
          int('n'),
        ),
      ),
    ).toEqual([]);
    expect(
      warningsOf(
        process(
          `<all><sequence><while>${cond}<delay duration="1"/></while></sequence><sequence><action participant="p"/></sequence></all>`,
          int('n'),
        ),
      ),
    ).toEqual([]);
    // An explicit <fault> is a way out.
    expect(warningsOf(process(`<while><condition>True</condition><fault code="Done"/></while>`))).toEqual([]);
  });

  it('reports loops nothing can change, and says whether they surely start', () => {
    const [outer] = warningsOf(
      process('<while><condition>context["n"] &lt; 3</condition><delay duration="1"/></while>', int('n')),
    );
    expect(outer).toMatch(
      /W001 endless-loop .*once the loop starts it never ends: nothing in or beside the loop sets "n"/,
    );
    // A write after the loop in its own branch of an <all> runs only once the loop is over.
    expect(
      warningsOf(
        process(
          '<all><sequence><while><condition>context["n"] &lt; 3</condition><delay duration="1"/></while>' +
            '<assign property="n">3</assign></sequence><delay duration="1"/></all>',
          int('n'),
        ),
      ),
    ).toEqual([expect.stringContaining('W001 endless-loop process/all[1]/sequence[1]/while[1]')]);
    const [constant] = warningsOf(process('<while><condition>True</condition><await event="e"/></while>'));
    expect(constant).toMatch(/the loop never ends: its conditions read no property/);
    // The write lands in the inner sequence's own "n", not in the process's.
    const [shadowed] = warningsOf(
      process(
        `<while><condition>context["n"] &lt; 3</condition>
           <sequence><context>${int('n')}</context><assign property="n">5</assign><action participant="p"/></sequence>
         </while>`,
        int('n'),
      ),
    );
    expect(shadowed).toMatch(/^3:1 warning W001 endless-loop process\/while\[1\]/);
  });

  it('counts any other read of the context as readable by every writer', () => {
    const cond = '<condition>"done" not in context</condition>';
    expect(warningsOf(process(`<while>${cond}<delay duration="1"/></while>`))).toEqual([
      expect.stringContaining(
        'once the loop starts it never ends: nothing in or beside the loop writes to the context',
      ),
    ]);
    expect(warningsOf(process(`<while>${cond}<action participant="p"/></while>`))).toEqual([]);
  });
});

describe('W002 unreachable', () => {
  it('reports a while whose conditions are false from the start and cannot change', () => {
    expect(
      warningsOf(
        process(
          `<while><context>${int('n', 5)}</context><condition>context["n"] &lt; 3</condition><action participant="p"/></while>`,
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^3:1 warning W002 unreachable process\/while\[1\]: the loop body never runs/),
    ]);
  });

  it('reports what follows a <fault> in a block, once per block, but not in an <all>', () => {
    const xml = process(
      '<sequence><fault code="X"/><action participant="a"/><action participant="b"/></sequence>' +
        '<all><fault code="Y"/><action participant="c"/></all>',
    );
    expect(warningsOf(xml)).toEqual([
      '3:28 warning W002 unreachable process/sequence[1]/action[1]: never runs: the <fault> at 3:11 before it always raises (2 activities skipped)',
    ]);
  });

  it('reports cases after an always-true case, and cases that can never match', () => {
    const xml = process(
      `<switch>
<case><condition>context["n"]</condition><action participant="a"/></case>
<case><condition>1 &gt; 2</condition><action participant="b"/></case>
<case><condition>True</condition><action participant="c"/></case>
<case><condition>context["n"] == 2</condition><action participant="d"/></case>
</switch>`,
      int('n'),
    );
    expect(warningsOf(xml)).toEqual([
      '5:1 warning W002 unreachable process/switch[1]/case[2]: never runs: its conditions are always false',
      '7:1 warning W002 unreachable process/switch[1]/case[4]: never runs: the case at 6:1 before it always matches (its condition "True" is always true)',
    ]);
  });
});

describe('W003 shadowed-handler', () => {
  it('reports a handler whose codes earlier handlers all catch; a <default> first hides nothing', () => {
    const xml = process(
      `<sequence><context><faults>
<default><action participant="any"/></default>
<case code="A, B"><action participant="ab"/></case>
<case code="B"><action participant="b"/></case>
<case code="B, C"><action participant="bc"/></case>
</faults></context><fault code="B"/></sequence>`,
    );
    expect(warningsOf(xml)).toEqual([
      '6:1 warning W003 shadowed-handler process/sequence[1]/context[1]/faults[1]/case[2]: never runs: the handler at 5:1 before it catches "B" first',
    ]);
  });
});

describe('W004 undeclared-property (information)', () => {
  it('reports a foreach or call reading a property nothing declares or assigns', () => {
    const xml = process(`<sequence><context><property name="items" type="json">[]</property></context>
<foreach select="items"><action participant="a"/></foreach></sequence>
<foreach select="items.x"><action participant="a"/></foreach>
<call process="$sub"/>
<call process="$made"/>
<assign property="made">"&lt;process/&gt;"</assign>
<foreach select="inst:current"><action participant="a"/></foreach>`);
    expect(warningsOf(xml)).toEqual([
      '5:1 info W004 undeclared-property process/foreach[1]: <foreach select="items.x"> reads property "items", which no context it sees declares and no <assign> sets: it must come with the launch fields or from a participant',
      '6:1 info W004 undeclared-property process/call[1]: <call process="$sub"> reads property "sub", which no context it sees declares and no <assign> sets: it must come with the launch fields or from a participant',
    ]);
  });

  it('reports an await key reading a property nothing declares or assigns', () => {
    const xml = process(`<sequence><context><property name="order_id" type="str"/></context>
<await event="paid" key="context['order_id']"/>
<await event="paid" key="context['customer']"/></sequence>`);
    expect(warningsOf(xml)).toEqual([
      `5:1 info W004 undeclared-property process/sequence[1]/await[2]: <await event="paid" key="context['customer']"> reads property "customer", which no context it sees declares and no <assign> sets: it must come with the launch fields or from a participant`,
    ]);
  });
});

describe('W005 unknown-participant and W006 unknown-event', () => {
  const xml = process(
    '<action participant="known"/><action participant="typo"/><await event="go"/><await event="stop"/>',
  );

  it('run only when given the participants or the events', () => {
    expect(warningsOf(xml)).toEqual([]);
    expect(warningsOf(xml, { participants: ['known'], events: ['go'] })).toEqual([
      '3:30 warning W005 unknown-participant process/action[2]: no worker registers participant "typo"',
      '3:77 warning W006 unknown-event process/await[2]: nothing triggers event "stop" (not in the events given)',
    ]);
  });
});

describe('W007 unknown-definition', () => {
  const xml = process(
    '<call definition="shipping"/><call definition="shiping"/>' +
      '<call definition="shipping" version="2"/><call definition="shipping" version="3"/><call process="$sub"/>',
    '<property name="sub" type="str"/>',
  );

  it('runs only when given the deployed definitions (each name with its latest version)', () => {
    expect(warningsOf(xml)).toEqual([]);
    expect(warningsOf(xml, { deployed: new Map([['shipping', 2]]) })).toEqual([
      '3:30 warning W007 unknown-definition process/call[2]: no definition named "shiping" is deployed',
      '3:99 warning W007 unknown-definition process/call[4]: definition "shipping" has no version 3 deployed (the latest is shipping@2)',
    ]);
    expect(
      warningsOf(xml, {
        deployed: new Map([
          ['shipping', 3],
          ['shiping', 1],
        ]),
      }),
    ).toEqual([]);
  });

  it('reports every call when nothing is deployed, and never reads a deployed call as a property', () => {
    const calls = process('<call definition="a"/><call definition="b" version="1"/>');
    expect(warningsOf(calls)).toEqual([]);
    expect(warningsOf(calls, { deployed: new Map() })).toEqual([
      '3:1 warning W007 unknown-definition process/call[1]: no definition named "a" is deployed',
      '3:23 warning W007 unknown-definition process/call[2]: no definition named "b" is deployed',
    ]);
  });
});

describe('silencing with <!-- bureaucrat-lint: ignore … -->', () => {
  const loop = '<while><condition>True</condition><delay duration="1"/></while>';

  it('silences the rules named, by id or name, on the next element and inside it', () => {
    expect(warningsOf(process(`<!-- bureaucrat-lint: ignore W001 -->\n${loop}`))).toEqual([]);
    expect(
      warningsOf(process(`<!-- bureaucrat-lint: ignore endless-loop -->\n<!-- why -->\n${loop}`)),
    ).toEqual([]);
    expect(
      warningsOf(`<!-- bureaucrat-lint: ignore W001, W002 -->\n${process(`<sequence>${loop}</sequence>`)}`),
    ).toEqual([]);
  });

  it('takes a reason after the rules (the README example)', () => {
    const readme = read('docs/language.md');
    const example = /```xml\n(<!-- bureaucrat-lint:[\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(example).toContain('<while>');
    expect(warningsOf(process(example))).toEqual([]);
    expect(warningsOf(process(example.replace('endless-loop:', 'unreachable:')))).toHaveLength(1);
  });

  it('leaves other rules, other elements and detached comments alone', () => {
    expect(warningsOf(process(`<!-- bureaucrat-lint: ignore W002 -->\n${loop}`))).toHaveLength(1);
    expect(
      warningsOf(process(`<!-- bureaucrat-lint: ignore W001 -->\n<delay duration="1"/>${loop}`)),
    ).toHaveLength(1);
    const inside =
      '<while><!-- bureaucrat-lint: ignore W001 --><condition>True</condition><delay duration="1"/></while>';
    expect(warningsOf(process(inside))).toHaveLength(1);
  });
});

describe('the lint and the parser', () => {
  it('has one documented id and name per rule', () => {
    const readme = read('docs/language.md');
    for (const [id, { name }] of Object.entries(LINT_RULES))
      expect(readme).toContain(`| \`${id}\` | \`${name}\``);
  });

  it('lints only valid definitions, and parseDefinition does not lint', () => {
    const invalid = checkDefinition('<process><while><action participant="p"/></while></process>');
    expect(invalid.problems).not.toEqual([]);
    expect(invalid.warnings).toEqual([]);
    const model = parseDefinition(read('test/fixtures/definitions/example1.xml'));
    expect(model).not.toHaveProperty('warnings');
  });
});
