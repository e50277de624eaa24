import { readdirSync } from 'node:fs';
import { procStat } from '../state/lockfile.js';

/** Signals a whole process group (`-pgid`); quiet when it is already gone. */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process of the group is still alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether any process of the group still runs: alive and not a zombie (one that has ended, whose
 * parent, often init in a container, has not collected it yet: a signal still reaches it). Read
 * from /proc on Linux, one scan serving every group asked about within SCAN_MS; elsewhere a
 * zombie counts as running.
 */
export function groupRunning(pgid: number): boolean {
  if (!groupAlive(pgid)) return false;
  const now = Date.now();
  if (scan === undefined || now - scan.at >= SCAN_MS) scan = { at: now, running: runningGroups() };
  return scan.running?.has(pgid) ?? true;
}

/** How long one scan of /proc answers for. */
const SCAN_MS = 50;

let scan: { readonly at: number; readonly running: ReadonlySet<number> | undefined } | undefined;

/** The process groups with a process that is not a zombie; undefined without /proc. */
function runningGroups(): Set<number> | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const running = new Set<number>();
  let read = false;
  for (const e of entries) {
    const c = e.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const stat = procStat(Number(e));
    if (stat === undefined) continue;
    read = true;
    if (stat[0] !== 'Z') running.add(Number(stat[2]));
  }
  return read ? running : undefined;
}
