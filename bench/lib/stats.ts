// The one helper module of the scripts in bench/ and tools/: statistics, waiting, bounded concurrency, the
// machine line and paths. Compiled by `npm run build` to lib/bench/lib/stats.js with the rest of them.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/internal';

export { sleep, freePort };

/** The repository's root: the nearest directory up from here with a package.json (lib/ has none). */
export const repoRoot: string = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
})();

/** A path inside the repository (the sources, not lib/): `fromRoot('bench', 'results')`. */
export const fromRoot = (...parts: string[]): string => path.join(repoRoot, ...parts);

/** Progress on stderr (stdout carries the results). */
export const log = (message: string): void => void process.stderr.write(`${message}\n`);

/** The median of a list of numbers: the middle value, or the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * The `p`th percentile (0–100) by the nearest-rank method: the smallest value with at least p % of the
 * values at or below it (`s[ceil(p/100 · n) − 1]`, the first value for p = 0). p50 of [1, 2, 3, 4] is 2,
 * p99 of 100 values is the 99th smallest. `undefined` for an empty list (the results files then omit it).
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.max(0, Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1))] : undefined;
}

/** `{ median, min, max }` of a list of numbers. */
export interface Stats {
  median: number;
  min: number;
  max: number;
}

/** `{ median, min, max }` of a list of numbers. */
export function stats(values: readonly number[]): Stats {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Calls `probe` every `intervalMs` until `done(value)` holds or `timeoutMs` passes; resolves to whether it
 * held. A probe that throws counts as not yet (e.g. a query before the first workflow task).
 */
export async function pollUntil<T>(
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (done(await probe())) return true;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; resolves to the results in order. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** The machine a figure was measured on: cores, CPU model, memory, Node. */
export const machine = (): string =>
  `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

/** Runs a script's `main` and exits: with its code (0 when it returns nothing), or 1 with the error. */
export function runMain(main: (() => Promise<void>) | (() => Promise<number>)): void {
  main().then(
    (code: unknown) => process.exit(typeof code === 'number' ? code : 0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
