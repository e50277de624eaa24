import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { loadProjectText } from '../../../src/config/load.js';
import { criticalPathPlan } from '../../../src/planner/project/critical-path-plan.js';
import { renderCpmTable } from '../../../src/reporters/cpm.js';
import { counted, grouped, listed } from '../../../src/reporters/format.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

describe('counted', () => {
  it('takes the singular for one only, and a plural of its own where given', () => {
    expect(counted(1, 'task')).toBe('1 task');
    expect(counted(0, 'task')).toBe('0 tasks');
    expect(counted('1', 'working hour')).toBe('1 working hour');
    expect(counted('1.5', 'working hour')).toBe('1.5 working hours');
    expect(counted(1, 'activity', 'activities')).toBe('1 activity');
    expect(counted(2, 'activity', 'activities')).toBe('2 activities');
  });
});

describe('the critical-path summary of a one-task project', () => {
  it('says 1 activity and 1 working hour', () => {
    const r = loadProjectText(
      'project: O\nstart: 2026-12-07\ntasks:\n  - { id: a, hours: 1 }\n',
      'o.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const text = renderCpmTable(criticalPathPlan(r.value), memoryOutput(100));
    expect(text).toContain(
      'Effort: 1 h in 1 activity; with unlimited people and hardware the project takes 1 working hour.',
    );
  });
});

describe('grouped', () => {
  it("prints what toLocaleString('en-US') prints, for whole numbers and cents", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer(),
          fc.integer({ min: -1e9, max: 1e9 }).map((c) => c / 100),
        ),
        (n) => {
          expect(grouped(n)).toBe(n.toLocaleString('en-US'));
        },
      ),
    );
    for (const n of [0, 7, 999, 1000, 10_000, 123_456_789, -1234.5, 0.125, 1e20])
      expect(grouped(n)).toBe(n.toLocaleString('en-US'));
  });

  it('is what the sources call: toLocaleString loads ICU data into every plan command', () => {
    const src = fileURLToPath(new URL('../../../src', import.meta.url));
    const calls = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /\.toLocale\w*\(/.test(readFileSync(join(src, f), 'utf8')));
    expect(calls).toEqual([]);
  });
});

describe('listed', () => {
  it('names the first few and counts the rest', () => {
    expect(listed(['a', 'b'], 3)).toBe('a, b');
    expect(listed(['a', 'b', 'c'], 3)).toBe('a, b, c');
    expect(listed(['a', 'b', 'c', 'd', 'e'], 3)).toBe('a, b, c and 2 more');
  });
});
