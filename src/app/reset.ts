/**
 * `critpath reset`: forgets run results so activities run again. Resetting an activity resets
 * every activity downstream of it that has a result too (make's rule: what ran after a task that
 * re-runs runs again), unless the caller keeps them (`--keep-downstream`). Hand records (start,
 * done, block by people) are kept: an activity with some stays as people left it.
 */
import { buildActivityGraph } from '../model/activities.js';
import type { Project } from '../model/project.js';
import type { LockOwner } from '../state/lockfile.js';
import { appendUnderLock } from '../state/locked-append.js';
import { statePaths } from '../state/paths.js';
import { readRunState } from '../state/read.js';
import type { KeptHand } from '../state/reset.js';
import { handKept, resetClosure } from '../state/reset.js';
import type { UnknownId } from './resolve-ids.js';
import { resolveIds, withHints } from './resolve-ids.js';
import { leftovers } from './leftovers.js';

export interface ResetRequest {
  readonly file: string;
  /** Task or activity ids; every activity when empty. */
  readonly ids: readonly string[];
  readonly keepDownstream: boolean;
  /** `--root`. */
  readonly root: string | undefined;
}

export type ResetResult =
  | { readonly kind: 'not-loaded' }
  | { readonly kind: 'unknown'; readonly ids: readonly UnknownId[] }
  /** A run holds the project now. */
  | { readonly kind: 'locked'; readonly holder: LockOwner }
  | {
      readonly kind: 'reset';
      /** The activities named that will run again (undefined: every activity without hand records). */
      readonly named: readonly string[] | undefined;
      /** Activities downstream of them that had a result, reset with them, that will run again. */
      readonly downstream: readonly string[];
      /** Activities whose hand records the reset kept (they stay as people left them). */
      readonly kept: readonly KeptHand[];
      /**
       * Activities reset whose command a run that died left running (process group `pid`): the
       * journal forgets them, the host does not (the next run's sweep stops them).
       */
      readonly stillRunning: readonly { readonly id: string; readonly pid: number }[];
    };

export async function resetActivities(
  req: ResetRequest,
  load: () => Promise<Project | undefined>,
): Promise<ResetResult> {
  const project = await load();
  if (project === undefined) return { kind: 'not-loaded' };
  const graph = buildActivityGraph(project);
  const acts = resolveIds(graph, project, req.ids);
  if (acts.unknown.length > 0)
    return { kind: 'unknown', ids: withHints(graph, project, acts.unknown) };
  const paths = statePaths(req.file, req.root);
  const state = readRunState(req.file, paths);
  const all = req.ids.length === 0;
  const downstream =
    all || req.keepDownstream ? [] : resetClosure(graph, state, acts.ok).downstream;
  const ids = all ? graph.activities.map((a) => a.id) : [...acts.ok, ...downstream];
  const kept = handKept(state, ids);
  const resetIds = new Set(ids);
  const stillRunning = [...leftovers(state)]
    .filter(([id]) => resetIds.has(id))
    .map(([id, pid]) => ({ id, pid }));
  const written = appendUnderLock(paths, `critpath reset ${req.file}`, [
    { t: 'reset', at: Date.now(), ids: all ? null : ids, hand: 'kept' },
  ]);
  if (!written.ok) return { kind: 'locked', holder: written.holder };
  const keptIds = new Set(kept.map((k) => k.id));
  const runsAgain = (id: string): boolean => !keptIds.has(id);
  return {
    kind: 'reset',
    named: all ? undefined : acts.ok.filter(runsAgain),
    downstream: downstream.filter(runsAgain),
    kept,
    stillRunning,
  };
}
