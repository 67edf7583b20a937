#!/usr/bin/env node
// Part of `npm run build`: writes lib/workflow-bundle.js, the workflows that createWorker loads prebuilt.
'use strict';

const { writeFileSync } = require('node:fs');
const path = require('node:path');
const { buildWorkflowBundle, WORKFLOW_BUNDLE_FILE } = require('../lib/src/worker/workflow-bundle');

const started = performance.now();
buildWorkflowBundle().then(
  (code) => {
    const file = path.join(__dirname, '..', WORKFLOW_BUNDLE_FILE);
    writeFileSync(file, code);
    const kib = Math.round(code.length / 1024);
    process.stderr.write(
      `workflow bundle: ${WORKFLOW_BUNDLE_FILE} (${kib} KiB, ${Math.round(performance.now() - started)} ms)\n`,
    );
  },
  (err) => {
    process.stderr.write(`workflow bundle failed: ${err.stack ?? err}\n`);
    process.exit(1);
  },
);
