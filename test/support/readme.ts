import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A code block of the documentation that the consumer test uses: a file to write, or shell lines to run. */
export type ReadmeBlock =
  | { readonly kind: 'file'; readonly path: string; readonly code: string }
  | { readonly kind: 'run'; readonly code: string };

const repo = path.join(__dirname, '../..');

/**
 * The documentation the consumer blocks live in, in a fixed order: the README, then every `docs/*.md` by
 * file name.
 */
export function documentationFiles(root = repo): string[] {
  const docs = readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((f) => path.join(root, 'docs', f));
  return [path.join(root, 'README.md'), ...docs];
}

/**
 * The consumer blocks of the README and the guides in `docs/`, in order: each fenced block right after a
 * `<!-- consumer: file PATH -->` or `<!-- consumer: run -->` comment. The test runs these verbatim, so the
 * documentation cannot drift from the API.
 */
export function readmeConsumerBlocks(files = documentationFiles()): ReadmeBlock[] {
  const pattern = /<!-- consumer: (file (\S+)|run) -->\n```[a-z]*\n([\s\S]*?)\n```/g;
  const blocks: ReadmeBlock[] = [];
  for (const doc of files) {
    const text = readFileSync(doc, 'utf8');
    for (const match of text.matchAll(pattern)) {
      const [, , file, code = ''] = match;
      blocks.push(file ? { kind: 'file', path: file, code: `${code}\n` } : { kind: 'run', code });
    }
  }
  return blocks;
}
