import { Graph } from '@dagrejs/graphlib';
import { buildActivityGraph } from '../model/activities.js';
import type { Project } from '../model/project.js';
import type { Result } from '../result.js';
import { err, ok } from '../result.js';
import type { UnknownId } from './resolve-ids.js';
import { withHints } from './resolve-ids.js';

/**
 * Dependency queries (`critpath graph --upstream ID`, `--downstream ID`) on the activity graph,
 * held as a @dagrejs/graphlib Graph: at the scale of a person's project a keyed graph is the
 * plain tool. The planner keeps its CSR arrays for the hot path.
 */

export type Direction = 'upstream' | 'downstream';

export interface DependencyAnswer {
  readonly id: string;
  readonly direction: Direction;
  /** Every activity the query reaches, in file order (the asked ones left out). */
  readonly activities: readonly string[];
}

/** The project's activity graph as a graphlib Graph: an edge from each predecessor to its successor. */
export function activityGraphlib(project: Pick<Project, 'tasks'>): Graph {
  const g = new Graph({ directed: true });
  const ag = buildActivityGraph(project);
  for (const a of ag.activities) g.setNode(a.id, a.index);
  for (const a of ag.activities) for (const p of a.predecessors) g.setEdge(p, a.id);
  return g;
}

/**
 * What `id` waits for (upstream) or what waits for it (downstream). `id` is an activity id
 * (`task` or `task/phase`) or a task id, which stands for all of its phases.
 */
export function dependencies(
  project: Pick<Project, 'tasks'>,
  id: string,
  direction: Direction,
): Result<DependencyAnswer, UnknownId & { readonly kind: 'unknown-id' }> {
  const g = activityGraphlib(project);
  const task = project.tasks.find((t) => t.id === id);
  const start = g.hasNode(id)
    ? [id]
    : task !== undefined
      ? task.phases.map((p) => p.activityId)
      : undefined;
  if (start === undefined)
    return err({
      kind: 'unknown-id',
      ...withHints(buildActivityGraph(project), project, [id])[0]!,
    });
  const next = (v: string): string[] =>
    (direction === 'upstream' ? g.predecessors(v) : g.successors(v)) ?? [];
  // Iterative walk: a long chain must not overflow the stack.
  const seen = new Set<string>(start);
  const queue = [...start];
  for (let h = 0; h < queue.length; h++) {
    for (const w of next(queue[h]!)) {
      if (seen.has(w)) continue;
      seen.add(w);
      queue.push(w);
    }
  }
  for (const s of start) seen.delete(s);
  const index = (v: string): number => g.node(v) as number;
  const activities = [...seen].sort((a, b) => index(a) - index(b));
  return ok({ id, direction, activities });
}
