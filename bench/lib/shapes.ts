// The process shapes the benchmark compares, each as Bureaucrat XML and as the hand-written workflow of
// test/workflows/handwritten.ts that does the same work (same activities, same options). `processes` is how
// many run per batch (fewer for long shapes, so that every batch takes about as long).
/** A process shape: its XML, its hand-written twin (workflow type and arguments), its batch size. */
export interface Shape {
  key: string;
  name: string;
  xml: string;
  hand: { type: string; args: unknown[] };
  processes: number;
  /** The throughput ratio (interpreter / hand-written) the shape is expected to reach. */
  target: number;
}

const action = '<action participant="noop"/>';
const items = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export const shapes: Shape[] = [
  {
    key: 'sequence10',
    name: '10-action sequence',
    xml: `<process>${action.repeat(10)}</process>`,
    hand: { type: 'handSequence', args: [10] },
    processes: 200,
    target: 0.95,
  },
  {
    key: 'all3x5',
    name: '3-branch all × 5 actions',
    xml: `<process><all>${`<sequence>${action.repeat(5)}</sequence>`.repeat(3)}</all></process>`,
    hand: { type: 'handAll', args: [3, 5] },
    processes: 150,
    target: 0.95,
  },
  {
    key: 'while20',
    name: '20-iteration while',
    xml: `<process><context><property name="counter" type="int">0</property></context>
      <while><condition>context["counter"] &lt; 20</condition>${action}
        <assign property="counter">context["counter"] + 1</assign></while></process>`,
    hand: { type: 'handWhile', args: [20] },
    processes: 100,
    target: 0.95,
  },
  {
    key: 'foreach50',
    name: 'foreach over 50 items',
    xml: `<process><context><property name="items" type="json">${JSON.stringify(items(50))}</property></context>
      <foreach select="items">${action}</foreach></process>`,
    hand: { type: 'handForeach', args: [items(50)] },
    processes: 50,
    target: 0.95,
  },
  {
    key: 'expr20',
    name: 'expression loop: 20 × (switch, 3 assigns, action)',
    xml: `<process><context><property name="counter" type="int">0</property>
        <property name="total" type="int">0</property><property name="mode" type="str">none</property>
        <property name="last" type="str">none</property></context>
      <while><condition>context["counter"] &lt; 20</condition>
        <switch><case><condition>context["counter"] % 2 == 0</condition><assign property="mode">"even"</assign></case>
          <case><condition>True</condition><assign property="mode">"odd"</assign></case></switch>
        <assign property="total">context["total"] + context["counter"]</assign>
        ${action}
        <assign property="counter">context["counter"] + 1</assign>
        <assign property="last">context["mode"]</assign></while></process>`,
    hand: { type: 'handExpressionLoop', args: [20] },
    processes: 100,
    target: 0.95,
  },
  {
    key: 'call5',
    name: 'call of a 5-action sub-process',
    xml: `<process><context><property name="sub" type="str"><![CDATA[<process>${action.repeat(5)}</process>]]></property></context>
      <call process="$sub"/></process>`,
    hand: { type: 'handCall', args: [5] },
    processes: 100,
    target: 0.95,
  },
];
