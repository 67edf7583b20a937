/**
 * Pictures of processes: a definition, or a running process coloured by the states of its activities.
 * Pure modules (no Node APIs): the CLI writes the SVG to a file, the console serves it.
 */
export { treeOfDefinition, treeOfSnapshot, formatSeconds, type DiagramTree } from './tree';
export {
  buildFlow,
  type FlowGraph,
  type FlowNode,
  type FlowEdge,
  type NodeShape,
  type EdgeStyle,
} from './flow';
export { renderSvg, renderFlow, escapeXml, STATE_COLOURS, type SvgOptions } from './svg';
