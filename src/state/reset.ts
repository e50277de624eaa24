import type { ActivityGraph } from '../model/activities.js';
import type { RunState } from './reducer.js';

/**
 * What a reset of `ids` must also reset (make's rule: what ran after a task that re-runs runs
 * again): every activity downstream of them that the journal has a result for. Returns the named
 * ids, then those downstream ones in graph order. Walks with an explicit stack.
 */
export function resetClosure(
  graph: ActivityGraph,
  state: RunState,
  ids: readonly string[],
): { named: string[]; downstream: string[] } {
  const seen = new Uint8Array(graph.activities.length);
  const stack: number[] = [];
  for (const id of ids) {
    const a = graph.byId.get(id);
    if (a !== undefined && seen[a.index] === 0) {
      seen[a.index] = 1;
      stack.push(a.index);
    }
  }
  const named = new Set(stack);
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (let e = graph.succStart[v]!; e < graph.succStart[v + 1]!; e++) {
      const w = graph.succ[e]!;
      if (seen[w] === 0) {
        seen[w] = 1;
        stack.push(w);
      }
    }
  }
  const downstream: string[] = [];
  for (const a of graph.activities)
    if (seen[a.index] === 1 && !named.has(a.index) && state.activities.has(a.id))
      downstream.push(a.id);
  return { named: [...ids], downstream };
}
