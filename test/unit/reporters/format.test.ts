import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { criticalPathPlan } from '../../../src/planner/project/critical-path-plan.js';
import { renderCpmTable } from '../../../src/reporters/cpm.js';
import { counted } from '../../../src/reporters/format.js';
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
