import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { BIN, critpath, tempProject } from '../helpers/cli.js';

/** A task file of two tasks: `a` the id of the first, `dep` the second's one dependency. */
const twoTasks = (a: string, dep: string): string =>
  [
    'project: X',
    'start: 2026-11-30',
    'tasks:',
    `  - id: ${a}`,
    '    hours: 1',
    '  - id: c',
    '    hours: 1',
    `    deps: [${dep}]`,
    '',
  ].join('\n');

describe('a long unknown dependency', () => {
  // Its did-you-mean hint built a full edit-distance table: node ran out of heap (exit 134) on
  // 20,000-letter ids, and 66,000-letter ones were "internal error: RangeError".
  it.each([20_000, 66_000])(
    'of %i letters is one line naming the field, exit 2, and completion lists nothing',
    async (n) => {
      const dep = 'b'.repeat(n);
      const p = tempProject(twoTasks('a'.repeat(n), dep));
      const t0 = Date.now();
      const v = await critpath(['validate', p.file], { cwd: p.dir, env: p.env });
      expect(v.exitCode, v.all?.slice(0, 300)).toBe(2);
      expect(v.stdout).toBe('');
      expect(v.stderr).toBe(
        [
          `${p.file}:4:9: tasks[0].id: an id is at most 128 characters (its log file is named after it), got "${'a'.repeat(37)}..." (string)`,
          `${p.file}:8:12: tasks[1].deps[0]: unknown dependency "${dep}"`,
          '2 problems',
        ].join('\n'),
      );
      const ids = await critpath(['completion', 'ids', p.file], { cwd: p.dir, env: p.env });
      expect(ids.exitCode, ids.all?.slice(0, 300)).toBe(0);
      expect(ids.all).toBe('');
      expect(Date.now() - t0).toBeLessThan(20_000);
    },
  );
});

describe('a FIFO where a file should be', () => {
  // Each waited for a writer forever: the load read the task file, the .critpathrc, the .sm file
  // or the cache entry with a plain read.
  it('as the task file: each verb that reads it says so in one line, exit 2', async () => {
    const p = tempProject('project: F\nstart: 2026-11-30\ntasks: []\n');
    execFileSync('mkfifo', [join(p.dir, 'lab.yaml'), join(p.dir, 'j30.sm')]);
    // A FIFO nothing writes to is not waited on (a pipe with a writer, <(cat FILE), is read).
    const want = 'lab.yaml:1:1: cannot read task file: a FIFO or pipe that nothing writes to';
    for (const args of [['validate'], ['plan'], ['plan', '--team', '2'], ['status'], ['run']]) {
      const r = await critpath([...args, 'lab.yaml'], { cwd: p.dir, env: p.env });
      expect(r.exitCode, `${args.join(' ')}: ${r.all}`).toBe(2);
      expect(r.stderr).toBe(want);
    }
    // A pipe whose writer is slow to start is waited for and read.
    const slow = await execa(
      'bash',
      ['-c', `node "${BIN}" validate <(sleep 0.5; cat "${join(BIN, '../../tasks/demo.yaml')}")`],
      { cwd: p.dir, env: { ...process.env, ...p.env }, reject: false, all: true, timeout: 20_000 },
    );
    expect(slow.exitCode, slow.all).toBe(0);
    expect(slow.stdout).toMatch(/^\/dev\/fd\/\d+: ok/);
    const sm = await critpath(['plan', 'j30.sm'], { cwd: p.dir, env: p.env });
    expect(sm.exitCode, sm.all).toBe(2);
    expect(sm.stderr).toBe(
      'j30.sm:1:1: cannot read PSPLIB file: a FIFO or pipe that nothing writes to',
    );
  }, 30_000);

  it('as .critpathrc: the default file cannot be known, said in one line; as a cache entry: ignored', async () => {
    const p = tempProject('project: F\nstart: 2026-11-30\ntasks:\n  - { id: a, hours: 1 }\n');
    const sub = join(p.dir, 'sub');
    mkdirSync(sub);
    execFileSync('mkfifo', [join(sub, '.critpathrc')]);
    const r = await critpath(['plan'], { cwd: sub, env: p.env });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(
      /^critpath: cannot read \.critpathrc: a FIFO where a file should be; fix it/,
    );
    // The cache entry of the task file, once written, made a FIFO: a cold load instead.
    expect((await critpath(['plan', p.file], { cwd: p.dir, env: p.env })).exitCode).toBe(0);
    const cache = join(p.dir, '.critpath', 'cache');
    const entry = readdirSync(cache).find((f) => f.endsWith('.json'))!;
    rmSync(join(cache, entry));
    execFileSync('mkfifo', [join(cache, entry)]);
    const again = await critpath(['plan', p.file], { cwd: p.dir, env: p.env });
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toMatch(/\ba\b/);
  }, 30_000);
});

describe('lists nested a thousand levels deep', () => {
  it('are one line saying so, not the parser\'s "Maximum call stack size exceeded"', async () => {
    const p = tempProject(
      `project: D\nstart: 2026-01-05\ntasks: ${'['.repeat(1000)}${']'.repeat(1000)}\n`,
    );
    const v = await critpath(['validate', p.file], { cwd: p.dir, env: p.env });
    expect(v.exitCode, v.all).toBe(2);
    // Where the parser gives up depends on its stack: the line is certain, the column is not.
    const lines = v.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/:3:\d+: YAML syntax: lists or mappings nested too deep to read/);
  });
});

describe('invisible characters in an id', () => {
  // A zero-width space or a no-break space printed as it is: the message quoted two ids that
  // looked the same as a valid one.
  it('are written as escapes in the messages that quote it', async () => {
    const p = tempProject(twoTasks('"a\u200bb"', '"a\u00a0b"'));
    const v = await critpath(['validate', p.file], { cwd: p.dir, env: p.env });
    expect(v.exitCode, v.all).toBe(2);
    expect(v.stderr).toContain(`${p.file}:4:9: tasks[0].id:`);
    expect(v.stderr).toContain('got "a\\u200bb" (string)');
    expect(v.stderr).toContain(`${p.file}:8:12: tasks[1].deps[0]: unknown dependency "a\\u00a0b"`);
    expect(v.stderr).not.toMatch(/[\u200b\u00a0]/);
  });
});

describe('the longest id and phase name', () => {
  // A 300-letter id passed validate, and run then stopped: its log's name was too long.
  it('run, and write their logs', async () => {
    const id = 'i'.repeat(128);
    const phase = 'p'.repeat(64);
    const p = tempProject(
      [
        'project: L',
        'start: 2026-11-30',
        'tasks:',
        `  - id: ${id}`,
        '    phases:',
        `      - { name: ${phase}, hours: 1, run: "echo hello" }`,
        '',
      ].join('\n'),
    );
    const r = await critpath(['run', p.file], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all).toBe(0);
    const logs = await critpath(['logs', p.file, `${id}/${phase}`], { cwd: p.dir, env: p.env });
    expect(logs.stdout).toContain('hello');
  });
});

describe("a command's output that drives the terminal", () => {
  it('logs shows it on a terminal (TERM=dumb too), colours acting; piped or --raw, as written', async () => {
    // The command retitles the terminal (OSC), clears it, reverses the line (U+202E), colours a
    // word and redraws a progress bar with carriage returns.
    const run = String.raw`printf '\033]0;pwned\007\033[2J\342\200\256x \033[31mred\033[0m\rbar1\rbar2\n'`;
    const p = tempProject(
      `project: T\nstart: 2026-11-30\ntasks:\n  - { id: a, hours: 1, run: ${JSON.stringify(run)} }\n`,
    );
    const onTty = (args: string) =>
      execa('script', ['-qec', `node "${BIN}" ${args}`, '/dev/null'], {
        cwd: p.dir,
        env: { ...p.env, NO_COLOR: '', TERM: 'xterm' },
        reject: false,
      });
    expect((await critpath(['run', p.file], { cwd: p.dir, env: p.env })).exitCode).toBe(0);
    const shown = (await onTty(`logs '${p.file}' a`)).stdout;
    expect(shown).toContain(String.raw`\x1b]0;pwned\x07\x1b[2J\u202ex`);
    expect(shown).toContain('\u001b[31mred\u001b[0m');
    expect(shown).not.toContain('\u001b]');
    expect(shown).not.toContain('\u202e');
    // eslint-disable-next-line no-control-regex -- control characters are what it is about
    expect(shown).toMatch(/red\u001b\[0m\r?\nbar1\r?\nbar2/);
    // TERM=dumb (an Emacs shell, or a terminal told so) gets no colour, but is a terminal still.
    const dumb = await execa('script', ['-qec', `node "${BIN}" logs '${p.file}' a`, '/dev/null'], {
      cwd: p.dir,
      env: { ...p.env, NO_COLOR: '', TERM: 'dumb' },
      reject: false,
    });
    expect(dumb.stdout).toContain(String.raw`\x1b]0;pwned\x07\x1b[2J\u202ex`);
    expect(dumb.stdout).not.toContain('\u001b');
    const raw = (await onTty(`logs '${p.file}' a --raw`)).stdout;
    expect(raw).toContain('\u001b]0;pwned\u0007\u001b[2J\u202ex');
    const piped = await critpath(['logs', p.file, 'a'], { cwd: p.dir, env: p.env });
    expect(piped.stdout).toContain(
      '\u001b]0;pwned\u0007\u001b[2J\u202ex \u001b[31mred\u001b[0m\rbar1\rbar2',
    );
  });

  it('logs of a log several read-chunks long: as written piped, CRLF and UTF-8 whole on a terminal', async () => {
    // 9 MB of "abé\r\n" (6 bytes a line): reads of 4 MiB end inside lines. logs once read a
    // log whole, into one string: past 512 MiB that was an internal error.
    const run = String.raw`yes "$(printf 'ab\303\251\r')" | head -c 9000000`;
    const p = tempProject(
      `project: T\nstart: 2026-11-30\ntasks:\n  - { id: a, hours: 1, run: ${JSON.stringify(run)} }\n`,
    );
    expect((await critpath(['run', p.file], { cwd: p.dir, env: p.env })).exitCode).toBe(0);
    const log = readFileSync(join(p.dir, '.critpath', 'logs', 'project', 'a.log'));
    const piped = await execa('node', [BIN, 'logs', p.file, 'a'], {
      cwd: p.dir,
      env: p.env,
      encoding: 'buffer',
      stripFinalNewline: false,
    });
    expect(Buffer.compare(piped.stdout, log)).toBe(0);
    const body = log.toString().split('\n').slice(1).join('\n');
    expect(body.startsWith('abé\r\n')).toBe(true);
    const shown = await execa(
      'sh',
      [
        '-c',
        `script -qec 'node "${BIN}" logs "${p.file}" a' /dev/null | tr -d '\\r' | grep -c '^abé$'`,
      ],
      { cwd: p.dir, env: { ...p.env, TERM: 'xterm' }, reject: false },
    );
    expect(Number(shown.stdout)).toBe(1_500_000);
  }, 60_000);

  it('logs -f prints a character whose bytes were written apart, and a CRLF as one line break', async () => {
    // "é" (C3 A9) and a CRLF, each written in two parts a second apart, while -f reads.
    const run = String.raw`printf 'one\303'; sleep 1; printf '\251 two\r'; sleep 1; printf '\nthree\n'`;
    const p = tempProject(
      `project: T\nstart: 2026-11-30\ntasks:\n  - { id: a, hours: 1, run: ${JSON.stringify(run)} }\n`,
    );
    const running = critpath(['run', p.file], { cwd: p.dir, env: p.env });
    await new Promise((r) => setTimeout(r, 600));
    const follow = await critpath(['logs', p.file, 'a', '-f'], { cwd: p.dir, env: p.env });
    expect((await running).exitCode).toBe(0);
    expect(follow.stdout).toContain('oneé two\r\nthree');
    expect(follow.stdout).not.toContain('\ufffd');
  }, 30_000);
});

describe('a title with a carriage return in the CSV export', () => {
  it('reads back as written from a file or a pipe, and is shown as an escape on a terminal', async () => {
    const p = tempProject(
      [
        'project: T',
        'start: 2026-11-30',
        'tasks:',
        '  - { id: a, hours: 1, title: "step 1\\rstep 2 \\e]0;pwned\\a" }',
        '',
      ].join('\n'),
    );
    const args = ['plan', p.file, '--team', '1', '--format', 'csv'];
    const piped = await critpath(args, { cwd: p.dir, env: p.env });
    expect(piped.exitCode, piped.all).toBe(0);
    expect(piped.stdout).toContain(',"step 1\rstep 2 \\x1b]0;pwned\\x07",');
    expect(piped.stdout).not.toContain('\u001b');
    const onTty = await execa('script', ['-qec', `node "${BIN}" ${args.join(' ')}`, '/dev/null'], {
      cwd: p.dir,
      env: { ...p.env, NO_COLOR: '', TERM: 'xterm' },
      reject: false,
    });
    expect(onTty.stdout).toContain(',"step 1\\x0dstep 2 \\x1b]0;pwned\\x07",');
    expect(onTty.stdout).not.toContain('\u001b');
  });
});
