// The process shapes the benchmark compares, each as Bureaucrat XML and as the hand-written workflow of
// test/workflows/handwritten.ts that does the same work (same activities, same options).
'use strict';

const action = '<action participant="noop"/>';
const items = (n) => Array.from({ length: n }, (_, i) => i);

const shapes = [
  {
    key: 'sequence10',
    name: '10-action sequence',
    xml: `<process>${action.repeat(10)}</process>`,
    hand: { type: 'handSequence', args: [10] },
    target: 0.95,
  },
  {
    key: 'all3x5',
    name: '3-branch all × 5 actions',
    xml: `<process><all>${`<sequence>${action.repeat(5)}</sequence>`.repeat(3)}</all></process>`,
    hand: { type: 'handAll', args: [3, 5] },
    target: 0.9,
  },
  {
    key: 'while20',
    name: '20-iteration while',
    xml: `<process><context><property name="counter" type="int">0</property></context>
      <while><condition>context["counter"] &lt; 20</condition>${action}
        <assign property="counter">context["counter"] + 1</assign></while></process>`,
    hand: { type: 'handWhile', args: [20] },
    target: 0.9,
  },
  {
    key: 'foreach50',
    name: 'foreach over 50 items',
    xml: `<process><context><property name="items" type="json">${JSON.stringify(items(50))}</property></context>
      <foreach select="items">${action}</foreach></process>`,
    hand: { type: 'handForeach', args: [items(50)] },
    target: 0.9,
  },
];

module.exports = { shapes };
