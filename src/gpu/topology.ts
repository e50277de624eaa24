/**
 * GPU interconnect from `nvidia-smi topo -m`, reduced to a score per GPU pair: the higher, the
 * better linked. NVLink beats every PCIe path; among PCIe paths, fewer hops score higher.
 */

/**
 * A link's score from its `topo -m` cell: NVLink 100 + bonded link count (NV4), then the PCIe
 * paths of the legend, PIX 40, PXB 30, PHB 20, NODE 10, SYS 0; anything else 0.
 */
export function linkScore(cell: string): number {
  const c = cell.trim().toUpperCase();
  const nv = /^NV(\d+)$/.exec(c);
  if (nv !== null) return 100 + Number(nv[1]);
  switch (c) {
    case 'PIX':
      return 40;
    case 'PXB':
      return 30;
    case 'PHB':
      return 20;
    case 'NODE':
      return 10;
    default:
      return 0;
  }
}

/** Pair scores by GPU index. */
export interface Topology {
  /** Score of the link between GPUs a and b (symmetric; 0 when unknown). */
  score(a: number, b: number): number;
  /** Where the scores came from. */
  readonly source: 'nvidia-smi' | 'aligned-pairs';
}

/**
 * Parses the matrix of `nvidia-smi topo -m`. Rows and columns named `GPU<n>` are read; NIC rows
 * and the affinity columns are ignored. Returns undefined when no GPU matrix is found.
 */
export function parseTopology(text: string): Topology | undefined {
  // eslint-disable-next-line no-control-regex -- strips colour codes
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\u001b\[[0-9;]*m/g, ''));
  const headerAt = lines.findIndex((l) => /^\s+GPU\d+/.test(l) || /^\s*\tGPU\d+/.test(l));
  if (headerAt < 0) return undefined;
  const header = lines[headerAt]!.trim().split(/\s+/);
  const cols: number[] = [];
  for (const h of header) {
    const m = /^GPU(\d+)$/.exec(h);
    if (m === null) break;
    cols.push(Number(m[1]));
  }
  const scores = new Map<string, number>();
  for (const line of lines.slice(headerAt + 1)) {
    const m = /^GPU(\d+)\s+(.*)$/.exec(line.trim());
    if (m === null) {
      if (/^Legend/i.test(line.trim())) break;
      continue;
    }
    const row = Number(m[1]);
    const cells = (m[2] ?? '').trim().split(/\s+/);
    cols.forEach((col, k) => {
      const cell = cells[k];
      if (cell === undefined || col === row) return;
      scores.set(`${row},${col}`, linkScore(cell));
    });
  }
  if (scores.size === 0 && cols.length > 1) return undefined;
  return {
    source: 'nvidia-smi',
    score: (a, b) => Math.max(scores.get(`${a},${b}`) ?? 0, scores.get(`${b},${a}`) ?? 0),
  };
}

/** Without topology: GPUs 0,1 / 2,3 / … form pairs, scored like an NVLink pair. */
export const ALIGNED_PAIRS: Topology = {
  source: 'aligned-pairs',
  score: (a, b) => (a !== b && Math.floor(a / 2) === Math.floor(b / 2) ? 100 : 0),
};
