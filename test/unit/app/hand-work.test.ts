import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import type { Project } from '../../../src/model/project.js';
import type { HandRequest } from '../../../src/app/hand-work.js';
import { handRecord, parseAt } from '../../../src/app/hand-work.js';
import { emptyState, replay } from '../../../src/state/reducer.js';

function load(text: string): Project {
  const r = loadProjectText(text, 'test.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const project = load(
  [
    'project: hands',
    'start: 2026-01-05',
    'team:',
    '  - { id: ana, name: Ana }',
    'tasks:',
    '  - { id: write-role, hours: 4 }',
    '  - id: install',
    '    phases:',
    '      - { name: prep, hours: 1 }',
    '      - { name: run, hours: 2 }',
  ].join('\n'),
);
// Local noon on 5 Jan 2026.
const NOW = new Date(2026, 0, 5, 12, 0).getTime();
const rec = (req: HandRequest, state = emptyState()) => handRecord(project, state, req, NOW);
const error = (req: HandRequest, state = emptyState()) => {
  const r = rec(req, state);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(req)}`);
  return r.error;
};

describe('hand-work requests', () => {
  it('records an activity, a task of one phase by its id, who and when', () => {
    const r = rec({ action: 'done', id: 'write-role', by: 'ana', hours: '3.5', at: '11:30' });
    expect(r).toEqual({
      ok: true,
      value: {
        t: 'hand',
        at: new Date(2026, 0, 5, 11, 30).getTime(),
        recordedAt: NOW,
        id: 'write-role',
        action: 'done',
        by: 'ana',
        hours: 3.5,
      },
    });
    expect(rec({ action: 'start', id: 'install/prep' }).ok).toBe(true);
  });

  it.each<[HandRequest, string, RegExp]>([
    [
      { action: 'start', id: 'write-rol' },
      'unknown-id',
      /unknown task or activity "write-rol" \(did you mean "write-role"\?\)/,
    ],
    [
      { action: 'done', id: 'install' },
      'phased-task',
      /task "install" has phases: name one \(install\/prep, install\/run\)/,
    ],
    [
      { action: 'start', id: 'write-role', at: 'yesterday' },
      'bad-time',
      /--at: expected YYYY-MM-DD HH:MM/,
    ],
    [
      { action: 'start', id: 'write-role', at: '2026-02-30 10:00' },
      'bad-time',
      /no such date or time/,
    ],
    [{ action: 'start', id: 'write-role', at: '24:00' }, 'bad-time', /no such date or time/],
    [{ action: 'start', id: 'write-role', at: '2026-01-06 09:00' }, 'bad-time', /in the future/],
    [
      { action: 'done', id: 'write-role', hours: '0' },
      'bad-hours',
      /--hours expects hours above 0/,
    ],
    [{ action: 'done', id: 'write-role', hours: 'two' }, 'bad-hours', /got "two"/],
    // Decimal hours only: Number() would read these as 16 and 10.
    [{ action: 'done', id: 'write-role', hours: '0x10' }, 'bad-hours', /got "0x10"/],
    [{ action: 'done', id: 'write-role', hours: '1e1' }, 'bad-hours', /got "1e1"/],
    [{ action: 'done', id: 'write-role', hours: '.' }, 'bad-hours', /got "\."/],
    // The journal takes up to the task file's bound, 100000 h, and so does --hours.
    [
      { action: 'done', id: 'write-role', hours: '100000.5' },
      'bad-hours',
      /at most 100000, got "100000.5"/,
    ],
    [
      { action: 'start', id: 'write-role', by: 'anna' },
      'unknown-person',
      /no one called "anna" .*did you mean "ana"/,
    ],
    [{ action: 'block', id: 'write-role', reason: '  ' }, 'bad-reason', /say why/],
    [
      { action: 'block', id: 'write-role', reason: 'a\u001b[2Jb' },
      'bad-reason',
      /control characters/,
    ],
    [{ action: 'undo', id: 'write-role' }, 'conflict', /no hand work recorded to undo/],
  ])('refuses %j as %s, in one line', (req, kind, message) => {
    const e = error(req);
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('refuses to start or finish what is done, or to finish before the start', () => {
    const started = replay([
      { v: 1, t: 'hand', at: NOW - 3_600_000, recordedAt: NOW, id: 'write-role', action: 'start' },
    ]);
    expect(error({ action: 'done', id: 'write-role', at: '10:00' }, started).message).toMatch(
      /before it was started/,
    );
    const done = replay([
      { v: 1, t: 'hand', at: NOW, recordedAt: NOW, id: 'write-role', action: 'done', hours: 1 },
    ]);
    expect(error({ action: 'start', id: 'write-role' }, done).message).toMatch(/already done/);
    expect(rec({ action: 'undo', id: 'write-role' }, done).ok).toBe(true);
  });

  it('an activity already done says how to take it back: undo for hand work, reset for a run', () => {
    const file = 'tasks/lab.yaml';
    const byHand = replay([
      { v: 1, t: 'hand', at: NOW, recordedAt: NOW, id: 'write-role', action: 'done', hours: 1 },
    ]);
    expect(error({ action: 'done', id: 'write-role', file }, byHand).message).toBe(
      'write-role: already done by hand; take that back first (critpath undo tasks/lab.yaml write-role)',
    );
    const byRun = replay([
      {
        v: 1,
        t: 'started',
        at: NOW - 1000,
        runId: 'r',
        id: 'write-role',
        attempt: 1,
        backend: 'local',
        pid: 1,
        gpus: [],
        log: 'x.log',
      },
      {
        v: 1,
        t: 'finished',
        at: NOW,
        runId: 'r',
        id: 'write-role',
        attempt: 1,
        exitCode: 0,
        durationMs: 1000,
      },
    ]);
    expect(error({ action: 'start', id: 'write-role', file }, byRun).message).toBe(
      'write-role: already done by a run; critpath reset tasks/lab.yaml write-role forgets that result',
    );
  });

  it('reads --at as a local date, a local date and time, or a time today', () => {
    expect(parseAt(undefined, NOW)).toEqual({ ok: true, value: NOW });
    expect(parseAt('2026-01-04', NOW)).toEqual({ ok: true, value: new Date(2026, 0, 4).getTime() });
    expect(parseAt('2026-01-04T17:05', NOW)).toEqual({
      ok: true,
      value: new Date(2026, 0, 4, 17, 5).getTime(),
    });
    expect(parseAt('9:15', NOW)).toEqual({
      ok: true,
      value: new Date(2026, 0, 5, 9, 15).getTime(),
    });
  });
});

describe('--at long before the work', () => {
  it('refuses a time more than a year before the project start, naming the start', () => {
    // 0001-01-01 was read as 1901 and refused as "no such date or time".
    for (const at of ['0001-01-01', '0099-12-31 10:00', '1969-12-31', '2025-01-04 23:59']) {
      for (const action of ['start', 'done', 'block'] as const)
        expect(error({ action, id: 'write-role', at, reason: 'r' })).toEqual({
          kind: 'bad-time',
          message: `--at: that is more than a year before the project's start (2026-01-05), got "${at}"`,
        });
    }
    expect(rec({ action: 'start', id: 'write-role', at: '2025-01-05' })).toMatchObject({
      ok: true,
      value: { at: new Date(2025, 0, 5).getTime() },
    });
  });

  it('refuses a time before 1970 when the project starts within a year of it', () => {
    const now = new Date(1970, 5, 1).getTime();
    expect(parseAt('1970-03-01', now, '1970-03-02')).toEqual({
      ok: true,
      value: new Date(1970, 2, 1).getTime(),
    });
    for (const at of ['1969-12-01', '0001-01-01'])
      expect(parseAt(at, now, '1970-03-02')).toEqual({
        ok: false,
        error: {
          kind: 'bad-time',
          message: `--at: that is before 1970 (UTC), where the journal begins, got "${at}"`,
        },
      });
    // With no project start, 1970 is the bound; a year of two digits is taken as written.
    expect(parseAt('0001-01-01', NOW)).toEqual({
      ok: false,
      error: {
        kind: 'bad-time',
        message: '--at: that is before 1970 (UTC), where the journal begins, got "0001-01-01"',
      },
    });
  });
});

describe('hand work beside a live run', () => {
  const withCommands = load(
    [
      'project: hands and runs',
      'start: 2026-01-05',
      'tasks:',
      '  - { id: by-hand, hours: 1 }',
      '  - { id: scripted, hours: 1, run: "make it" }',
    ].join('\n'),
  );
  const live = { ...emptyState(), liveRunId: '20260105T110000-abc123' };
  const file = 'tasks/lab.yaml';
  const ask = (req: HandRequest, state: typeof live | ReturnType<typeof emptyState>) =>
    handRecord(withCommands, state, { file, ...req }, NOW);

  it("refuses start, done and block of an activity the run runs: the run's result would replace it", () => {
    for (const action of ['start', 'done', 'block'] as const) {
      const r = ask({ action, id: 'scripted', reason: 'waiting' }, live);
      expect(r.ok, action).toBe(false);
      if (!r.ok)
        expect(r.error).toEqual({
          kind: 'run-in-progress',
          message:
            "scripted: run 20260105T110000-abc123 is in progress and runs this activity's command; let it, or stop it first (critpath cancel tasks/lab.yaml)",
        });
    }
  });

  it('takes hand work the run does not do, and any hand work when no run is live', () => {
    for (const action of ['start', 'done', 'block'] as const) {
      expect(ask({ action, id: 'by-hand', reason: 'waiting' }, live).ok, action).toBe(true);
      expect(ask({ action, id: 'scripted', reason: 'waiting' }, emptyState()).ok, action).toBe(
        true,
      );
    }
  });
});
