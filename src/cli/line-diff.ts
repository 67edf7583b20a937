/**
 * A unified diff of two texts, line by line (`bureaucrat definitions diff`): the longest common subsequence
 * of their lines, shown as hunks with three lines of context, as `diff -u` prints them.
 */

/** One line of an edit script: kept (` `), removed (`-`) or added (`+`). */
interface Edit {
  readonly op: ' ' | '-' | '+';
  readonly line: string;
  /** 0-based line index in the old text (before this line, for an addition). */
  readonly a: number;
  /** 0-based line index in the new text (before this line, for a removal). */
  readonly b: number;
}

/** The lines of `text`; a final newline does not make an empty last line. */
function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The edit script from `a` to `b`: common prefix and suffix kept, the middle by LCS. */
function edits(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  // lcs[i][j]: the LCS length of a[start+i..endA) and b[start+j..endB), in one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[at(i, j)] =
        a[start + i] === b[start + j]
          ? lcs[at(i + 1, j + 1)] + 1
          : Math.max(lcs[at(i + 1, j)], lcs[at(i, j + 1)]);
    }
  }
  const script: Edit[] = [];
  for (let k = 0; k < start; k++) script.push({ op: ' ', line: a[k], a: k, b: k });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      script.push({ op: ' ', line: a[start + i], a: start + i, b: start + j });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[at(i, j + 1)] >= lcs[at(i + 1, j)])) {
      script.push({ op: '+', line: b[start + j], a: start + i, b: start + j });
      j++;
    } else {
      script.push({ op: '-', line: a[start + i], a: start + i, b: start + j });
      i++;
    }
  }
  for (let k = 0; k < a.length - endA; k++) {
    script.push({ op: ' ', line: a[endA + k], a: endA + k, b: endB + k });
  }
  // Removals before additions within a change, as diff prints them.
  return reorder(script);
}

/** Within each run of changes, the removals first. */
function reorder(script: Edit[]): Edit[] {
  const result: Edit[] = [];
  let k = 0;
  while (k < script.length) {
    if (script[k].op === ' ') {
      result.push(script[k++]);
      continue;
    }
    const run: Edit[] = [];
    while (k < script.length && script[k].op !== ' ') run.push(script[k++]);
    result.push(...run.filter((e) => e.op === '-'), ...run.filter((e) => e.op === '+'));
  }
  return result;
}

/** `start,count` of a hunk header (1-based; a hunk of no lines is numbered after the line before it). */
function range(start: number, count: number): string {
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/**
 * The unified diff of `before` and `after` with `---`/`+++` headers naming them; an empty string when the
 * texts have the same lines.
 */
export function unifiedLineDiff(
  before: string,
  after: string,
  labels: { readonly before: string; readonly after: string },
  context = 3,
): string {
  const script = edits(linesOf(before), linesOf(after));
  const changed = script.map((e, k) => (e.op === ' ' ? -1 : k)).filter((k) => k >= 0);
  if (!changed.length) return '';
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  // Hunks: changes at most 2 × context kept lines apart go together, with context lines around them.
  const hunks: [number, number][] = [];
  for (const c of changed) {
    const current = hunks[hunks.length - 1];
    if (current && c - current[1] <= 2 * context + 1) current[1] = c;
    else hunks.push([c, c]);
  }
  for (const [first, last] of hunks) {
    const hunk = script.slice(Math.max(0, first - context), Math.min(script.length, last + 1 + context));
    const oldCount = hunk.filter((e) => e.op !== '+').length;
    const newCount = hunk.filter((e) => e.op !== '-').length;
    out.push(`@@ -${range(hunk[0].a, oldCount)} +${range(hunk[0].b, newCount)} @@`);
    for (const e of hunk) out.push(`${e.op}${e.line}`);
  }
  return `${out.join('\n')}\n`;
}
