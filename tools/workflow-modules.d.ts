/** What one module of the workflow bundle imports with code (see workflow-modules.js). */
export interface WorkflowModule {
  /** Bare specifiers: `@temporalio/workflow`, `@temporalio/common/lib/time`, `node:fs`. */
  readonly packages: string[];
  /** The project files its relative imports resolve to, relative to the package root. */
  readonly files: string[];
  /** Relative specifiers that resolve to no TypeScript file. */
  readonly unresolved: string[];
}

/** The bundles' entries, relative to the package root. */
export const ENTRIES: readonly string[];

/** The project files the bundles reach from `entries` (relative to `root`, sorted), and what each imports. */
export function workflowModules(root?: string, entries?: readonly string[]): Map<string, WorkflowModule>;

/** The project files the bundles reach, relative to the package root. */
export function workflowFiles(root?: string): string[];

/** The specifiers `file` imports with code (type-only imports left out). */
export function importsOf(file: string): string[];

/** The package a bare specifier names (`@temporalio/common/lib/time` → `@temporalio/common`). */
export function packageName(specifier: string): string;
