/**
 * `critpath cancel`: stops the project's live `critpath run` as Ctrl-C would (SIGTERM; the run
 * then stops its work with its grace period), and cancels the work backends run on their own
 * (Slurm jobs), whether a critpath still follows it or not.
 */
import type { Project } from '../model/project.js';
import { ownerAlive, readLock } from '../state/lockfile.js';
import type { StatePaths } from '../state/paths.js';
import { statePaths } from '../state/paths.js';
import type { CancelReport } from '../executor/backends.js';
import { BACKENDS } from '../executor/backends.js';

/** Whether a run of this project is alive now, and its pid. */
export function liveRun(paths: StatePaths): { pid: number; runId: string | undefined } | undefined {
  const o = readLock(paths.lock)?.owner;
  return o !== undefined && ownerAlive(o) ? { pid: o.pid, runId: o.runId } : undefined;
}

export type CancelResult =
  | { readonly kind: 'not-loaded' }
  | {
      readonly kind: 'cancelled';
      /** One report per backend that had work of its own to cancel. */
      readonly backends: readonly CancelReport[];
      /** The live run signalled, or why it could not be; undefined when none was alive. */
      readonly run:
        | { readonly pid: number; readonly runId: string | undefined; readonly error?: string }
        | undefined;
    };

export async function cancelRun(
  file: string,
  load: () => Promise<Project | undefined>,
  root?: string,
): Promise<CancelResult> {
  const paths = statePaths(file, root);
  const live = liveRun(paths);
  const backends: CancelReport[] = [];
  for (const entry of BACKENDS.values()) {
    const r = await (await entry()).cancel?.(paths, load);
    if (r === 'not-loaded') return { kind: 'not-loaded' };
    if (r !== undefined) backends.push(r);
  }
  if (live === undefined) return { kind: 'cancelled', backends, run: undefined };
  try {
    process.kill(live.pid, 'SIGTERM');
    return { kind: 'cancelled', backends, run: live };
  } catch (e) {
    return { kind: 'cancelled', backends, run: { ...live, error: (e as Error).message } };
  }
}
