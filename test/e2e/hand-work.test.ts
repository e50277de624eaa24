/**
 * Hand work from the built CLI: start, done, block and undo append to the journal; status and
 * `run` read it; bad input is one line and exit 2, and writes nothing.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, critpath, tempProject } from '../helpers/cli.js';

const YAML = [
  'project: hands',
  'start: 2026-01-05',
  'team:',
  '  - { id: ana, name: Ana }',
  '  - { id: bo, name: Bo }',
  'tasks:',
  '  - { id: write-role, hours: 4 }',
  '  - { id: docs, hours: 2 }',
  '  - { id: apply, hours: 1, deps: [write-role], run: "true" }',
].join('\n');

describe('hand work', () => {
  it('records start, done, block and undo; status shows them; run skips hand-done work', async () => {
    const p = tempProject(YAML);
    const cli = (...args: string[]) =>
      critpath(args, { cwd: p.dir, env: { ...p.env, COLUMNS: '100' } });
    const start = await cli(
      'start',
      p.file,
      'write-role',
      '--by',
      'ana',
      '--at',
      '2026-01-05 09:00',
    );
    expect(start.exitCode).toBe(0);
    expect(start.stdout).toBe('write-role: started by ana');
    expect((await cli('block', p.file, 'docs', '--reason', 'no style guide yet')).exitCode).toBe(0);
    let status = await cli('status', p.file, '--gpus', '0', '--json');
    const rows = JSON.parse(status.stdout).activities as {
      id: string;
      status: string;
      by?: string;
      reason?: string;
    }[];
    expect(rows.find((r) => r.id === 'write-role')).toMatchObject({ status: 'running', by: 'ana' });
    expect(rows.find((r) => r.id === 'docs')).toMatchObject({
      status: 'blocked',
      reason: 'no style guide yet',
    });

    const done = await cli(
      'done',
      p.file,
      'write-role',
      '--hours',
      '3',
      '--at',
      '2026-01-05 13:00',
    );
    expect(done.stdout).toBe('write-role: done, 3 h');
    status = await cli('status', p.file, '--gpus', '0');
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(/write-role +done +4h +3h +done by ana \(engineer hours\)/);
    expect(status.stdout).toContain(
      'ana: on nothing now; 1 done by hand, 3h recorded against 4h planned',
    );

    expect((await cli('undo', p.file, 'docs')).stdout).toBe('docs: its last hand record is undone');
    const run = await cli('run', p.file, '--gpus', '0');
    expect(run.exitCode).toBe(0);
    const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8');
    // apply ran (its predecessor was done by hand); write-role, done by hand, did not.
    expect(journal).toMatch(/"t":"started"[^\n]*"id":"apply"/);
    expect(journal).not.toMatch(/"t":"started"[^\n]*"id":"write-role"/);
  }, 60_000);

  it('undo of a done activity names the done work after it, and reset of it runs that again', async () => {
    const p = tempProject(YAML);
    const cli = (...args: string[]) =>
      critpath(args, { cwd: p.dir, env: { ...p.env, COLUMNS: '100' } });
    expect((await cli('done', p.file, 'write-role', '--hours', '3')).exitCode).toBe(0);
    expect((await cli('run', p.file, '--gpus', '0')).exitCode).toBe(0);
    const undo = await cli('undo', p.file, 'write-role');
    expect(undo.exitCode).toBe(0);
    expect(undo.stdout).toBe('write-role: its last hand record is undone');
    expect(undo.stderr.split('\n').every((l) => l.length <= 100)).toBe(true);
    expect(undo.stderr.replace(/\n/g, ' ')).toBe(
      `note: apply is done and comes after write-role, which no longer is; critpath reset ${p.file} write-role runs it again (hand records stay)`,
    );
    // The undo alone keeps apply's result: nothing recorded is lost.
    const json = async () =>
      JSON.parse((await cli('status', p.file, '--gpus', '0', '--json')).stdout).activities as {
        id: string;
        status: string;
      }[];
    expect((await json()).find((r) => r.id === 'apply')?.status).toBe('done');
    expect((await cli('reset', p.file, 'write-role')).exitCode).toBe(0);
    expect((await json()).find((r) => r.id === 'apply')?.status).not.toBe('done');
    // An undo of work that was not done says nothing more.
    expect((await cli('block', p.file, 'write-role', '--reason', 'x')).exitCode).toBe(0);
    expect((await cli('undo', p.file, 'write-role')).stderr).toBe('');
    // Work after it done by hand stays as people left it, reset or not: not named.
    expect((await cli('done', p.file, 'write-role', '--hours', '1')).exitCode).toBe(0);
    expect((await cli('done', p.file, 'apply', '--hours', '1')).exitCode).toBe(0);
    expect((await cli('undo', p.file, 'write-role')).stderr).toBe('');
  }, 60_000);

  it('takes a lone id from the default task file, as logs does; a mistyped id gets the nearest', async () => {
    const p = tempProject(YAML);
    writeFileSync(join(p.dir, '.critpathrc'), 'project.yaml\n');
    const cli = (...args: string[]) =>
      critpath(args, { cwd: p.dir, env: { ...p.env, COLUMNS: '100' } });
    const done = await cli('done', 'write-role', '--hours', '2');
    expect(done.exitCode, done.all).toBe(0);
    expect(done.stdout).toBe('write-role: done, 2 h');
    expect(readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8')).toMatch(
      /"t":"hand"[^\n]*"id":"write-role"[^\n]*"action":"done"/,
    );
    // A task file alone lacks the id.
    const noId = await cli('undo', p.file);
    expect(noId.exitCode).toBe(2);
    expect(noId.stderr.trim()).toBe(
      `critpath: undo needs an activity id: critpath undo ${p.file} ID`,
    );
    // So does one named like a task file, mistyped: it is not taken for an id.
    const typo = await cli('undo', 'projet.yaml');
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr.trim()).toBe(
      'critpath: undo needs an activity id: critpath undo projet.yaml ID',
    );
    for (const args of [
      ['undo', 'write-rol'],
      ['logs', 'write-rol'],
      ['reset', 'write-rol'],
      ['run', 'write-rol', '--gpus', '0'],
    ]) {
      const r = await cli(...args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr.trim()).toBe(
        'critpath: project.yaml: unknown task or activity "write-rol" (did you mean "write-role"?)',
      );
    }
  }, 60_000);

  it('run leaves hand-blocked work and what waits on it alone, says why, and ends blocked', async () => {
    const p = tempProject(
      [
        'project: H',
        'start: 2026-11-30',
        'tasks:',
        '  - { id: rack, hours: 2 }',
        '  - { id: burn, hours: 1, deps: [rack], run: "echo burning" }',
        '  - { id: cmd, hours: 1, run: "echo cmd" }',
      ].join('\n'),
    );
    const cli = (...args: string[]) =>
      critpath(args, { cwd: p.dir, env: { ...p.env, COLUMNS: '100' } });
    expect((await cli('block', p.file, 'rack', '--reason', 'rails missing')).exitCode).toBe(0);
    expect((await cli('block', p.file, 'cmd', '--reason', 'vendor licence')).exitCode).toBe(0);
    const run = await cli('run', p.file, '--gpus', '0');
    expect(run.exitCode, run.all).toBe(1);
    expect(run.stdout).toMatch(/ blocked rack: rails missing$/m);
    expect(run.stdout).toMatch(/ blocked burn: waits for rack \(blocked: rails missing\)$/m);
    expect(run.stdout).toMatch(/ blocked cmd: vendor licence$/m);
    expect(run.stdout).toMatch(/ run blocked after /);
    const journal = join(p.dir, '.critpath', 'project.journal');
    expect(readFileSync(journal, 'utf8')).not.toMatch(/"t":"started"/);
    const status = await cli('status', p.file, '--gpus', '0');
    expect(status.stdout).toMatch(/^rack +blocked +2h +rails missing$/m);
    expect(status.stdout).toMatch(/^cmd +blocked +1h +vendor licence$/m);
    // Undone, the block is gone: rack (no command) is done when reached, and burn runs after it.
    expect((await cli('undo', p.file, 'rack')).exitCode).toBe(0);
    const again = await cli('run', p.file, '--gpus', '0');
    expect(again.exitCode, again.all).toBe(1);
    expect(again.stdout).toMatch(/ done {2}burn in /);
    expect(again.stdout).toMatch(/ blocked cmd: vendor licence$/m);
    expect(readFileSync(journal, 'utf8')).not.toMatch(/"t":"started"[^\n]*"id":"cmd"/);
  }, 60_000);

  it('run leaves work a person started by hand to them: not finished, its dependents wait', async () => {
    const p = tempProject(
      [
        'project: H',
        'start: 2026-11-30',
        'team: [{ id: ann }]',
        'tasks:',
        '  - { id: cabling, hours: 2 }',
        '  - { id: test, hours: 1, deps: [cabling], run: "echo test" }',
        '  - { id: label, hours: 1 }',
      ].join('\n'),
    );
    const cli = (...args: string[]) =>
      critpath(args, { cwd: p.dir, env: { ...p.env, COLUMNS: '100' } });
    expect((await cli('start', p.file, 'cabling', '--by', 'ann', '--at', '00:00')).exitCode).toBe(
      0,
    );
    const run = await cli('run', p.file, '--gpus', '0');
    expect(run.exitCode, run.all).toBe(1);
    expect(run.stdout).toMatch(/ blocked cabling: in progress by ann \(by hand\)$/m);
    expect(run.stdout).toMatch(
      / blocked test: waits for cabling \(in progress by ann, by hand\)$/m,
    );
    // A manual task nobody started is still done when the run reaches it.
    expect(run.stdout).toMatch(/ done {2}label in /);
    expect(run.stdout).toMatch(/ run blocked after /);
    const status = await cli('status', p.file, '--gpus', '0');
    expect(status.stdout).toMatch(/^cabling +running +2h +\S+ +ann is on it$/m);
    expect(status.stdout).toMatch(/^test +pending +1h *$/m);
    expect((await cli('done', p.file, 'cabling', '--hours', '1.5')).exitCode).toBe(0);
    const after = await cli('run', p.file, '--gpus', '0');
    expect(after.exitCode, after.all).toBe(0);
    expect(after.stdout).toMatch(/ done {2}test in /);
    const final = await cli('status', p.file, '--gpus', '0');
    expect(final.stdout).toMatch(/^cabling +done +2h +1\.5h +done by ann \(engineer hours\)$/m);
  }, 60_000);

  it('a manual task started or done by hand while the run is live is left to the person', async () => {
    // The run's first command records hand work on the manual tasks the run reaches later: the
    // run read the journal as it began, and once marked them done in no time all the same.
    const hand = (verb: string, id: string, ...more: string[]): string =>
      [process.execPath, BIN, verb, 'project.yaml', id, ...more].map((w) => `'${w}'`).join(' ');
    const p = tempProject(
      [
        'project: H',
        'start: 2026-11-30',
        'team: [{ id: ann }]',
        'tasks:',
        `  - id: prep`,
        `    hours: 1`,
        `    run: ${JSON.stringify(`${hand('start', 'cabling', '--by', 'ann')} && ${hand('done', 'label', '--hours', '0.5', '--by', 'ann')}`)}`,
        '  - { id: cabling, hours: 2, deps: [prep] }',
        '  - { id: test, hours: 1, deps: [cabling], run: "echo test" }',
        '  - { id: label, hours: 1, deps: [prep] }',
        '  - { id: ship, hours: 1, deps: [label], run: "echo ship" }',
      ].join('\n'),
    );
    const cli = (...args: string[]) =>
      critpath(args, { cwd: p.dir, env: { ...p.env, COLUMNS: '100' } });
    const run = await cli('run', p.file, '--gpus', '0');
    expect(run.exitCode, run.all).toBe(1);
    expect(run.stdout).toMatch(/ done {2}prep in /);
    expect(run.stdout).toMatch(/ blocked cabling: in progress by ann \(by hand\)$/m);
    expect(run.stdout).toMatch(
      / blocked test: waits for cabling \(in progress by ann, by hand\)$/m,
    );
    expect(run.stdout).not.toMatch(/ done {2}(cabling|label) in /);
    expect(run.stdout).toMatch(/ done {2}ship in /);
    const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8');
    expect(journal).not.toMatch(/"t":"started"[^\n]*"id":"(cabling|label)"/);
    const status = await cli('status', p.file, '--gpus', '0');
    expect(status.stdout).toMatch(/^cabling +running +2h +\S+ +ann is on it$/m);
    expect(status.stdout).toMatch(/^label +done +1h +30m +done by ann \(engineer hours\)$/m);
    expect(status.stdout).toMatch(/^test +pending +1h *$/m);
  }, 60_000);

  it('plan --team --json carries the re-plan from the journal that the table prints', async () => {
    const p = tempProject(YAML);
    const cli = (...args: string[]) => critpath(args, { cwd: p.dir, env: p.env });
    const before = JSON.parse((await cli('plan', p.file, '--team', '1', '--json')).stdout) as {
      forecast?: unknown;
    };
    expect(before.forecast).toBeUndefined();
    const at = ['--at', '2026-01-05 12:00'];
    expect((await cli('done', p.file, 'write-role', '--hours', '3', ...at)).exitCode).toBe(0);
    const r = await cli('plan', p.file, '--team', '1', '--json');
    expect(r.exitCode, r.all).toBe(0);
    const f = (JSON.parse(r.stdout) as { forecast: Record<string, unknown> }).forecast;
    expect(f).toMatchObject({ done: 1, running: 0, total: 3, calibrated: false });
    expect(f['slipHours']).toBeCloseTo(
      (f['forecastHours'] as number) - (f['baselineHours'] as number),
      2,
    );
    expect(f['observed']).toMatchObject({
      macbook: { ratio: 0.75, finished: 1, actualHours: 3, estimatedHours: 4 },
      gpu: { finished: 0 },
    });
    // The table says the same end, in its own words.
    const table = await cli('plan', p.file, '--team', '1');
    const end = new Date(`${f['forecastEnd'] as string}:00`);
    const day = end.toLocaleDateString('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
    });
    expect(table.stdout).toContain('Progress from the run journal');
    expect(table.stdout.replace(/\s+/g, ' ')).toContain(day.replace(',', ''));
    const both = JSON.parse((await cli('plan', p.file, '--team', '1,2', '--json')).stdout) as {
      plans: { forecast: { total: number } }[];
    };
    expect(both.plans.map((x) => x.forecast.total)).toEqual([3, 3]);
  }, 60_000);

  it('reset forgets run results and keeps hand records, and says how many it kept', async () => {
    const p = tempProject(
      [
        'project: O',
        'start: 2026-11-30',
        'team: [{ id: ann }]',
        'tasks:',
        '  - { id: m, hours: 2 }',
        '  - { id: n, hours: 1, deps: [m], run: "echo n" }',
      ].join('\n'),
    );
    const cli = (...args: string[]) =>
      critpath(args, { cwd: p.dir, env: { ...p.env, COLUMNS: '100' } });
    expect((await cli('done', p.file, 'm', '--hours', '1.5', '--by', 'ann')).exitCode).toBe(0);
    expect((await cli('run', p.file, '--gpus', '0')).exitCode).toBe(0);
    const reset = await cli('reset', p.file);
    expect(reset.exitCode, reset.all).toBe(0);
    // Each line wrapped to the width (100 here).
    const lines = reset.stdout.split('\n');
    expect(lines.every((l) => l.length <= 100)).toBe(true);
    expect(lines[0]).toBe('reset: every activity without hand records will run again');
    expect(lines.slice(1).join(' ')).toBe(
      `reset: kept 1 hand record (m: done by ann); critpath undo ${p.file} ID takes one back`,
    );
    const status = await cli('status', p.file, '--gpus', '0');
    expect(status.stdout).toMatch(/^m +done +2h +1\.5h +done by ann \(engineer hours\)$/m);
    expect(status.stdout).toMatch(/^n +ready +1h *$/m);
    // --force of work done by hand would not run it (its records stay): refused, exit 2.
    const forced = await cli('run', p.file, '--gpus', '0', '--force', 'm');
    expect(forced.exitCode).toBe(2);
    expect(forced.stderr).toBe(
      `critpath: --force m: done by hand (ann); take its hand record back first (critpath undo ${p.file} m)`,
    );
    expect((await cli('undo', p.file, 'm')).stdout).toBe('m: its last hand record is undone');
    expect((await cli('status', p.file, '--gpus', '0')).stdout).toMatch(/^m +ready +2h *$/m);
  }, 60_000);

  it("refuses hand records of what a live run runs (the run's result would replace them)", async () => {
    const p = tempProject(
      [
        'project: hands and a run',
        'start: 2026-01-05',
        'tasks:',
        '  - { id: slow, hours: 1, run: "sleep 30" }',
        '  - { id: docs, hours: 2, deps: [slow] }',
      ].join('\n'),
    );
    const cli = (...args: string[]) => critpath(args, { cwd: p.dir, env: p.env });
    const run = cli('run', p.file, '--gpus', '0');
    const journal = join(p.dir, '.critpath', 'project.journal');
    const started = (): boolean => {
      try {
        return /"t":"started"[^\n]*"id":"slow"/.test(readFileSync(journal, 'utf8'));
      } catch {
        return false;
      }
    };
    for (let k = 0; k < 400 && !started(); k++) await new Promise((r) => setTimeout(r, 25));
    expect(started()).toBe(true);
    const refused = await cli('done', p.file, 'slow');
    // Refused because a run holds the work, as run and reset are refused: exit 1.
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /^critpath: slow: run \S+ is in progress and runs this activity's command; let it, or stop it first \(critpath cancel .*project\.yaml\)$/,
    );
    expect((await cli('done', p.file, 'docs', '--hours', '2')).exitCode).toBe(0);
    expect((await cli('cancel', p.file)).exitCode).toBe(0);
    await run;
    expect(readFileSync(journal, 'utf8')).not.toMatch(/"t":"hand"[^\n]*"id":"slow"/);
  }, 60_000);

  it('skips, with its line number, a record whose time or hours is out of range', async () => {
    const p = tempProject(YAML);
    const cli = (...args: string[]) => critpath(args, { cwd: p.dir, env: p.env });
    const done = await cli('done', p.file, 'docs', '--hours', '2', '--at', '2026-01-05 13:00');
    expect(done.exitCode, done.all).toBe(0);
    const hand = '"v":1,"t":"hand","recordedAt":1,"id":"write-role"';
    appendFileSync(
      join(p.dir, '.critpath', 'project.journal'),
      [
        // The year 10000, and a time past what a date can hold: "bad date NaN-NaN-NaN".
        `{${hand},"at":253402300800000,"action":"start"}`,
        `{${hand},"at":99999999999999999,"action":"start"}`,
        `{${hand},"at":1,"action":"done","hours":1e308}`,
        '{"v":1,"t":"finished","at":1,"runId":"r","id":"apply","attempt":1,"exitCode":0,"durationMs":-5}',
        '',
      ].join('\n'),
    );
    const plan = await cli('plan', p.file, '--team', '1');
    expect(plan.exitCode, plan.all).toBe(0);
    expect(plan.all).not.toMatch(/internal error/);
    const status = await cli('status', p.file);
    expect(status.exitCode, status.all).toBe(0);
    for (const [line, field] of [
      [2, 'at'],
      [3, 'at'],
      [4, 'hours'],
      [5, 'durationMs'],
    ])
      expect(status.stderr).toContain(
        `project.journal:${line}: skipped a journal line that is not a record: ${field}: `,
      );
  }, 30_000);

  it.each([
    [
      ['start', 'write-rol'],
      /^critpath: \S+\.yaml: unknown task or activity "write-rol" \(did you mean "write-role"\?\)$/m,
    ],
    [['start', 'write-role', '--at', '2026-13-01 10:00'], /--at: no such date or time/],
    [
      ['start', 'write-role', '--at', '0001-01-01'],
      /^critpath: --at: that is more than a year before the project's start \(2026-01-05\), got "0001-01-01"$/m,
    ],
    [['done', 'write-role', '--hours', '-1'], /--hours expects hours above 0/],
    [['start', 'write-role', '--by', 'bob'], /no one called "bob"/],
    [['undo', 'docs'], /docs: no hand work recorded to undo/],
    [['block', 'docs'], /required option '--reason <text>'/],
  ])(
    '%j is one line, exit 2, and writes nothing',
    async (args, message) => {
      const p = tempProject(YAML);
      const [verb, ...rest] = args;
      const r = await critpath([verb!, p.file, ...rest], { cwd: p.dir, env: p.env });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      expect(() => readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8')).toThrow();
    },
    30_000,
  );
});
