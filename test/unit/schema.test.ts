/**
 * The XSD (schema/bureaucrat.xsd) and the parser agree: on the corpus (the examples, the fixtures) and on
 * generated variants, a definition is valid for the schema exactly when it is valid for parseDefinition —
 * except for what XSD 1.0 cannot check (expression syntax, property values against their type), where the
 * schema must accept what only the parser rejects. Every example and fixture but the two deliberately broken
 * ones validates (what CI used to check with the system's xmllint).
 *
 * The schema is checked by libxml2's xmllint compiled to WebAssembly (the `xmllint-wasm` dev dependency):
 * no system package. (`libxml2-wasm` is ES-module-only with a top-level await, which Jest's CommonJS
 * runtime cannot load.)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { ACTIVITY_KINDS, checkDefinition } from '../../src/definition';

const root = path.join(__dirname, '../..');
const SCHEMA = 'schema/bureaucrat.xsd';
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/**
 * Problems the schema cannot see, by message: expression syntax, typed property values, and which of
 * `<call>`'s attributes go together (XSD 1.0 has no co-occurrence constraints).
 */
const PARSER_ONLY = [
  /^invalid expression /,
  /^value of (int|float|bool|json) property /,
  /^<call> takes either process="\$property" or definition="name", not both$/,
  /^<call> needs process="\$property" /,
  /^version is only allowed with definition="name" /,
];

/** A document's verdict, with xmllint's messages for it: each `name:line: message`. */
interface Verdict {
  valid: boolean;
  messages: string[];
}

/**
 * Validates `docs` (name → XML text) against `schema` in one xmllint run; the names are what the messages
 * say. Fails loudly when the schema does not compile or xmllint says nothing about a document.
 */
async function validate(
  docs: ReadonlyMap<string, string>,
  schema = { fileName: SCHEMA, contents: read(SCHEMA) },
): Promise<Map<string, Verdict>> {
  const run = await validateXML({
    schema,
    xml: [...docs].map(([fileName, contents]) => ({ fileName, contents })),
  }).catch((err: Error & { code?: number }) => {
    throw new Error(`xmllint (WebAssembly) failed with exit code ${err.code}:\n${err.message}`);
  });
  const lines = run.rawOutput.split('\n');
  return new Map(
    [...docs.keys()].map((name) => {
      const messages = lines.filter((l) => l.startsWith(`${name}:`) && /^:\d+: /.test(l.slice(name.length)));
      const validates = lines.includes(`${name} validates`);
      const fails = messages.length > 0;
      if (validates === fails) throw new Error(`xmllint's verdict on ${name} is unclear:\n${run.rawOutput}`);
      return [name, { valid: validates, messages }];
    }),
  );
}

const corpusFiles = (dir: string) =>
  readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => `${dir}/${f}`);

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
  'call of a deployed definition, latest or pinned': p(
    '<call definition="shipping"/><call definition=" billing.v2_x-1 " version=" 12 "/>' +
      '<call definition="9" version="999999999"/>',
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
  'call of a blank definition': p('<call definition=" "/>'),
  'call of a definition named with a space': p('<call definition="a b"/>'),
  'call of a definition starting with a dot': p('<call definition=".a"/>'),
  'call of a definition named too long': p(`<call definition="${'a'.repeat(201)}"/>`),
  'call of version 0': p('<call definition="a" version="0"/>'),
  'call of a fractional version': p('<call definition="a" version="1.5"/>'),
  'call of a version with a sign': p('<call definition="a" version="+1"/>'),
  'call of a version with a leading zero': p('<call definition="a" version="01"/>'),
  'call of a version too large': p('<call definition="a" version="1000000000"/>'),
  'version on another element': p('<delay duration="1" version="1"/>'),
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
  'call with both process and definition': p('<call process="$sub" definition="shipping"/>'),
  'call with neither process nor definition': p('<call/>'),
  'call of a property with a version': p('<call process="$sub" version="2"/>'),
};

describe('schema/bureaucrat.xsd and the parser agree', () => {
  type Kind = 'valid' | 'invalid' | 'parser-only';
  const variants = new Map<string, { kind: Kind; name: string; xml: string }>();
  const add = (kind: Kind, table: Record<string, string>) =>
    Object.entries(table).forEach(([name, xml], i) =>
      variants.set(`variants/${kind}-${i}.xml`, { kind, name, xml: `<?xml version="1.0"?>\n${xml}\n` }),
    );
  add('valid', VALID);
  add('invalid', INVALID);
  add('parser-only', PARSER_ONLY_VARIANTS);
  const dirs = ['examples/processes', 'test/fixtures/definitions', 'test/fixtures/cli'];
  const corpus = dirs.flatMap(corpusFiles);
  let verdicts: Map<string, Verdict>;
  const verdict = (file: string) => {
    const v = verdicts.get(file);
    if (!v) throw new Error(`no verdict on ${file}`);
    return v;
  };

  beforeAll(async () => {
    verdicts = await validate(
      new Map([
        ...corpus.map((file): [string, string] => [file, read(file)]),
        ...[...variants].map(([file, { xml }]): [string, string] => [file, xml]),
      ]),
    );
  });

  /** The parser's verdict: valid, invalid, or invalid only for what the schema cannot check. */
  function parserVerdict(xml: string): Kind {
    const { definition, problems } = checkDefinition(xml);
    if (definition) return 'valid';
    return problems.every((pr) => PARSER_ONLY.some((re) => re.test(pr.message))) ? 'parser-only' : 'invalid';
  }

  it('on the corpus: examples and fixtures', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(10);
    const disagreements = corpus
      .map((file) => ({ file, parser: parserVerdict(read(file)), schema: verdict(file) }))
      .filter(({ parser, schema }) => schema.valid !== (parser !== 'invalid'));
    expect(disagreements).toEqual([]);
  });

  it('every example and fixture validates but the two broken on purpose, whose messages name file and line', () => {
    // Each folder has definitions that validate: the corpus is read where it lives.
    for (const dir of dirs)
      expect(corpus.filter((f) => f.startsWith(`${dir}/`) && verdict(f).valid).length).toBeGreaterThan(0);
    // Failures show xmllint's messages, which name file and line.
    const invalid = corpus.filter((f) => !verdict(f).valid).sort();
    expect(Object.fromEntries(invalid.map((f) => [f, verdict(f).messages]))).toEqual({
      'test/fixtures/cli/invalid.xml': [
        "test/fixtures/cli/invalid.xml:3: Schemas validity error : Element 'action': The attribute 'participant' is required but missing.",
        "test/fixtures/cli/invalid.xml:4: Schemas validity error : Element 'while': Missing child element(s). Expected is one of ( sequence, all, action, switch, while, foreach, call, delay, await, fault ).",
      ],
      'test/fixtures/definitions/seed-fault-typo.xml': [
        'test/fixtures/definitions/seed-fault-typo.xml:6: parser error : Opening and ending tag mismatch: condition line 6 and context',
        'test/fixtures/definitions/seed-fault-typo.xml:10: parser error : Opening and ending tag mismatch: condition line 10 and context',
      ],
    });
  });

  it('on generated variants, each of which the parser judges as intended', () => {
    const results = [...variants].map(([file, { kind, name, xml }]) => ({
      name,
      intended: kind,
      parser: parserVerdict(xml),
      schema: verdict(file),
    }));
    expect(results.filter((r) => r.parser !== r.intended)).toEqual([]);
    expect(results.filter((r) => r.schema.valid !== (r.parser !== 'invalid'))).toEqual([]);
    // The variants are well-formed XML: what rejects them is the schema, at a line (validate checks the names).
    const notBySchema = [...verdicts]
      .filter(([file]) => variants.has(file))
      .flatMap(([, { messages }]) => messages)
      .filter((m) => !/^variants\/invalid-\d+\.xml:\d+: Schemas validity error : /.test(m));
    expect(notBySchema).toEqual([]);
  });
});

describe('schema/bureaucrat.xsd', () => {
  const xsd = read(SCHEMA);

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

  it('fails loudly, rather than finding everything invalid, when a schema does not compile', async () => {
    const broken = xsd.replace('type="xs:string"', 'type="xs:no-such-type"');
    expect(broken).not.toBe(xsd);
    await expect(
      validate(new Map([['example.xml', '<process/>']]), { fileName: 'broken.xsd', contents: broken }),
    ).rejects.toThrow(/broken\.xsd:\d+: .*no-such-type[^]*WXS schema broken\.xsd failed to compile/);
  });

  it('ships with the package, where the README points editors, and validates the shipped examples', async () => {
    // The listing `npm pack` would publish (no scripts: lib/ is not rebuilt under the other test files' feet).
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(pack.status).toBe(0);
    const shipped = (JSON.parse(pack.stdout) as { files: { path: string }[] }[]).flatMap((p) =>
      p.files.map((f) => f.path),
    );
    expect(shipped).toContain(SCHEMA);
    expect(read('docs/language.md')).toContain(`node_modules/bureaucrat-temporal/${SCHEMA}`);
    const examples = shipped.filter((f) => /^examples\/processes\/[^/]+\.xml$/.test(f));
    expect(examples.length).toBeGreaterThan(0);
    const verdicts = await validate(new Map(examples.map((f) => [f, read(f)])));
    expect([...verdicts].filter(([, v]) => !v.valid)).toEqual([]);
  });
});
