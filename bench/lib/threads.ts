// The CPU time of a process's threads, as the kernel counts it (Linux /proc; elsewhere, no threads).
import { readdirSync, readFileSync } from 'node:fs';

/** One thread of a process: its id, its name, and its CPU time so far (user + system), ms. */
export interface ThreadTime {
  tid: number;
  name: string;
  ms: number;
}

/** The threads of process `pid` and their CPU time; empty where /proc is missing. */
export function threadTimes(pid: number): ThreadTime[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: ThreadTime[] = [];
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    out.push({ tid: Number(tid), name, ms: cpuMsOf(stat) });
  }
  return out;
}

/** The CPU time in a /proc `stat` line (of a process or a thread): utime + stime, in clock ticks of 10 ms. */
function cpuMsOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The CPU time of process `pid` so far (user + system, all threads), ms; NaN where /proc is missing. */
export function processCpuMs(pid: number): number {
  try {
    return cpuMsOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return NaN;
  }
}

/** The process id of the dev server listening at `address` (found by its port), or NaN where /proc is missing. */
export function devServerPid(address: string): number {
  const port = address.split(':').pop() ?? '';
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmdline.includes('start-dev') && cmdline.split('\0').includes(port)) return Number(pid);
    }
  } catch {
    return NaN;
  }
  return NaN;
}

/**
 * Waits until each of processes `pids` uses under a tenth of a core over a quarter of a second (at most
 * `limitMs`): what a batch leaves behind (the server's visibility and timer tasks, a worker's collections)
 * would otherwise be paid by the batch after it, whichever side that is. Returns the ms it waited.
 */
export async function quiet(pids: readonly number[], limitMs = 15_000): Promise<number> {
  const t0 = performance.now();
  const windowMs = 250;
  for (;;) {
    const before = pids.map(processCpuMs);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const busy = pids.some((pid, i) => processCpuMs(pid) - before[i] > windowMs / 10);
    if (!busy || performance.now() - t0 > limitMs) return performance.now() - t0;
  }
}
