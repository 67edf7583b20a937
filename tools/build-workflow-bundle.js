#!/usr/bin/env node
// Part of `npm run build`: writes the prebuilt workflow bundles — lib/workflow-bundle.js, which createWorker
// loads, and lib/testing-bundle.js, the test kit's (the same workflows plus its event script).
'use strict';

const { writeFileSync } = require('node:fs');
const path = require('node:path');
const bundles = require('../lib/src/worker/workflow-bundle');

async function build(file, entry) {
  const started = performance.now();
  const code = await bundles.buildWorkflowBundle(undefined, entry);
  writeFileSync(path.join(__dirname, '..', file), code);
  const kib = Math.round(code.length / 1024);
  process.stderr.write(
    `workflow bundle: ${file} (${kib} KiB, ${Math.round(performance.now() - started)} ms)\n`,
  );
}

(async () => {
  await build(bundles.WORKFLOW_BUNDLE_FILE, bundles.workflowsPath());
  await build(bundles.TESTING_BUNDLE_FILE, bundles.testingWorkflowsPath());
})().catch((err) => {
  process.stderr.write(`workflow bundle failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
