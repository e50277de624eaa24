import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { checkPlan } from '../../../src/planner/project/check-plan.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = memoryOutput();
  const code = await main(argv, out);
  return { code, stdout: out.stdout.join('\n'), stderr: out.stderr.join('\n') };
}

describe('critpath plan', () => {
  it('prints the CPM table without --team, and with --cpm', async () => {
    const plain = await run('plan');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('critical path analysis');
    expect((await run('plan', '--team', '2', '--cpm')).stdout).toContain('critical path analysis');
  });

  it('prints the day-by-day team plan with --team 2', async () => {
    const r = await run('plan', '--team', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Epic 1A · team of 2 (infra, ml) · expected hours');
    expect(r.stdout).toContain('Handoffs');
  });

  it('prints a feasible JSON plan, the same for the same seed', async () => {
    const a = await run('plan', '--team', '3', '--json', '--seed', '5');
    const b = await run(
      'plan',
      'tasks/epic-1a.yaml',
      '--team',
      '3',
      '--format',
      'json',
      '--seed',
      '5',
    );
    expect(a.code).toBe(0);
    expect(checkPlan(JSON.parse(a.stdout))).toEqual([]);
    expect(b.stdout).toBe(a.stdout);
  });

  it('compares teams side by side and names people', async () => {
    expect((await run('plan', '--team', '1,2,3')).stdout).toMatch(/team 1\s+team 2\s+team 3/);
    const named = await run('plan', '--team', 'solo', '--json');
    expect(JSON.parse(named.stdout)).toMatchObject({
      team: 1,
      teamLabel: 'solo',
      engineers: [{ id: 'solo' }],
    });
    // Without roles, one specialist can do everything; with them, not.
    expect((await run('plan', '--team', 'ml', '--roles', 'any', '--json')).code).toBe(0);
    expect((await run('plan', '--team', 'ml')).stderr).toMatch(/needs skill "infra"/);
    expect(
      (await run('plan', '--team', '2', '--format', 'mermaid')).stdout.startsWith('gantt\n'),
    ).toBe(true);
  });

  it('prints the plan of one scenario, with its own team', async () => {
    const r = await run('plan', '--scenario', 'team-3', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ team: 3, project: 'Epic 1A · scenario team-3' });
    const early = JSON.parse(
      (await run('plan', '--scenario', 'early-gpu', '--team', '2', '--json')).stdout,
    );
    const base = JSON.parse((await run('plan', '--team', '2', '--json')).stdout);
    expect(early.makespan).toBeLessThan(base.makespan);
  });

  it('exports CSV (every team) and iCalendar (one team)', async () => {
    const csv = (await run('plan', '--team', '1,2', '--format', 'csv')).stdout;
    expect(csv.startsWith('team,id,task,phase,title,assignee,start,end,')).toBe(true);
    expect(csv).toMatch(/\r\n1,1a\.1,1a\.1,,Dev environment,/);
    expect(csv).toMatch(/\r\n2,1a\.1,1a\.1,,Dev environment,/);
    const ics = await run('plan', '--team', '2', '--format', 'ics');
    expect(ics.code).toBe(0);
    expect(ics.stdout.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.stdout.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it.each([
    [['--team', '0'], /--team must be between 1 and 64/],
    // It said 'no one called "-1" in the project's team'.
    [['--team', '-1'], /^critpath: --team must be between 1 and 64 engineers, got -1$/],
    [['--team', '2,-1'], /^critpath: --team must be between 1 and 64 engineers, got -1$/],
    [['--team', 'nobody'], /no one called "nobody"/],
    [['--team', '2', '--seed', 'x'], /--seed expects a whole number/],
    [['--team', '2', '--time-limit', '-5'], /--time-limit expects a whole number/],
    [['--team', '2', '--hours-per-day', '0'], /--hours-per-day expects/],
    [['--format', 'md'], /--format md needs --team/],
    [
      ['--scenario', 'early-gpus'],
      /no scenario "early-gpus" in Epic 1A \(did you mean "early-gpu"\?\)/,
    ],
    [['--format', 'csv'], /--format csv needs --team/],
    [['--format', 'ics'], /--format ics needs --team/],
    [['--team', '1,2', '--format', 'ics'], /--format ics makes one calendar for one team/],
    // Two gantt documents glued together are no Mermaid document.
    [
      ['--team', '1,2', '--format', 'mermaid'],
      /--format mermaid makes one Gantt chart for one team: give one team \(e\.g\. --team 2\), not 2 teams$/,
    ],
    [['--team', '2,2'], /--team lists the team 2 twice/],
  ])('rejects %j with one line and exit 2', async (args, message) => {
    const r = await run('plan', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
});
