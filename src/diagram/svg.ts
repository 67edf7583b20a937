/**
 * Lays out a flow graph with dagre (a layered graph layout) and draws it as one self-contained SVG: inline
 * styles, no fonts or images to fetch, so that it renders the same in a README, a browser or a file viewer.
 *
 * Every activity node is a `<g class="node" data-id="_1" data-kind="await" data-state="active">`, so that
 * the console and its tests can read the states off the picture.
 */
import { graphlib, layout } from '@dagrejs/dagre';
import type { ActivityState } from '../protocol';
import { buildFlow, type FlowEdge, type FlowGraph, type FlowNode } from './flow';
import type { DiagramTree } from './tree';

/** Fill and stroke of each state (the same meaning as `bureaucrat status`'s colours). */
export const STATE_COLOURS: Record<ActivityState, { fill: string; stroke: string }> = {
  ready: { fill: '#f4f4f5', stroke: '#71717a' },
  active: { fill: '#fde68a', stroke: '#b45309' },
  completed: { fill: '#bbf7d0', stroke: '#15803d' },
  aborting: { fill: '#fecaca', stroke: '#b91c1c' },
  aborted: { fill: '#fca5a5', stroke: '#991b1b' },
  canceling: { fill: '#e9d5ff', stroke: '#7e22ce' },
  canceled: { fill: '#d8b4fe', stroke: '#6b21a8' },
};

const NEUTRAL = { fill: '#ffffff', stroke: '#334155' };
const CHAR_WIDTH = 6.8; // 12px sans-serif, a generous average so that labels fit
const LINE_HEIGHT = 15;
const ICON = 36; // the circles' and diamonds' size
const PAD = 16;

interface Box {
  readonly width: number;
  readonly height: number;
}

const textWidth = (lines: readonly string[]): number =>
  Math.max(0, ...lines.map((line) => line.length * CHAR_WIDTH));

/** Boxes draw their text inside; circles and diamonds draw it underneath. */
const boxed = (node: FlowNode): boolean =>
  node.shape === 'task' || node.shape === 'call' || node.shape === 'marker' || node.shape === 'handler';

function sizeOf(node: FlowNode): Box {
  if (boxed(node)) {
    return {
      width: Math.max(textWidth(node.lines) + 24, 90),
      height:
        node.shape === 'task' || node.shape === 'call'
          ? 20 + node.lines.length * LINE_HEIGHT
          : 14 + node.lines.length * LINE_HEIGHT,
    };
  }
  return {
    width: Math.max(ICON, textWidth(node.lines) + 8),
    height: ICON + 4 + node.lines.length * LINE_HEIGHT,
  };
}

/** Options of {@link renderSvg}. */
export interface SvgOptions {
  /** A title line at the top (e.g. the file name or the process id). */
  readonly title?: string;
}

/** The SVG picture of a process tree (a definition, or a process with its states). */
export function renderSvg(tree: DiagramTree, options: SvgOptions = {}): string {
  return renderFlow(buildFlow(tree), options, tree.state !== undefined);
}

/** graphlib keys: the process's own id is `""`, which graphlib does not take as a node name. */
const keyOf = (key: string): string => `n${key}`;

interface Placed {
  readonly x: number;
  readonly y: number;
}

/** Lays out and draws a flow graph; `legend` adds the state colours' key. */
export function renderFlow(flow: FlowGraph, options: SvgOptions = {}, legend = false): string {
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 36, edgesep: 12, marginx: PAD, marginy: PAD });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of flow.nodes) g.setNode(keyOf(node.key), { ...sizeOf(node) });
  flow.edges.forEach((edge, i) => {
    const label = edge.label
      ? { label: edge.label, width: textWidth([edge.label]), height: 14, labelpos: 'c' }
      : {};
    g.setEdge(keyOf(edge.from), keyOf(edge.to), { ...label }, `e${i}`);
  });
  layout(g);

  const header = (options.title ? 26 : 0) + (legend ? 24 : 0);
  const graph = g.graph();
  const width = Math.ceil(
    Math.max(
      graph.width ?? 0,
      legend ? 640 : 0,
      options.title ? textWidth([options.title]) * 1.2 + 2 * PAD : 0,
    ),
  );
  const height = Math.ceil((graph.height ?? 0) + header);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="bureaucrat-diagram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    `<style>.node text{fill:#0f172a}.label{fill:#334155;font-size:11px}.edge{fill:none;stroke:#475569;stroke-width:1.4}.edge.back{stroke:#2563eb;stroke-dasharray:6 3}.edge.fault{stroke:#b91c1c;stroke-dasharray:4 3}.title{font-size:15px;font-weight:bold;fill:#0f172a}</style>`,
    '<defs>',
    arrow('arrow', '#475569'),
    arrow('arrow-back', '#2563eb'),
    arrow('arrow-fault', '#b91c1c'),
    '</defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  let top = 0;
  if (options.title) {
    parts.push(`<text class="title" x="${PAD}" y="20">${escapeXml(options.title)}</text>`);
    top += 26;
  }
  if (legend) {
    parts.push(drawLegend(top));
    top += 24;
  }
  parts.push(`<g transform="translate(0 ${top})">`);
  flow.edges.forEach((edge, i) => {
    const placed = g.edge({ v: keyOf(edge.from), w: keyOf(edge.to), name: `e${i}` }) as {
      points?: { x: number; y: number }[];
      x?: number;
      y?: number;
    };
    parts.push(
      drawEdge(
        edge,
        placed.points ?? [],
        placed.x !== undefined ? { x: placed.x, y: placed.y ?? 0 } : undefined,
      ),
    );
  });
  for (const node of flow.nodes) {
    const placed = g.node(keyOf(node.key)) as Placed;
    parts.push(drawNode(node, placed, sizeOf(node)));
  }
  parts.push('</g></svg>');
  return parts.join('\n');
}

function arrow(id: string, colour: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`;
}

function drawLegend(top: number): string {
  const items = (Object.keys(STATE_COLOURS) as ActivityState[]).map((state, i) => {
    const x = PAD + i * 88;
    const { fill, stroke } = STATE_COLOURS[state];
    return `<rect x="${x}" y="${top + 6}" width="12" height="12" rx="2" fill="${fill}" stroke="${stroke}"/><text class="label" x="${x + 16}" y="${top + 16}">${state}</text>`;
  });
  return `<g class="legend">${items.join('')}</g>`;
}

function drawEdge(edge: FlowEdge, points: readonly { x: number; y: number }[], at?: Placed): string {
  if (points.length === 0) return '';
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(p.x)},${round(p.y)}`).join(' ');
  const marker = edge.style === 'flow' ? 'arrow' : `arrow-${edge.style}`;
  const label =
    edge.label && at
      ? `<text class="label" x="${round(at.x)}" y="${round(at.y + 4)}" text-anchor="middle" paint-order="stroke" stroke="#ffffff" stroke-width="3">${escapeXml(edge.label)}</text>`
      : '';
  return `<g class="edge-group"><path class="edge ${edge.style}" d="${d}" marker-end="url(#${marker})"/>${label}</g>`;
}

function drawNode(node: FlowNode, at: Placed, box: Box): string {
  const colours = node.state ? STATE_COLOURS[node.state] : NEUTRAL;
  const attrs = [
    'class="node"',
    node.activityId !== undefined ? `data-id="${escapeXml(node.activityId)}"` : `data-role="${node.kind}"`,
    `data-kind="${node.kind}"`,
    node.state ? `data-state="${node.state}"` : '',
    node.iteration !== undefined ? `data-iteration="${node.iteration}"` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const tooltip =
    node.lines.length > 0
      ? `<title>${escapeXml([...node.lines, node.state ?? ''].filter(Boolean).join('\n'))}</title>`
      : '';
  const body = boxed(node) ? drawBox(node, at, box, colours) : drawIcon(node, at, box, colours);
  return `<g ${attrs}>${tooltip}${body}</g>`;
}

function drawBox(node: FlowNode, at: Placed, box: Box, c: { fill: string; stroke: string }): string {
  const x = round(at.x - box.width / 2);
  const y = round(at.y - box.height / 2);
  const radius = node.shape === 'marker' || node.shape === 'handler' ? box.height / 2 : 8;
  const dash = node.shape === 'handler' ? ' stroke-dasharray="5 3"' : '';
  const stroke = node.shape === 'handler' && !node.state ? '#b91c1c' : c.stroke;
  const parts = [
    `<rect x="${x}" y="${y}" width="${round(box.width)}" height="${round(box.height)}" rx="${round(radius)}" fill="${c.fill}" stroke="${stroke}" stroke-width="1.5"${dash}/>`,
  ];
  if (node.shape === 'call') {
    parts.push(
      `<rect x="${x + 3}" y="${y + 3}" width="${round(box.width - 6)}" height="${round(box.height - 6)}" rx="6" fill="none" stroke="${c.stroke}" stroke-width="1"/>`,
    );
  }
  parts.push(textLines(node.lines, at.x, y + (box.height - node.lines.length * LINE_HEIGHT) / 2 + 11));
  return parts.join('');
}

function drawIcon(node: FlowNode, at: Placed, box: Box, c: { fill: string; stroke: string }): string {
  const cx = round(at.x);
  const cy = round(at.y - box.height / 2 + ICON / 2);
  const r = ICON / 2 - 1;
  const parts: string[] = [];
  switch (node.shape) {
    case 'gateway':
    case 'loop': {
      const d = `M${cx},${cy - r} L${cx + r},${cy} L${cx},${cy + r} L${cx - r},${cy} z`;
      parts.push(`<path d="${d}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.5"/>`);
      const symbol = node.shape === 'loop' ? '↻' : (node.symbol ?? '');
      parts.push(
        `<text x="${cx}" y="${cy + 6}" text-anchor="middle" font-size="17" font-weight="bold">${symbol}</text>`,
      );
      break;
    }
    case 'start':
      parts.push(
        `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.5"/>`,
      );
      break;
    case 'end':
      parts.push(
        `<circle cx="${cx}" cy="${cy}" r="${r - 1}" fill="${c.fill}" stroke="#0f172a" stroke-width="4"/>`,
      );
      break;
    case 'fault':
      parts.push(
        `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${c.fill}" stroke="#b91c1c" stroke-width="3.5"/>`,
        `<path d="M${cx + 3},${cy - 10} L${cx - 5},${cy + 2} L${cx},${cy + 2} L${cx - 3},${cy + 10} L${cx + 5},${cy - 2} L${cx},${cy - 2} z" fill="#b91c1c"/>`,
      );
      break;
    case 'event':
      parts.push(
        `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.5"/>`,
        `<circle cx="${cx}" cy="${cy}" r="${r - 3}" fill="none" stroke="${c.stroke}" stroke-width="1.2"/>`,
        `<rect x="${cx - 8}" y="${cy - 5}" width="16" height="11" fill="none" stroke="${c.stroke}" stroke-width="1.2"/>`,
        `<path d="M${cx - 8},${cy - 5} L${cx},${cy + 1} L${cx + 8},${cy - 5}" fill="none" stroke="${c.stroke}" stroke-width="1.2"/>`,
      );
      break;
    case 'timer':
    default:
      parts.push(
        `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.5"/>`,
        `<circle cx="${cx}" cy="${cy}" r="${r - 3}" fill="none" stroke="${c.stroke}" stroke-width="1.2"/>`,
        `<path d="M${cx},${cy - 9} L${cx},${cy} L${cx + 6},${cy + 4}" fill="none" stroke="${c.stroke}" stroke-width="1.6"/>`,
      );
  }
  parts.push(textLines(node.lines, at.x, cy + r + 15));
  return parts.join('');
}

function textLines(lines: readonly string[], x: number, firstBaseline: number): string {
  return lines
    .map(
      (line, i) =>
        `<text x="${round(x)}" y="${round(firstBaseline + i * LINE_HEIGHT)}" text-anchor="middle"${i === 0 ? ' font-weight="bold"' : ''}>${escapeXml(line)}</text>`,
    )
    .join('');
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** Escapes text for SVG/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
