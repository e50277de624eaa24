import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { BIN, critpath, tempProject } from '../helpers/cli.js';
import { cellWidth } from '../../src/reporters/layout.js';

const ROOT = resolve(import.meta.dirname, '../..');
const env = { NO_COLOR: '1', COLUMNS: '80' };

/** Lines wider than `width` terminal cells. */
function over(text: string, width: number): string[] {
  return text.split('\n').filter((l) => cellWidth(l) > width);
}

/**
 * Lines of a wrapped paragraph that end short: the next line's first word would have fitted on
 * them (text wrapped twice, or wrapped at another width). A paragraph's lines follow one another
 * at indent 0, or under a hanging indent deeper than the indented line they continue.
 */
function ragged(text: string, width: number): string[] {
  const lines = text.split('\n');
  const indent = (l: string): number => /^ */.exec(l)![0].length;
  const found: string[] = [];
  let head = '';
  for (const [i, line] of lines.entries()) {
    const prev = lines[i - 1] ?? '';
    if (line.trim() === '' || prev.trim() === '') {
      head = line;
      continue;
    }
    const flush = indent(line) === 0 && indent(prev) === 0;
    const hanging = indent(head) > 0 && indent(line) > indent(head);
    if (!flush && !hanging) {
      head = line;
      continue;
    }
    const word = line.trim().split(' ')[0]!;
    if (cellWidth(prev) + 1 + cellWidth(word) <= width) found.push(`${prev} ⏎ ${word}`);
  }
  return found;
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
    // Piped where standard error is still an 80-column terminal (`critpath plan | less`): 80.
    const less = await execa(
      'script',
      ['-qec', `stty cols 80; node "${BIN}" plan --team 2 | cat`, '/dev/null'],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', COLUMNS: '' }, reject: false },
    );
    const lines = less.stdout.replace(/\r/g, '');
    expect(lines.split('\n').length).toBeGreaterThan(10);
    expect(over(lines, 80)).toEqual([]);
  }, 120_000);

  it('plan of validation.yaml: a table with its titles wrapped, not a card per activity', async () => {
    // 41 lines of cards, each under a lone "●", for 4 activities: a 15-character id was enough.
    const r = await critpath(['plan', 'tasks/validation.yaml'], { cwd: ROOT, env });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/^ {3}Activity +Hours +GPUs +ES +EF +Slack +Title$/m);
    expect(r.stdout).toMatch(/^● {2}inference-check +0\.25 +2 +0\.25 +0\.5 +0 +1a\.15: /m);
    expect(r.stdout).not.toMatch(/^●$/m);
    expect(r.stdout.split('\n').length).toBeLessThan(25);
    expect(over(r.stdout, 80)).toEqual([]);
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

  it('every help text fits, the examples and notes each verb adds included, wrapped once', async () => {
    const help = await critpath(['--help'], { cwd: ROOT, env });
    const verbs = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!);
    expect(verbs).toContain('status');
    for (const columns of [80, 120]) {
      for (const args of [[], ...verbs.map((v) => [v])]) {
        const r = await critpath([...args, '--help'], {
          cwd: ROOT,
          env: { ...env, COLUMNS: String(columns) },
        });
        expect(r.exitCode, r.all).toBe(0);
        expect(over(r.stdout, columns), `${args.join(' ')} at ${columns}`).toEqual([]);
        expect(ragged(r.stdout, columns), `${args.join(' ')} at ${columns}`).toEqual([]);
        // The README: every verb has --help with examples.
        if (args.length > 0 && args[0] !== 'help' && args[0] !== 'critpath')
          expect(r.stdout, `${args[0]} --help`).toMatch(/\nExamples:\n {2}\S/);
      }
    }
  }, 120_000);

  it('a long project name and task id wrap: plan --team, run --dry-run, status and its log tail', async () => {
    const id = 't'.repeat(120);
    const p = tempProject(
      [
        `project: ${'P'.repeat(144)}`,
        'start: 2026-01-05',
        'hardware:',
        '  gpu:',
        '    - { count: 2, from: 2026-01-05 }',
        'tasks:',
        `  - id: ${id}`,
        '    hours: 0.0001',
        '    hardware: gpu',
        '    gpus: 1',
        `    run: "printf '%0400d' 0 | tr 0 y; exit 3"`,
        `  - { id: b, hours: 1, hardware: macbook, deps: [${id}], run: "true" }`,
        '',
      ].join('\n'),
    );
    const opts = { cwd: p.dir, env: { ...p.env, ...env } };
    const plan = await critpath(['plan', p.file, '--team', '2'], opts);
    expect(plan.exitCode, plan.all).toBe(0);
    expect(plan.stdout).toContain('P'.repeat(60));
    expect(over(plan.stdout, 80)).toEqual([]);
    for (const gpus of ['2', '0']) {
      const dry = await critpath(['run', p.file, '--dry-run', '--gpus', gpus], opts);
      expect(dry.exitCode, dry.all).toBe(0);
      expect(dry.stdout).toMatch(gpus === '2' ? /start\s+t{40}/ : /blocked b: waits for/);
      expect(over(dry.stdout, 80)).toEqual([]);
    }
    const run = await critpath(['run', p.file, '--gpus', '2'], opts);
    expect(run.exitCode, run.all).toBe(1);
    const status = await critpath(['status', p.file, '--gpus', '2'], opts);
    expect(status.stdout).toContain('the end of its log:');
    // Its card shows the id whole, wrapped; it was cut to 79 characters and "…".
    expect(status.stdout).toContain(`\n${'t'.repeat(80)}\n${'t'.repeat(40)}\n  status:`);
    // The log line is kept whole (300 characters, the journal's cap), wrapped under its `| `.
    expect(status.stdout).toMatch(/^ {2}\| y{76}\n {4}y{76}\n/m);
    expect(over(status.stdout, 80)).toEqual([]);
  }, 120_000);
});

describe('the narrowest terminal (COLUMNS=40) on tasks/epic-1a.yaml', () => {
  const narrow = { NO_COLOR: '1', COLUMNS: '40' };
  for (const args of [
    ['plan', 'tasks/epic-1a.yaml', '--team', '2'],
    ['plan', 'tasks/epic-1a.yaml', '--team', '1'],
    ['plan', 'tasks/epic-1a.yaml'],
    ['validate', 'tasks/epic-1a.yaml'],
  ]) {
    it(`${args.join(' ')}: no line wider than 40`, async () => {
      const r = await critpath(args, { cwd: ROOT, env: narrow });
      expect(r.exitCode, r.all).toBe(0);
      expect(over(r.stdout, 40)).toEqual([]);
    }, 120_000);
  }
});
