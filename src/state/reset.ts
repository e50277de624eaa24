import type { ActivityGraph } from '../model/activities.js';
import type { HandWork, RunState } from './reducer.js';

/** An activity whose hand records a reset keeps: how many, and where they leave it. */
export interface KeptHand {
  readonly id: string;
  /** Hand records kept (undone ones taken out). */
  readonly records: number;
  readonly state: HandWork['state'];
  readonly by: string | undefined;
}

/**
 * What a reset of `ids` keeps: the activities among them with hand records (start, done, block
 * by people), in the order of `ids`. A reset forgets run results only; these stay as people left
 * them, and do not run again unless undone.
 */
export function handKept(state: RunState, ids: readonly string[]): KeptHand[] {
  return ids.flatMap((id) => {
    const h = state.activities.get(id)?.hand;
    return h === undefined ? [] : [{ id, records: h.log.length, state: h.state, by: h.by }];
  });
}

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
