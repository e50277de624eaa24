import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { BIN, critpath, tempProject } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const env = { NO_COLOR: '1', COLUMNS: '80' };
const hasShell = (sh: string): boolean => {
  try {
    execFileSync(sh, ['-c', 'true']);
    return true;
  } catch {
    return false;
  }
};

/** A `critpath` command (the built CLI) in `dir`/bin, for the shells' completion scripts to call. */
function critpathOnPath(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'critpath'),
    `#!/bin/sh\nexec node ${resolve(ROOT, 'bin/critpath.js')} "$@"\n`,
    { mode: 0o755 },
  );
  return bin;
}

describe('habits of a well-made CLI', () => {
  it('in an empty folder, init then validate, plan and run need no file name', async () => {
    // init wrote critpath.yaml, and a bare plan looked only for tasks/epic-1a.yaml: a loop.
    const p = tempProject('');
    const at = { cwd: p.dir, env: { ...p.env, COLUMNS: '80' } };
    const init = await critpath(['init'], at);
    expect(init.exitCode, init.all).toBe(0);
    for (const args of [['validate'], ['plan', '--team', '2'], ['run', '--dry-run']]) {
      const r = await critpath(args, at);
      expect(r.exitCode, `${args.join(' ')}: ${r.all}`).toBe(0);
    }
    expect((await critpath(['validate'], at)).stdout).toMatch(/^critpath\.yaml: ok/);
    // From a folder below it too, as a .critpathrc would be found.
    mkdirSync(join(p.dir, 'notes'));
    const below = await critpath(['validate'], { ...at, cwd: join(p.dir, 'notes') });
    expect(below.stdout, below.all).toMatch(/^\.\.\/critpath\.yaml: ok/);
  }, 60_000);

  it('init writes a starter file that validates, and never overwrites', async () => {
    const p = tempProject('');
    // Kiritimati is UTC+14 all year: its date is not UTC's for 14 hours a day.
    const at = Date.now();
    const r = await critpath(['init', 'lab/tasks.yaml'], {
      cwd: p.dir,
      env: { ...env, TZ: 'Pacific/Kiritimati' },
    });
    expect(r.exitCode, r.all).toBe(0);
    // The folder it made is said, not made silently.
    expect(r.stdout.split('\n')[0]).toBe('made the folder lab');
    const text = readFileSync(join(p.dir, 'lab/tasks.yaml'), 'utf8');
    // The local date: today there, not UTC's.
    const local = new Date(at + 14 * 3_600_000).toISOString().slice(0, 10);
    expect(text).toContain(`start: ${local} `);
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json');
    expect(existsSync(join(p.dir, 'lab/schema.json'))).toBe(true);
    expect(text).toMatch(/hardware: macbook/);
    expect(text).toMatch(/phases:/);
    expect(text).toMatch(/gpus: 1/);
    const v = await critpath(['validate', 'lab/tasks.yaml'], { cwd: p.dir, env });
    expect(v.exitCode, v.all).toBe(0);
    expect(v.stdout).toMatch(/^lab\/tasks\.yaml: ok — 3 tasks, 4 activities/);
    const again = await critpath(['init', 'lab/tasks.yaml'], { cwd: p.dir, env });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(readFileSync(join(p.dir, 'lab/tasks.yaml'), 'utf8')).toBe(text);
  });

  it('init: a folder name gets critpath.yaml inside; its errors are one line in words', async () => {
    const p = tempProject('');
    const at = { cwd: p.dir, env };
    // A trailing slash wrote a regular file named "newdir", which validate then could not open.
    const slash = await critpath(['init', 'newdir/'], at);
    expect(slash.exitCode, slash.all).toBe(0);
    expect(slash.stdout).toMatch(/^made the folder newdir\nwrote newdir\/critpath\.yaml\n/);
    expect(slash.stdout).toContain('critpath validate newdir/critpath.yaml');
    const v = await critpath(['validate', 'newdir/critpath.yaml'], at);
    expect(v.exitCode, v.all).toBe(0);
    // An existing folder is a folder to write in too; a file there already is kept.
    const again = await critpath(['init', 'newdir'], at);
    expect([again.exitCode, again.stderr.trimEnd()]).toEqual([
      2,
      'critpath: newdir/critpath.yaml already exists; init does not overwrite files (name another)',
    ]);
    // Raw errno codes (ENOTDIR, EEXIST for a link to nothing) and "critpath:  already exists".
    writeFileSync(join(p.dir, 'afile'), '');
    symlinkSync(join(p.dir, 'nowhere'), join(p.dir, 'dangling.yaml'));
    const errors: [string, string][] = [
      ['afile/x.yaml', 'cannot write afile/x.yaml: a path component is not a folder (ENOTDIR)'],
      ['dangling.yaml', 'dangling.yaml already exists; init does not overwrite files'],
      ['', 'init needs a file name, or none (it writes critpath.yaml)'],
    ];
    for (const [file, message] of errors) {
      const r = await critpath(['init', file], at);
      expect(r.exitCode, r.all).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), file).toHaveLength(1);
      expect(r.stderr, file).toContain(`critpath: ${message}`);
      expect(r.stdout).toBe('');
    }
    // A schema.json of the user's own beside it is kept, and the output says so.
    mkdirSync(join(p.dir, 'mine'));
    writeFileSync(join(p.dir, 'mine/schema.json'), '{"title": "mine"}\n');
    const kept = await critpath(['init', 'mine/lab.yaml'], at);
    expect(kept.exitCode, kept.all).toBe(0);
    expect(kept.stdout.split('\n')[1]).toBe(
      "kept the mine/schema.json already there, not the schema init writes: mine/lab.yaml's first line points editors at it",
    );
    expect(readFileSync(join(p.dir, 'mine/schema.json'), 'utf8')).toBe('{"title": "mine"}\n');
    // Its own schema, from an earlier init, is no news.
    const second = await critpath(['init', 'newdir/second.yaml'], at);
    expect(second.stdout).not.toContain('kept');
  }, 60_000);

  it('completion scripts parse in their shells and list verbs from the command table', async () => {
    const p = tempProject('');
    const help = await critpath(['--help'], { cwd: ROOT, env });
    const verbs = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)]
      .map((m) => m[1]!)
      .filter((v) => v !== 'help' && v !== 'critpath');
    expect(verbs).toContain('logs');
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = await critpath(['completion', shell], { cwd: ROOT, env });
      expect(r.exitCode, r.all).toBe(0);
      for (const v of verbs) expect(r.stdout).toContain(v);
      expect(r.stdout).toContain(shell === 'fish' ? '-l team' : '--team');
      const file = join(p.dir, `c.${shell}`);
      writeFileSync(file, r.stdout);
      if (shell === 'bash' || hasShell(shell) || process.env['CRITPATH_SHELLS_E2E'] === 'require')
        execFileSync(shell, ['-n', file]);
    }
    const ids = await critpath(['completion', 'ids', 'tasks/epic-1a.yaml'], { cwd: ROOT, env });
    expect(ids.stdout.split('\n')).toEqual(expect.arrayContaining(['1a.8', '1a.8/test']));
  });

  it('bash completion completes verbs and task ids', async () => {
    const script = (await critpath(['completion', 'bash'], { cwd: ROOT, env })).stdout;
    const p = tempProject('');
    const bin = critpathOnPath(p.dir);
    const probe = `${script}
COMP_WORDS=(critpath pl); COMP_CWORD=1; _critpath; echo "\${COMPREPLY[@]}"
COMP_WORDS=(critpath run tasks/epic-1a.yaml 1a.1); COMP_CWORD=3; _critpath; echo "\${COMPREPLY[@]}"`;
    const out = execFileSync('bash', ['-c', probe], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${bin}:${process.env['PATH']}` },
    }).toString();
    const [first, second] = out.split('\n');
    expect(first).toBe('plan');
    expect(second!.split(' ')).toEqual(expect.arrayContaining(['1a.1', '1a.10', '1a.17/docs']));
  }, 60_000);

  it('completion offers .json task files and their ids, in bash without extglob and in fish', async () => {
    // bash filtered files with an extglob pattern (off in most shells: no file was offered), and
    // every script looked for the task file only right after the verb, and only for .yaml.
    const p = tempProject('');
    const bin = critpathOnPath(p.dir);
    writeFileSync(
      join(p.dir, 'lab.json'),
      JSON.stringify({
        project: 'Lab',
        start: '2026-01-05',
        tasks: [
          { id: 'rack', hours: 1 },
          { id: 'rackcheck', hours: 1, deps: ['rack'] },
        ],
      }),
    );
    writeFileSync(join(p.dir, 'lab.yaml'), 'project: L\nstart: 2026-01-05\ntasks: []\n');
    writeFileSync(join(p.dir, 'labnotes.txt'), 'x\n');
    const shellEnv = { ...process.env, PATH: `${bin}:${process.env['PATH']}` };
    const script = (await critpath(['completion', 'bash'], { cwd: ROOT, env })).stdout;
    const probe = `shopt -u extglob
${script}
COMP_WORDS=(critpath plan la); COMP_CWORD=2; _critpath; echo "\${COMPREPLY[@]}"
COMP_WORDS=(critpath plan --team 2 lab.json ra); COMP_CWORD=5; _critpath; echo "\${COMPREPLY[@]}"`;
    const [files, ids] = execFileSync('bash', ['-c', probe], { cwd: p.dir, env: shellEnv })
      .toString()
      .split('\n');
    expect(files!.split(' ').sort()).toEqual(['lab.json', 'lab.yaml']);
    expect(ids!.split(' ')).toEqual(['rack', 'rackcheck']);
    if (hasShell('fish') || process.env['CRITPATH_SHELLS_E2E'] === 'require') {
      const fish = (await critpath(['completion', 'fish'], { cwd: ROOT, env })).stdout;
      writeFileSync(join(p.dir, 'c.fish'), fish);
      const got = execFileSync(
        'fish',
        ['-c', "source c.fish; complete -C 'critpath plan --team 2 lab.json ra'"],
        { cwd: p.dir, env: shellEnv },
      ).toString();
      expect(got.split('\n').map((l) => l.split('\t')[0])).toEqual(
        expect.arrayContaining(['rack', 'rackcheck']),
      );
    }
  }, 60_000);

  it('a Monte Carlo shows how far it is on a terminal, and writes nothing of it to a pipe', async () => {
    // At 10 million samples it ran for minutes with nothing shown.
    const args = ['plan', 'tasks/epic-1a.yaml', '--monte-carlo', '5000', '--team', '2'];
    const piped = await critpath(args, { cwd: ROOT, env });
    expect(piped.exitCode, piped.all).toBe(0);
    expect(piped.stderr).toBe('');
    // `script` gives it a terminal; standard output goes to /dev/null, standard error is seen.
    const tty = await execa(
      'script',
      ['-qec', `node "${BIN}" ${args.join(' ')} > /dev/null`, '/dev/null'],
      { cwd: ROOT, env: { ...process.env, ...env }, reject: false },
    );
    expect(tty.exitCode, tty.all).toBe(0);
    const lines = tty.stdout.split('\r');
    expect(lines).toContain('Monte Carlo, team 2: 5,000 of 5,000 samples (100 %)\u001b[K');
    // The line is cleared once the figures are printed.
    expect(tty.stdout.endsWith('\r\u001b[K')).toBe(true);
  }, 60_000);

  it('every verb has examples in its help, and the top-level help lists the workflow', async () => {
    const top = await critpath(['--help'], { cwd: ROOT, env });
    expect(top.stdout).toContain('The usual workflow:');
    for (const verb of [
      'validate',
      'plan',
      'graph',
      'run',
      'status',
      'reset',
      'cancel',
      'logs',
      'init',
      'completion',
    ]) {
      const r = await critpath([verb, '--help'], { cwd: ROOT, env });
      expect(r.stdout, verb).toContain('Examples:');
      expect(r.stdout, verb).toContain(`critpath ${verb}`);
    }
  }, 60_000);

  it('validate prints the path as given; a missing default file says what was looked for', async () => {
    const p = tempProject(readFileSync(join(ROOT, 'tasks/demo.yaml'), 'utf8'));
    mkdirSync(join(p.dir, 'my'));
    writeFileSync(join(p.dir, 'my/lab.yaml'), readFileSync(p.file));
    const v = await critpath(['validate', 'my/lab.yaml'], { cwd: p.dir, env });
    expect(v.stdout).toMatch(/^my\/lab\.yaml: ok/);
    const missing = await critpath(['plan'], { cwd: p.dir, env });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('looked for critpath.yaml or tasks/epic-1a.yaml');
    expect(missing.stderr).toContain('critpath init writes a starter critpath.yaml');
    expect(missing.stderr).toContain('.critpathrc');
    writeFileSync(join(p.dir, '.critpathrc'), '{"file": "my/lab.yaml"}\n');
    const rc = await critpath(['validate'], { cwd: p.dir, env });
    expect(rc.stdout).toMatch(/^my\/lab\.yaml: ok/);
    const sub = join(p.dir, 'my');
    writeFileSync(join(p.dir, '.critpathrc'), '');
    writeFileSync(join(p.dir, 'package.json'), '{"critpath": {"file": "my/lab.yaml"}}\n');
    const pkg = await critpath(['validate'], { cwd: sub, env });
    expect(pkg.exitCode, pkg.all).toBe(0);
    expect(pkg.stdout).toMatch(/^lab\.yaml: ok/);
    // A setting that cannot be used is named in the message, not passed over in silence.
    writeFileSync(join(p.dir, 'package.json'), '{"critpath": {"file": "my/lab.yaml"}\n');
    const broken = await critpath(['validate'], { cwd: sub, env });
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(
      /^critpath: \.\.\/package\.json: not JSON \(.*\); fix it \(it names the default task file\)/,
    );
  });

  it('a settings file that cannot be used stops every verb that reads the default file', async () => {
    // It was passed over in silence while tasks/epic-1a.yaml existed: validate checked that one.
    const p = tempProject(readFileSync(join(ROOT, 'tasks/demo.yaml'), 'utf8'));
    mkdirSync(join(p.dir, 'tasks'));
    writeFileSync(join(p.dir, 'tasks/epic-1a.yaml'), readFileSync(p.file));
    const settings: [string, string, RegExp][] = [
      [
        '.critpathrc',
        '{bad json',
        /^critpath: \.critpathrc: not JSON \(.*\); fix it \(it names the default task file\)/,
      ],
      [
        'package.json',
        '{"critpath": 5}',
        /^critpath: package\.json: "critpath" must be a path or \{"file": path\}, got 5; fix it /,
      ],
    ];
    const verbs = [
      ['validate'],
      ['plan', '--team', '2'],
      ['graph'],
      ['run', '--dry-run'],
      ['status'],
      ['reset'],
      ['cancel'],
      ['logs', 'd.1'],
    ];
    for (const [name, text, why] of settings) {
      writeFileSync(join(p.dir, name), text);
      for (const args of verbs) {
        const r = await critpath(args, { cwd: p.dir, env });
        expect(r.exitCode, `${name}: ${args.join(' ')}: ${r.all}`).toBe(2);
        expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
        expect(r.stderr, args.join(' ')).toMatch(why);
        expect(r.stdout, args.join(' ')).toBe('');
      }
      const ids = await critpath(['completion', 'ids'], { cwd: p.dir, env });
      expect([ids.exitCode, ids.all]).toEqual([0, '']);
      // A file named outright does not need the setting.
      const named = await critpath(['validate', 'tasks/epic-1a.yaml'], { cwd: p.dir, env });
      expect(named.exitCode, named.all).toBe(0);
      writeFileSync(join(p.dir, name), name === 'package.json' ? '{}\n' : '');
    }
  }, 60_000);

  it.skipIf(process.platform !== 'linux')(
    'a task file given as <(cat FILE) is read, and its folder (/dev/fd) never hangs a verb',
    async () => {
      // The file's folder, /dev/fd, refuses new folders with ENOENT: Node's recursive mkdir
      // looped there forever (the cache, the run state), after validate had printed "ok".
      const demo = join(ROOT, 'tasks/demo.yaml');
      const sh = (args: string): Promise<{ exitCode?: number; all?: string }> =>
        execa('bash', ['-c', `node "${BIN}" ${args} <(cat "${demo}")`], {
          env: { ...process.env, ...env },
          reject: false,
          all: true,
          timeout: 20_000,
        });
      const v = await sh('validate');
      expect(v.exitCode, v.all).toBe(0);
      expect(v.all).toMatch(/^\/dev\/fd\/\d+: ok/);
      const r = await sh('run --gpus 4');
      expect(r.exitCode, r.all).toBe(2);
      expect(r.all).toMatch(/critpath: cannot create the run state folder \/dev\/fd\/\.critpath/);
    },
    60_000,
  );

  it('plan --team --deadline holds the end against that date; a bad one is a usage error', async () => {
    const missed = await critpath(['plan', '--team', '2', '--deadline', '2026-12-09'], {
      cwd: ROOT,
      env,
    });
    expect(missed.exitCode, missed.all).toBe(0);
    expect(missed.stdout).toMatch(/\(deadline Wed 9 Dec: MISSED\)/);
    // The critical-path view (no --team) has no dates: a deadline there is a usage error.
    for (const [args, give] of [
      [['plan'], 'give --team (e.g. --team 2)'],
      [['plan', '--cpm', '--team', '2'], 'not with --cpm'],
    ] as const) {
      const cpm = await critpath([...args, '--deadline', '2026-12-09'], { cwd: ROOT, env });
      expect(cpm.exitCode, args.join(' ')).toBe(2);
      expect(cpm.stderr).toBe(`critpath: --deadline holds a team plan against a date: ${give}`);
    }
    for (const bad of ['yesterday', '2026-02-30']) {
      const r = await critpath(['plan', '--team', '2', '--deadline', bad], { cwd: ROOT, env });
      expect(r.exitCode, bad).toBe(2);
      expect(r.stderr).toBe(
        `critpath: --deadline expects a calendar date as YYYY-MM-DD, got "${bad}"`,
      );
    }
  }, 60_000);

  it('status --team checks the people against the file, as plan does', async () => {
    const p = tempProject(
      'project: p\nstart: 2027-01-04\nteam:\n  - { id: ann }\n  - { id: bob }\ntasks:\n  - { id: a, hours: 1 }\n',
    );
    for (const verb of ['status', 'plan']) {
      const r = await critpath([verb, p.file, '--team', 'ann+zed'], { cwd: p.dir, env });
      expect(r.exitCode, verb).toBe(2);
      expect(r.stderr).toBe(
        'critpath: --team: no one called "zed" in the project\'s team (known: ann, bob)',
      );
    }
    const ok = await critpath(['status', p.file, '--team', 'ann+bob'], { cwd: p.dir, env });
    expect(ok.exitCode, ok.all).toBe(0);
    expect(ok.stdout).toMatch(/with ann\+bob/);
  }, 60_000);

  it('--html replaces only an HTML file, in a folder that exists, outside the state folder', async () => {
    const p = tempProject(`project: h\nstart: 2027-01-04\ntasks:\n  - { id: a, hours: 1 }\n`);
    const task = readFileSync(p.file, 'utf8');
    mkdirSync(join(p.dir, '.critpath'), { recursive: true });
    execFileSync('mkfifo', [join(p.dir, 'fifo.html')]);
    symlinkSync(p.file, join(p.dir, 'link.html'));
    const html = (out: string) =>
      critpath(['plan', p.file, '--monte-carlo', '20', '--html', out], { cwd: p.dir, env });
    for (const [out, why] of [
      [p.file, 'it exists and is not an HTML file (remove it, or name another file)'],
      ['link.html', 'it is a symbolic link'],
      ['fifo.html', 'it is not a regular file'],
      ['no/such/r.html', `there is no folder ${join(p.dir, 'no/such')}`],
      ['.critpath/project.journal', `it is in critpath's state folder ${join(p.dir, '.critpath')}`],
    ] as const) {
      const r = await html(out);
      expect(r.exitCode, r.all).toBe(2);
      expect(r.stderr).toBe(`critpath: --html: will not write ${resolve(p.dir, out)}: ${why}`);
    }
    expect(readFileSync(p.file, 'utf8')).toBe(task);
    expect(existsSync(join(p.dir, 'no'))).toBe(false);
    expect(existsSync(join(p.dir, '.critpath', 'project.journal'))).toBe(false);
    // A report is written, and written again over itself.
    for (let k = 0; k < 2; k++) expect((await html('r.html')).exitCode).toBe(0);
    expect(readFileSync(join(p.dir, 'r.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  }, 60_000);

  it('a plan past 9999-12-31 is a one-line usage error; one ending before it is dated', async () => {
    const chain = (start: string, n: number): string =>
      [`project: long`, `start: ${start}`, 'tasks:']
        .concat(
          Array.from(
            { length: n },
            (_, i) => `  - { id: t${i}, hours: 100000${i > 0 ? `, deps: [t${i - 1}]` : ''} }`,
          ),
        )
        .join('\n');
    const far = tempProject(chain('2027-01-04', 200));
    for (const args of [
      ['plan', far.file, '--team', '2'],
      ['plan', far.file, '--team', '2', '--json'],
      ['plan', far.file, '--monte-carlo', '20'],
      ['status', far.file, '--gpus', '0'],
    ]) {
      const r = await critpath(args, { cwd: far.dir, env });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^critpath: (\S+project\.yaml: )?the plan runs past 9999-12-31, the last date critpath writes: its work reaches working day 2500000 from 2027-01-04, and only 2080055 come before that date \(check the hours and hoursPerDay\)$/,
      );
    }
    // 40 × 100000 h at 8 h a day is 500000 working days, about 1917 years: from 8000, dated.
    const near = tempProject(chain('8000-01-03', 40));
    const r = await critpath(['plan', near.file, '--team', '1', '--json'], { cwd: near.dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).endDate).toMatch(/^99\d\d-\d\d-\d\dT/);
  }, 60_000);

  it('a project no schedule can fit is a one-line usage error naming the file, not a crash', async () => {
    // One GPU on Monday, none after: two 8-hour GPU tasks cannot both run. This died with
    // "internal error: bad working-day index Infinity".
    const p = tempProject(
      [
        'project: loaner',
        'start: 2026-12-07',
        'hardware:',
        '  gpu:',
        '    - { count: 1, from: 2026-12-07 }',
        '    - { count: 0, from: 2026-12-08 }',
        'tasks:',
        '  - { id: g1, hours: 8, hardware: gpu, gpus: 1 }',
        '  - { id: g2, hours: 8, hardware: gpu, gpus: 1 }',
      ].join('\n'),
    );
    for (const args of [
      ['plan', p.file, '--team', '1'],
      ['plan', p.file, '--team', '1,2', '--json'],
      ['plan', p.file, '--monte-carlo', '20'],
    ]) {
      const r = await critpath(args, { cwd: p.dir, env });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^critpath: \S+project\.yaml: cannot schedule: the work that holds gpu needs at least 16 gpu-hours of it, but from hour 0 on gpu offers only 8 in all: no schedule exists$/,
      );
    }
  }, 60_000);

  it('--estimate low does not call its figure expected; graph labels say 1 h and 2 GPUs', async () => {
    const low = await critpath(['plan', '--team', '2', '--estimate', 'low'], { cwd: ROOT, env });
    expect(low.stdout).not.toMatch(/\(expected \d/);
    expect(low.stdout).toMatch(/this plan uses low hours: [\d.]+ h/);
    const dot = await critpath(['graph'], { cwd: ROOT, env });
    expect(dot.stdout).toContain('1 h · macbook');
    expect(dot.stdout).not.toMatch(/\b(\d+(\.\d+)?)-\1 h/);
    expect(dot.stdout).toContain('2 GPUs');
    expect(dot.stdout).not.toMatch(/\b[2-9] GPU\b/);
  });

  it('status --watch watches on while the task file is broken for a moment, and the run goes on', async () => {
    const good = `project: W
start: 2026-01-05
tasks:
  - { id: a, hours: 1, hardware: macbook, run: "sleep 3" }
`;
    const p = tempProject(good);
    const run = critpath(['run', p.file], { cwd: p.dir, env: p.env });
    await new Promise((r) => setTimeout(r, 800));
    const watch = critpath(['status', p.file, '--watch', '0.3', '--gpus', '0'], {
      cwd: p.dir,
      env: p.env,
    });
    // An editor's save: the file half written for a moment, then whole again.
    await new Promise((r) => setTimeout(r, 500));
    writeFileSync(p.file, 'project: W\nstart: 2026-01-05\ntasks:\n  - { id: a, hours');
    await new Promise((r) => setTimeout(r, 700));
    writeFileSync(p.file, good);
    const [ran, watched] = await Promise.all([run, watch]);
    expect(ran.exitCode, ran.all).toBe(0);
    expect(watched.stderr).toContain('critpath: watching on while the run goes on');
    expect(watched.exitCode, watched.all).toBe(0);
    expect(watched.stdout).toContain('the run ended');
  });

  it('an attempt whose output ends mid-line: the next header starts a line of its own', async () => {
    const p = tempProject(`project: N
start: 2026-01-05
tasks:
  - { id: a, hours: 1, hardware: macbook, retries: 1, run: "test -f ok && printf 'second'; test -f ok || { touch ok; printf 'first'; exit 1; }" }
`);
    const ran = await critpath(['run', p.file, '--retry-delay', '0'], { cwd: p.dir, env: p.env });
    expect(ran.exitCode, ran.all).toBe(0);
    const last = await critpath(['logs', p.file, 'a'], { cwd: p.dir, env: p.env });
    expect(last.stdout).toMatch(/^=== a attempt 2\/2 run /);
    expect(last.stdout).not.toContain('first');
    expect(last.stdout).toContain('second');
    const all = await critpath(['logs', p.file, 'a', '--all'], { cwd: p.dir, env: p.env });
    expect(all.stdout).toMatch(/\nfirst\n=== a attempt 2\/2 run /);
  });

  it('logs prints the last attempt, --all every attempt; status --watch follows a run to its end', async () => {
    const p = tempProject(`project: L
start: 2026-01-05
hoursPerDay: 8
tasks:
  - { id: a, hours: 0.001, hardware: macbook, retries: 1, run: "echo try; test -f ok || { touch ok; exit 1; }; echo fine" }
  - { id: b, hours: 0.001, hardware: macbook, deps: [a], run: "sleep 2; echo b done" }
`);
    const run = critpath(['run', p.file], { cwd: p.dir, env: p.env });
    await new Promise((r) => setTimeout(r, 800));
    // Five hours east of UTC: the piped view's time header is local, as run's lines are.
    const watch = await critpath(['status', p.file, '--watch', '0.5', '--gpus', '0'], {
      cwd: p.dir,
      env: { ...p.env, TZ: 'Etc/GMT-5' },
    });
    const ran = await run;
    expect(ran.exitCode, ran.all).toBe(0);
    expect(watch.exitCode, watch.all).toBe(0);
    const header = /^── (\d\d):(\d\d):\d\d ──$/m.exec(watch.stdout);
    expect(header, watch.stdout).not.toBeNull();
    const shown = Number(header![1]) * 60 + Number(header![2]);
    const now = new Date(Date.now() + 5 * 3_600_000);
    const local = now.getUTCHours() * 60 + now.getUTCMinutes();
    expect(Math.min((local - shown + 1440) % 1440, (shown - local + 1440) % 1440)).toBeLessThan(3);
    expect(watch.stdout).toMatch(/b\s+running/);
    expect(watch.stdout).toMatch(/b\s+done/);
    expect(watch.stdout).toContain('the run ended');
    const last = await critpath(['logs', p.file, 'a'], { cwd: p.dir, env: p.env });
    expect(last.stdout).toContain('attempt 2/2');
    expect(last.stdout).not.toContain('attempt 1/2');
    expect(last.stdout).toContain('fine');
    const all = await critpath(['logs', p.file, 'a', '--all'], { cwd: p.dir, env: p.env });
    expect(all.stdout).toContain('attempt 1/2');
    expect(all.stdout).toContain('attempt 2/2');
    const follow = await critpath(['logs', p.file, 'b', '-f'], { cwd: p.dir, env: p.env });
    expect(follow.stdout).toContain('b done');
    // A task file alone is not read as an id of the default file.
    const alone = await critpath(['logs', p.file], { cwd: p.dir, env: p.env });
    expect(alone.exitCode).toBe(2);
    expect(alone.stderr).toBe(`critpath: logs needs an activity id: critpath logs ${p.file} ID`);
  }, 60_000);

  it('logs of an activity that ran and whose log was deleted says the log is gone, exit 1', async () => {
    const p = tempProject(`project: L
start: 2026-01-05
tasks:
  - { id: a, hours: 1, hardware: macbook, run: "echo a" }
  - { id: b, hours: 1, hardware: macbook, deps: [a], run: "echo b" }
`);
    const env = { cwd: p.dir, env: p.env };
    expect((await critpath(['run', p.file], env)).exitCode).toBe(0);
    rmSync(join(p.dir, '.critpath', 'logs', 'project', 'a.log'));
    const gone = await critpath(['logs', p.file, 'a'], env);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toBe(
      'critpath: a ran, but its log .critpath/logs/project/a.log is gone (deleted or moved)',
    );
    // Named from where the command is typed, as run and status name logs.
    mkdirSync(join(p.dir, 'sub'));
    const below = await critpath(['logs', join('..', basename(p.file)), 'a'], {
      ...env,
      cwd: join(p.dir, 'sub'),
    });
    expect(below.stderr).toBe(
      'critpath: a ran, but its log ../.critpath/logs/project/a.log is gone (deleted or moved)',
    );
    expect((await critpath(['logs', p.file, 'b'], env)).stdout).toMatch(/^b$/m);
    // Reset, a has not run as far as the journal knows.
    expect((await critpath(['reset', p.file], env)).exitCode).toBe(0);
    const never = await critpath(['logs', p.file, 'a'], env);
    expect(never.exitCode).toBe(1);
    expect(never.stderr).toBe('critpath: a has no log yet (it has not run)');
  });

  it('launchers show a readable process title, not their source', async () => {
    const p = tempProject(`project: T
start: 2026-01-05
hoursPerDay: 8
tasks:
  - { id: a, hours: 0.001, hardware: macbook, run: "sleep 3" }
`);
    const run = critpath(['run', p.file], { cwd: p.dir, env: p.env });
    await new Promise((r) => setTimeout(r, 1500));
    const ps = execFileSync('ps', ['-eo', 'ppid,args']).toString().split('\n');
    const mine = ps.filter((l) => l.trim().startsWith(`${run.pid} `));
    await run;
    expect(mine.some((l) => l.includes(`critpath launcher (run pid ${run.pid})`))).toBe(true);
    expect(mine.some((l) => l.includes('launcherMain') || l.length > 300)).toBe(false);
  }, 30_000);
});
