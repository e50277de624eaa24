import type { ActivityGraph } from '../model/activities.js';
import type { Project } from '../model/project.js';
import { HintBudget, nearest } from '../util/suggest.js';

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

/** An id a project lacks, with the nearest one it has (a did-you-mean hint), if any is near. */
export interface UnknownId {
  readonly id: string;
  readonly hint: string | undefined;
}

/** The ids of `unknown`, each with the nearest task or activity id of the project. */
export function withHints(
  graph: ActivityGraph,
  project: Pick<Project, 'tasks'>,
  unknown: readonly string[],
): UnknownId[] {
  const known = new Set([...project.tasks.map((t) => t.id), ...graph.activities.map((a) => a.id)]);
  const budget = new HintBudget();
  return unknown.map((id) => ({ id, hint: nearest(id, known, budget) }));
}

/** `unknown task or activity "4/tst" (did you mean "4/test"?)`: the words every verb says. */
export function unknownIdsText(unknown: readonly UnknownId[]): string {
  const each = unknown.map(
    ({ id, hint }) => `"${id}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`,
  );
  return `unknown ${unknown.length === 1 ? 'task or activity' : 'tasks or activities'} ${each.join(', ')}`;
}
