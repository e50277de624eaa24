import { readdirSync, readFileSync } from 'node:fs';
import { killGroup } from './process-group.js';
import { procStat } from '../state/lockfile.js';

/** A process tagged with a run id (through `CRITPATH_RUN_ID` in its environment). */
export interface TaggedProcess {
  readonly pid: number;
  readonly pgid: number;
  readonly runId: string;
}

/**
 * Processes whose environment has `CRITPATH_RUN_ID` set to one of `runIds`, from /proc (Linux;
 * elsewhere none are found). Processes of other users cannot be read and are skipped.
 */
export function findTagged(runIds: ReadonlySet<string>): TaggedProcess[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: TaggedProcess[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    let env: string;
    try {
      env = readFileSync(`/proc/${e}/environ`, 'latin1');
    } catch {
      continue;
    }
    const at = env.indexOf('CRITPATH_RUN_ID=');
    if (at < 0) continue;
    const end = env.indexOf('\0', at);
    const runId = env.slice(at + 'CRITPATH_RUN_ID='.length, end < 0 ? undefined : end);
    if (!runIds.has(runId)) continue;
    out.push({ pid, pgid: processGroup(pid) ?? pid, runId });
  }
  return out;
}

function processGroup(pid: number): number | undefined {
  const pgid = Number(procStat(pid)?.[2]);
  return Number.isInteger(pgid) && pgid > 0 ? pgid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Kills the leftovers of dead runs: SIGTERM to each tagged process and its process group, then
 * SIGKILL to whatever is still there after `graceMs`. Never touches this process's own group.
 */
export async function sweepOrphans(
  deadRunIds: ReadonlySet<string>,
  graceMs = 2000,
): Promise<TaggedProcess[]> {
  if (deadRunIds.size === 0) return [];
  const found = findTagged(deadRunIds);
  if (found.length === 0) return [];
  const own = processGroup(process.pid);
  const signal = (sig: NodeJS.Signals): void => {
    for (const p of found) {
      if (p.pgid !== own) killGroup(p.pgid, sig);
      try {
        process.kill(p.pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && found.some((p) => alive(p.pid)))
    await new Promise((r) => setTimeout(r, 50));
  if (found.some((p) => alive(p.pid))) signal('SIGKILL');
  // Stragglers forked while we were signalling.
  const again = findTagged(deadRunIds);
  for (const p of again) {
    if (p.pgid !== own) killGroup(p.pgid, 'SIGKILL');
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  return found;
}
