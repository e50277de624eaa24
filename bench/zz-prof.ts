import { progenSet, J120_LIKE } from './gen/psplib-like.js';
import { psplibToProblem } from '../src/config/psplib.js';
import { solve } from '../src/planner/engine/solve.js';
for (const g of progenSet(J120_LIKE, 4, 1)) {
  const p = psplibToProblem(g.instance);
  const r = solve(p, {
    seed: 1,
    timeLimitMs: 1e9,
    maxSchedules: 20000,
    now: () => performance.now(),
  });
  console.log(g.name, r.schedule.makespan, r.method);
}
