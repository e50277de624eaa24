/**
 * Larger-set benchmark: ProGen-like J60 and J120 instances (bench/gen/psplib-like.ts; no PSPLIB
 * file is used), each solved at `critpath plan FILE.sm`'s default settings and by a long
 * reference run whose best makespan stands in for "best known". Prints, per set, the mean
 * deviation over the critical-path bound for both, the gap between them in percentage points,
 * the CPU time per instance and the proven counts.
 *
 *   npm run bench:large -- [--count N] [--seed S] [--sets j60,j120] [--ref-schedules N]
 *                          [--ref-seeds K] [--reference FILE] [--write DIR] [--cli K]
 *
 * The default run's clock is this process's CPU time (the machine may be shared), with the CLI's
 * default time limit and schedule budget. The reference run takes `--ref-schedules` schedules
 * (default 100,000) for each of `--ref-seeds` seeds (default 2). `--reference FILE` keeps the best
 * makespan ever seen per instance in a JSON file, read before and written after, so the reference
 * only improves across runs. `--write DIR` writes the instances as `.sm` files with a
 * `<set>ghrs.sm` table of the reference makespans, which `npm run bench:psplib -- DIR` reads.
 * `--cli K` also times the built CLI (`npm run build` first), cold, on the first K instances of
 * each set, as a user runs `critpath plan FILE.sm --json`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parsePsplib, psplibToProblem } from '../src/config/psplib.js';
import type { Problem } from '../src/planner/engine/problem.js';
import { DEFAULT_PSPLIB_SCHEDULES, DEFAULT_TIME_LIMIT_MS } from '../src/app/plan-team.js';
import { formatDiagnostic } from '../src/result.js';
import { J120_LIKE, J60_LIKE, progenSet, toSm } from './gen/psplib-like.js';
import { arg, solveChecked } from './psplib-common.js';

const count = arg('--count', 20);
const timeLimitMs = arg('--time-limit', DEFAULT_TIME_LIMIT_MS);
const seed = arg('--seed', 1);
const refSchedules = arg('--ref-schedules', 100_000);
const refSeeds = arg('--ref-seeds', 2);
const cliRuns = arg('--cli', 0);
const opt = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const setNames = (opt('--sets') ?? 'j60,j120').split(',');
const refFile = opt('--reference');
const writeDir = opt('--write');
const sets = [J60_LIKE, J120_LIKE].filter((s) => setNames.includes(s.name));

const reference: Record<string, number> =
  refFile !== undefined && existsSync(refFile)
    ? (JSON.parse(readFileSync(refFile, 'utf8')) as Record<string, number>)
    : {};

function problemOf(name: string, text: string): Problem {
  const parsed = parsePsplib(text, name);
  if (!parsed.ok) throw new Error(parsed.error.map(formatDiagnostic).join('\n'));
  return psplibToProblem(parsed.value);
}

/** `critpath plan FILE.sm --json` on the built CLI, cold: wall ms and makespan. */
function timeCli(file: string): { ms: number; makespan: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/critpath.js', 'plan', file, '--json'], {
    encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${file}: exit ${r.status}: ${r.stderr}`);
  return { ms, makespan: (JSON.parse(r.stdout) as { makespan: number }).makespan };
}

console.log(
  `ProGen-like sets, ${count} instances each, seed ${seed}; default: ${timeLimitMs} ms CPU, ≤ ${DEFAULT_PSPLIB_SCHEDULES} schedules, seed 1; reference: best of ${refSeeds} seed(s) × ${refSchedules} schedules${refFile === undefined ? '' : ` and of ${refFile}`}`,
);
const tmp = mkdtempSync(join(tmpdir(), 'critpath-large-'));
try {
  for (const set of sets) {
    const instances = progenSet(set, count, seed);
    let devDefault = 0;
    let devRef = 0;
    let cpuDefault = 0;
    let cpuRef = 0;
    let schedules = 0;
    let provenDefault = 0;
    let provenRef = 0;
    let atRef = 0;
    let cliMs = 0;
    let cliWorst = 0;
    let cliN = 0;
    const table: string[] = [];
    for (const [k, g] of instances.entries()) {
      const text = toSm(g.instance, g.seed);
      const problem = problemOf(g.name, text);
      const d = solveChecked(problem, g.name, {
        seed: 1,
        timeLimitMs,
        maxSchedules: DEFAULT_PSPLIB_SCHEDULES,
      });
      let best = d.makespan;
      let refProven = d.optimal;
      for (let s = 1; s <= refSeeds && !refProven; s++) {
        const r = solveChecked(problem, g.name, {
          seed: s,
          timeLimitMs: 1e9,
          maxSchedules: refSchedules,
        });
        cpuRef += r.cpuMs;
        best = Math.min(best, r.makespan);
        refProven = refProven || r.optimal;
      }
      best = Math.min(best, reference[g.name] ?? Infinity);
      reference[g.name] = best;
      const cp = d.criticalPath;
      devDefault += (100 * (d.makespan - cp)) / cp;
      devRef += (100 * (best - cp)) / cp;
      cpuDefault += d.cpuMs;
      schedules += d.schedules;
      if (d.optimal) provenDefault++;
      if (refProven || best <= d.lowerBound) provenRef++;
      if (d.makespan <= best) atRef++;
      const [par, inst] = g.name
        .replace(/^j\d+g/, '')
        .replace(/\.sm$/, '')
        .split('_');
      table.push(`${par!.padEnd(9)}${inst!.padEnd(9)}${best}`);
      if (writeDir !== undefined || k < cliRuns) {
        const dir = writeDir ?? tmp;
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, g.name), text);
      }
      if (k < cliRuns) {
        const c = timeCli(join(writeDir ?? tmp, g.name));
        cliMs += c.ms;
        cliWorst = Math.max(cliWorst, c.ms);
        cliN++;
      }
    }
    if (writeDir !== undefined) {
      const head = ['Parameter Instance Makespan', '-'.repeat(40)];
      writeFileSync(join(writeDir, `${set.name}ghrs.sm`), [...head, ...table, ''].join('\n'));
    }
    const n = instances.length;
    const md = devDefault / n;
    const mr = devRef / n;
    console.log(`${set.name}-like (${set.n} activities), ${n} instances:`);
    console.log(
      `  mean deviation over the critical-path bound: default ${md.toFixed(2)} %, reference ${mr.toFixed(2)} %, gap ${(md - mr).toFixed(2)} points`,
    );
    console.log(
      `  at the reference makespan: ${atRef}/${n}; proven optimal: default ${provenDefault}/${n}, reference ${provenRef}/${n}`,
    );
    console.log(
      `  CPU per instance: default ${(cpuDefault / n).toFixed(0)} ms (${Math.round(schedules / n)} schedules), reference ${(cpuRef / n).toFixed(0)} ms`,
    );
    if (cliN > 0) {
      console.log(
        `  built CLI, cold, \`plan FILE.sm --json\` on ${cliN} instances: mean ${(cliMs / cliN).toFixed(0)} ms wall, worst ${cliWorst.toFixed(0)} ms`,
      );
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (refFile !== undefined) writeFileSync(refFile, `${JSON.stringify(reference, null, 1)}\n`);
