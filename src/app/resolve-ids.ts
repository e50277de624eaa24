import type { ActivityGraph } from '../model/activities.js';
import type { Project } from '../model/project.js';

/** Activity ids named by task ids (each of its phases) or activity ids, in the order given. */
export function resolveIds(
  graph: ActivityGraph,
  project: Project,
  ids: readonly string[],
): { ok: string[]; unknown: string[] } {
  const ok: string[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const task = project.tasks.find((t) => t.id === id);
    if (task !== undefined) ok.push(...task.phases.map((p) => p.activityId));
    else if (graph.byId.has(id)) ok.push(id);
    else unknown.push(id);
  }
  return { ok, unknown };
}
