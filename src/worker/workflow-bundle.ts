/**
 * The interpreter and the event router, bundled once when the package is built (`lib/workflow-bundle.js`)
 * instead of by webpack every time a worker starts: a worker with the prebuilt bundle polls in a fraction of
 * a second, and prints nothing about bundling.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { WORKER_HOOKS_GLOBAL, type HookName } from '../hooks';
import { packageRoot } from '../server/package-root';
import { WORKER_SUMMARIES_GLOBAL, WORKFLOW_TRACING_GLOBAL } from '../bundle-flags';

/** Where the build puts the prebuilt bundle, relative to the package root. */
export const WORKFLOW_BUNDLE_FILE = 'lib/workflow-bundle.js';

/** Where the build puts the test kit's bundle (the workflows plus its event script). */
export const TESTING_BUNDLE_FILE = 'lib/testing-bundle.js';

/** The prebuilt bundle of this package's workflows, or undefined when the package was not built. */
export function prebuiltWorkflowBundle():
  | {
      /** The bundle's file: pass the object as `WorkerOptions.workflowBundle`. */
      codePath: string;
    }
  | undefined {
  return prebuilt(WORKFLOW_BUNDLE_FILE);
}

/** The test kit's prebuilt bundle, or undefined when the package was not built. */
export function prebuiltTestingBundle(): { codePath: string } | undefined {
  return prebuilt(TESTING_BUNDLE_FILE);
}

function prebuilt(file: string): { codePath: string } | undefined {
  const codePath = path.join(packageRoot(), file);
  return existsSync(codePath) ? { codePath } : undefined;
}

/**
 * `bundle` (its code, or the file holding it) telling its workflows that the worker has exactly `hooks`
 * (see `WORKER_HOOKS_GLOBAL`): they then build no occurrence of the others.
 */
export async function withWorkerHooks(
  bundle:
    | {
        /** The bundle's code. */
        readonly code: string;
      }
    | {
        /** The file holding the bundle's code. */
        readonly codePath: string;
      },
  hooks: readonly HookName[],
): Promise<{
  /** The bundle's code with the declaration of `hooks`. */
  code: string;
}> {
  return withGlobal(await bundleCode(bundle), WORKER_HOOKS_GLOBAL, `Object.freeze(${JSON.stringify(hooks)})`);
}

/** A bundle's code: given, or read from its file. */
export async function bundleCode(
  bundle: { readonly code: string } | { readonly codePath: string },
): Promise<{ code: string }> {
  return { code: 'code' in bundle ? bundle.code : await readFile(bundle.codePath, 'utf8') };
}

/**
 * `bundle`'s code switched to tracing (see `workflows/tracing.ts`): the statement goes before its inline
 * source map, as {@link withWorkerHooks}'s does.
 */
export function withWorkflowTracing(bundle: { readonly code: string }): { code: string } {
  return withGlobal(bundle, WORKFLOW_TRACING_GLOBAL, 'true');
}

/**
 * `bundle`'s code with the Web UI summaries of actions and delays off, for every process it runs (see
 * `WORKER_SUMMARIES_GLOBAL`). Summaries are no part of a workflow's commands as replay compares them, so a
 * worker may switch them either way while processes run.
 */
export function withoutSummaries(bundle: { readonly code: string }): { code: string } {
  return withGlobal(bundle, WORKER_SUMMARIES_GLOBAL, 'false');
}

/**
 * `bundle`'s code setting global `name` to the value of `expression` once it has loaded. The statement
 * goes after the bundle's code and before its inline source map, so that no mapped position moves.
 */
function withGlobal(bundle: { readonly code: string }, name: string, expression: string): { code: string } {
  const { code } = bundle;
  const declaration = `\n;globalThis.${name} = ${expression};\n`;
  const at = codeEnd(code);
  return { code: code.slice(0, at) + declaration + code.slice(at) };
}

/** Where a bundle's code ends: before its inline source map, or at its end when it has none. */
function codeEnd(code: string): number {
  const sourceMap = code.lastIndexOf('\n//# sourceMappingURL=');
  return sourceMap >= 0 ? sourceMap : code.length;
}

/** The bundle's workflow interceptor module (`workflows/tracing`), which traces when told to. */
export function tracingInterceptorsPath(): string {
  return require.resolve('../../workflows/tracing');
}

/**
 * The ECMAScript built-ins a bundle's code reads, bound once as the parameters of a function wrapped around
 * the bundle. In the V8 context a workflow runs in, every read of a global name goes through Node's
 * interceptor on the context's global object: about 0.2 µs, tens of times a read of a variable, and the
 * interpreter reads `Object`, `Array` or `JSON` at every step. Only built-ins that keep their identity for
 * the life of the context are bound: the SDK replaces `Date`, `setTimeout`, `clearTimeout`, `WeakRef` and
 * `FinalizationRegistry` when the bundle loads (those stay global reads), and patches `Math.random` on the
 * `Math` object itself.
 */
const BOUND_BUILTINS = [
  'Object',
  'Array',
  'JSON',
  'Math',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Number',
  'String',
  'Boolean',
  'Symbol',
  'BigInt',
  'Reflect',
  'Promise',
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'RegExp',
  'Uint8Array',
  'Infinity',
  'NaN',
  // The global object itself: the SDK reads the running workflow's state from it at every call.
  'globalThis',
] as const;

/** How webpack's bundle for the SDK begins: the library variable the SDK reads from the context. */
const BUNDLE_PROLOGUE = 'var __TEMPORAL__;';

/**
 * `code`, a workflow bundle from `bundleWorkflowCode`, with {@link BOUND_BUILTINS} bound once (see there).
 * The wrapper opens on the bundle's first line, after its library variable (which must stay global), and
 * closes after its code, before its inline source map: no mapped line moves.
 */
export function withBuiltinsBound(code: string): string {
  if (!code.startsWith(BUNDLE_PROLOGUE)) {
    throw new Error(
      `not a workflow bundle from bundleWorkflowCode: it does not begin with ${BUNDLE_PROLOGUE}`,
    );
  }
  const names = BOUND_BUILTINS.join(', ');
  const end = codeEnd(code);
  return (
    `${BUNDLE_PROLOGUE}(function (${names}) {` +
    code.slice(BUNDLE_PROLOGUE.length, end) +
    `\n})(${names});` +
    code.slice(end)
  );
}

/** The entry module of this package's workflows (`workflows/index`), for bundling them yourself. */
export function workflowsPath(): string {
  return require.resolve('../../workflows');
}

/** The entry module of the test kit's workflows (`workflows/testing`). */
export function testingWorkflowsPath(): string {
  return require.resolve('../../workflows/testing');
}

/**
 * Bundles this package's workflows (the build does it once; see {@link prebuiltWorkflowBundle}). Webpack's
 * progress goes to `logger` (silent by default). Source maps name files relative to the package, so stack
 * traces from a bundle built elsewhere still read `bureaucrat-temporal/workflows/interpreter.ts`.
 */
export async function buildWorkflowBundle(
  logger: Logger = silentLogger,
  entry: string = workflowsPath(),
): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: entry,
    logger,
    preloadModules: sharedWorkflowModules(),
    workflowInterceptorModules: [tracingInterceptorsPath()],
    webpackConfigHook: (config) => ({
      ...config,
      output: { ...config.output, devtoolModuleFilenameTemplate: moduleFileName },
    }),
  });
  return withBuiltinsBound(code);
}

const root = packageRoot();

/** The modules shared between workflows, relative to the code root (see below). */
const SHARED_MODULES = [
  'src/definition',
  'src/expression',
  'src/scope',
  'src/protocol',
  'src/process-start',
  'src/search-attributes',
  'src/deployed',
  'src/routes',
  'src/context-size',
  // The workflows themselves, the interpreter and every kind with them.
  'workflows/index',
];

/**
 * The modules every workflow of a worker thread shares (the SDK's `preloadModules`). The SDK evaluates a
 * workflow's modules again for each workflow started: the definition parser and the expression language
 * (with the XML reader's tables) cost a process more CPU to evaluate than running a 10-action sequence,
 * and the interpreter's classes, made anew for each process, left V8's caches of them cold and its
 * collector busy. None of these modules holds per-workflow state at module level (each process's state
 * lives in the objects its workflow function creates; `test/unit/shared-modules.test.ts` checks it), and
 * the Temporal APIs they call find the running workflow when called, never when loaded; so one evaluation
 * per worker thread serves every workflow. The SDK deep-freezes what they export. `codeRoot`: the directory holding `src/` (the compiled `lib/`
 * by default; the repository root when bundling the TypeScript sources, as the benchmark does).
 */
export function sharedWorkflowModules(codeRoot: string = path.join(__dirname, '..', '..')): string[] {
  return SHARED_MODULES.map((m) => path.join(codeRoot, m));
}

/**
 * A source-map file name that does not depend on where the package was built: `<package>/<path>` for
 * dependencies (`@temporalio/workflow/src/…`), `bureaucrat-temporal/<path>` for this package's own files.
 */
function moduleFileName(info: { absoluteResourcePath: string }): string {
  const relative = path.relative(root, info.absoluteResourcePath).split(path.sep).join('/');
  if (relative.startsWith('../') || path.isAbsolute(relative)) return info.absoluteResourcePath;
  const dependency = relative.lastIndexOf('node_modules/');
  return dependency >= 0
    ? relative.slice(dependency + 'node_modules/'.length)
    : `bureaucrat-temporal/${relative}`;
}

const ignore = (): void => undefined;

/** A logger that drops everything: bundling is the build's business, not the user's console's. */
export const silentLogger: Logger = {
  log: ignore,
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
};
