import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../../src/config/load.js';
import { checkSchedule } from '../../../../src/planner/engine/check-schedule.js';
import { compile } from '../../../../src/planner/engine/compile.js';
import { cpm } from '../../../../src/planner/engine/cpm.js';
import { Fbi } from '../../../../src/planner/engine/fbi.js';
import { priorityList } from '../../../../src/planner/engine/priority.js';
import type { Problem } from '../../../../src/planner/engine/problem.js';
import { Profile } from '../../../../src/planner/engine/profile.js';
import { projectProblem, selectTeam } from '../../../../src/planner/project/project-problem.js';
import { Sgs } from '../../../../src/planner/engine/sgs.js';
import { solve } from '../../../../src/planner/engine/solve.js';
import { unknownMemberMessage } from '../../../../src/model/team-spec.js';

const loaded = loadProjectText(
  readFileSync(new URL('../../../../tasks/epic-1a.yaml', import.meta.url), 'utf8'),
  'epic-1a.yaml',
);
if (!loaded.ok) throw new Error(loaded.error.map((d) => d.message).join('\n'));
const epic = loaded.value;

/** Epic 1A's problem for a team of `count`, GPUs from `first` at 0, all 4 from `arrival`. */
function epicProblem(count: number, first: number, arrival: number): Problem {
  const team = selectTeam(epic, { kind: 'count', count });
  if (!team.ok) throw new Error(unknownMemberMessage(team.error));
  const pp = projectProblem(epic, {
    team: team.value,
    estimate: 'expected',
    gpuProfile: [
      { from: 0, capacity: first },
      { from: arrival, capacity: 4 },
    ],
  });
  if (!pp.ok) throw new Error(pp.error);
  return pp.value.problem;
}

describe('fractional durations and mirrored capacity steps', () => {
  it('a window that ends a few ulps past a capacity step still fits, and leaves no sliver', () => {
    // Mirrored time: an activity that really started when GPUs arrived at A ends at
    // (H − (A + p)) + p, which rounds past the mirrored step H − A.
    const H = 50.509769331555674;
    const A = 30.1358890280826;
    const p = 2.1919;
    const step = H - A;
    const tau = H - (A + p);
    expect(tau + p).toBeGreaterThan(step);
    const prof = new Profile(Float64Array.of(0, step), Float64Array.of(4, 1));
    expect(prof.earliest(tau, p, 1)).toBe(tau);
    prof.add(tau, tau + p, -1);
    // Another unit over the step: the 4 → 1 drop leaves 1 free after it, nothing blocks.
    expect(prof.earliest(step - 0.05, 3.5, 1)).toBe(step - 0.05);
    expect(prof.earliestAll(tau + p, 2)).toBe(tau + p);
  });

  it('sampled Epic 1A durations: fast solves never throw and FBI backward passes never fail', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0, 1),
        fc.double({ min: 5, max: 80, noNaN: true }),
        fc.array(fc.double({ min: 0.3, max: 2.5, noNaN: true }), {
          minLength: 30,
          maxLength: 30,
        }),
        (count, first, arrival, factors) => {
          const base = epicProblem(count, first, arrival);
          const duration = Float64Array.from(base.duration, (h, i) => h * factors[i]!);
          const p: Problem = { ...base, duration };
          const r = solve(p, { seed: 1, timeLimitMs: 0, mode: 'fast', now: () => 0 });
          expect(checkSchedule(p, r.schedule)).toEqual([]);
          // The LFT pass and several FBI rounds, counting failed backward passes.
          const c = compile(p);
          const sgs = new Sgs(c);
          const fbi = new Fbi(c, sgs);
          const n = p.n;
          const start = new Float64Array(n);
          const worker = new Int32Array(n);
          const held = new Float64Array(n * c.R);
          const list = priorityList(c, cpm(p, duration)!.lf);
          const m = sgs.serial(list, start, worker, held);
          const improved = fbi.improve(list, start, worker, held, m, 4);
          expect(fbi.failedBackward).toBe(0);
          expect(improved).toBeLessThanOrEqual(m);
          expect(checkSchedule(p, { start, worker, held, makespan: improved })).toEqual([]);
        },
      ),
      { numRuns: 400, seed: 20261130 },
    );
  });
});
