// The modules of the workflow bundle, found from the code rather than kept by hand: the import graph from the
// bundle's entries (`workflows/index.ts`, and `workflows/testing.ts` for the test kit's bundle; see
// `src/worker/workflow-bundle.ts`) through relative imports. Used by `eslint.config.mjs` (the sandbox rule's
// files) and by `test/unit/sandbox.test.ts` (which fails on a Node built-in or a package outside the allowed
// set). Only imports that emit code are followed: `import type`, `export type` and imports whose every
// binding is `type` are erased by the compiler, so they never reach the bundle.
'use strict';

const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.join(__dirname, '..');

/**
 * The entries of the bundles `npm run build` writes (lib/workflow-bundle.js, lib/testing-bundle.js), and
 * their workflow interceptor module (`workflows/tracing.ts`, bundled into both).
 */
const ENTRIES = ['workflows/index.ts', 'workflows/testing.ts', 'workflows/tracing.ts'];

/** The TypeScript file a relative specifier names (`x.ts` or `x/index.ts`), or undefined. */
function resolveRelative(from, specifier) {
  const base = path.resolve(path.dirname(from), specifier);
  return [base, `${base}.ts`, path.join(base, 'index.ts')].find(
    (file) => file.endsWith('.ts') && existsSync(file),
  );
}

/** Whether an import or export-from declaration is erased when compiled (it only carries types). */
function typeOnly(statement) {
  if (ts.isExportDeclaration(statement)) {
    if (statement.isTypeOnly) return true;
    const clause = statement.exportClause;
    return (
      clause !== undefined &&
      ts.isNamedExports(clause) &&
      clause.elements.length > 0 &&
      clause.elements.every((e) => e.isTypeOnly)
    );
  }
  const clause = statement.importClause;
  if (clause === undefined) return false; // `import 'x'`: kept for its side effects
  if (clause.isTypeOnly) return true;
  if (clause.name !== undefined) return false;
  const bindings = clause.namedBindings;
  return (
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** Every specifier `file` imports with code: static imports, export-from, `require()` and `import()`. */
function importsOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier) && !typeOnly(node)) found.push(node.moduleSpecifier.text);
      return;
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (!node.isTypeOnly && ts.isStringLiteral(expression)) found.push(expression.text);
      return;
    }
    if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `file` relative to the package root, with forward slashes. */
function relativeName(file, root) {
  return path.relative(root, file).split(path.sep).join('/');
}

/**
 * The workflow bundle's modules: a Map from each project file reached (relative to `root`, sorted) to what it
 * imports with code: `packages`, its bare specifiers (`@temporalio/workflow`, `node:fs`, `fs`);
 * `files`, the project files its relative imports resolve to; `unresolved`, relative specifiers that name no
 * TypeScript file (a walk that loses its way must not pass in silence).
 */
function workflowModules(root = ROOT, entries = ENTRIES) {
  const modules = new Map();
  const queue = entries.map((entry) => path.join(root, entry));
  while (queue.length > 0) {
    const file = queue.shift();
    const name = relativeName(file, root);
    if (modules.has(name)) continue;
    const info = { packages: [], files: [], unresolved: [] };
    modules.set(name, info);
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith('.')) {
        if (!info.packages.includes(specifier)) info.packages.push(specifier);
        continue;
      }
      const target = resolveRelative(file, specifier);
      if (target === undefined) {
        info.unresolved.push(specifier);
        continue;
      }
      const targetName = relativeName(target, root);
      if (!info.files.includes(targetName)) info.files.push(targetName);
      queue.push(target);
    }
  }
  return new Map([...modules].sort(([a], [b]) => a.localeCompare(b)));
}

/** The project files of the workflow bundle, relative to the package root (for eslint's `files:`). */
function workflowFiles(root = ROOT) {
  return [...workflowModules(root).keys()];
}

/** The package a bare specifier names: `@scope/name` or `name` (`@temporalio/common/lib/time` → `@temporalio/common`). */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

module.exports = { ENTRIES, workflowModules, workflowFiles, importsOf, packageName };
