/**
 * The XSD (schema/bureaucrat.xsd) and the parser agree: on the corpus (the examples, the fixtures) and on
 * generated variants, a definition is valid for xmllint exactly when it is valid for parseDefinition —
 * except for what XSD 1.0 cannot check (expression syntax, property values against their type), where the
 * schema must accept what only the parser rejects.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ACTIVITY_KINDS, checkDefinition } from '../../src/definition';

const root = path.join(__dirname, '../..');
const SCHEMA = path.join(root, 'schema/bureaucrat.xsd');

/** Problems the schema cannot see, by message: expression syntax and typed property values. */
const PARSER_ONLY = [/^invalid expression /, /^value of (int|float|bool|json) property /];

/** Runs xmllint on `files` at once; returns the files it found valid. Fails loudly when it is missing. */
function xmllintValid(files: readonly string[]): Set<string> {
  const run = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, ...files], { encoding: 'utf8' });
  if (run.error) {
    throw new Error(
      `xmllint is needed to check the schema and could not run (${run.error.message}): ` +
        "install Debian's libxml2-utils (apt-get install -y libxml2-utils; .ci/run does)",
    );
  }
  if (/failed to compile|WXS schema .* failed/.test(run.stderr))
    throw new Error(`the schema is broken:\n${run.stderr}`);
  const valid = new Set<string>();
  for (const line of run.stderr.split('\n')) {
    const m = / validates$/.exec(line);
    if (m) valid.add(line.slice(0, m.index));
  }
  return valid;
}

const corpusFiles = (dir: string) =>
  readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => path.join(root, dir, f));

const p = (body: string, context = '') =>
  `<process>${context && `<context>${context}</context>`}${body}</process>`;
const A = '<action participant="a"/>';
const C = '<condition>True</condition>';

/** Variants that both must accept. */
const VALID: Record<string, string> = {
  'schema binding': `<process xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="bureaucrat.xsd">${A}</process>`,
  'empty process': '<process/>',
  'context after activities': `<process>${A}<context><property name="x" type="int">1</property></context>${A}</process>`,
  'context before the condition': p(`<while><context/>${A}${C}${A}</while>`),
  'context between conditions': p(`<while>${C}${A}<context/>${C}</while>`),
  'case with its context first': p(`<switch><case><context/>${C}${A}</case><case>${C}</case></switch>`),
  'white space and comments in an empty element': p(
    '<action participant="a">\n  <!-- nothing -->\n</action>',
  ),
  'empty blocks': p('<sequence/><all/><switch/>'),
  'foreach with and without filter': p(
    `<foreach select="o.lines">${A}</foreach><foreach select="l">${C}<context/></foreach>`,
  ),
  'await with and without conditions': p(
    '<await event="e"/><await event=" e "><condition>event["x"]</condition></await>',
  ),
  'await with a correlation key': p(`<await event="e" key="context['order_id']"/>`),
  'default first, properties after faults': p(
    A,
    '<faults><default/><case code="A, B"><context/></case></faults><property name="x" type="str"/>',
  ),
  'fault, delay and call forms': p(
    '<fault/><fault code="" message="m"/><delay duration=" 0.5 "/><delay duration="7"/><call process="$sub"/>',
  ),
  'per-action options': p(
    '<action participant="a" queue="billing-py" timeout="30" retries="0" heartbeat="0.5"/>' +
      '<action participant="b" timeout=" 00.10 " retries="9999"/><await event="e" timeout="3600"/>',
  ),
  'names with spaces kept': p(
    '<assign property=" x ">1</assign>',
    '<property name=" y" type="str"></property>',
  ),
};

/** Variants that both must reject. */
const INVALID: Record<string, string> = {
  'wrong root': `<sequence>${A}</sequence>`,
  'unknown element': p('<foo/>'),
  'unknown attribute': p('<action participant="a" priority="1"/>'),
  'unknown process attribute': '<process version="2"/>',
  'default namespace': '<process xmlns="urn:x"/>',
  'missing participant': p('<action/>'),
  'blank participant': p('<action participant="  "/>'),
  'blank event': p('<await event=""/>'),
  'blank await key': p('<await event="e" key=" "/>'),
  'two contexts': p(`<sequence><context/>${A}<context/></sequence>`),
  'two contexts in a while': p(`<while><context/>${C}<context/></while>`),
  'condition in a sequence': p(`<sequence>${C}${A}</sequence>`),
  'while without condition': p(`<while>${A}</while>`),
  'case without condition': p(`<switch><case>${A}</case></switch>`),
  'case outside switch': p(`<case>${C}</case>`),
  'activity in a switch': p(`<switch>${A}</switch>`),
  'context in a switch': p('<switch><context/></switch>'),
  'two defaults': p(A, '<faults><default/><default/></faults>'),
  'two faults sections': p(A, '<faults/><faults/>'),
  'faults outside context': p(`<sequence><faults/>${A}</sequence>`),
  'default outside faults': p('<default/>'),
  'attribute on default': p(A, '<faults><default code="X"/></faults>'),
  'handler without code': p(A, '<faults><case/></faults>'),
  'empty fault code': p(A, '<faults><case code="A,,B"/></faults>'),
  'condition in a handler': p(A, `<faults><case code="A">${C}</case></faults>`),
  'duplicate property': p('', '<property name="x" type="int">1</property><property name="x" type="str"/>'),
  'unknown property type': p('', '<property name="x" type="integer">1</property>'),
  'missing property type': p('', '<property name="x">1</property>'),
  'empty property name': p('', '<property name="" type="str"/>'),
  'reserved property name': p('', '<property name="inst:x" type="str"/>'),
  'reserved assign': p('<assign property="inst:fault">1</assign>'),
  'blank assign': p('<assign property=" ">1</assign>'),
  'element in a property': p('', '<property name="x" type="str"><b/></property>'),
  'negative delay': p('<delay duration="-1"/>'),
  'delay with unit': p('<delay duration="1s"/>'),
  'delay in exponent form': p('<delay duration="1e3"/>'),
  'call without $': p('<call process="sub"/>'),
  'call of $ alone': p('<call process="$"/>'),
  'call with a space': p('<call process="$a b"/>'),
  'empty select segment': p(`<foreach select="a..b">${A}</foreach>`),
  'empty select': p(`<foreach select="">${A}</foreach>`),
  'zero action timeout': p('<action participant="a" timeout="0"/>'),
  'zero heartbeat': p('<action participant="a" heartbeat="0.0"/>'),
  'timeout with unit': p('<action participant="a" timeout="30s"/>'),
  'negative retries': p('<action participant="a" retries="-1"/>'),
  'fractional retries': p('<action participant="a" retries="1.5"/>'),
  'too many retries': p('<action participant="a" retries="10000"/>'),
  'blank queue': p('<action participant="a" queue=" "/>'),
  'zero await timeout': p('<await event="e" timeout="0"/>'),
  'timeout on a delay': p('<delay duration="1" timeout="2"/>'),
  'text in an action': p('<action participant="a">go</action>'),
  'element in an action': p(`<action participant="a">${A}</action>`),
  'text in a sequence': p('<sequence>hello</sequence>'),
  'activity in an await': p(`<await event="e">${A}</await>`),
  'context in an await': p('<await event="e"><context/></await>'),
  'empty condition': p('<while><condition> </condition></while>'),
  'element in a condition': p('<while><condition><b/></condition></while>'),
  'empty assign': p('<assign property="x"></assign>'),
};

/** Variants only the parser rejects: the schema must accept them. */
const PARSER_ONLY_VARIANTS: Record<string, string> = {
  'expression syntax': p('<while><condition>context[</condition></while>'),
  'assign syntax': p('<assign property="x">1 +</assign>'),
  'int value': p('', '<property name="x" type="int">abc</property>'),
  'bool value': p('', '<property name="x" type="bool">yes</property>'),
  'json value': p('', '<property name="x" type="json">{</property>'),
};

describe('schema/bureaucrat.xsd and the parser agree', () => {
  let dir: string;
  const variantFiles = new Map<string, { kind: 'valid' | 'invalid' | 'parser-only'; name: string }>();
  let valid: Set<string>;
  const corpus = [
    ...corpusFiles('examples/processes'),
    ...corpusFiles('test/fixtures/definitions'),
    ...corpusFiles('test/fixtures/cli'),
  ];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bureaucrat-schema-'));
    const write = (kind: 'valid' | 'invalid' | 'parser-only', variants: Record<string, string>) =>
      Object.entries(variants).forEach(([name, xml], i) => {
        const file = path.join(dir, `${kind}-${i}.xml`);
        writeFileSync(file, `<?xml version="1.0"?>\n${xml}\n`);
        variantFiles.set(file, { kind, name });
      });
    write('valid', VALID);
    write('invalid', INVALID);
    write('parser-only', PARSER_ONLY_VARIANTS);
    valid = xmllintValid([...corpus, ...variantFiles.keys()]);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The parser's verdict: valid, invalid, or invalid only for what the schema cannot check. */
  function parserVerdict(file: string): 'valid' | 'invalid' | 'parser-only' {
    const { definition, problems } = checkDefinition(readFileSync(file, 'utf8'));
    if (definition) return 'valid';
    return problems.every((pr) => PARSER_ONLY.some((re) => re.test(pr.message))) ? 'parser-only' : 'invalid';
  }

  it('on the corpus: examples and fixtures', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(10);
    const disagreements = corpus
      .map((file) => ({
        file: path.relative(root, file),
        parser: parserVerdict(file),
        schema: valid.has(file),
      }))
      .filter(({ parser, schema }) => schema !== (parser !== 'invalid'));
    expect(disagreements).toEqual([]);
    // The corpus holds both kinds.
    expect(corpus.filter((f) => valid.has(f)).length).toBeGreaterThan(0);
    expect(corpus.filter((f) => !valid.has(f)).length).toBeGreaterThan(0);
  });

  it('on generated variants, each of which the parser judges as intended', () => {
    const results = [...variantFiles].map(([file, { kind, name }]) => ({
      name,
      intended: kind,
      parser: parserVerdict(file),
      schema: valid.has(file) ? 'valid' : 'invalid',
    }));
    expect(results.filter((r) => r.parser !== r.intended)).toEqual([]);
    expect(results.filter((r) => (r.schema === 'valid') !== (r.parser !== 'invalid'))).toEqual([]);
  });
});

describe('schema/bureaucrat.xsd', () => {
  const xsd = readFileSync(SCHEMA, 'utf8');

  it('declares every element of the language, each with documentation', () => {
    for (const name of [
      ...ACTIVITY_KINDS,
      'process',
      'context',
      'property',
      'faults',
      'default',
      'case',
      'condition',
    ])
      expect(xsd).toContain(`<xs:element name="${name}"`);
    const declarations = [...xsd.matchAll(/<xs:element name="([^"]+)"[^>]*?(\/?)>\s*(<xs:annotation>)?/g)];
    expect(
      declarations
        .filter(([, , selfClosing, annotation]) => selfClosing || !annotation)
        .map(([, name]) => name),
    ).toEqual([]);
  });

  it('ships with the package', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema');
  });
});
