/**
 * PSPLIB benchmark: solves every `.sm` file of a directory and compares with the optimum /
 * best-known table beside them (`j30opt.sm`, or any `*opt.sm` / `*hrs.sm` / `*lb.sm` table).
 *
 *   npm run bench:psplib -- DIR [--schedules N] [--time-limit MS] [--seed S] [--limit K]
 *                               [--every K] [--bb-nodes N] [--exact-nodes N] [--verbose]
 *
 * The script is TypeScript: `npm run bench:psplib` bundles it with esbuild into
 * dist/bench/ and runs the bundle with node. Instances run one after
 * the other on one core. Defaults: 50,000 schedules and 1,000 ms per instance, seed 1.
 * After the search, the exact stages share the same time limit again, counted in this process's
 * CPU time (the machine may be shared): first the branch and bound
 * (`--bb-nodes` nodes at most, default unlimited: the time limit ends it; 0 turns it off), then,
 * on what it leaves unproven, the HiGHS time-indexed MIP (`--exact-nodes` nodes, default its CLI
 * budget; 0 turns it off) with the time left as its wall-clock guard. `--every K` takes every
 * K-th instance (a subset spread over the whole set).
 * With an optimum table (`*opt.sm`), a makespan below the optimum or a lower bound above it is
 * an error (exit 1).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parsePsplib, parsePsplibOpt, psplibToProblem } from '../src/config/psplib.js';
import { solve } from '../src/planner/engine/solve.js';
import { formatDiagnostic } from '../src/result.js';
import { loadHighsSolver } from '../src/app/highs-solver.js';
import { DEFAULT_EXACT_NODES, exactStages } from '../src/planner/exact/index.js';
import { arg, assertFeasible, cpuMs } from './psplib-common.js';

const dir = process.argv[2];
if (dir === undefined || dir.startsWith('--')) {
  console.error('usage: npm run bench:psplib -- DIR [--schedules N] [--time-limit MS] [--seed S]');
  process.exit(2);
}
const maxSchedules = arg('--schedules', 50_000);
const timeLimitMs = arg('--time-limit', 1000);
const seed = arg('--seed', 1);
const limit = arg('--limit', Infinity);
const every = arg('--every', 1);
const bbNodes = arg('--bb-nodes', Infinity);
const exactNodes = arg('--exact-nodes', DEFAULT_EXACT_NODES);
const solver = exactNodes > 0 ? await loadHighsSolver() : undefined;
const subset = every > 1 ? `, every ${every}th instance` : '';
if (exactNodes > 0 && solver === undefined) throw new Error('HiGHS does not load');

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.sm') && !/(opt|hrs|lb)\.sm$/.test(f))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  .filter((_, k) => k % every === 0)
  .slice(0, limit);

// Known optima / best solutions keyed "par_inst".
const known = new Map<string, number>();
const table = readdirSync(dir).find((f) => /(opt|hrs)\.sm$/.test(f));
/** An optimum table (not best-known upper bounds): nothing may beat it, no bound may exceed it. */
const optimumTable = table !== undefined && /opt\.sm$/.test(table);
if (table !== undefined) {
  const t = parsePsplibOpt(readFileSync(join(dir, table), 'utf8'), table);
  if (!t.ok) throw new Error(t.error.map(formatDiagnostic).join('\n'));
  // j30opt.sm → instances j30<par>_<inst>.sm
  const prefix = table.replace(/(opt|hrs)\.sm$/, '');
  for (const e of t.value) known.set(`${prefix}${e.parameter}_${e.instance}.sm`, e.makespan);
}

let sumDev = 0;
let maxDev = 0;
let nDev = 0;
let sumCp = 0;
let atOpt = 0;
let provenOpt = 0;
let provenByBounds = 0;
let provenByBb = 0;
let provenByMip = 0;
const errors: string[] = [];
let totalMs = 0;
let totalCpuMs = 0;
let totalSchedules = 0;
const misses: string[] = [];
for (const f of files) {
  const text = readFileSync(join(dir, f), 'utf8');
  const parsed = parsePsplib(text, f);
  if (!parsed.ok) throw new Error(parsed.error.map(formatDiagnostic).join('\n'));
  const problem = psplibToProblem(parsed.value);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const heuristic = solve(problem, {
    seed,
    timeLimitMs,
    maxSchedules,
    now: () => performance.now(),
  });
  // The exact stages' clock is this process's CPU time: the machine is shared, and wall time
  // would measure the other jobs.
  const tExact = cpuMs();
  const left = (): number => timeLimitMs - (cpuMs() - tExact);
  const bb = exactStages(problem, heuristic, {
    maxNodes: 0,
    maxMs: 0,
    bbNodes,
    stop: () => left() <= 0,
  });
  const mip =
    bb.provedBy !== undefined || solver === undefined
      ? bb
      : exactStages(problem, bb.result, {
          solver,
          maxNodes: exactNodes,
          maxMs: Math.max(1, left()),
          bbNodes: 0,
        });
  if (mip.provedBy === 'bounds') provenByBounds++;
  if (mip.provedBy === 'branch and bound') provenByBb++;
  if (mip.provedBy === 'MIP') provenByMip++;
  const r = mip.result;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  totalMs += ms;
  totalCpuMs += (cpu.user + cpu.system) / 1000;
  totalSchedules += r.schedulesEvaluated;
  const m = r.schedule.makespan;
  assertFeasible(problem, r, f);
  sumCp += (100 * (m - r.bounds.criticalPath)) / r.bounds.criticalPath;
  if (r.optimal) provenOpt++;
  if (process.argv.includes('--verbose')) {
    console.error(
      `${f}: ${r.schedule.makespan} (bound ${r.lowerBound}${r.optimal ? ', proven' : ''}), ${ms.toFixed(0)} ms`,
    );
  }
  const best = known.get(basename(f));
  if (best !== undefined) {
    const dev = (100 * (m - best)) / best;
    sumDev += dev;
    maxDev = Math.max(maxDev, dev);
    nDev++;
    if (m <= best) atOpt++;
    else misses.push(`${f}: ${m} vs ${best}`);
    if (optimumTable && m < best) errors.push(`${f}: makespan ${m} below the optimum ${best}`);
    if (optimumTable && r.lowerBound > best + 1e-9) {
      errors.push(`${f}: lower bound ${r.lowerBound} above the optimum ${best}`);
    }
  }
}
const n = files.length;
console.log(
  `PSPLIB ${dir}: ${n} instances${subset}, seed ${seed}, ≤ ${maxSchedules} schedules, ≤ ${timeLimitMs} ms each`,
);
if (nDev > 0) {
  console.log(
    `  deviation from ${table}: mean ${(sumDev / nDev).toFixed(3)} %, max ${maxDev.toFixed(2)} %`,
  );
  console.log(`  at the known optimum / best: ${atOpt}/${nDev}`);
}
console.log(`  mean deviation over the critical-path bound: ${(sumCp / n).toFixed(2)} %`);
console.log(
  `  proven optimal (makespan = lower bound): ${provenOpt}/${n}` +
    ` (${provenByBounds} by the heuristic's bounds, ${provenByBb} by the branch and bound` +
    `${bbNodes > 0 ? (Number.isFinite(bbNodes) ? `, ≤ ${bbNodes} nodes` : '') : ', off'}` +
    `, ${provenByMip} by the MIP${solver === undefined ? ', off' : `, ≤ ${exactNodes} nodes`})`,
);
console.log(
  `  mean time per instance: ${(totalMs / n).toFixed(1)} ms wall, ${(totalCpuMs / n).toFixed(1)} ms CPU; mean schedules: ${Math.round(totalSchedules / n)}`,
);
if (misses.length > 0) console.log(`  above the known value: ${misses.join(', ')}`);
if (errors.length > 0) {
  console.log(`  ERRORS against the optimum table:\n    ${errors.join('\n    ')}`);
  process.exitCode = 1;
}
