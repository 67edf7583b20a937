import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  checkDefinition,
  DefinitionError,
  forEachDescendant,
  formatProblem,
  MAX_DEPTH,
  MAX_ELEMENTS,
  parseDefinition,
  type Activity,
  type ProcessDefinition,
} from '../../src/definition';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../fixtures/definitions', name), 'utf8');

/** The formatted problems of an invalid definition. */
function problemsOf(xml: string): string[] {
  const { definition, problems } = checkDefinition(xml);
  expect(definition).toBeUndefined();
  return problems.map(formatProblem);
}

function find(model: ProcessDefinition, id: string): Activity | undefined {
  const walk = (activities: readonly Activity[]): Activity | undefined => {
    for (const a of activities) {
      if (a.id === id) return a;
      const children = [
        ...('activities' in a ? a.activities : []),
        ...('cases' in a ? a.cases : []),
        ...('faults' in a ? a.faults.flatMap((h) => h.activities) : []),
      ];
      const found = walk(children);
      if (found) return found;
    }
    return undefined;
  };
  return walk([...model.activities, ...model.faults.flatMap((h) => h.activities)]);
}

describe('parseDefinition: every element and attribute', () => {
  const model = parseDefinition(fixture('every-element.xml'));

  it('reads the process, its name and its context (declared after the activities)', () => {
    expect(model.kind).toBe('process');
    expect(model.id).toBe('');
    expect(model.name).toBe('every-element');
    expect(Object.fromEntries(model.context.map((p) => [p.name, p.value]))).toEqual({
      count: 1000,
      flag: false,
      ratio: -1500,
      owner: 'alice & bob ☺',
      empty: '',
      items: [1, 2, 3],
      order: { lines: [{ sku: 'a', qty: 1 }] },
      subprocess: '<process><action participant="child"/></process>',
    });
    expect(model.context.map((p) => p.type)).toEqual([
      'int',
      'bool',
      'float',
      'str',
      'str',
      'json',
      'json',
      'str',
    ]);
  });

  it('numbers activities the way the original engine did', () => {
    expect(model.activities.map((a) => [a.id, a.kind])).toEqual([
      ['_0', 'sequence'],
      ['_1', 'while'],
      ['_2', 'all'],
      ['_3', 'foreach'],
      ['_4', 'call'],
      ['_5', 'delay'],
      ['_6', 'fault'],
    ]);
    expect(find(model, '_0_0')).toMatchObject({
      kind: 'action',
      participant: 'webhook_launcher.tasks.handle_webhook',
    });
    expect(find(model, '_0_1')).toMatchObject({ kind: 'assign', property: 'total' });
    expect(find(model, '_0_2')).toMatchObject({ kind: 'switch' });
    expect(find(model, '_0_2_0_0')).toMatchObject({ kind: 'action', participant: 'big' });
    expect(find(model, '_0_2_1_0')).toMatchObject({ kind: 'action', participant: 'small' });
    expect(model.activityCount).toBe(25); // fault handlers count as activities
  });

  it('reads cases with OR-ed conditions and their own context', () => {
    const sw = find(model, '_0_2');
    if (sw?.kind !== 'switch') throw new Error('switch expected');
    expect(sw.cases.map((c) => c.id)).toEqual(['_0_2_0', '_0_2_1']);
    expect(sw.cases[0].conditions.map((c) => c.expression.source)).toEqual([
      'context["count"] > 10',
      'context["flag"]',
    ]);
    expect(sw.cases[1].context).toMatchObject([{ name: 'local', value: 'case scope' }]);
  });

  it('reads while, all, await, delay, call and fault', () => {
    expect(find(model, '_1')).toMatchObject({
      kind: 'while',
      context: [{ name: 'iteration_local', value: 0 }],
      conditions: [{ expression: { source: 'context["count"] < 3' } }],
    });
    expect(find(model, '_2_1')).toMatchObject({ kind: 'delay', seconds: 3600 });
    expect(find(model, '_2_2')).toMatchObject({
      kind: 'await',
      event: 'approved',
      conditions: [{ expression: { source: 'event["by"] == context["owner"]' } }],
    });
    expect(find(model, '_4')).toMatchObject({ kind: 'call', property: 'subprocess' });
    expect(find(model, '_5')).toMatchObject({ kind: 'delay', seconds: 0.5 });
    expect(find(model, '_6')).toMatchObject({ kind: 'fault', code: 'terminate', message: '' });
  });

  it('reads foreach with its selection path, filter and fault handlers', () => {
    const foreach = find(model, '_3');
    if (foreach?.kind !== 'foreach') throw new Error('foreach expected');
    expect(foreach.select).toEqual(['order', 'lines']);
    expect(foreach.conditions).toHaveLength(1);
    expect(foreach.faults.map((h) => [h.id, h.codes])).toEqual([
      ['_3_faults_0', ['OutOfStock']],
      ['_3_faults_1', null],
    ]);
    expect(foreach.faults[1].activities).toMatchObject([
      { id: '_3_faults_1_0', kind: 'fault', code: 'LineFailed', message: 'line could not be processed' },
    ]);
  });

  it('reads the process fault handlers with comma-separated codes', () => {
    expect(model.faults).toMatchObject([
      { id: '_faults_0', codes: ['A', 'B', 'C'], activities: [{ id: '_faults_0_0' }] },
    ]);
  });

  it('records where each element is', () => {
    expect(find(model, '_0_0')?.loc).toEqual({ line: 5, column: 9, path: 'process/sequence[1]/action[1]' });
    expect(find(model, '_2_2')?.loc.path).toBe('process/all[1]/await[1]');
  });

  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });
});

describe('parseDefinition: the original documents', () => {
  /** One line per node, in document order: `id kind what` (the conditions after `?`, OR-ed with `|`). */
  function outline(model: ProcessDefinition): string[] {
    const lines: string[] = [];
    forEachDescendant(model, (node) => {
      const what: string[] = [];
      if (node.kind === 'action') what.push(node.participant);
      if (node.kind === 'await') what.push(node.event);
      if (node.kind === 'assign') what.push(`${node.property} = ${node.expression.source}`);
      if (node.kind === 'call') what.push(`$${node.property}`);
      if (node.kind === 'delay') what.push(`${node.seconds}s`);
      if (node.kind === 'fault') what.push(`${node.code}: ${node.message}`);
      if (node.kind === 'handler') what.push(node.codes === null ? 'default' : node.codes.join(','));
      if ('conditions' in node) what.push(`? ${node.conditions.map((c) => c.expression.source).join(' | ')}`);
      lines.push([node.id, node.kind, ...what].join(' '));
    });
    return lines;
  }
  const contextOf = (model: ProcessDefinition) => model.context.map((p) => [p.name, p.type, p.value]);

  it.each<[string, { context: unknown[]; outline: string[]; activityCount: number }]>([
    [
      'seed-fault.xml',
      {
        context: [['prop1', 'int', 0]],
        outline: [
          '_0 action p1',
          '_1 switch',
          '_1_0 case ? context["prop1"] > 0',
          '_1_0_0 action p3',
          '_1_1 case ? True',
          "_1_1_0 fault CustomError: prop1 hasn't been incremented in the previous action",
          '_2 action p3',
        ],
        activityCount: 7,
      },
    ],
    [
      'seed-assign.xml',
      {
        context: [
          ['prop1', 'int', 0],
          ['prop2', 'int', 3],
        ],
        outline: ['_0 assign prop1 = context["prop2"] + 5', '_1 action p1'],
        activityCount: 2,
      },
    ],
    [
      'seed-faults.xml',
      {
        context: [],
        // A sequence's fault handlers come after its activities, the codes split at the commas.
        outline: [
          '_0 sequence',
          '_0_0 action faulty_particpant',
          '_0_faults_0 handler SomeError,AnotherError',
          '_0_faults_0_0 action some_error_cure',
          '_0_faults_1 handler default',
          '_0_faults_1_0 action general_cure',
        ],
        activityCount: 6,
      },
    ],
    [
      'seed-await.xml',
      {
        context: [['precondition', 'bool', true]], // written 1
        outline: ['_0 await fake_event_name ? context["precondition"] is True'],
        activityCount: 1,
      },
    ],
  ])('%s parses to its activities, context and count', (name, expected) => {
    const model = parseDefinition(fixture(name), { source: name });
    expect(model).toMatchObject({ kind: 'process', id: '', faults: [] });
    expect(model.name).toBeUndefined(); // these documents have no name attribute
    expect(contextOf(model)).toEqual(expected.context);
    expect(outline(model)).toEqual(expected.outline);
    expect(model.activityCount).toBe(expected.activityCount);
  });

  it('example1.xml parses to every activity, in document order', () => {
    const model = parseDefinition(fixture('example1.xml'), { source: 'example1.xml' });
    expect(contextOf(model)).toEqual([
      ['testprop1', 'bool', false], // written 0
      ['testprop2', 'str', 'hello world'],
      ['testprop3', 'int', 123456],
      ['testprop4', 'float', 0.5],
      ['testprop5', 'json', { hello: 'world' }],
      ['some_process', 'str', ''],
    ]);
    expect(outline(model)).toEqual([
      '_0 sequence',
      '_0_0 action participant1',
      '_0_1 action participant2',
      '_0_2 switch',
      '_0_2_0 case ? context["testprop1"]',
      '_0_2_0_0 action participant1',
      '_0_2_0_1 action participant2',
      '_0_2_1 case ? True',
      '_0_2_1_0 action participant1',
      '_0_2_1_1 action participant2',
      '_1 while ? context["counter"] < 4',
      '_1_0 action participant1',
      '_1_1 action participant2',
      '_2 all',
      '_2_0 action participant1',
      '_2_1 action participant2',
      '_3 delay 120s',
      '_4 call $some_process',
    ]);
    expect(model.activities[1]).toMatchObject({ context: [{ name: 'counter', type: 'int', value: 0 }] });
    // Every activity counts, cases too; the process itself does not.
    expect(model.activityCount).toBe(18);
  });

  it('the example processes shipped with the project parse', () => {
    const dir = path.join(__dirname, '../../examples/processes');
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
      expect(parseDefinition(readFileSync(path.join(dir, name), 'utf8'), { source: name }).kind).toBe(
        'process',
      );
    }
  });

  it('example1 keeps its structure and typed context', () => {
    const model = parseDefinition(fixture('example1.xml'));
    expect(model.name).toBe('example1');
    expect(model.activities.map((a) => a.kind)).toEqual(['sequence', 'while', 'all', 'delay', 'call']);
    expect(model.context.find((p) => p.name === 'testprop5')?.value).toEqual({ hello: 'world' });
    expect(model.context.find((p) => p.name === 'some_process')?.value).toBe(''); // not "None"
  });

  it('reports the published README example, with its tag typo, as malformed at the typo', () => {
    expect(problemsOf(fixture('seed-fault-typo.xml'))).toEqual([
      "6:47 malformed XML: Expected closing tag 'condition' (opened in line 6, col 13) instead of closing tag 'context'.",
    ]);
  });
});

describe('parseDefinition: validation problems', () => {
  const wrap = (body: string) => `<process>\n  ${body}\n</process>`;

  it.each([
    [
      '<sequence>\n    <action/>\n  </sequence>',
      '3:5 process/sequence[1]/action[1]: missing attribute "participant"',
    ],
    [
      '<action participant="p" color="red"/>',
      '2:27 process/action[1]: unknown attribute "color" on <action> (allowed: participant, queue, timeout, retries, heartbeat)',
    ],
    ['<bogus/>', '2:3 process/bogus[1]: unknown element <bogus>'],
    [
      '<call process="sub"/>',
      '2:9 process/call[1]: process must name a context property holding the definition, like "$subprocess", got "sub"',
    ],
    [
      '<delay duration="-1"/>',
      '2:10 process/delay[1]: duration must be a non-negative number of seconds, got "-1"',
    ],
    ['<delay duration="5m"/>', 'duration must be a non-negative number of seconds, got "5m"'],
    ['<delay/>', 'process/delay[1]: missing attribute "duration"'],
    ['<await/>', 'process/await[1]: missing attribute "event"'],
    ['<assign property="x"/>', 'process/assign[1]: <assign> needs an expression'],
    ['<assign property="inst:fault">1</assign>', 'property "inst:fault" is reserved'],
    [
      '<case><condition>True</condition></case>',
      'process/case[1]: <case> is only allowed in <switch> or <faults>, not in <process>',
    ],
    ['<sequence><case/></sequence>', '<case> is only allowed in <switch> or <faults>, not in <sequence>'],
    [
      '<condition>True</condition>',
      '<condition> is not allowed in <process> (only in case, while, await and foreach)',
    ],
    ['<all><condition>True</condition></all>', '<condition> is not allowed in <all>'],
    [
      '<action participant="p"><condition>True</condition></action>',
      '<condition> is not allowed inside <action> (it takes no content)',
    ],
    [
      '<switch><action participant="p"/></switch>',
      '<action> is not allowed in <switch> (only <case> elements are)',
    ],
    ['<switch><case><action participant="p"/></case></switch>', '<case> needs at least one <condition>'],
    ['<while><action participant="p"/></while>', '<while> needs at least one <condition>'],
    [
      '<await event="e"><action participant="p"/></await>',
      '<action> is not allowed in <await> (only <condition>)',
    ],
    ['<foreach select="a..b"/>', 'select must be a dotted path'],
    [
      '<property name="x" type="int">1</property>',
      '<property> is only allowed in <context>, not in <process>',
    ],
    ['<default/>', '<default> is only allowed in <faults>'],
    ['<context><property type="int">1</property></context>', 'missing attribute "name"'],
    ['<context><property name="x">1</property></context>', 'missing attribute "type"'],
    ['<context><property name="x" type="date">1</property></context>', 'unknown property type "date"'],
    [
      '<context><property name="x" type="int">1.5</property></context>',
      'value of int property "x" is not an integer: "1.5"',
    ],
    [
      '<context><property name="x" type="int">99999999999999999999</property></context>',
      'outside the JSON-safe integer range',
    ],
    [
      '<context><property name="x" type="float">abc</property></context>',
      'value of float property "x" is not a number: "abc"',
    ],
    [
      '<context><property name="x" type="bool">yes</property></context>',
      'must be 0 or 1 (or true/false), got "yes"',
    ],
    [
      '<context><property name="x" type="json">{nope}</property></context>',
      'value of json property "x" is not valid JSON',
    ],
    [
      '<context><property name="x" type="int"></property></context>',
      'value of int property "x" is not an integer: ""',
    ],
    [
      '<context><property name="x" type="int">1</property><property name="x" type="int">2</property></context>',
      'property "x" is declared twice',
    ],
    [
      '<context><faults><case><action participant="p"/></case></faults></context>',
      'context[1]/faults[1]/case[1]: missing attribute "code"',
    ],
    [
      '<context><faults><case code=","/></faults></context>',
      'fault codes must be a comma-separated list of names, got ","',
    ],
    ['<context><faults><default/><default/></faults></context>', 'more than one <default> in <faults>'],
    ['<context><faults><action participant="p"/></faults></context>', '<action> is not allowed in <faults>'],
    [
      '<context><action participant="p"/></context>',
      '<action> is not allowed in <context> (only <property> and <faults>)',
    ],
    ['<context/><context/>', '<process> has more than one <context>'],
    ['<action participant="p">hello</action>', 'unexpected text "hello" inside <action>'],
    ['hello <action participant="p"/>', 'unexpected text "hello" inside <process>'],
    ['<fault message="a &nbsp; b"/>', '2:21 process/fault[1]: undefined entity &nbsp;'],
    [
      '<switch><case><condition>context["a"] &gt; </condition></case></switch>',
      'invalid expression "context[\\"a\\"] >": unexpected end of expression',
    ],
    [
      '<switch><case><condition>context.__class__</condition></case></switch>',
      '2:35 process/switch[1]/case[1]/condition[1]: invalid expression "context.__class__": attribute access is not allowed',
    ],
    [
      '<assign property="x">\n    __import__("os").system("rm -rf /")</assign>',
      '3:5 process/assign[1]: invalid expression',
    ],
    ['<switch><case><condition>event["x"]</condition></case></switch>', 'unknown name "event"'],
  ])('%s', (body, expected) => {
    const problems = problemsOf(wrap(body));
    expect(problems.some((p) => p.includes(expected))).toBe(true);
  });

  it('rejects a root other than <process>', () => {
    expect(problemsOf('<sequence/>')).toEqual([
      '1:1 sequence: the root element must be <process>, not <sequence>',
    ]);
  });

  it('reports every problem at once, in document order', () => {
    const problems = problemsOf(
      wrap(
        '<action/>\n  <delay duration="x"/>\n  <bogus/>\n  <switch><case><condition>1 +</condition></case></switch>',
      ),
    );
    expect(problems).toHaveLength(4);
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['2:3', '3:10', '4:3', '5:31']);
  });

  it('throws a DefinitionError carrying the problems and the file name', () => {
    try {
      parseDefinition('<process><action/></process>', { source: 'bad.xml' });
      throw new Error('expected a DefinitionError');
    } catch (err) {
      expect(err).toBeInstanceOf(DefinitionError);
      const error = err as DefinitionError;
      expect(error.problems).toHaveLength(1);
      expect(error.message).toContain('bad.xml: invalid process definition (1 problem)');
      expect(error.message).toContain('1:10 process/action[1]: missing attribute "participant"');
    }
  });

  it('rejects input that is not text', () => {
    expect(() => parseDefinition(42 as unknown as string)).toThrow(DefinitionError);
  });
});

describe('parseDefinition: unsafe and oversized XML', () => {
  it('rejects DOCTYPE declarations (billion laughs)', () => {
    const lol = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<process><fault message="&lol2;"/></process>`;
    expect(problemsOf(lol)).toEqual([
      '2:1 DOCTYPE declarations are not allowed (entity expansion and external entities are unsafe)',
    ]);
  });

  it('rejects external entities', () => {
    const xxe =
      '<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><process><fault message="&xxe;"/></process>';
    expect(problemsOf(xxe)[0]).toContain('DOCTYPE declarations are not allowed');
  });

  it('decodes only the predefined entities and character references', () => {
    const model = parseDefinition(
      '<process><fault code="E" message="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;"/></process>',
    );
    expect(model.activities[0]).toMatchObject({ message: `<>&"'AB` });
  });

  it('limits the size', () => {
    const big = `<process>${'<!-- padding -->'.repeat(400_000)}</process>`;
    expect(problemsOf(big)).toEqual(['1:1 definition larger than 5 MB']);
  });

  it('limits the nesting depth', () => {
    const deep = `<process>${'<sequence>'.repeat(MAX_DEPTH)}${'</sequence>'.repeat(MAX_DEPTH)}</process>`;
    expect(problemsOf(deep)[0]).toContain(`elements nested deeper than ${MAX_DEPTH} levels`);
    const ok = `<process>${'<sequence>'.repeat(MAX_DEPTH - 1)}${'</sequence>'.repeat(MAX_DEPTH - 1)}</process>`;
    expect(parseDefinition(ok).activityCount).toBe(MAX_DEPTH - 1);
  });

  it('limits the element count', () => {
    const many = `<process>${'<fault/>'.repeat(MAX_ELEMENTS)}</process>`;
    expect(problemsOf(many)).toEqual([`1:1 definition has more than ${MAX_ELEMENTS} elements`]);
  });
});

describe('parseDefinition: per-action options', () => {
  it('reads queue, timeout, retries and heartbeat of actions and the timeout of awaits', () => {
    const model = parseDefinition(
      '<process><action participant="a" queue=" py " timeout="30" retries="3" heartbeat="0.5"/>' +
        '<action participant="b"/><await event="e" timeout="3600"/></process>',
    );
    expect(model.activities[0]).toMatchObject({ queue: 'py', timeout: 30, retries: 3, heartbeat: 0.5 });
    expect(model.activities[1]).not.toHaveProperty('queue');
    expect(model.activities[1]).not.toHaveProperty('retries');
    expect(model.activities[2]).toMatchObject({ kind: 'await', event: 'e', timeout: 3600 });
  });

  it('reports invalid values at their attribute with line:col', () => {
    expect(
      problemsOf(
        '<process>\n<action participant="a" timeout="0" retries="-1"\n heartbeat="x" queue=""/>\n' +
          '<await event="e" timeout="1s"/></process>',
      ),
    ).toEqual([
      '2:25 process/action[1]: timeout must be a positive number of seconds, got "0"',
      '2:37 process/action[1]: retries must be a whole number from 0 to 9999 (attempts after the first), got "-1"',
      '3:2 process/action[1]: heartbeat must be a positive number of seconds, got "x"',
      '3:16 process/action[1]: queue must not be empty',
      '4:18 process/await[1]: timeout must be a positive number of seconds, got "1s"',
    ]);
  });

  it("reads an await's correlation key as an expression over context, and reports a bad one at its attribute", () => {
    const model = parseDefinition(`<process><await event="paid" key="context['order_id']"/></process>`);
    expect(model.activities[0]).toMatchObject({ kind: 'await', key: { source: "context['order_id']" } });
    expect(
      problemsOf(
        '<process>\n<await event="e" key="context[" />\n<await event="f" key="event[1]"/>\n<await event="g" key=""/></process>',
      ),
    ).toEqual([
      expect.stringMatching(
        /^2:18 process\/await\[1\]: invalid expression in key="context\[" at position \d+: /,
      ),
      expect.stringMatching(
        /^3:18 process\/await\[2\]: invalid expression in key="event\[1\]" at position 1: .*event/,
      ),
      "4:18 process/await[3]: key must not be empty (an expression such as context['order_id'])",
    ]);
  });
});

describe('parseDefinition: <call definition="name" version="n">', () => {
  it('reads both forms: a property holding the definition, or a deployed definition (latest or pinned)', () => {
    const model = parseDefinition(
      '<process><call process="$sub"/><call definition=" shipping "/>' +
        '<call definition="billing.v2" version=" 3 "/></process>',
    );
    expect(model.activities).toEqual([
      expect.objectContaining({ kind: 'call', id: '_0', property: 'sub' }),
      expect.objectContaining({ kind: 'call', id: '_1', deployed: { name: 'shipping' } }),
      expect.objectContaining({ kind: 'call', id: '_2', deployed: { name: 'billing.v2', version: 3 } }),
    ]);
    expect(model.activities[0]).not.toHaveProperty('deployed');
    expect(model.activities[1]).not.toHaveProperty('property');
    expect(model.activities[2]).not.toHaveProperty('property');
  });

  it('reports a bad name, a bad version, both forms, neither, and a version without definition', () => {
    expect(
      problemsOf(
        '<process>\n<call definition="-bad name"/>\n<call definition="ok" version="0"/>\n' +
          '<call definition="ok" version="1.5"/>\n<call process="$p" definition="ok"/>\n<call/>\n' +
          '<call process="$p" version="2"/>\n<call version="2"/></process>',
      ),
    ).toEqual([
      '2:7 process/call[1]: definition "-bad name" cannot name a deployed definition: use 1 to 200 letters, digits, "_", "-" or ".", starting with a letter or digit',
      '3:23 process/call[2]: version must be a whole number from 1, got "0"',
      '4:23 process/call[3]: version must be a whole number from 1, got "1.5"',
      '5:20 process/call[4]: <call> takes either process="$property" or definition="name", not both',
      '6:1 process/call[5]: <call> needs process="$property" (a definition held in the context) or definition="name" (a deployed one)',
      '7:20 process/call[6]: version is only allowed with definition="name" (it pins a deployed definition\'s version)',
      '8:1 process/call[7]: <call> needs process="$property" (a definition held in the context) or definition="name" (a deployed one)',
      '8:7 process/call[7]: version is only allowed with definition="name" (it pins a deployed definition\'s version)',
    ]);
  });

  it('accepts definition and version on <call> only', () => {
    expect(problemsOf('<process><action participant="a" definition="x" version="1"/></process>')).toEqual([
      '1:34 process/action[1]: unknown attribute "definition" on <action> (allowed: participant, queue, timeout, retries, heartbeat)',
      '1:49 process/action[1]: unknown attribute "version" on <action> (allowed: participant, queue, timeout, retries, heartbeat)',
    ]);
    expect(problemsOf('<process><call definition="x" retries="1"/></process>')).toEqual([
      '1:31 process/call[1]: unknown attribute "retries" on <call> (allowed: process, definition, version)',
    ]);
  });
});
