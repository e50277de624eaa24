import { describe, expect, it } from 'vitest';
import type { PlanOptions } from '../../../src/cli/commands/plan.js';
import { parseRequest } from '../../../src/cli/commands/plan.js';

describe("plan's options without --team", () => {
  const base = {
    format: 'table',
    estimate: 'expected',
    seed: '1',
    timeLimit: '500',
    maxSchedules: '1000',
  } as unknown as PlanOptions;

  it('checks the search options though no search runs, and refuses --hours-per-day', () => {
    expect(parseRequest(base)).toEqual({ ok: true, value: 'cpm' });
    expect(parseRequest({ ...base, timeLimit: 'abc' })).toEqual({
      ok: false,
      error: '--time-limit expects a whole number ≥ 1, got "abc"',
    });
    expect(parseRequest({ ...base, seed: '-1' }).ok).toBe(false);
    expect(parseRequest({ ...base, hoursPerDay: 'abc' }).ok).toBe(false);
    expect(parseRequest({ ...base, hoursPerDay: '8' })).toEqual({
      ok: false,
      error: '--hours-per-day dates a team plan: give --team (e.g. --team 2)',
    });
    expect(parseRequest({ ...base, hoursPerDay: '8', team: '2' }).ok).toBe(true);
    expect(parseRequest({ ...base, hoursPerDay: '.5', team: '2' }).ok).toBe(true);
    expect(parseRequest({ ...base, hoursPerDay: '8', team: '2', cpm: true })).toEqual({
      ok: false,
      error: '--hours-per-day dates a team plan: not with --cpm',
    });
  });
});
