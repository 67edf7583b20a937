/**
 * The workflow sandbox, enforced from the code: the import graph from the bundles' entries (the same walk
 * that gives eslint's sandbox rule its files, tools/workflow-modules.js) must reach no Node built-in, no
 * package outside the few the workflows may use, and no project file outside `workflows/` and the `src/`
 * modules that import nothing else. The rule is "a reached module may not import Node or a client, worker
 * or activity package", not a list of files: a module becomes subject to it by being imported.
 */
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ENTRIES, packageName, workflowModules } from '../../tools/workflow-modules';

const root = path.join(__dirname, '..', '..');

/**
 * The packages a workflow module may import, and why each one is there. A package here must run in
 * Temporal's sandbox (no Node API, deterministic).
 */
const ALLOWED_PACKAGES: Record<string, { readonly why: string; readonly subpaths: boolean }> = {
  '@temporalio/workflow': {
    why: 'the workflow API itself: signals, queries, timers, activities',
    subpaths: false,
  },
  '@temporalio/common': {
    // workflows/kinds/action.ts reads `msToNumber` from `@temporalio/common/lib/time`, which the root
    // entry does not export; `lib/…` is the same package's sandbox-safe code.
    why: 'types and helpers shared by the workflow API (search attribute keys, durations)',
    subpaths: true,
  },
  '@temporalio/interceptors-opentelemetry': {
    // workflows/tracing.ts requires `lib/workflow-interceptors` (the SDK's OpenTelemetry workflow
    // interceptors, made for the sandbox) only when the worker traces.
    why: 'the OpenTelemetry workflow interceptors of a traced worker (workflows/tracing.ts)',
    subpaths: true,
  },
  'fast-xml-parser': {
    // src/definition/xml.ts: the interpreter parses the process definition inside the workflow (the
    // definition text is the workflow's input), and fast-xml-parser is pure JavaScript with no Node API.
    why: 'the XML reader of the definition parser, which runs in the workflow',
    subpaths: false,
  },
};

/** The packages a bundle may hold besides those: what the allowed packages depend on themselves. */
const TRANSITIVE_PACKAGES: Record<string, string> = {
  long: "@temporalio/common's 64-bit integers (protobuf timestamps)",
  ms: "@temporalio/common's duration strings",
  'nexus-rpc': "@temporalio/common's and @temporalio/workflow's Nexus operation types",
  '@opentelemetry/api': "@temporalio/interceptors-opentelemetry's tracing API",
  '@opentelemetry/core': "@temporalio/interceptors-opentelemetry's span exporter and the SDK's tracer",
  '@opentelemetry/resources': "@opentelemetry/sdk-trace-base's resources",
  '@opentelemetry/sdk-trace-base': "@temporalio/interceptors-opentelemetry's tracer inside the workflow",
  '@opentelemetry/semantic-conventions': "@opentelemetry/sdk-trace-base's attribute names",
};

const BUILTINS = new Set(builtinModules);

/** Why importing `specifier` breaks the sandbox, or undefined when it may be imported. */
function refusal(specifier: string): string | undefined {
  if (specifier.startsWith('node:')) return 'a Node built-in';
  if (BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0])) return 'a Node built-in';
  const name = packageName(specifier);
  const allowed = ALLOWED_PACKAGES[name];
  if (!allowed) return `a package outside the sandbox (allowed: ${Object.keys(ALLOWED_PACKAGES).join(', ')})`;
  if (specifier !== name && !(allowed.subpaths && specifier.startsWith(`${name}/lib/`)))
    return `a subpath of ${name} that is not allowed`;
  return undefined;
}

/** Whether a project file may be part of the bundle at all (where it lives). */
const inSandboxTree = (file: string): boolean => file.startsWith('workflows/') || file.startsWith('src/');

describe('the workflow sandbox', () => {
  const modules = workflowModules(root);
  const files = [...modules.keys()];
  const srcFiles = files.filter((f) => f.startsWith('src/'));

  it('walks from the bundles’ entries and resolves every relative import', () => {
    expect(ENTRIES).toEqual(['workflows/index.ts', 'workflows/testing.ts', 'workflows/tracing.ts']);
    for (const entry of ENTRIES) expect(files).toContain(entry);
    // Modules of the interpreter that the walk must find through re-exports and kinds.
    expect(files).toEqual(expect.arrayContaining(['workflows/interpreter.ts', 'workflows/kinds/action.ts']));
    const unresolved = [...modules].flatMap(([file, m]) => m.unresolved.map((s) => `${file}: '${s}'`));
    expect(unresolved).toEqual([]);
  });

  it('reaches no Node built-in and no package outside the allowed ones', () => {
    const problems: string[] = [];
    for (const [file, m] of modules) {
      for (const specifier of m.packages) {
        const why = refusal(specifier);
        if (why) problems.push(`${file} imports '${specifier}': ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('reaches no project file outside workflows/ and src/', () => {
    expect(files.filter((f) => !inSandboxTree(f))).toEqual([]);
  });

  it('still needs every allowed package (an unused one is taken off the list)', () => {
    const used = new Set([...modules.values()].flatMap((m) => m.packages.map(packageName)));
    expect(Object.keys(ALLOWED_PACKAGES).filter((p) => !used.has(p))).toEqual([]);
  });

  // One test per src/ module reached, so that the run lists them: they are in the sandbox by being imported.
  it.each(srcFiles)('src module in the bundle: %s', (file) => {
    const m = modules.get(file);
    expect(m?.packages.filter((s) => refusal(s) !== undefined)).toEqual([]);
  });
});

describe('the walk', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A throwaway tree of TypeScript files: `{ 'a.ts': 'source' }`. */
  function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-walk-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  }

  it('follows imports, export-from, require and import() through .ts and /index.ts', () => {
    const dir = tree({
      'w/index.ts': "export { a } from './a';\nimport './side';",
      'w/a.ts': "import { b } from '../lib';\nexport const a = b + require('./c').c;",
      'w/side.ts': "void import('./d');\nimport x from 'pkg/sub';\nvoid x;",
      'w/c.ts': "import 'node:fs';\nexport const c = 1;",
      'w/d.ts': "export * from './missing';",
      'lib/index.ts': 'export const b = 1;',
    });
    const modules = workflowModules(dir, ['w/index.ts']);
    expect([...modules.keys()]).toEqual([
      'lib/index.ts',
      'w/a.ts',
      'w/c.ts',
      'w/d.ts',
      'w/index.ts',
      'w/side.ts',
    ]);
    expect(modules.get('w/index.ts')?.files).toEqual(['w/a.ts', 'w/side.ts']);
    expect(modules.get('w/side.ts')?.packages).toEqual(['pkg/sub']);
    expect(modules.get('w/c.ts')?.packages).toEqual(['node:fs']);
    expect(modules.get('w/d.ts')?.unresolved).toEqual(['./missing']);
  });

  it('leaves out what the compiler erases: type-only imports and exports', () => {
    const dir = tree({
      'index.ts': [
        "import type { A } from './a';",
        "import { type B } from './b';",
        "export type { C } from './c';",
        "export { type D } from './d';",
        "import { type E, e } from './e';",
        "import type { F } from '@temporalio/client';",
        'export type T = A | B | E;',
        'void e;',
      ].join('\n'),
      'a.ts': 'export type A = 1;',
      'b.ts': 'export type B = 1;',
      'c.ts': 'export type C = 1;',
      'd.ts': 'export type D = 1;',
      'e.ts': 'export type E = 1; export const e = 1;',
    });
    const modules = workflowModules(dir, ['index.ts']);
    expect([...modules.keys()]).toEqual(['e.ts', 'index.ts']);
    expect(modules.get('index.ts')?.packages).toEqual([]);
  });
});

/**
 * The bundle the build writes (`npm run build`, tools/build-workflow-bundle.ts): webpack's module ids are
 * its modules. The SDK's bundler maps disallowed modules to empty ones and lists them as `… (ignored)`;
 * an external would be a `require()` of the module left in the code.
 */
const BUNDLE = path.join(root, 'lib', 'workflow-bundle.js');
const withBundle = existsSync(BUNDLE) ? describe : describe.skip;

withBundle('the built workflow bundle (lib/workflow-bundle.js)', () => {
  const code = existsSync(BUNDLE) ? readFileSync(BUNDLE, 'utf8') : '';
  const ids = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"$/gm)].map((m) => m[1]);

  it('holds only the allowed packages and what they depend on', () => {
    const packages = new Set(
      ids.flatMap((id) => {
        const at = id.lastIndexOf('node_modules/');
        return at >= 0 ? [packageName(id.slice(at + 'node_modules/'.length))] : [];
      }),
    );
    const allowed = new Set([...Object.keys(ALLOWED_PACKAGES), ...Object.keys(TRANSITIVE_PACKAGES)]);
    expect([...packages].filter((p) => !allowed.has(p))).toEqual([]);
    expect(packages.has('@temporalio/workflow')).toBe(true);
  });

  it('neither requires nor stubs out a Node built-in', () => {
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required.filter((s) => s.startsWith('node:') || BUILTINS.has(s))).toEqual([]);
    expect(code).not.toMatch(/__WEBPACK_EXTERNAL_MODULE/);
    // Only the SDK's optional converters, which this package does not set, are stubbed out.
    const ignored = [...code.matchAll(/!\*\*\* (\S+) \(ignored\) \*\*\*!/g)].map((m) => m[1]);
    expect(ignored.sort()).toEqual([
      '__temporal_custom_failure_converter',
      '__temporal_custom_payload_converter',
    ]);
  });

  it('holds no project module the walk from workflows/index.ts and workflows/tracing.ts misses', () => {
    // The bundle is built from the compiled lib/ (`npm run build`): a module whose source is gone since is
    // left out, and the walk may find modules added since. What the bundle holds, the walk must find, or
    // eslint's sandbox rule would not look at it.
    const walked = new Set(workflowModules(root, ['workflows/index.ts', 'workflows/tracing.ts']).keys());
    const bundled = ids
      .filter((id) => id.startsWith('./lib/'))
      .map((id) => id.slice('./lib/'.length).replace(/\.js$/, '.ts'))
      .filter((file) => existsSync(path.join(root, file)));
    expect(bundled.length).toBeGreaterThan(0);
    expect(bundled.filter((file) => !walked.has(file))).toEqual([]);
  });
});
