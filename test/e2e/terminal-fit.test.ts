import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { critpath, tempProject } from '../helpers/cli.js';
import { cellWidth } from '../../src/reporters/layout.js';

const ROOT = resolve(import.meta.dirname, '../..');
const env = { NO_COLOR: '1', COLUMNS: '80' };

/** Lines wider than `width` terminal cells. */
function over(text: string, width: number): string[] {
  return text.split('\n').filter((l) => cellWidth(l) > width);
}

describe('default views fit an 80-column terminal (COLUMNS=80, piped)', () => {
  const views: [string, string[]][] = [
    ['plan', ['plan']],
    ['plan --team 2', ['plan', '--team', '2']],
    ['plan --team 1,2,3', ['plan', '--team', '1,2,3']],
    ['plan --compare', ['plan', '--compare', '--monte-carlo', '300']],
    ['plan --monte-carlo', ['plan', '--monte-carlo', '300', '--team', '1,2,3']],
    ['status', ['status', '--gpus', '0']],
    ['run --dry-run', ['run', 'tasks/demo.yaml', '--dry-run', '--gpus', '4']],
  ];
  for (const [name, args] of views) {
    it(`${name}: no line wider than 80`, async () => {
      const r = await critpath(args, { cwd: ROOT, env });
      expect(r.exitCode, r.all).toBe(0);
      expect(r.stdout.split('\n').length).toBeGreaterThan(3);
      expect(over(r.stdout, 80)).toEqual([]);
    }, 120_000);
  }

  it('--wide shows the full table, and piped output without COLUMNS is 100 wide', async () => {
    const wide = await critpath(['plan', '--wide'], { cwd: ROOT, env });
    expect(wide.stdout).toContain('LF');
    expect(over(wide.stdout, 80).length).toBeGreaterThan(0);
    const narrow = await critpath(['plan'], { cwd: ROOT, env });
    expect(narrow.stdout).not.toMatch(/\bLF\b/);
    const piped = await critpath(['plan', '--team', '2'], { cwd: ROOT, env: { NO_COLOR: '1' } });
    expect(over(piped.stdout, 100)).toEqual([]);
    expect(over(piped.stdout, 80).length).toBeGreaterThan(0);
  }, 120_000);

  it('status prints dates in the plan style, not ISO', async () => {
    const r = await critpath(['status', '--gpus', '0'], { cwd: ROOT, env });
    expect(r.stdout).toMatch(
      /forecast end: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ [A-Z][a-z]{2} \d\d:\d\d/,
    );
    expect(r.stdout).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  }, 120_000);

  it('run (its summary and note) and plan --team with a journal fit too', async () => {
    const id = 'a-task-with-a-long-identifier-that-takes-most-of-an-eighty-column-line';
    const p = tempProject(
      [
        'project: Fit',
        'start: 2026-01-05',
        'tasks:',
        `  - { id: ${id}, hours: 0.001, hardware: macbook, run: "true" }`,
        `  - { id: b, hours: 1, hardware: macbook, deps: [${id}], run: "exit 3" }`,
        '',
      ].join('\n'),
    );
    const opts = { cwd: p.dir, env: { ...p.env, ...env } };
    const run = await critpath(['run', p.file, '--gpus', '0'], opts);
    expect(run.exitCode, run.all).toBe(1);
    expect(run.stdout).toContain('machine time');
    // The summary fits; the time-stamped event lines above it stay one per event, for grep.
    expect(over(run.stdout.slice(run.stdout.indexOf('activity ')), 80)).toEqual([]);
    const plan = await critpath(['plan', p.file, '--team', '1,2'], opts);
    expect(plan.stdout).toContain('Progress from the run journal');
    expect(over(plan.stdout, 80)).toEqual([]);
  }, 120_000);

  it('every help text fits, the examples and notes each verb adds included', async () => {
    const help = await critpath(['--help'], { cwd: ROOT, env });
    const verbs = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!);
    expect(verbs).toContain('status');
    expect(over(help.stdout, 80)).toEqual([]);
    for (const verb of verbs) {
      const r = await critpath([verb, '--help'], { cwd: ROOT, env });
      expect(r.exitCode, r.all).toBe(0);
      expect(over(r.stdout, 80), verb).toEqual([]);
    }
  }, 120_000);
});
