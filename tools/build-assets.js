#!/usr/bin/env node
// Part of `npm run build`, after tsc: writes lib/console/app.js (the console's browser script, its types
// stripped from src/console/browser/app.ts; `npm run typecheck` checks them against the DOM and the API's
// schemas) and lib/openapi.json (the HTTP API's OpenAPI document, built from the routes' schemas, shipped
// in the package as `bureaucrat-temporal/openapi.json`).
'use strict';

const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.join(__dirname, '..');

function buildConsoleScript() {
  const source = readFileSync(path.join(root, 'src/console/browser/app.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, removeComments: false },
    fileName: 'app.ts',
  });
  mkdirSync(path.join(root, 'lib/console'), { recursive: true });
  writeFileSync(path.join(root, 'lib/console/app.js'), outputText);
}

async function buildOpenApi() {
  const { openApiDocument } = require('../lib/src/api/app');
  const document = await openApiDocument();
  writeFileSync(path.join(root, 'lib/openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
}

buildConsoleScript();
buildOpenApi().catch((err) => {
  process.stderr.write(`build-assets failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
