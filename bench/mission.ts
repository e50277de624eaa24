/**
 * Mission-like benchmark: generated projects of Epic 1A's kind (bench/gen/mission.ts: up to 40
 * activities, GPU arrival dates, half of them with one early GPU, skills) planned by the built
 * CLI for 1, 2 and 3 engineers, as a user runs it (cold, one process per plan). Reports how
 * many plans are proven optimal and the time per plan.
 *
 *   npm run bench:mission -- [--projects N] [--time-limit MS] [--seed S]
 *
 * Needs `npm run build` first (it times bin/critpath.js).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { missionYaml } from './gen/mission.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v)) throw new Error(`${name} needs a number`);
  return v;
}

const projects = arg('--projects', 20);
const timeLimit = arg('--time-limit', 10_000);
const seed0 = arg('--seed', 1);
const dir = mkdtempSync(join(tmpdir(), 'critpath-mission-'));
let plans = 0;
let proven = 0;
let raised = 0;
let maxActs = 0;
let totalMs = 0;
let worstMs = 0;
const open: string[] = [];
try {
  for (let k = 0; k < projects; k++) {
    const seed = seed0 + k;
    const tasks = 12 + (seed % 13);
    const file = join(dir, `mission-${seed}.yaml`);
    writeFileSync(file, missionYaml(seed, { tasks, earlyGpu: k % 2 === 0 }));
    for (const team of [1, 2, 3]) {
      const t0 = performance.now();
      const r = spawnSync(
        process.execPath,
        [
          'bin/critpath.js',
          'plan',
          file,
          '--team',
          String(team),
          '--json',
          '--time-limit',
          String(timeLimit),
        ],
        { encoding: 'utf8' },
      );
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`${file} team ${team}: exit ${r.status}: ${r.stderr}`);
      const plan = JSON.parse(r.stdout) as {
        makespan: number;
        lowerBound: number;
        optimal: boolean;
        bounds: { exact?: number };
        activities: unknown[];
      };
      plans++;
      totalMs += ms;
      worstMs = Math.max(worstMs, ms);
      maxActs = Math.max(maxActs, plan.activities.length);
      if (plan.lowerBound > plan.makespan + 1e-9) throw new Error(`${file}: bound above makespan`);
      if (plan.bounds.exact !== undefined) raised++;
      if (plan.optimal) proven++;
      else
        open.push(`mission-${seed} team ${team}: ${plan.makespan} h, bound ${plan.lowerBound} h`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `mission-like: ${projects} projects × teams 1-3 = ${plans} plans (up to ${maxActs} activities), --time-limit ${timeLimit}`,
);
console.log(`proven optimal: ${proven}/${plans}; bound raised by the exact method in ${raised}`);
console.log(
  `CLI wall time per plan: mean ${(totalMs / plans).toFixed(0)} ms, worst ${worstMs.toFixed(0)} ms`,
);
for (const o of open) console.log(`  not proven: ${o}`);
