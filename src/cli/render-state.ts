/**
 * `bureaucrat status`: the state snapshot as an indented tree, one line per activity.
 */
import type { ActivitySnapshot, ActivityState } from '../protocol';

const COLOURS: Record<ActivityState, string> = {
  ready: '\x1b[2m', // dim
  active: '\x1b[33m', // yellow
  completed: '\x1b[32m', // green
  aborting: '\x1b[31m',
  aborted: '\x1b[31m', // red
  canceling: '\x1b[35m',
  canceled: '\x1b[35m', // magenta
};

/** What a node waits on or calls, as shown after its type. */
function detail(node: ActivitySnapshot): string {
  if (node.participant !== undefined) return ` ${node.participant}`;
  if (node.event !== undefined) return ` ${node.event}`;
  if (node.seconds !== undefined) return ` ${node.seconds}s`;
  if (node.process !== undefined) return ` ${node.process}`;
  if (node.definition !== undefined) return ` ${node.definition}`;
  if (node.code !== undefined) return ` ${node.code}`;
  if (node.codes !== undefined) return node.codes === null ? ' default' : ` ${node.codes.join(', ')}`;
  return '';
}

/** Renders the tree; `colour` wraps states in ANSI colours (for terminals). */
export function renderState(root: ActivitySnapshot, colour = false): string {
  const lines: string[] = [];
  const visit = (node: ActivitySnapshot, depth: number) => {
    const state = colour ? `${COLOURS[node.state]}${node.state}\x1b[0m` : node.state;
    const iteration = node.iteration !== undefined ? ` iteration ${node.iteration}` : '';
    const attempt = node.attempt !== undefined && node.attempt > 1 ? ` attempt ${node.attempt}` : '';
    const failure = node.lastFailure !== undefined ? ` (last failure: ${node.lastFailure})` : '';
    const waiting = node.waiting !== undefined ? ` — ${node.waiting}` : '';
    lines.push(
      `${'  '.repeat(depth)}${node.id} ${node.type}${detail(node)} ${state}${iteration}${attempt}${failure}${waiting}`,
    );
    for (const child of node.children) visit(child, depth + 1);
    for (const handler of node.faults) visit(handler, depth + 1);
  };
  visit(root, 0);
  const paused = root.paused;
  if (paused) {
    lines.unshift(`paused by ${paused.by} since ${paused.since}${paused.reason ? `: ${paused.reason}` : ''}`);
  }
  return lines.join('\n');
}
