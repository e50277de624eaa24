import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { BIN, critpath, tempProject } from '../helpers/cli.js';
import { MAX_GPUS } from '../../src/gpu/inventory.js';

/** A project of one GPU task holding `gpus` GPUs, on a host of 4. */
const gpuTask = (gpus: number | string): string =>
  [
    'project: one GPU task',
    'start: 2026-01-05',
    'hardware:',
    '  gpu:',
    '    - { count: 4, from: 2026-01-05 }',
    'tasks:',
    `  - { id: big, hours: 1, hardware: gpu, gpus: ${gpus}, run: "true" }`,
  ].join('\n');

/** One line on stderr, `critpath: …`, and exit 2. */
function expectUsage(r: { exitCode?: number; stderr: string; all?: string }, text: RegExp): void {
  expect(r.exitCode, r.all).toBe(2);
  expect(r.stderr.trimEnd().split('\n'), r.all).toHaveLength(1);
  expect(r.stderr).toMatch(/^critpath: /);
  expect(r.stderr).toMatch(text);
}

describe('command-line usage errors', () => {
  it(`--gpus names at most ${MAX_GPUS} GPUs: a huge count or index is one line, exit 2`, async () => {
    // A million slots overflowed the stack in the allocator; a billion ran out of memory.
    const p = tempProject(gpuTask(1));
    const at = { cwd: p.dir, env: p.env };
    for (const args of [
      ['run', p.file, '--gpus', '1000000', '--dry-run'],
      ['run', p.file, '--gpus', '999999999'],
      ['status', p.file, '--gpus', '999999999'],
      ['run', p.file, '--gpus', `0,${MAX_GPUS}`, '--dry-run'],
    ])
      expectUsage(await critpath(args, at), /--gpus names at most 1024 GPUs/);
    const most = await critpath(['run', p.file, '--gpus', String(MAX_GPUS), '--dry-run'], at);
    expect(most.exitCode, most.all).toBe(0);
    expect(most.stdout).toMatch(/start big {2}gpus \d+/);
  }, 60_000);

  it('cancel with a mistyped or missing task file says so, exit 2, and leaves the run going', async () => {
    const p = tempProject(
      [
        'project: a slow one',
        'start: 2026-01-05',
        'tasks:',
        '  - { id: slow, hours: 1, run: "sleep 30" }',
      ].join('\n'),
    );
    const at = { cwd: p.dir, env: p.env };
    const run = critpath(['run', p.file], at);
    const journal = join(p.dir, '.critpath', 'project.journal');
    const started = (): boolean =>
      existsSync(journal) && /"t":"started"/.test(readFileSync(journal, 'utf8'));
    for (let k = 0; k < 400 && !started(); k++) await new Promise((r) => setTimeout(r, 25));
    expect(started()).toBe(true);
    // It said "no run is in progress", exit 0, while the run went on.
    const typo = await critpath(['cancel', 'project.yml'], at);
    expect(typo.exitCode, typo.all).toBe(2);
    expect(typo.stderr.trimEnd()).toBe('project.yml:1:1: cannot read task file: no such file');
    mkdirSync(join(p.dir, 'empty'));
    const none = await critpath(['cancel'], { ...at, cwd: join(p.dir, 'empty') });
    expectUsage(none, /^critpath: no task file: looked for critpath\.yaml/);
    // The way out it names is the verb typed.
    expect(none.stderr).toContain('Name one (critpath cancel my/lab.yaml)');
    const logs = await critpath(['logs', 'a'], { ...at, cwd: join(p.dir, 'empty') });
    expect(logs.stderr).toContain('Name one (critpath logs my/lab.yaml ID)');
    // A default file behind a link to nothing is there to see: said so, not "no task file".
    symlinkSync('nowhere.yaml', join(p.dir, 'empty', 'critpath.yaml'));
    const dangling = await critpath(['validate'], { ...at, cwd: join(p.dir, 'empty') });
    expect(dangling.exitCode, dangling.all).toBe(2);
    expect(dangling.stderr.trimEnd()).toBe(
      'critpath.yaml:1:1: cannot read task file: a symbolic link to nothing (ENOENT)',
    );
    const cancel = await critpath(['cancel', 'project.yaml'], at);
    expect(cancel.exitCode, cancel.all).toBe(0);
    expect(cancel.stdout).toMatch(/^sent SIGTERM to run /);
    expect((await run).exitCode).toBe(143);
  }, 60_000);

  it('init never waits on a FIFO named schema.json, and refuses a folder named critpath.yaml', async () => {
    const p = tempProject('');
    const at = { cwd: p.dir, env: p.env };
    mkdirSync(join(p.dir, 'f'));
    execFileSync('mkfifo', [join(p.dir, 'f', 'schema.json')]);
    // It wrote f/critpath.yaml, then blocked reading the FIFO for ever.
    const fifo = await execa('node', [BIN, 'init', 'f/'], {
      ...at,
      reject: false,
      timeout: 15_000,
    });
    expect(fifo.timedOut).toBe(false);
    expect(fifo.exitCode, fifo.stderr).toBe(0);
    expect(fifo.stdout).toMatch(
      /^kept the f\/schema\.json already there, not the schema init writes/m,
    );
    expect(existsSync(join(p.dir, 'f', 'critpath.yaml'))).toBe(true);
    // Plain init wrote critpath.yaml/critpath.yaml, and verbs then took the folder for the file.
    mkdirSync(join(p.dir, 'critpath.yaml'));
    expectUsage(await critpath(['init'], at), /^critpath: critpath\.yaml here is a folder/);
    expect(readdirSync(join(p.dir, 'critpath.yaml'))).toEqual([]);
  }, 60_000);

  it('plan: an option the risk view would ignore is one line naming both, exit 2', async () => {
    const p = tempProject(gpuTask(1));
    const at = { cwd: p.dir, env: p.env };
    const pairs = [
      [['--compare', '--format', 'csv'], /--compare and --format csv/],
      [['--compare', '--format', 'mermaid'], /--compare and --format mermaid/],
      [['--compare', '--format', 'ics'], /--compare and --format ics/],
      [['--compare', '--scenario', 'x'], /--compare and --scenario/],
      [['--compare', '--cpm'], /--compare and --cpm/],
      [['--monte-carlo', '10', '--format', 'md'], /--monte-carlo and --format md/],
      [['--monte-carlo', '10', '--format', 'csv'], /--monte-carlo and --format csv/],
      [['--monte-carlo', '10', '--format', 'ics'], /--monte-carlo and --format ics/],
      // A report is a file: "-" wrote one of that name, and "" complained about the folder.
      [['--html', '-'], /--html writes a file, not standard output/],
      [['--html', ''], /--html needs a file name/],
    ] as const;
    for (const [args, text] of pairs)
      expectUsage(await critpath(['plan', p.file, ...args], at), text);
    expect(existsSync(join(p.dir, '-'))).toBe(false);
  }, 60_000);
});

describe('exit codes', () => {
  it('run --only exits 1 when its work is blocked for its own reason, 0 when it waits on the rest', async () => {
    const own = tempProject(gpuTask(4));
    const blocked = await critpath(['run', own.file, '--only', 'gpu', '--gpus', '2'], {
      cwd: own.dir,
      env: own.env,
    });
    expect(blocked.stdout).toContain('blocked big: needs 4 GPUs, this host has 2');
    expect(blocked.exitCode, blocked.all).toBe(1);
    // GPU work behind MacBook work that --only gpu leaves out: it waits, by design.
    const waits = tempProject(
      [
        'project: GPU work behind MacBook work',
        'start: 2026-01-05',
        'hardware:',
        '  gpu:',
        '    - { count: 4, from: 2026-01-05 }',
        'tasks:',
        '  - { id: prep, hours: 1, hardware: macbook, run: "true" }',
        '  - { id: g, hours: 1, hardware: gpu, gpus: 1, deps: [prep], run: "true" }',
        '  - { id: g2, hours: 1, hardware: gpu, gpus: 1, deps: [g], run: "true" }',
      ].join('\n'),
    );
    const only = await critpath(['run', waits.file, '--only', 'gpu', '--gpus', '2'], {
      cwd: waits.dir,
      env: waits.env,
    });
    expect(only.stdout).toContain('run blocked');
    expect(only.exitCode, only.all).toBe(0);
  }, 60_000);

  it('logs -f of an activity that has not run, with no run live, says so and exits 1 as logs does', async () => {
    const p = tempProject(gpuTask(1));
    const at = { cwd: p.dir, env: p.env };
    for (const args of [
      ['logs', p.file, 'big'],
      ['logs', p.file, 'big', '-f'],
    ]) {
      // -f printed nothing, exit 0: nothing will ever write the log with no run going on.
      const r = await critpath(args, at);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr.trimEnd(), args.join(' ')).toBe(
        'critpath: big has no log yet (it has not run)',
      );
    }
  }, 60_000);
});
