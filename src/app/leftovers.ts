import { findTagged } from '../executor/orphans.js';
import type { RunState } from '../state/reducer.js';

/**
 * Activities whose last attempt ran here (local) in a run that died, and whose process group
 * still runs: found as the next run's sweep finds them, by the run id in their environment.
 */
export function leftovers(state: RunState): Map<string, number> {
  const out = new Map<string, number>();
  const candidates: { id: string; runId: string; pid: number }[] = [];
  for (const a of state.activities.values()) {
    const last = a.attempts[a.attempts.length - 1];
    if (a.status !== 'interrupted' || last?.outcome !== 'running') continue;
    if (last.backend === 'local' && last.pid !== undefined)
      candidates.push({ id: a.id, runId: last.runId, pid: last.pid });
  }
  if (candidates.length === 0) return out;
  const groups = new Set(
    findTagged(new Set(candidates.map((c) => c.runId))).map((p) => `${p.runId} ${p.pgid}`),
  );
  for (const c of candidates) if (groups.has(`${c.runId} ${c.pid}`)) out.set(c.id, c.pid);
  return out;
}
