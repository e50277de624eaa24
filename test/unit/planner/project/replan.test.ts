import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DatedTeamPlan } from '../../../../src/app/plan-team.js';
import { buildTeamPlans } from '../../../../src/app/plan-team.js';
import { axisHourOf, isoAt, makeCalendar } from '../../../../src/calendar/calendar.js';
import { loadProjectText } from '../../../../src/config/load.js';
import type { Project } from '../../../../src/model/project.js';
import { projectProblem } from '../../../../src/planner/project/project-problem.js';
import { calibrationOf, replan } from '../../../../src/planner/project/replan.js';
import { forecastFromState } from '../../../../src/app/forecast.js';
import { scheduleOfPlan } from '../../../../src/app/risk.js';
import type { JournalRecord } from '../../../../src/state/records.js';
import { replay } from '../../../../src/state/reducer.js';
import { teamSize } from '../../../../src/model/team-spec.js';

function load(text: string): Project {
  const r = loadProjectText(text, 'test.yaml');
  if (!r.ok) throw new Error(r.error.map((d) => d.message).join('\n'));
  return r.value;
}

const epic = load(readFileSync(new URL('../../../../tasks/epic-1a.yaml', import.meta.url), 'utf8'));

function plansFor(team: number): DatedTeamPlan {
  const r = buildTeamPlans(epic, [teamSize(team)], {
    seed: 1,
    range: false,
    maxSchedules: 300,
    timeLimitMs: 600_000,
  });
  if (!r.ok) throw new Error(r.error);
  return r.value[0]!;
}

/** Local time on a day of the project (Mon 30 Nov 2026 is day 0). */
const at = (day: number, hh: number, mm = 0): number =>
  new Date(2026, 10, 30 + day, hh, mm).getTime();

/** The local instant of an isoAt text (`YYYY-MM-DDTHH:MM`, no zone: read as local time). */
const localMs = (iso: string): number => new Date(iso).getTime();

/** A fabricated journal: one run; `done` activities with start and end, `running` ones started. */
function journal(
  done: readonly [string, number, number][],
  running: readonly [string, number][] = [],
): JournalRecord[] {
  const runId = 'r1';
  const recs: JournalRecord[] = [
    {
      v: 1,
      t: 'run-start',
      at: at(0, 9),
      runId,
      pid: 1,
      pidStart: '1',
      boot: 'b',
      host: 'h',
      backend: 'local',
      jobs: 1,
      gpus: [],
      simulatedGpus: true,
    },
  ];
  const started = (id: string, at: number): JournalRecord => ({
    v: 1,
    t: 'started',
    at,
    runId,
    id,
    attempt: 1,
    backend: 'local',
    gpus: [],
    log: `${id}.log`,
  });
  for (const [id, s, e] of done) {
    recs.push(started(id, s));
    recs.push({
      v: 1,
      t: 'finished',
      at: e,
      runId,
      id,
      attempt: 1,
      exitCode: 0,
      durationMs: e - s,
    });
  }
  for (const [id, s] of running) recs.push(started(id, s));
  return recs;
}

describe('axisHourOf', () => {
  const cal = makeCalendar({ start: '2026-11-30', hoursPerDay: 8 });
  it('maps local instants to working hours', () => {
    expect(axisHourOf(cal, at(0, 9))).toBe(0);
    expect(axisHourOf(cal, at(0, 11, 30))).toBe(2.5);
    expect(axisHourOf(cal, at(0, 20))).toBe(8); // after the working day: its end
    expect(axisHourOf(cal, at(1, 7))).toBe(8); // before 09:00: the day's start
    expect(axisHourOf(cal, at(5, 12))).toBe(40); // Saturday: Monday of week 2
    expect(axisHourOf(cal, at(7, 10))).toBe(41);
  });

  it("reads an instant after midnight within a working day over 15 h as that day's (isoAt's dating)", () => {
    // 20 h days from 09:00 run on to 05:00 the next morning.
    const long = makeCalendar({ start: '2026-11-30', hoursPerDay: 20 });
    expect(axisHourOf(long, at(1, 3))).toBe(18); // Tuesday 03:00: Monday's 18th hour
    expect(axisHourOf(long, at(1, 5))).toBe(20); // Monday's end
    expect(axisHourOf(long, at(1, 7))).toBe(20); // before Tuesday's 09:00: its start
    expect(axisHourOf(long, at(1, 10))).toBe(21);
    expect(axisHourOf(long, at(5, 4))).toBe(99); // Saturday 04:00: Friday's 19th hour
    expect(axisHourOf(long, at(5, 12))).toBe(100); // Saturday noon: Monday of week 2
    // Each is what isoAt dates that hour as.
    for (const h of [18, 19.5, 99]) expect(axisHourOf(long, localMs(isoAt(long, h)))).toBe(h);
  });
});

describe('re-planning from a fabricated journal', () => {
  const plan = plansFor(1);
  const onTime = journal([
    ['1a.1', at(0, 9), at(0, 11, 30)],
    ['1a.2', at(0, 11, 30), at(0, 12, 30)],
  ]);

  it('with work done as estimated, the forecast stays at the baseline', () => {
    const f = forecastFromState(epic, plan, replay(onTime), { nowMs: at(0, 12, 30) });
    if (!f.ok) throw new Error(f.error);
    expect(f.value.done).toBe(2);
    expect(f.value.replan.forecast).toBeCloseTo(plan.makespan, 6);
    expect(f.value.replan.baseline).toBe(plan.makespan);
  });

  it('moves the forecast when a task overruns, and again as it keeps running', () => {
    // 1a.3 (Packer, 6-10 h) has been running since Monday 12:30; it is now Wednesday 12:30.
    const running = journal(
      [
        ['1a.1', at(0, 9), at(0, 11, 30)],
        ['1a.2', at(0, 11, 30), at(0, 12, 30)],
      ],
      [['1a.3', at(0, 12, 30)]],
    );
    const wed = forecastFromState(epic, plan, replay(running), { nowMs: at(2, 12, 30) });
    const thu = forecastFromState(epic, plan, replay(running), { nowMs: at(3, 12, 30) });
    if (!wed.ok || !thu.ok) throw new Error('forecast failed');
    expect(wed.value.running).toBe(1);
    const i3 = plan.activities.findIndex((a) => a.id === '1a.3');
    // 16 working hours so far, plus a tenth of its estimate still to go.
    expect(wed.value.replan.duration[i3]).toBeCloseTo(16 + 0.8, 6);
    expect(wed.value.replan.forecast).toBeGreaterThan(plan.makespan + 5);
    expect(thu.value.replan.forecast).toBeGreaterThan(wed.value.replan.forecast + 7);
    // Nothing is planned before now.
    const r = thu.value.replan;
    r.phase.forEach((p, i) => {
      if (p === 'planned') expect(r.schedule.start[i]).toBeGreaterThanOrEqual(r.now - 1e-9);
    });
  });

  it('a done task keeps its actual hours and times; an overrun moves the forecast', () => {
    // 1a.3 took 20 h (Mon 12:30 to Thu 08:30 working time) instead of 8.
    const late = journal([
      ['1a.1', at(0, 9), at(0, 11, 30)],
      ['1a.2', at(0, 11, 30), at(0, 12, 30)],
      ['1a.3', at(0, 12, 30), at(3, 8, 30 + 0)],
    ]);
    const f = forecastFromState(epic, plan, replay(late), { nowMs: at(2, 16, 30) });
    if (!f.ok) throw new Error(f.error);
    const i3 = plan.activities.findIndex((a) => a.id === '1a.3');
    const r = f.value.replan;
    expect(r.phase[i3]).toBe('done');
    expect(r.schedule.start[i3]).toBe(3.5);
    expect(r.forecast).toBeGreaterThan(plan.makespan);
  });

  it('calibrates remaining estimates by the observed ratio per hardware tag', () => {
    // MacBook work took twice its estimate so far.
    const slow = journal([
      ['1a.1', at(0, 9), at(0, 14)],
      ['1a.2', at(0, 14), at(0, 16)],
    ]);
    const plain = forecastFromState(epic, plan, replay(slow), { nowMs: at(0, 16) });
    const cal = forecastFromState(epic, plan, replay(slow), { nowMs: at(0, 16), calibrate: true });
    if (!plain.ok || !cal.ok) throw new Error('forecast failed');
    expect(cal.value.replan.calibration.macbook.ratio).toBeCloseTo(2, 6);
    expect(cal.value.replan.calibration.macbook.samples).toBe(2);
    expect(cal.value.replan.calibration.gpu.samples).toBe(0);
    expect(cal.value.replan.calibration.gpu.ratio).toBe(1);
    expect(cal.value.replan.forecast).toBeGreaterThan(plain.value.replan.forecast + 20);
  });

  it('with no progress, re-planning from time 0 gives back a plan no longer than the baseline', () => {
    for (const team of [1, 2]) {
      const p = plansFor(team);
      const pp = projectProblem(epic, {
        team: p.engineers,
        estimate: 'expected',
        gpuProfile: [
          { from: 0, capacity: 0 },
          { from: 40, capacity: 4 },
        ],
      });
      if (!pp.ok) throw new Error(pp.error);
      const r = replan({ pp: pp.value, baseline: scheduleOfPlan(p), progress: new Map(), now: 0 });
      expect(r.forecast).toBeLessThanOrEqual(p.makespan + 1e-6);
      expect(calibrationOf(pp.value, new Map()).macbook.ratio).toBe(1);
    }
  });
});
