import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { critpath, tempProject } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');

const oneTask = (head: string): string =>
  `project: T\n${head}tasks:\n  - { id: a, title: A, hours: 1, hardware: macbook }\n`;

describe('the working day’s length', () => {
  it('below 0.01 h is one line at the field from every verb, not an internal error', async () => {
    // 0.001 h rounded to a day of 0 minutes: plan, status, ics and Monte Carlo crashed dividing by it.
    const p = tempProject(oneTask('start: 2026-11-30\nhoursPerDay: 0.001\n'));
    for (const args of [
      ['validate'],
      ['plan', '--team', '1'],
      ['plan', '--team', '1', '--format', 'ics'],
      ['plan', '--monte-carlo', '20'],
      ['status', '--gpus', '0'],
    ]) {
      const r = await critpath([...args, p.file], { cwd: p.dir, env: p.env });
      expect(r.exitCode, `${args.join(' ')}: ${r.all}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `${p.file}:3:14: hoursPerDay: must be at least 0.01, got 0.001 (number)`,
      );
    }
  }, 60_000);

  it('below 0.01 h in a scenario or --hours-per-day is one line too', async () => {
    const s = tempProject(oneTask('start: 2026-11-30\nscenarios:\n  x:\n    hoursPerDay: 0.001\n'));
    for (const args of [
      ['plan', '--compare'],
      ['plan', '--team', '1', '--scenario', 'x'],
    ]) {
      const r = await critpath([...args, s.file], { cwd: s.dir, env: s.env });
      expect(r.exitCode, `${args.join(' ')}: ${r.all}`).toBe(2);
      expect(r.stderr).toBe(
        `${s.file}:5:18: scenarios.x.hoursPerDay: must be at least 0.01, got 0.001 (number)`,
      );
    }
    for (const args of [
      ['plan', '--team', '1'],
      ['plan', '--monte-carlo', '20'],
    ]) {
      const r = await critpath([...args, '--hours-per-day', '0.001', 'tasks/epic-1a.yaml'], {
        cwd: ROOT,
        env: { NO_COLOR: '1' },
      });
      expect(r.exitCode, `${args.join(' ')}: ${r.all}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'critpath: --hours-per-day expects a number of hours from 0.01 to 24, got "0.001"',
      );
    }
  }, 60_000);

  it('of 0.01 h dates 1 h of work over 100 working days', async () => {
    const p = tempProject(oneTask('start: 2026-11-30\nhoursPerDay: 0.01\n'));
    const r = await critpath(['plan', '--team', '1', '--format', 'csv', p.file], {
      cwd: p.dir,
      env: p.env,
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toContain(',2026-11-30 09:00,2027-04-16 09:01,0,1,');
  });
});
