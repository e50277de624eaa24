import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gpuProfile, makeCalendar } from '../../../../src/calendar/calendar.js';
import { loadProjectText } from '../../../../src/config/load.js';
import type { Project } from '../../../../src/model/project.js';
import { expectedHours } from '../../../../src/model/project.js';
import {
  correlation,
  drawDurations,
  monteCarlo,
  percentile,
  PROGRESS_EVERY,
  ranks,
  shareAtMost,
} from '../../../../src/planner/engine/monte-carlo.js';
import { reusableFastScheduler } from '../../../../src/planner/engine/monte-carlo-fast.js';
import {
  activityDistributions,
  projectMonteCarlo,
} from '../../../../src/planner/project/monte-carlo-project.js';
import type { Problem } from '../../../../src/planner/engine/problem.js';
import { ALL } from '../../../../src/planner/engine/problem.js';
import {
  criticalChain,
  projectProblem,
  reusableChainFinder,
  selectTeam,
} from '../../../../src/planner/project/project-problem.js';
import type { Distribution } from '../../../../src/planner/engine/sampling.js';
import { distributionOf, meanOf, varianceOf } from '../../../../src/planner/engine/sampling.js';
import { solve } from '../../../../src/planner/engine/solve.js';
import { unknownMemberMessage } from '../../../../src/model/team-spec.js';

function load(text: string): Project {
  const r = loadProjectText(text, 'test.yaml');
  if (!r.ok) throw new Error(r.error.map((d) => d.message).join('\n'));
  return r.value;
}

const epic = load(readFileSync(new URL('../../../../tasks/epic-1a.yaml', import.meta.url), 'utf8'));
const now = (): number => 0;

function run(project: Project, team: number, samples: number, seed = 1, deadline?: number) {
  const cal = makeCalendar({
    start: project.start,
    hoursPerDay: project.hoursPerDay,
    holidays: project.holidays,
  });
  const members = selectTeam(project, { kind: 'count', count: team });
  if (!members.ok) throw new Error(unknownMemberMessage(members.error));
  const r = projectMonteCarlo(project, {
    team: members.value,
    gpuProfile: gpuProfile(cal, project.gpu),
    samples,
    seed,
    deadline,
    now,
  });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** A chain a → b → c … of activities, no resources. */
function chain(n: number): Problem {
  const succStart = Int32Array.from({ length: n + 1 }, (_, i) => Math.min(i, n - 1));
  const succ = Int32Array.from({ length: n - 1 }, (_, i) => i + 1);
  const predStart = Int32Array.from({ length: n + 1 }, (_, i) => Math.max(0, i - 1));
  const pred = Int32Array.from({ length: n - 1 }, (_, i) => i);
  return {
    n,
    succStart,
    succ,
    predStart,
    pred,
    ids: Array.from({ length: n }, (_, i) => `t${i + 1}`),
    duration: new Float64Array(n).fill(1),
    resources: [],
    demand: new Float64Array(0),
  };
}

/** Independent activities, each holding `demand` of one resource of `capacity`. */
function parallel(durations: number[], capacity: number, demand: number[]): Problem {
  const n = durations.length;
  return {
    n,
    succStart: new Int32Array(n + 1),
    succ: new Int32Array(0),
    predStart: new Int32Array(n + 1),
    pred: new Int32Array(0),
    ids: durations.map((_, i) => `p${i + 1}`),
    duration: Float64Array.from(durations),
    resources: [{ id: 'gpu', profile: [{ from: 0, capacity }] }],
    demand: Float64Array.from(demand),
  };
}

const tri = (low: number, high: number): Distribution =>
  distributionOf({ low, likely: (low + high) / 2, high, likelyGiven: false });

describe('Monte Carlo statistics helpers', () => {
  it('nearest-rank percentiles and shares', () => {
    const s = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentile(s, 0.5)).toBe(5);
    expect(percentile(s, 0.8)).toBe(8);
    expect(percentile(s, 0.95)).toBe(10);
    expect(percentile(s, 0)).toBe(1);
    expect(shareAtMost(s, 4.5)).toBe(0.4);
    expect(shareAtMost(s, 10)).toBe(1);
    expect(shareAtMost(s, 0)).toBe(0);
  });

  it('ranks average ties and match a naive ranking', () => {
    expect(Array.from(ranks([10, 30, 20, 20]))).toEqual([1, 4, 2.5, 2.5]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 40 }), (xs) => {
        const r = ranks(xs);
        xs.forEach((x, i) => {
          const below = xs.filter((y) => y < x).length;
          const same = xs.filter((y) => y === x).length;
          expect(r[i]).toBe(below + (same + 1) / 2);
        });
      }),
    );
  });

  it('correlation is ±1 for linear data and 0 for a constant', () => {
    expect(correlation([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(correlation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(correlation([5, 5, 5], [1, 2, 3])).toBe(0);
  });
});

describe('monteCarlo on generic problems', () => {
  const opts = { schedule: reusableFastScheduler(), chain: reusableChainFinder() };

  it('a serial chain of identical tasks has the sum of their means and variances', () => {
    const k = 10;
    const d = tri(4, 10);
    const samples = 20_000;
    const r = monteCarlo(chain(k), Array(k).fill(d), { ...opts, samples, seed: 3 });
    const mean = k * meanOf(d);
    const sd = Math.sqrt(k * varianceOf(d));
    // The sample mean is within 4 standard errors; the variance within 5 %.
    expect(Math.abs(r.mean - mean)).toBeLessThan((4 * sd) / Math.sqrt(samples));
    expect(Math.abs((r.stdDev * r.stdDev) / (sd * sd) - 1)).toBeLessThan(0.05);
    // Every task is on the critical chain of every sample; the chain's finish is normal-ish,
    // so P50 is near the mean and a deadline at the mean is met about half the time.
    for (const a of r.activities) expect(a.criticality).toBe(1);
    expect(Math.abs(r.percentiles.p50 - mean)).toBeLessThan(0.1 * sd);
    const r2 = monteCarlo(chain(k), Array(k).fill(d), {
      ...opts,
      samples,
      seed: 3,
      deadline: mean,
    });
    expect(Math.abs(r2.deadline!.probability - 0.5)).toBeLessThan(0.02);
  });

  it('a PERT chain matches PERT theory too', () => {
    const d = distributionOf({ low: 2, likely: 3, high: 9, likelyGiven: true });
    const k = 6;
    const r = monteCarlo(chain(k), Array(k).fill(d), { ...opts, samples: 20_000, seed: 5 });
    expect(r.mean).toBeCloseTo(k * meanOf(d), 1);
    expect(Math.abs((r.stdDev * r.stdDev) / (k * varianceOf(d)) - 1)).toBeLessThan(0.05);
  });

  it('fixed durations give P50 = P80 = P95 = the makespan', () => {
    const fixed = distributionOf({ low: 3, likely: 3, high: 3, likelyGiven: false });
    const r = monteCarlo(chain(4), Array(4).fill(fixed), { ...opts, samples: 200, seed: 1 });
    expect(r.percentiles).toEqual({ p50: 12, p80: 12, p95: 12 });
    expect(r.stdDev).toBe(0);
    expect(r.drivers).toEqual([]);
  });

  it('resource contention serializes work that precedence alone would run in parallel', () => {
    // Two independent 5-7 h jobs on one GPU: the finish is their sum, not their max.
    const p = parallel([6, 6], 1, [1, 1]);
    const r = monteCarlo(p, [tri(5, 7), tri(5, 7)], { ...opts, samples: 2000, seed: 9 });
    expect(r.mean).toBeCloseTo(12, 0);
    expect(r.min).toBeGreaterThanOrEqual(10);
    // With two GPUs they overlap.
    const r2 = monteCarlo(parallel([6, 6], 2, [1, 1]), [tri(5, 7), tri(5, 7)], {
      ...opts,
      samples: 2000,
      seed: 9,
    });
    expect(r2.max).toBeLessThanOrEqual(7);
  });

  it('criticality and drivers follow the branch that is usually longer', () => {
    // p1 (8-12) usually outlasts p2 (2-11); p3 (1) is never critical.
    const p = parallel([10, 6, 1], 10, [0, 0, 0]);
    const r = monteCarlo(p, [tri(8, 12), tri(2, 11), tri(1, 1)], {
      ...opts,
      samples: 5000,
      seed: 2,
    });
    const [a, b, c] = r.activities;
    expect(a!.criticality).toBeGreaterThan(0.9);
    expect(b!.criticality).toBeLessThan(0.1);
    expect(a!.criticality + b!.criticality).toBeCloseTo(1, 5);
    expect(c!.criticality).toBe(0);
    expect(r.drivers[0]!.id).toBe('p1');
    expect(r.drivers.map((d) => d.id)).not.toContain('p3');
  });

  it('is deterministic for a seed and varies with it', () => {
    const dists = Array(5).fill(tri(1, 9));
    const a = monteCarlo(chain(5), dists, { ...opts, samples: 500, seed: 42 });
    const b = monteCarlo(chain(5), dists, {
      schedule: reusableFastScheduler(),
      chain: reusableChainFinder(),
      samples: 500,
      seed: 42,
    });
    const c = monteCarlo(chain(5), dists, { ...opts, samples: 500, seed: 43 });
    expect(Array.from(a.makespans)).toEqual(Array.from(b.makespans));
    expect(a.percentiles).toEqual(b.percentiles);
    expect(Array.from(a.makespans)).not.toEqual(Array.from(c.makespans));
  });

  it('tells its progress every PROGRESS_EVERY samples and after the last, changing nothing', () => {
    const dists = Array(5).fill(tri(1, 9));
    const told: number[] = [];
    const samples = 2 * PROGRESS_EVERY + 7;
    const a = monteCarlo(chain(5), dists, {
      ...opts,
      samples,
      seed: 8,
      onProgress: (done) => told.push(done),
    });
    expect(told).toEqual([PROGRESS_EVERY, 2 * PROGRESS_EVERY, samples]);
    const b = monteCarlo(chain(5), dists, { ...opts, samples, seed: 8 });
    expect(Array.from(a.makespans)).toEqual(Array.from(b.makespans));
  });

  it('rejects a bad sample count', () => {
    expect(() =>
      monteCarlo(chain(2), [tri(1, 2), tri(1, 2)], { ...opts, samples: 0, seed: 1 }),
    ).toThrow(/at least one sample/);
  });
});

describe('Monte Carlo on Epic 1A', () => {
  it('with fixed estimates, P50 = P80 = P95 = the deterministic makespan', () => {
    const fixed: Project = {
      ...epic,
      tasks: epic.tasks.map((t) => ({
        ...t,
        phases: t.phases.map((p) => {
          const h = expectedHours(p.estimate);
          return { ...p, estimate: { low: h, likely: h, high: h, likelyGiven: false } };
        }),
      })),
    };
    for (const team of [1, 2, 3]) {
      const r = run(fixed, team, 300);
      const { p50, p80, p95 } = r.result.percentiles;
      expect(p50).toBe(r.plan.makespan);
      expect(p80).toBe(p50);
      expect(p95).toBe(p50);
    }
  });

  it('finishes later with one engineer than with two, and reports the seed high-risk tasks as risky', () => {
    const one = run(epic, 1, 1000);
    const two = run(epic, 2, 1000);
    expect(one.result.percentiles.p50).toBeGreaterThan(two.result.percentiles.p50);
    for (const r of [one, two]) {
      const { p50, p80, p95 } = r.result.percentiles;
      expect(p50).toBeLessThanOrEqual(p80);
      expect(p80).toBeLessThanOrEqual(p95);
      expect(r.result.groups.map((g) => g.id)).toContain('1a.8');
      expect(r.result.groups).toHaveLength(17);
    }
    // 1a.8 (drivers, high risk) gates all GPU work: it is always critical and among the drivers.
    const g8 = two.result.groups.find((g) => g.id === '1a.8')!;
    expect(g8.criticality).toBeGreaterThan(0.9);
    expect(two.result.drivers.map((d) => d.id)).toContain('1a.8');
  });

  it('the same seed gives identical results; the deadline probability is a share of samples', () => {
    const a = run(epic, 2, 500, 7, 80);
    const b = run(epic, 2, 500, 7, 80);
    expect(Array.from(a.result.makespans)).toEqual(Array.from(b.result.makespans));
    expect(a.result.groups).toEqual(b.result.groups);
    expect(a.result.deadline!.probability).toBe(1);
    expect(run(epic, 2, 500, 7, 60).result.deadline!.probability).toBe(0);
  });

  it('the fast chain finder agrees with the team plan critical chain', () => {
    const cal = makeCalendar({
      start: epic.start,
      hoursPerDay: epic.hoursPerDay,
      holidays: epic.holidays,
    });
    const team = selectTeam(epic, { kind: 'count', count: 2 });
    if (!team.ok) throw new Error(unknownMemberMessage(team.error));
    const pp = projectProblem(epic, {
      team: team.value,
      estimate: 'expected',
      gpuProfile: gpuProfile(cal, epic.gpu),
    });
    if (!pp.ok) throw new Error(pp.error);
    const dists = activityDistributions(pp.value);
    const d = new Float64Array(pp.value.problem.n);
    const finder = reusableChainFinder();
    for (let s = 0; s < 50; s++) {
      drawDurations(dists, 11, s, d);
      const problem = { ...pp.value.problem, duration: Float64Array.from(d) };
      const schedule = solve(problem, { seed: 1, timeLimitMs: 0, mode: 'fast', now }).schedule;
      const expected = criticalChain(problem, schedule).map((l) => l.id);
      const got = Array.from(finder(problem, schedule), (i) => problem.ids[i]!).reverse();
      expect(got).toEqual(expected);
    }
  });

  it('a GPU job demanding every GPU waits for them (ALL demand)', () => {
    const p = parallel([2], 0, [ALL]);
    const withGpu: Problem = {
      ...p,
      resources: [
        {
          id: 'gpu',
          profile: [
            { from: 0, capacity: 0 },
            { from: 5, capacity: 2 },
          ],
        },
      ],
    };
    const r = monteCarlo(withGpu, [tri(2, 2)], {
      schedule: reusableFastScheduler(),
      chain: reusableChainFinder(),
      samples: 10,
      seed: 1,
    });
    expect(r.percentiles.p50).toBe(7);
  });
});
