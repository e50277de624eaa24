import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { buildActivityGraph } from '../../../src/model/activities.js';
import type { Project } from '../../../src/model/project.js';
import {
  buildTeamPlans,
  DEFAULT_MAX_SCHEDULES,
  DEFAULT_TIME_LIMIT_MS,
} from '../../../src/app/plan-team.js';
import { forecastFromState } from '../../../src/app/forecast.js';
import { renderStatusJson } from '../../../src/reporters/status-table.js';
import type { JournalRecord } from '../../../src/state/records.js';
import { replay } from '../../../src/state/reducer.js';
import {
  computeStatus,
  forecastDate,
  STATUS_TEAM_FORECAST_MAX,
} from '../../../src/state/status.js';
import { withTeamForecast } from '../../../src/app/status-forecast.js';
import { teamSize } from '../../../src/model/team-spec.js';

function load(text: string): Project {
  const r = loadProjectText(text, 'test.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** A chain-ish project of `n` tasks (some GPU work), with the first `done` finished an hour each. */
function big(n: number, done: number): { project: Project; records: JournalRecord[] } {
  const lines = [
    'project: big',
    'start: 2026-01-05',
    'hardware:',
    '  gpu: [{ count: 4, from: 2026-01-05 }]',
    'tasks:',
  ];
  for (let i = 0; i < n; i++) {
    const deps = i === 0 ? [] : [`t${(i * 7919) % i}`, `t${i - 1}`];
    const hw = i % 5 === 0 ? ', hardware: gpu, gpus: 1' : '';
    lines.push(
      `  - { id: t${i}, hours: ${1 + (i % 4)}, deps: [${[...new Set(deps)].join(', ')}]${hw}, run: "true" }`,
    );
  }
  const records: JournalRecord[] = [];
  const H = 3_600_000;
  const t0 = Date.parse('2026-01-05T09:00:00Z');
  for (let i = 0; i < done; i++) {
    const base = { v: 1 as const, runId: 'r1', id: `t${i}`, attempt: 1 };
    records.push({ ...base, t: 'started', at: t0 + i * H, backend: 'local', gpus: [], log: 'x' });
    records.push({ ...base, t: 'finished', at: t0 + (i + 1) * H, exitCode: 0, durationMs: H });
  }
  return { project: load(`${lines.join('\n')}\n`), records };
}

describe('status forecast', () => {
  it("is the planner's: the same as plan --team's re-plan from the journal", () => {
    const { project, records } = big(30, 10);
    const state = replay(records);
    const now = Date.parse('2026-01-07T10:00:00Z');
    const graph = buildActivityGraph(project);
    for (const team of [1, 2]) {
      const m = withTeamForecast(
        computeStatus(project, graph, state, { hostGpus: 4, now, liveRunId: undefined }),
        project,
        state,
        { team: { kind: 'count', count: team }, now },
      );
      // What `plan --team N` does with its default options when a journal exists.
      const plans = buildTeamPlans(project, [teamSize(team)], {
        estimate: 'expected',
        seed: 1,
        timeLimitMs: DEFAULT_TIME_LIMIT_MS,
        maxSchedules: DEFAULT_MAX_SCHEDULES,
      });
      if (!plans.ok) throw new Error(plans.error);
      const f = forecastFromState(project, plans.value[0]!, state, { nowMs: now });
      if (!f.ok) throw new Error(f.error);
      expect(m).toMatchObject({
        forecastBy: 'team',
        team: String(team),
        forecastAt: f.value.forecastEnd,
        baselineEnd: f.value.baselineEnd,
        forecast: f.value.forecastEnd.slice(0, 10),
        forecastNote: undefined,
      });
      // The remaining critical path stays, with its own (unlimited-people) end.
      expect(m.criticalPath.length).toBeGreaterThan(0);
      expect(m.criticalPathEnd <= m.forecast).toBe(true);
    }
  });

  it('falls back to the critical path with a note for a team it cannot plan', () => {
    const { project, records } = big(5, 0);
    const state = replay(records);
    const now = Date.parse('2026-01-05T10:00:00Z');
    const m0 = computeStatus(project, buildActivityGraph(project), state, {
      hostGpus: 4,
      now,
      liveRunId: undefined,
    });
    const m = withTeamForecast(m0, project, state, {
      team: { kind: 'names', ids: ['nobody'] },
      now,
    });
    expect(m.forecastBy).toBe('cpm');
    expect(m.forecast).toBe(m0.criticalPathEnd);
    expect(m.forecastNote).toMatch(/^remaining critical path alone: no team forecast/);
  });

  it(`skips the team forecast over ${STATUS_TEAM_FORECAST_MAX} activities (timed by bench:status, not here)`, () => {
    const { project, records } = big(10_000, 5_000);
    const graph = buildActivityGraph(project);
    const now = Date.parse('2026-03-02T10:00:00Z');
    const state = replay(records);
    const json = renderStatusJson(
      withTeamForecast(
        computeStatus(project, graph, state, { hostGpus: 4, now, liveRunId: undefined }),
        project,
        state,
        { team: { kind: 'count', count: 2 }, now },
      ),
    );
    const m = JSON.parse(json) as { forecastBy: string; forecastNote: string; counts: object };
    expect(m.forecastBy).toBe('cpm');
    expect(m.forecastNote).toContain(`10000 activities is over the ${STATUS_TEAM_FORECAST_MAX}`);
    expect(m.counts).toMatchObject({ done: 5000 });
  }, 60_000);
});

describe('status of batch (Slurm) jobs', () => {
  //   a ──▶ b ──▶ c      a finished; b and c were submitted; Slurm runs b and queues c.
  it('shows a queued job as pending and a running one as running', () => {
    const project = load(
      [
        'project: p',
        'start: 2026-01-05',
        'tasks:',
        '  - { id: a, hours: 1 }',
        '  - { id: b, hours: 2, deps: [a] }',
        '  - { id: c, hours: 3, deps: [b] }',
      ].join('\n'),
    );
    const at = Date.parse('2026-01-05T09:00:00Z');
    const started = (id: string, job: string): JournalRecord => ({
      v: 1,
      t: 'started',
      at,
      runId: 'r1',
      id,
      attempt: 1,
      backend: 'slurm',
      externalId: job,
      gpus: [],
      log: `.critpath/logs/${id}.log`,
    });
    const state = replay([
      started('a', '10'),
      {
        v: 1,
        t: 'finished',
        at: at + 1000,
        runId: 'r1',
        id: 'a',
        attempt: 1,
        exitCode: 0,
        durationMs: 1000,
      },
      started('b', '11'),
      started('c', '12'),
    ]);
    const graph = buildActivityGraph(project);
    const m = computeStatus(project, graph, state, {
      hostGpus: 0,
      now: at + 60_000,
      liveRunId: undefined,
      batchLive: new Map([
        ['b', 'running'],
        ['c', 'pending'],
      ]),
    });
    expect(m.activities.map((x) => [x.id, x.status])).toEqual([
      ['a', 'done'],
      ['b', 'running'],
      ['c', 'pending'],
    ]);
  });
});

describe('forecastDate', () => {
  const project = { hoursPerDay: 8, holidays: [], start: '2026-11-30' };
  // Local time, as the journal's instants are read (Mon 7 Dec 2026).
  const at = (hh: number, mm = 0): number => new Date(2026, 11, 7, hh, mm).getTime();
  it('counts the hours from now, not from this morning', () => {
    expect(forecastDate(project, at(14, 54), 3)).toBe('2026-12-08'); // 2 h 6 min left today
    expect(forecastDate(project, at(9), 3)).toBe('2026-12-07');
    expect(forecastDate(project, at(7), 8)).toBe('2026-12-07'); // before 09:00: the whole day
    expect(forecastDate(project, at(20), 1)).toBe('2026-12-08'); // after hours: tomorrow
    // Before the project's start: from its first morning.
    expect(forecastDate({ ...project, start: '2026-12-14' }, at(14), 3)).toBe('2026-12-14');
    // Nothing left: today, never a day already past.
    expect(forecastDate(project, at(12), 0)).toBe('2026-12-07');
    expect(forecastDate(project, at(20), 0)).toBe('2026-12-07');
    expect(forecastDate(project, new Date(2026, 11, 8, 7).getTime(), 0)).toBe('2026-12-08');
    expect(forecastDate(project, new Date(2026, 11, 12, 12).getTime(), 0)).toBe('2026-12-12');
    expect(forecastDate({ ...project, start: '2026-12-19' }, at(12), 0)).toBe('2026-12-21');
  });
});

describe('status of GPU work before its hardware', () => {
  it('names the delivery that brings enough GPUs, not the first one, as the arrival', () => {
    // One GPU on Wed 9 Dec, four on Mon 14 Dec: the 2-GPU task waits for Monday. Status said
    // "GPU hardware arrives Wed 9 Dec" for it.
    const project = load(
      [
        'project: P11',
        'start: 2026-12-07',
        'hardware:',
        '  gpu:',
        '    - { count: 1, from: 2026-12-09 }',
        '    - { count: 4, from: 2026-12-14 }',
        'tasks:',
        '  - { id: w, hours: 3, hardware: gpu, gpus: 2 }',
        '  - { id: y, hours: 3, hardware: gpu, gpus: 1 }',
        '  - { id: x, hours: 3, hardware: gpu, gpus: all }',
        '',
      ].join('\n'),
    );
    const m = computeStatus(project, buildActivityGraph(project), replay([]), {
      hostGpus: 0,
      now: Date.parse('2026-12-07T10:00:00Z'),
      liveRunId: undefined,
    });
    const arrives = Object.fromEntries(
      m.activities.map((a) => [a.id, a.blocked?.kind === 'gpus' ? a.blocked.arrives : a.blocked]),
    );
    expect(arrives).toEqual({ w: '2026-12-14', y: '2026-12-09', x: '2026-12-09' });
  });
});

describe("status's today, in the machine's time zone", () => {
  /** `fn` run with the process in time zone `tz` (Node rereads TZ when it is set). */
  function inZone<T>(tz: string, fn: () => T): T {
    const was = process.env.TZ;
    process.env.TZ = tz;
    try {
      return fn();
    } finally {
      if (was === undefined) delete process.env.TZ;
      else process.env.TZ = was;
    }
  }
  const project = load(
    [
      'project: tz',
      'start: 2026-12-07',
      'hardware: { gpu: [ { count: 1, from: 2026-12-09 } ] }',
      'tasks:',
      '  - { id: g, hours: 2, hardware: gpu, gpus: 1 }',
      '',
    ].join('\n'),
  );
  const statusAt = (tz: string, iso: string) =>
    inZone(tz, () =>
      computeStatus(project, buildActivityGraph(project), replay([]), {
        hostGpus: 0,
        now: Date.parse(iso),
        liveRunId: undefined,
      }),
    );
  const arrives = (m: ReturnType<typeof statusAt>) =>
    m.activities[0]?.blocked?.kind === 'gpus' ? m.activities[0].blocked.arrives : 'not gpus';

  it('an evening in Los Angeles (UTC is a day ahead): the GPUs still arrive tomorrow', () => {
    // Tue 8 Dec 18:00 there. The row said the GPUs were here (UTC's 9 Dec) while the end
    // waited for them (the local 8 Dec).
    const m = statusAt('America/Los_Angeles', '2026-12-09T02:00:00Z');
    expect(arrives(m)).toBe('2026-12-09');
    expect(m.criticalPathEnd).toBe('2026-12-09');
  });

  it('a morning in Auckland (UTC is a day behind): the GPUs arrived today', () => {
    // Wed 9 Dec 10:00 there. The row said they arrive Wed 9 Dec (UTC's 8 Dec), the end did not
    // wait for them.
    const m = statusAt('Pacific/Auckland', '2026-12-08T21:00:00Z');
    expect(arrives(m)).toBeUndefined();
    expect(m.criticalPathEnd).toBe('2026-12-09');
  });
});

describe('the remaining critical path, alone', () => {
  const local = (s: string): number => new Date(s).getTime();

  it('ends after the GPU hardware it waits for arrives, as the forecast does', () => {
    // 6-hour days, Mon 14 Dec a holiday, the GPUs come Wed 16 Dec: G1 starts then, not after M1.
    // It said "alone it ends Tue 15 Dec", a day before the GPUs it needs.
    const project = load(
      [
        'project: P2',
        'start: 2026-12-10',
        'hoursPerDay: 6',
        'holidays: [2026-12-14]',
        'hardware: { gpu: [ { count: 2, from: 2026-12-16 } ] }',
        'tasks:',
        '  - { id: M1, hours: 5, hardware: macbook }',
        '  - { id: G1, hours: 7, hardware: gpu, gpus: 2, deps: [M1] }',
        '  - { id: G2, hours: 2, hardware: gpu, gpus: 1, deps: [G1] }',
        '',
      ].join('\n'),
    );
    const m = computeStatus(project, buildActivityGraph(project), replay([]), {
      hostGpus: 0,
      now: local('2026-12-10T10:00:00'),
      liveRunId: undefined,
    });
    expect(m.remainingHours).toBe(14);
    expect(m.criticalPath).toEqual(['M1', 'G1', 'G2']);
    expect(m.criticalPathEnd).toBe('2026-12-17');
  });

  it("counts a person's working hours on hand work begun, not the nights in between", () => {
    // Started Mon 14:00, an 8-hour task: by Tue 10:00, 3 + 1 working hours are done. It counted
    // 20 clock hours, took the task as finished, and said B alone ends Tuesday.
    const project = load(
      'project: P12\nstart: 2026-12-07\nhoursPerDay: 8\ntasks:\n' +
        '  - { id: A, hours: 8, hardware: macbook }\n' +
        '  - { id: B, hours: 4, hardware: macbook, deps: [A] }\n',
    );
    const at = local('2026-12-07T14:00:00');
    const start: JournalRecord = {
      v: 1,
      t: 'hand',
      at,
      recordedAt: at,
      id: 'A',
      action: 'start',
    };
    const m = computeStatus(project, buildActivityGraph(project), replay([start]), {
      hostGpus: 0,
      now: local('2026-12-08T10:00:00'),
      liveRunId: undefined,
    });
    expect(m.remainingHours).toBe(8);
    expect(m.criticalPath).toEqual(['A', 'B']);
    expect(m.criticalPathEnd).toBe('2026-12-09');
    // "took" stays the clock's.
    expect(m.activities.find((a) => a.id === 'A')?.hours).toBe(20);
  });
});

describe('zero-hour milestones behind a GPU arrival', () => {
  const project = load(
    [
      'project: z4',
      'start: 2026-12-07',
      'hardware:',
      '  gpu:',
      '    - { count: 1, from: 2026-12-09 }',
      'tasks:',
      '  - { id: a, hours: 1, hardware: macbook }',
      '  - { id: b, hours: 0, hardware: gpu, deps: [a] }',
      '  - { id: c, hours: 0, hardware: macbook, deps: [b] }',
      '',
    ].join('\n'),
  );

  it('the critical chain runs in dependency order to the last milestone', () => {
    // It read "(slack) → c → b": of b and c, ending together, it began from b, then took c
    // (its engineer's, zero hours long) as what b waited for.
    const r = buildTeamPlans(project, [teamSize(1)], { now: () => 0 });
    if (!r.ok) throw new Error(r.error);
    expect(r.value[0]!.criticalChain).toEqual([
      { id: 'b', reason: 'arrival', resource: 'gpu' },
      { id: 'c', reason: 'precedence' },
    ]);
  });

  it('status keeps open milestones on the remaining critical path, and waits for their GPUs', () => {
    const done: JournalRecord = {
      v: 1,
      t: 'hand',
      at: new Date('2026-12-07T10:00:00').getTime(),
      recordedAt: new Date('2026-12-07T10:00:00').getTime(),
      id: 'a',
      action: 'done',
      hours: 1,
    };
    const m = computeStatus(project, buildActivityGraph(project), replay([done]), {
      hostGpus: 0,
      now: new Date('2026-12-07T11:00:00').getTime(),
      liveRunId: undefined,
    });
    expect(m.criticalPath).toEqual(['b', 'c']);
    // Hour 16 of the calendar, Wed 9 Dec 09:00, ends Tue 8 Dec as the plan dates it.
    expect(m.criticalPathEnd).toBe('2026-12-08');
  });
});
