import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePsplib, parsePsplibOpt, psplibToProblem } from '../../../src/config/psplib.js';
import { checkSchedule } from '../../../src/planner/engine/check-schedule.js';
import { solve } from '../../../src/planner/engine/solve.js';
import { formatDiagnostic } from '../../../src/result.js';

const dir = join(import.meta.dirname, '../../fixtures/psplib');
const read = (f: string): string => readFileSync(join(dir, f), 'utf8');

function errors(f: string): string[] {
  const r = parsePsplib(read(f), f);
  if (r.ok) throw new Error(`${f} parsed`);
  for (const d of r.error) expect(d.reason).toBe('psplib');
  return r.error.map(formatDiagnostic);
}

describe('parsePsplib', () => {
  it('reads jobs, durations, successors, requests and capacities', () => {
    const r = parsePsplib(read('tiny.sm'), 'tiny.sm');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const inst = r.value;
    expect(inst.jobs).toBe(6);
    expect(inst.durations).toEqual([0, 3, 4, 2, 2, 0]);
    expect(inst.successors).toEqual([[1, 2, 3], [4], [5], [5], [5], []]);
    expect(inst.requests[3]).toEqual([2, 0, 0, 1]);
    expect(inst.capacities).toEqual([3, 1, 3, 1]);
  });

  it('becomes a Problem with dummy source and sink, R1..R4 from time 0, ids 1..N', () => {
    const r = parsePsplib(read('tiny.sm'), 'tiny.sm');
    if (!r.ok) throw new Error('parse');
    const p = psplibToProblem(r.value);
    expect(p.ids).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(p.resources).toEqual([
      { id: 'R1', profile: [{ from: 0, capacity: 3 }] },
      { id: 'R2', profile: [{ from: 0, capacity: 1 }] },
      { id: 'R3', profile: [{ from: 0, capacity: 3 }] },
      { id: 'R4', profile: [{ from: 0, capacity: 1 }] },
    ]);
    expect(p.workers).toBeUndefined();
    expect(Array.from(p.succ.subarray(p.succStart[0]!, p.succStart[1]!))).toEqual([1, 2, 3]);
    const s = solve(p, { seed: 1, timeLimitMs: 1000, now: () => 0, maxSchedules: 500 });
    expect(checkSchedule(p, s.schedule)).toEqual([]);
    // Jobs 2 and 4 cannot overlap on R1: 3 + 2 = 5, also the critical path 2 → 5.
    expect(s.schedule.makespan).toBe(5);
    expect(s.optimal).toBe(true);
  });

  it.each([
    ['bad-successor.sm', 'bad-successor.sm:20:36: job 2: successor 9 out of range 1..6'],
    [
      'bad-successor-count.sm',
      'bad-successor-count.sm:22:36: job 4: declares 2 successors but lists 1',
    ],
    [
      'bad-duration.sm',
      'bad-duration.sm:31:16: job 3 duration: expected a nonnegative integer, found "x4"',
    ],
    [
      'missing-availabilities.sm',
      'missing-availabilities.sm:37:1: missing "RESOURCEAVAILABILITIES:" section',
    ],
    ['over-capacity.sm', 'over-capacity.sm:38:15: job 5 requests 4 of R3 but only 3 are available'],
    [
      'short-precedence.sm',
      'short-precedence.sm:24:1: precedence relations: expected 6 job lines, found 5',
    ],
    ['multi-mode.sm', 'multi-mode.sm:21:13: job 3: 2 modes; only single-mode files are supported'],
    ['cycle.sm', 'cycle.sm:20:1: precedence relations form a cycle through job 2'],
  ])('%s: positioned error', (file, message) => {
    expect(errors(file)).toEqual([message]);
  });

  it('an empty file names the missing jobs line', () => {
    const r = parsePsplib('', 'empty.sm');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.map(formatDiagnostic)).toEqual([
        'empty.sm:1:1: missing "jobs (incl. supersource/sink ):" line',
      ]);
    }
  });
});

describe('parsePsplibOpt', () => {
  it('reads parameter, instance and makespan columns', () => {
    const r = parsePsplibOpt(read('tinyopt.sm'), 'tinyopt.sm');
    expect(r).toEqual({
      ok: true,
      value: [
        { parameter: 1, instance: 1, makespan: 9 },
        { parameter: 1, instance: 2, makespan: 12 },
      ],
    });
  });

  it('reports a malformed row', () => {
    const text = read('tinyopt.sm').replace('1       2         12', '1       2         1x2');
    const r = parsePsplibOpt(text, 'opt.sm');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.map(formatDiagnostic)).toEqual([
        'opt.sm:7:19: makespan: expected a nonnegative integer, found "1x2"',
      ]);
    }
  });

  it('needs the column header', () => {
    const r = parsePsplibOpt('1 1 43\n', 'x.sm');
    expect(r.ok).toBe(false);
  });
});
