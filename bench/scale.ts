/**
 * Scale benchmark: layered random projects of 10k, 100k and 1M activities (about 4
 * predecessors per activity, 3 engineers as workers with some skill restrictions, one GPU
 * resource whose 4 GPUs arrive at a later time, a mix of GPU demands including ALL). Per size
 * it reports: loading the same project from a JSON task file through the real loader (parse,
 * schema, every rule incl. cycles, normalization, activity graph), build + validate (CSR
 * adjacency arrays from the edge list, acyclicity check),
 * CPM, a fast plan (solve mode 'fast': LFT serial SGS + one FBI round, no time limit: this is
 * the figure that shows how the engine scales), a feasible resource-constrained plan with a
 * short search time limit (checked for feasibility afterwards), and peak memory. Each size runs in its own child process so peak
 * RSS is per size.
 *
 *   npm run bench:scale                       # 10k, 100k, 1M
 *   npm run bench:scale -- 100000 --plan-ms 1000
 *
 * TypeScript: `npm run bench:scale` bundles this file with esbuild into
 * dist/bench/ and runs the bundle with node.
 * Targets: 100k tasks / 400k edges validated and planned in ≤ 5 s and ≤ 1 GiB; CPM on 1M
 * tasks ≤ 2 s; 10k → 100k grows ≤ ~12×.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProjectFile } from '../src/config/load.js';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { checkSchedule } from '../src/planner/engine/check-schedule.js';
import { cpm } from '../src/planner/engine/cpm.js';
import { topoOrder } from '../src/planner/engine/graph.js';
import type { Problem } from '../src/planner/engine/problem.js';
import { ALL } from '../src/planner/engine/problem.js';
import { Rng } from '../src/planner/engine/rng.js';
import { solve } from '../src/planner/engine/solve.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

/** Edges of a layered random DAG: each activity gets ~4 predecessors in the 3 layers above. */
function generateEdges(n: number, rng: Rng): { from: Int32Array; to: Int32Array } {
  const width = Math.max(4, Math.round(Math.sqrt(n) * 1.5));
  const from = new Int32Array(n * 4);
  const to = new Int32Array(n * 4);
  let m = 0;
  for (let v = width; v < n; v++) {
    const layerStart = v - (v % width);
    const k = 3 + rng.int(3); // 3..5 predecessors, about 4 on average
    for (let q = 0; q < k && m < from.length; q++) {
      const back = 1 + rng.int(Math.min(3, layerStart / width));
      const lo = layerStart - back * width;
      const u = lo + rng.int(width);
      from[m] = u;
      to[m] = v;
      m++;
    }
  }
  return { from: from.subarray(0, m), to: to.subarray(0, m) };
}

/** CSR adjacency (duplicates removed) from edge arrays. */
function buildDag(
  n: number,
  from: Int32Array,
  to: Int32Array,
): { succStart: Int32Array; succ: Int32Array; predStart: Int32Array; pred: Int32Array } {
  const m = from.length;
  const predStart = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) predStart[to[e]! + 1]!++;
  for (let i = 0; i < n; i++) predStart[i + 1]! += predStart[i]!;
  const fill = predStart.slice(0, n);
  const pred0 = new Int32Array(m);
  for (let e = 0; e < m; e++) pred0[fill[to[e]!]!++] = from[e]!;
  // Sort and dedupe each predecessor list.
  const predStartD = new Int32Array(n + 1);
  const pred = new Int32Array(m);
  let k = 0;
  for (let v = 0; v < n; v++) {
    const seg = pred0.subarray(predStart[v]!, predStart[v + 1]!).sort();
    for (let q = 0; q < seg.length; q++) if (q === 0 || seg[q] !== seg[q - 1]) pred[k++] = seg[q]!;
    predStartD[v + 1] = k;
  }
  const predF = pred.slice(0, k);
  const succStart = new Int32Array(n + 1);
  for (let e = 0; e < k; e++) succStart[predF[e]! + 1]!++;
  for (let i = 0; i < n; i++) succStart[i + 1]! += succStart[i]!;
  const sf = succStart.slice(0, n);
  const succ = new Int32Array(k);
  for (let v = 0; v < n; v++) {
    for (let e = predStartD[v]!; e < predStartD[v + 1]!; e++) succ[sf[predF[e]!]!++] = v;
  }
  return { succStart, succ, predStart: predStartD, pred: predF };
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(0)} MiB`;
}

async function runOne(n: number, planMs: number): Promise<void> {
  const rng = new Rng(n);
  let heapPeak = 0;
  const sample = (): void => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  };
  const tg = performance.now();
  const { from, to } = generateEdges(n, rng);
  const duration = new Float64Array(n);
  const demand = new Float64Array(n);
  const eligible: (number[] | null)[] = new Array<number[] | null>(n);
  for (let i = 0; i < n; i++) {
    duration[i] = 1 + rng.int(16);
    const x = rng.next();
    demand[i] = x < 0.85 ? 0 : x < 0.95 ? 1 + rng.int(2) : x < 0.99 ? 4 : ALL;
    const y = rng.next();
    eligible[i] = y < 0.8 ? null : y < 0.9 ? [0, 1] : [2];
  }
  const ids = Array.from({ length: n }, (_, i) => `t${i + 1}`);
  const genMs = performance.now() - tg;
  sample();

  // The same project as a task file (JSON, the format for generated projects), loaded through
  // the loader every verb uses. Writing it is not timed.
  const deps: string[][] = Array.from({ length: n }, () => []);
  for (let e = 0; e < from.length; e++) deps[to[e]!]!.push(ids[from[e]!]!);
  const dir = mkdtempSync(join(tmpdir(), 'critpath-scale-'));
  const file = join(dir, 'project.json');
  writeFileSync(
    file,
    JSON.stringify({
      project: `scale ${n}`,
      start: '2026-01-05',
      hardware: { gpu: [{ count: 4, from: '2026-01-12' }] },
      tasks: ids.map((id, i) => {
        const d = demand[i]!;
        const gpu = d === 0 ? {} : { hardware: 'gpu', gpus: d === ALL ? 'all' : d };
        return { id, hours: duration[i], ...gpu, deps: deps[i] };
      }),
    }),
  );
  const fileMiB = statSync(file).size / 1048576;
  const tl = performance.now();
  const loaded = await loadProjectFile(file);
  const loadMs = performance.now() - tl;
  sample();
  rmSync(dir, { recursive: true, force: true });
  if (!loaded.ok) throw new Error(`task file rejected: ${loaded.error[0]?.message ?? ''}`);

  const t0 = performance.now();
  const dag = buildDag(n, from, to);
  const acyclic = topoOrder({ n, ...dag }) !== null;
  const problem: Problem = {
    n,
    ...dag,
    ids,
    duration,
    resources: [{ id: 'gpu', profile: [{ from: 40, capacity: 4 }] }],
    demand,
    workers: { names: ['ana', 'bo', 'cy'], eligible },
  };
  const buildMs = performance.now() - t0;
  sample();
  if (!acyclic) throw new Error('generated graph has a cycle');

  const t1 = performance.now();
  const cp = cpm(problem, duration);
  const cpmMs = performance.now() - t1;
  sample();
  if (cp === null) throw new Error('cycle');

  const tf = performance.now();
  const fast = solve(problem, {
    seed: 1,
    timeLimitMs: 0,
    mode: 'fast',
    now: () => performance.now(),
  });
  const fastMs = performance.now() - tf;
  sample();

  const t2 = performance.now();
  const r = solve(problem, { seed: 1, timeLimitMs: planMs, now: () => performance.now() });
  const planMs2 = performance.now() - t2;
  sample();
  const bad = checkSchedule(problem, r.schedule, 5);
  const rss = process.resourceUsage().maxRSS * 1024;
  console.log(
    [
      `${String(n).padStart(8)} activities, ${String(dag.pred.length).padStart(8)} edges:`,
      `generate ${genMs.toFixed(0)} ms,`,
      `load task file (${fileMiB.toFixed(0)} MiB JSON) ${loadMs.toFixed(0)} ms,`,
      `build+validate ${buildMs.toFixed(0)} ms,`,
      `CPM ${cpmMs.toFixed(0)} ms,`,
      `fast plan ${fastMs.toFixed(0)} ms (makespan ${fast.schedule.makespan}),`,
      `plan ${planMs2.toFixed(0)} ms (${r.method}, ${r.schedulesEvaluated} passes,`,
      `makespan ${r.schedule.makespan} vs bound ${r.lowerBound.toFixed(0)},`,
      `${bad.length === 0 ? 'feasible' : `INFEASIBLE: ${bad.join('; ')}`}),`,
      `validate+plan ${(buildMs + planMs2).toFixed(0)} ms,`,
      `load file+plan ${(loadMs + planMs2).toFixed(0)} ms,`,
      `peak RSS ${mib(rss)}, heap peak ${mib(heapPeak)}`,
    ].join(' '),
  );
}

const sizeArg = process.argv.indexOf('--size');
const planMs = arg('--plan-ms', 1000);
if (sizeArg >= 0) {
  await runOne(Number(process.argv[sizeArg + 1]), planMs);
} else {
  const sizes = process.argv
    .slice(2)
    .filter((a, i, all) => /^\d+$/.test(a) && all[i - 1] !== '--plan-ms')
    .map(Number);
  const self = fileURLToPath(import.meta.url);
  console.log(`Scale benchmark (plan time limit ${planMs} ms; each size in its own process)`);
  for (const n of sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000]) {
    const out = execFileSync(
      process.execPath,
      ['--max-old-space-size=4096', self, '--size', String(n), '--plan-ms', String(planMs)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    process.stdout.write(out);
  }
}
