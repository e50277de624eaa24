/**
 * Hand work in the journal: `hand` records folded per activity, `undo` taking the last one back,
 * and what `status` and re-planning make of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { buildActivityGraph } from '../../../src/model/activities.js';
import type { Project } from '../../../src/model/project.js';
import { makeCalendar } from '../../../src/calendar/calendar.js';
import { progressFromState } from '../../../src/app/forecast.js';
import type { HandAction, HandRecord, JournalRecord } from '../../../src/state/records.js';
import { handHold, replay } from '../../../src/state/reducer.js';
import { computeStatus } from '../../../src/state/status.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 9);

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
    '  - { id: bo, name: Bo }',
    'tasks:',
    '  - { id: a, hours: 4 }',
    '  - { id: b, hours: 2, deps: [a] }',
    '  - { id: c, hours: 3, run: "true" }',
  ].join('\n'),
);
const graph = buildActivityGraph(project);

const hand = (
  id: string,
  action: HandAction,
  at: number,
  extra: Partial<HandRecord> = {},
): HandRecord => ({ v: 1, t: 'hand', at, recordedAt: at, id, action, ...extra });

const status = (records: JournalRecord[], now = T0 + 10 * H) =>
  computeStatus(project, graph, replay(records), { hostGpus: 0, now, liveRunId: undefined });

/** Activity `id` started at T0 in run r1, and failed for good an hour later. */
const failedOnce = (id: string): JournalRecord[] => [
  {
    v: 1,
    t: 'started',
    at: T0,
    runId: 'r1',
    id,
    attempt: 1,
    backend: 'local',
    gpus: [],
    log: `${id}.log`,
  },
  {
    v: 1,
    t: 'failed',
    at: T0 + H,
    runId: 'r1',
    id,
    attempt: 1,
    reason: 'exit-non-zero',
    exitCode: 1,
    signal: null,
    durationMs: H,
    final: true,
  },
];

describe('hand records', () => {
  it('start then done: done, with the engineer hours given, or the time since the start', () => {
    const given = replay([
      hand('a', 'start', T0, { by: 'ana' }),
      hand('a', 'done', T0 + 6 * H, { hours: 3.5 }),
    ]).activities.get('a')!;
    expect(given.status).toBe('done');
    expect(given.actualHours).toBe(3.5);
    expect(given.actualFrom).toBe(T0);
    expect(given.hand?.by).toBe('ana');
    const elapsed = replay([hand('a', 'start', T0), hand('a', 'done', T0 + 2 * H)]);
    expect(elapsed.activities.get('a')!.actualHours).toBe(2);
  });

  it('undo takes back the last record; all undone, the activity is as the runs left it', () => {
    const s = replay([
      hand('a', 'start', T0),
      hand('a', 'done', T0 + H),
      hand('a', 'undo', T0 + 2 * H),
    ]);
    expect(s.activities.get('a')!.status).toBe('by-hand');
    expect(s.activities.get('a')!.hand?.state).toBe('started');
    replay([hand('a', 'undo', T0)]); // nothing to undo: no effect, no throw
    const gone = replay([hand('a', 'start', T0), hand('a', 'undo', T0 + H)]);
    expect(gone.activities.has('a')).toBe(false);
    // A run had finished c; marking it blocked by hand and undoing that gives back the run's result.
    const run: JournalRecord[] = [
      {
        v: 1,
        t: 'started',
        at: T0,
        runId: 'r1',
        id: 'c',
        attempt: 1,
        backend: 'local',
        gpus: [],
        log: 'c.log',
      },
      {
        v: 1,
        t: 'finished',
        at: T0 + H,
        runId: 'r1',
        id: 'c',
        attempt: 1,
        exitCode: 0,
        durationMs: H,
      },
    ];
    const before = replay(run).activities.get('c')!;
    const after = replay([
      ...run,
      hand('c', 'done', T0 + 2 * H, { hours: 5 }),
      hand('c', 'undo', T0 + 3 * H),
    ]).activities.get('c')!;
    expect(after.actualHours).toBe(before.actualHours);
    expect(after.status).toBe('done');
    expect(after.hand).toBeUndefined();
  });

  it("started or blocked by hand, an activity is a person's whatever runs did: runs leave it", () => {
    const failed = failedOnce('c');
    const s = replay([
      hand('a', 'block', T0, { reason: 'rails missing', by: 'bo' }),
      hand('b', 'start', T0, { by: 'ana' }),
      ...failed,
      hand('c', 'block', T0 + 2 * H, { reason: 'no licence' }),
    ]);
    expect(['a', 'b', 'c'].map((id) => s.activities.get(id)!.status)).toEqual([
      'by-hand',
      'by-hand',
      'by-hand',
    ]);
    expect(handHold(s.activities.get('a'))).toEqual({
      kind: 'hand',
      reason: 'rails missing',
      by: 'bo',
    });
    expect(handHold(s.activities.get('b'))).toEqual({ kind: 'in-progress', by: 'ana' });
    expect(handHold(s.activities.get('c'))).toMatchObject({ kind: 'hand', reason: 'no licence' });
    // Done by hand, or undone back to the run's result, nobody holds it.
    const done = replay([hand('b', 'start', T0), hand('b', 'done', T0 + H)]);
    expect(handHold(done.activities.get('b'))).toBeUndefined();
    const undone = replay([
      ...failed,
      hand('c', 'block', T0 + 2 * H, { reason: 'x' }),
      hand('c', 'undo', T0 + 3 * H),
    ]);
    expect(undone.activities.get('c')!.status).toBe('failed');
    expect(handHold(undone.activities.get('c'))).toBeUndefined();
  });

  it('a reset forgets run results and keeps hand records; one written before that forgot both', () => {
    const ran = failedOnce('c');
    const recs: JournalRecord[] = [
      hand('a', 'start', T0, { by: 'ana' }),
      hand('a', 'done', T0 + 2 * H, { hours: 1.5 }),
      ...ran,
      hand('c', 'block', T0 + 2 * H, { reason: 'no licence' }),
    ];
    const kept = replay([...recs, { v: 1, t: 'reset', at: T0 + 3 * H, ids: null, hand: 'kept' }]);
    expect(kept.activities.get('a')).toMatchObject({ status: 'done', actualHours: 1.5 });
    expect(kept.activities.get('a')!.hand?.log).toHaveLength(2);
    const c = kept.activities.get('c')!;
    expect(c).toMatchObject({ status: 'by-hand', attempts: [] });
    expect(c.hand?.reason).toBe('no licence');
    // The run results are gone: undoing the block leaves nothing, not the failure.
    const undone = replay([
      ...recs,
      { v: 1, t: 'reset', at: T0 + 3 * H, ids: ['c'], hand: 'kept' },
      hand('c', 'undo', T0 + 4 * H),
    ]);
    expect(undone.activities.has('c')).toBe(false);
    expect(undone.activities.get('a')?.status).toBe('done');
    const old = replay([...recs, { v: 1, t: 'reset', at: T0 + 3 * H, ids: null }]);
    expect(old.activities.size).toBe(0);
  });

  it('as many undos as records give back the state before them (any sequence)', () => {
    const action = fc.constantFrom<HandAction>('start', 'done', 'block');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b'), action, fc.nat(100)), { maxLength: 12 }),
        (steps) => {
          const base = replay([hand('b', 'start', T0, { by: 'bo' })]);
          const recs: JournalRecord[] = [hand('b', 'start', T0, { by: 'bo' })];
          for (const [id, act, h] of steps)
            recs.push(hand(id, act, T0 + h * H, act === 'block' ? { reason: 'x' } : {}));
          for (const [id] of [...steps].reverse()) recs.push(hand(id, 'undo', T0 + 200 * H));
          const s = replay(recs);
          expect([...s.activities.keys()].sort()).toEqual([...base.activities.keys()].sort());
          expect(s.activities.get('b')!.hand?.log).toEqual(base.activities.get('b')!.hand?.log);
          expect(s.activities.get('b')!.status).toBe(base.activities.get('b')!.status);
        },
      ),
    );
  });
});

describe('status with hand work', () => {
  it('shows who is on what, blocks dependents behind a hand block, and sums hours per person', () => {
    const m = status([
      hand('a', 'start', T0, { by: 'ana' }),
      hand('a', 'done', T0 + 5 * H, { by: 'ana', hours: 5 }),
      hand('b', 'start', T0 + 5 * H, { by: 'bo' }),
      hand('c', 'block', T0 + 6 * H, { reason: 'no licence', by: 'ana' }),
    ]);
    const row = (id: string) => m.activities.find((a) => a.id === id)!;
    expect(row('a')).toMatchObject({ status: 'done', hours: 5, by: 'ana', hoursOf: 'engineer' });
    expect(row('b')).toMatchObject({ status: 'running', by: 'bo', hoursOf: 'engineer' });
    expect(row('b').hours).toBe(5);
    expect(row('c')).toMatchObject({ status: 'blocked', reason: 'no licence (says ana)' });
    expect(m.people).toEqual([
      { by: 'ana', on: [], done: 1, plannedHours: 4, recordedHours: 5 },
      { by: 'bo', on: ['b'], done: 0, plannedHours: 0, recordedHours: 0 },
    ]);
    // Done by hand, a leaves the remaining critical path; b's started hours count against it.
    expect(m.criticalPath).not.toContain('a');
  });

  it('re-planning places hand-done work at its recorded span and hand-started work from its start', () => {
    const cal = makeCalendar({ start: project.start, hoursPerDay: 8, holidays: [] });
    const p = progressFromState(
      replay([
        hand('a', 'start', T0, { by: 'ana' }),
        hand('a', 'done', T0 + 3 * H, { hours: 3 }),
        hand('b', 'start', T0 + 3 * H),
      ]),
      cal,
      T0 + 4 * H,
    );
    expect(p.get('a')).toMatchObject({ status: 'done', actualHours: 3 });
    expect(p.get('a')!.end! - p.get('a')!.start!).toBeCloseTo(3, 6);
    expect(p.get('b')).toMatchObject({ status: 'running' });
    expect(p.get('b')!.elapsedHours).toBeCloseTo(1, 6);
  });
});
