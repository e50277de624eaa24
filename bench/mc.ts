/**
 * Monte Carlo benchmark: N samples of Epic 1A per team size, each re-scheduled with the
 * engine's fast mode. Target: 10,000 samples in ≤ 2 s per team size.
 *
 *   npm run bench:mc              # 10,000 samples, teams 1,2,3, seed 1
 *   npm run bench:mc -- 20000 7   # samples, seed
 */
import { performance } from 'node:perf_hooks';
import { loadProjectFile } from '../src/config/load.js';
import { gpuProfile, makeCalendar } from '../src/calendar/calendar.js';
import { projectMonteCarlo } from '../src/planner/project/monte-carlo-project.js';
import { selectTeam } from '../src/planner/project/project-problem.js';
import { unknownMemberMessage } from '../src/model/team-spec.js';

const samples = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? 1);
const scheduler = process.argv[4] === 'solve' ? 'solve' : 'reuse';
const TARGET_MS = 2000;

const loaded = await loadProjectFile('tasks/epic-1a.yaml');
if (!loaded.ok) throw new Error(loaded.error.map((d) => d.message).join('\n'));
const project = loaded.value;
const cal = makeCalendar({
  start: project.start,
  hoursPerDay: project.hoursPerDay,
  holidays: project.holidays,
});
const profile = gpuProfile(cal, project.gpu);

let worst = 0;
for (const count of [1, 2, 3]) {
  const team = selectTeam(project, { kind: 'count', count });
  if (!team.ok) throw new Error(unknownMemberMessage(team.error));
  const t0 = performance.now();
  const r = projectMonteCarlo(project, {
    team: team.value,
    gpuProfile: profile,
    samples,
    seed,
    now: () => performance.now(),
    scheduler,
  });
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(r.error);
  worst = Math.max(worst, ms);
  const p = r.value.result.percentiles;
  console.log(
    `team ${count}: ${samples} samples in ${ms.toFixed(0)} ms (${((ms * 1000) / samples).toFixed(1)} µs/sample)` +
      `  P50 ${p.p50.toFixed(1)} h  P80 ${p.p80.toFixed(1)} h  P95 ${p.p95.toFixed(1)} h`,
  );
}
const verdict = worst <= (TARGET_MS * samples) / 10_000 ? 'ok' : 'SLOW';
console.log(
  `slowest team: ${worst.toFixed(0)} ms for ${samples} samples (target ≤ ${TARGET_MS} ms per 10,000): ${verdict}`,
);
if (verdict !== 'ok') process.exitCode = 1;
