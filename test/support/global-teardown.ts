import { rmSync } from 'node:fs';

/** Stops the run's dev server and removes its temporary files. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__bureaucratDevServer?.stop();
  if (globalThis.__bureaucratTmpDir) rmSync(globalThis.__bureaucratTmpDir, { recursive: true, force: true });
}
