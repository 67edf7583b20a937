/**
 * Loads a participants module given on the command line: a JS or TS file whose default export (or export
 * `participants`) maps participant names to functions. TypeScript is transpiled with the `typescript`
 * package when it is installed (it is for this project's development).
 */
import Module from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileErrorReason } from '../definition/problems';
import type { Participants } from '../worker/participants';
import { UsageError } from './errors';

/**
 * Loads the participants of `file`; throws a {@link UsageError} naming the file and the reason when it
 * cannot be read or has no participants, and the module's own error (with the file named) when loading it
 * fails.
 */
export function loadParticipants(file: string): Participants {
  const absolute = path.resolve(file);
  try {
    if (statSync(absolute).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
  } catch (err) {
    throw new UsageError(`${file}: cannot load the participants: ${fileErrorReason(err)}`);
  }
  let loaded: Record<string, unknown>;
  try {
    // A user's module named at run time: only require() can load it into this CommonJS program.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = (absolute.endsWith('.ts') ? requireTypeScript(absolute) : require(absolute)) as Record<
      string,
      unknown
    >;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: loading the participants module failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const candidate = loaded.participants ?? loaded.default ?? loaded;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new UsageError(`${file}: export an object of participants (default export or \`participants\`)`);
  }
  const entries = Object.entries(candidate as Record<string, unknown>);
  const notFunctions = entries.filter(([, fn]) => typeof fn !== 'function').map(([name]) => name);
  if (notFunctions.length || entries.length === 0) {
    throw new UsageError(
      entries.length === 0
        ? `${file}: no participants exported`
        : `${file}: participants must be functions: ${notFunctions.join(', ')} are not`,
    );
  }
  return candidate as Participants;
}

function requireTypeScript(file: string): unknown {
  let ts: typeof import('typescript');
  try {
    // Optional at run time (a devDependency here): loaded only for .ts participant modules.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ts = require('typescript') as typeof import('typescript');
  } catch {
    throw new UsageError(
      `${file}: loading TypeScript needs the "typescript" package; install it or pass the compiled .js`,
    );
  }
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    fileName: file,
  });
  const module = new Module(file, undefined) as Module & { _compile(code: string, filename: string): void };
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(file),
  );
  module._compile(outputText, file);
  return module.exports;
}
