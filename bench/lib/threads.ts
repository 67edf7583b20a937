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
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks of 10 ms
    out.push({ tid: Number(tid), name, ms: (Number(fields[11]) + Number(fields[12])) * 10 });
  }
  return out;
}
