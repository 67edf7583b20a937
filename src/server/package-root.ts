import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The directory holding this package's `package.json`, found by walking up from this module. Works
 * both from the TypeScript sources (`src/server`) and from the compiled output (`lib/src/server`), so
 * non-code assets (launcher scripts, example definitions) are found the same way in both.
 */
export function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = parent;
  }
  return dir;
}
