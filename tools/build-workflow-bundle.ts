// Part of `npm run build`, after tsc (which compiles this file to lib/tools/): writes the prebuilt workflow
// bundles — lib/workflow-bundle.js, which createWorker loads, and lib/testing-bundle.js, the test kit's (the
// same workflows plus its event script).
import { writeFileSync } from 'node:fs';
import { buildWorkflowBundle, workflowsPath, WORKFLOW_BUNDLE_FILE } from '../src';
import { testingWorkflowsPath, TESTING_BUNDLE_FILE } from '../src/internal';
import { fromRoot } from '../bench/lib/stats';

async function build(file: string, entry: string): Promise<void> {
  const started = performance.now();
  const code = await buildWorkflowBundle(undefined, entry);
  writeFileSync(fromRoot(file), code);
  const kib = Math.round(code.length / 1024);
  process.stderr.write(
    `workflow bundle: ${file} (${kib} KiB, ${Math.round(performance.now() - started)} ms)\n`,
  );
}

(async () => {
  await build(WORKFLOW_BUNDLE_FILE, workflowsPath());
  await build(TESTING_BUNDLE_FILE, testingWorkflowsPath());
})().catch((err: unknown) => {
  process.stderr.write(`workflow bundle failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
