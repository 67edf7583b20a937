import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A code block of the README that the consumer test uses: a file to write, or shell lines to run. */
export type ReadmeBlock =
  | { readonly kind: 'file'; readonly path: string; readonly code: string }
  | { readonly kind: 'run'; readonly code: string };

/**
 * The README's consumer blocks, in order: each fenced block right after a `<!-- consumer: file PATH -->` or
 * `<!-- consumer: run -->` comment. The test runs these verbatim, so the documentation cannot drift from
 * the API.
 */
export function readmeConsumerBlocks(readme = path.join(__dirname, '../../README.md')): ReadmeBlock[] {
  const text = readFileSync(readme, 'utf8');
  const pattern = /<!-- consumer: (file (\S+)|run) -->\n```[a-z]*\n([\s\S]*?)\n```/g;
  const blocks: ReadmeBlock[] = [];
  for (const match of text.matchAll(pattern)) {
    const [, , file, code = ''] = match;
    blocks.push(file ? { kind: 'file', path: file, code: `${code}\n` } : { kind: 'run', code });
  }
  return blocks;
}
