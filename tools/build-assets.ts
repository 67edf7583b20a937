// Part of `npm run build`, after tsc (which compiles this file to lib/tools/): writes lib/console/app.js
// (the console's browser script, its types stripped from src/console/browser/app.ts; `npm run typecheck`
// checks them against the DOM and the API's schemas) and lib/openapi.json (the HTTP API's OpenAPI
// document, built from the routes' schemas, shipped in the package as `bureaucrat-temporal/openapi.json`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { openApiDocument } from '../src/internal';
import { fromRoot } from '../bench/lib/stats';

function buildConsoleScript(): void {
  const source = readFileSync(fromRoot('src/console/browser/app.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, removeComments: false },
    fileName: 'app.ts',
  });
  mkdirSync(fromRoot('lib/console'), { recursive: true });
  writeFileSync(fromRoot('lib/console/app.js'), outputText);
}

async function buildOpenApi(): Promise<void> {
  const document = await openApiDocument();
  writeFileSync(fromRoot('lib/openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
}

buildConsoleScript();
buildOpenApi().catch((err: unknown) => {
  process.stderr.write(`build-assets failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
