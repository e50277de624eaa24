import { describe, expect, it } from 'vitest';
import {
  deadlineOption,
  hoursPerDayOption,
  secondsOption,
  wholeNumber,
} from '../../../src/cli/options.js';
import { parseTeamListOption } from '../../../src/cli/team-option.js';

describe('wholeNumber', () => {
  it('reads decimal digits, with surrounding spaces', () => {
    expect(wholeNumber('--jobs', '4', 1)).toEqual({ ok: true, value: 4 });
    expect(wholeNumber('--seed', ' 0 ', 0)).toEqual({ ok: true, value: 0 });
    expect(wholeNumber('--n', '10', 1, 10)).toEqual({ ok: true, value: 10 });
  });

  it('refuses what Number() would read as a number but is no count', () => {
    for (const t of ['1e3', '0x10', '2.0', '2.5', '-1', '', ' ', 'Infinity', '9007199254740993'])
      expect(wholeNumber('--max-schedules', t, 1).ok, t).toBe(false);
  });

  it('names the option, the range and the text in its message', () => {
    expect(wholeNumber('--jobs', '0', 1)).toEqual({
      ok: false,
      error: '--jobs expects a whole number ≥ 1, got "0"',
    });
    expect(wholeNumber('--n', '11', 1, 10)).toEqual({
      ok: false,
      error: '--n expects a whole number from 1 to 10, got "11"',
    });
  });
});

describe('hoursPerDayOption', () => {
  it('takes hours from 0.01 to 24, and nothing when the option is not given', () => {
    expect(hoursPerDayOption(undefined)).toEqual({ ok: true, value: undefined });
    expect(hoursPerDayOption('7.5')).toEqual({ ok: true, value: 7.5 });
    expect(hoursPerDayOption('24')).toEqual({ ok: true, value: 24 });
    expect(hoursPerDayOption('0.01')).toEqual({ ok: true, value: 0.01 });
  });

  it('refuses 0, a day shorter than 0.01 h, more than a day, and what is no number', () => {
    for (const t of [
      '0',
      '0.001',
      '0.0099',
      '1e-300',
      '-1',
      '24.5',
      'Infinity',
      'NaN',
      'eight',
      '',
      ' ',
      '0x10',
      '8e0',
    ])
      expect(hoursPerDayOption(t), t).toEqual({
        ok: false,
        error: `--hours-per-day expects a number of hours from 0.01 to 24, got "${t}"`,
      });
  });
});

describe('deadlineOption', () => {
  it('takes a calendar date, or nothing', () => {
    expect(deadlineOption(undefined)).toEqual({ ok: true, value: undefined });
    expect(deadlineOption('2026-12-09')).toEqual({ ok: true, value: '2026-12-09' });
    expect(deadlineOption('2028-02-29')).toEqual({ ok: true, value: '2028-02-29' });
  });

  it('refuses what is no date as YYYY-MM-DD, or no calendar date', () => {
    for (const t of ['yesterday', '2026-02-30', '2026-13-01', '2026-1-5', '', '2026-12-09T10:00'])
      expect(deadlineOption(t), t).toEqual({
        ok: false,
        error: `--deadline expects a calendar date as YYYY-MM-DD, got "${t}"`,
      });
  });
});

describe('--team lists', () => {
  it('an empty entry is named as such, not as got ""', () => {
    for (const text of ['2,', '1,,3', ',2']) {
      const r = parseTeamListOption(text);
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.error).toBe(
          `--team lists teams between commas, such as 1,2,3; "${text}" has an empty one`,
        );
    }
    expect(parseTeamListOption('1,2,3').ok).toBe(true);
  });

  it('a team listed twice is refused (it was planned and printed twice)', () => {
    expect(parseTeamListOption('1,1')).toEqual({
      ok: false,
      error: '--team lists the team 1 twice: "1,1"',
    });
    expect(parseTeamListOption('infra+ml,2,ml+infra')).toEqual({
      ok: false,
      error: '--team lists the team ml+infra twice: "infra+ml,2,ml+infra"',
    });
    expect(parseTeamListOption('2,infra+ml,infra').ok).toBe(true);
  });
});

describe('secondsOption', () => {
  it('takes seconds as a number or a duration with its unit', () => {
    expect(secondsOption('--grace', '10')).toEqual({ ok: true, value: 10 });
    expect(secondsOption('--grace', '0.5')).toEqual({ ok: true, value: 0.5 });
    expect(secondsOption('--grace', '2s')).toEqual({ ok: true, value: 2 });
    expect(secondsOption('--retry-delay', '1m')).toEqual({ ok: true, value: 60 });
  });
  it('names the option and the value it refuses', () => {
    for (const bad of ['', ' ', '-1', 'soon', '1e400', '2 weeks'])
      expect(secondsOption('--grace', bad)).toEqual({
        ok: false,
        error: `--grace expects seconds ≥ 0 (10, 2.5) or a duration (30s, 2m), got "${bad}"`,
      });
  });
});
