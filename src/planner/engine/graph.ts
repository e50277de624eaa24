/** A directed graph in compressed sparse rows: the successors of i are `succ[succStart[i] .. succStart[i+1]]`. */
export interface Dag {
  readonly n: number;
  readonly succStart: Int32Array;
  readonly succ: Int32Array;
  readonly predStart: Int32Array;
  readonly pred: Int32Array;
}

/**
 * Kahn's topological order, smallest index first among ready nodes (so the order is
 * deterministic). Returns null when the graph has a cycle.
 */
export function topoOrder(g: Dag): Int32Array | null {
  const indeg = new Int32Array(g.n);
  for (let i = 0; i < g.n; i++) indeg[i] = g.predStart[i + 1]! - g.predStart[i]!;
  const order = new Int32Array(g.n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < g.n; i++) if (indeg[i] === 0) order[tail++] = i;
  while (head < tail) {
    const v = order[head++]!;
    for (let k = g.succStart[v]!; k < g.succStart[v + 1]!; k++) {
      const w = g.succ[k]!;
      if (--indeg[w]! === 0) order[tail++] = w;
    }
  }
  return tail === g.n ? order : null;
}
