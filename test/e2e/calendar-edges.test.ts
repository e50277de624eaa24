import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { critpath, tempProject } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');

const oneTask = (head: string): string =>
  `project: T\n${head}tasks:\n  - { id: a, title: A, hours: 1, hardware: macbook }\n`;

describe('the working day’s length', () => {
  it('over 15 h: work past midnight is dated on the next day and still meets that day’s deadline', async () => {
    // 16 h days from 09:00 Friday end at 01:00 Saturday: the plan said MISSED, Monte Carlo 100 %.
    const p = tempProject(
      'project: L\nstart: 2026-01-09\nhoursPerDay: 16\ndeadline: 2026-01-09\ntasks:\n  - { id: a, title: A, hours: 16, hardware: macbook }\n',
    );
    const r = await critpath(['plan', '--team', '1', p.file, '--json'], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all).toBe(0);
    const plan = JSON.parse(r.stdout) as { endDate: string; summary: { meetsDeadline: boolean } };
    expect(plan.endDate).toBe('2026-01-10T01:00');
    expect(plan.summary.meetsDeadline).toBe(true);
    // The last date's working day running on past its midnight is one line, exit 2.
    const last = tempProject(
      oneTask('start: 9999-12-31\nhoursPerDay: 24\n').replace('hours: 1', 'hours: 24'),
    );
    const end = await critpath(['plan', '--team', '1', last.file], {
      cwd: last.dir,
      env: last.env,
    });
    expect(end.exitCode, end.all).toBe(2);
    expect(end.stderr).toMatch(
      /^critpath: \S+project\.yaml: the plan runs past 9999-12-31, .* runs on past its midnight/,
    );
  }, 60_000);

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

describe('years 0000 to 0099', () => {
  it('are planned as written, not moved into the 1900s, holidays, deadline and GPUs too', async () => {
    const p = tempProject(`project: Z
start: 0050-03-15
deadline: 0050-03-20
holidays: [0050-03-16, 0050-03-17]
hardware:
  gpu:
    - { count: 2, from: 0050-03-20 }
scenarios:
  late:
    hardware: { gpu: [{ count: 2, from: 0099-12-31 }] }
tasks:
  - { id: a, title: A, hours: 8, hardware: macbook }
  - { id: b, title: B, hours: 4, hardware: gpu, deps: [a] }
`);
    const at = { cwd: p.dir, env: { ...p.env, COLUMNS: '100' } };
    const csv = await critpath(['plan', '--team', '1', '--format', 'csv', p.file], at);
    expect(csv.exitCode, csv.all).toBe(0);
    // Tuesday the 15th, the 16th and 17th off, the GPUs from Sunday the 20th: b on Monday the 21st.
    expect(csv.stdout).toContain(',0050-03-15 09:00,0050-03-15 17:00,0,8,');
    expect(csv.stdout).toContain(',0050-03-21 09:00,0050-03-21 13:00,16,20,');
    const table = await critpath(['plan', '--team', '1', p.file], at);
    expect(table.stdout).toContain(
      'End date:    Mon 21 Mar 0050 13:00 (deadline Sun 20 Mar: MISSED)',
    );
    const late = await critpath(
      ['plan', '--team', '1', '--scenario', 'late', '--format', 'csv', p.file],
      at,
    );
    expect(late.stdout).toContain(',0099-12-31 09:00,0099-12-31 13:00,');
    const ics = await critpath(['plan', '--team', '1', '--format', 'ics', p.file], at);
    expect(ics.stdout).toContain('DTSTART:00500321T090000');
    const mc = await critpath(
      ['plan', '--monte-carlo', '20', '--deadline', '0050-03-22', p.file],
      at,
    );
    expect(mc.stdout).toContain('Deadline Tue 22 Mar = end of working hour 32');
    // No date of the 1900s anywhere: 1950-03-15 is where Date.UTC put the start.
    const all = `${csv.stdout}${table.stdout}${late.stdout}${ics.stdout}${mc.stdout}`;
    expect(all).not.toMatch(/19\d\d-\d\d-\d\d|19\d{6}T/);
  }, 60_000);

  it('0000-01-01 and 0099-12-31 start plans and status, not an internal error', async () => {
    const zero = tempProject(oneTask('start: 0000-01-01\n'));
    const r0 = await critpath(['plan', '--team', '1', '--format', 'csv', zero.file], {
      cwd: zero.dir,
      env: zero.env,
    });
    expect(r0.stdout).toContain(',0000-01-03 09:00,0000-01-03 10:00,'); // a Saturday: Monday
    const p = tempProject(oneTask('start: 0099-12-31\n'));
    for (const args of [['validate'], ['plan', '--team', '1'], ['status', '--gpus', '0']]) {
      const r = await critpath([...args, p.file], { cwd: p.dir, env: p.env });
      expect(r.exitCode, `${args.join(' ')}: ${r.all}`).toBe(0);
      expect(r.stderr).toBe('');
    }
    const csv = await critpath(['plan', '--team', '1', '--format', 'csv', p.file], {
      cwd: p.dir,
      env: p.env,
    });
    expect(csv.stdout).toContain(',0099-12-31 09:00,0099-12-31 10:00,');
  }, 60_000);
});
