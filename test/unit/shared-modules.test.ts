/**
 * The modules a worker thread shares between its workflows (`sharedWorkflowModules`, the SDK's
 * `preloadModules`) are evaluated once and then used by every workflow of the thread: a module-level
 * variable or container there would carry one process's state into another. This walks every module they
 * import and fails on module-level mutable state that is not on the list below, with its reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { sharedWorkflowModules } from '../../src/worker/workflow-bundle';

const root = path.join(__dirname, '..', '..');

/** Module-level containers known to be safe to share, `file: name`, and why. */
const ALLOWED: Record<string, string> = {
  'src/definition/model-cache.ts: models':
    'parsed models by definition text: the same text parses to the same model in every workflow',
  'workflows/kinds/action.ts: computed':
    'activity options by action node: a pure function of the node and the process options',
  'workflows/node-states.ts: descendantLists':
    'descendant ids by loop node: a pure function of the node (models never change)',
  'src/definition/reader.ts: activitySet': 'a constant set of element names, never changed',
  'src/expression/parser.ts: KEYWORDS': 'a constant set of keywords, never changed',
  'src/expression/parser.ts: builtinSet': 'a constant set of built-in names, never changed',
  'src/definition/lint/directives.ts: RULE_WORDS': 'a constant set of lint rule words, never changed',
  'src/definition/xml.ts: parser': "fast-xml-parser's parser: options only, no state between parses",
};

/** The TypeScript file a module specifier resolves to. */
function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((file) => existsSync(file));
}

/** Every project module the shared modules import, type-only imports left out. */
function sharedFiles(): string[] {
  const seen = new Set<string>();
  const queue = sharedWorkflowModules(root).map((m) => resolve(root, m) ?? m);
  while (queue.length) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
      if (ts.isImportDeclaration(statement) ? statement.importClause?.isTypeOnly : statement.isTypeOnly)
        continue;
      const specifier = statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
      const target = resolve(file, specifier.text);
      if (target) queue.push(target);
    }
  }
  return [...seen].sort();
}

/** `let`/`var` declarations and `new` containers at module level, as `file: name`. */
function mutableState(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const relative = path.relative(root, file).split(path.sep).join('/');
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
    for (const declaration of statement.declarationList.declarations) {
      const name = declaration.name.getText(source);
      const init = declaration.initializer;
      const container = init !== undefined && ts.isNewExpression(init);
      if (!isConst || container) found.push(`${relative}: ${name}`);
    }
  }
  return found;
}

describe('modules shared between workflows', () => {
  const files = sharedFiles();

  it('include the interpreter and every kind', () => {
    const relative = files.map((f) => path.relative(root, f).split(path.sep).join('/'));
    expect(relative).toEqual(
      expect.arrayContaining([
        'workflows/interpreter.ts',
        'workflows/process.ts',
        'workflows/kinds/action.ts',
      ]),
    );
  });

  it('hold no module-level state but the containers listed, each with its reason', () => {
    const state = files.flatMap(mutableState);
    expect(state.filter((entry) => !(entry in ALLOWED))).toEqual([]);
    // The list stays true: an entry whose container is gone is removed.
    expect(Object.keys(ALLOWED).filter((entry) => !state.includes(entry))).toEqual([]);
  });
});
