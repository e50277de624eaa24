import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statfsSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BIN, critpath, RECORD, readRecord, tempProject } from '../helpers/cli.js';
import { cellWidth } from '../../src/reporters/layout.js';

/** Issue 14: run state per file, reset downstream, GPU locks, journal integrity, hostile input. */
const HEAD = 'project: s\nstart: 2026-01-05\ntasks:\n';
const starts = (record: string): string[] =>
  readRecord(record)
    .filter((l) => l.kind === 'start')
    .map((l) => l.id);
const isRoot = process.getuid?.() === 0;
const GPU_HEAD =
  'project: s\nstart: 2026-01-05\nhardware:\n  gpu:\n    - { count: 1, from: 2026-01-05 }\ntasks:\n';

describe('state belongs to one task file', () => {
  it('two copies of a file in two folders of one repository keep their own state and logs', async () => {
    const p = tempProject('');
    mkdirSync(join(p.dir, '.git'));
    const body = `${HEAD}  - { id: a, hours: 1, run: '${RECORD} 0' }\n`;
    for (const d of ['my', 'my2']) {
      mkdirSync(join(p.dir, d));
      writeFileSync(join(p.dir, d, 'lab.yaml'), body);
    }
    const first = await critpath(['run', 'my/lab.yaml'], { cwd: p.dir, env: p.env });
    expect(first.exitCode, first.all).toBe(0);
    expect(first.stderr).toContain('state: .critpath/my/lab.journal  logs: .critpath/logs/my/lab/');
    const second = await critpath(['run', 'my2/lab.yaml'], { cwd: p.dir, env: p.env });
    expect(second.exitCode, second.all).toBe(0);
    expect(starts(p.record)).toEqual(['a', 'a']);
    expect(readFileSync(join(p.dir, '.critpath/logs/my2/lab/a.log'), 'utf8')).toContain('=== a');
  });

  it('a stray .critpath above captures nothing; --root names the root, where commands run', async () => {
    const p = tempProject('');
    mkdirSync(join(p.dir, '.critpath'));
    mkdirSync(join(p.dir, 'proj', 'sub'), { recursive: true });
    const file = join(p.dir, 'proj', 'sub', 'p.yaml');
    writeFileSync(file, `${HEAD}  - { id: a, hours: 1, run: 'pwd > where.txt' }\n`);
    const plain = await critpath(['run', file], { cwd: p.dir, env: p.env });
    expect(plain.exitCode, plain.all).toBe(0);
    // No repository: the file's own folder is the root.
    expect(readFileSync(join(p.dir, 'proj', 'sub', '.critpath', 'p.journal'), 'utf8')).toContain(
      '"finished"',
    );
    expect(readFileSync(join(p.dir, 'proj', 'sub', 'where.txt'), 'utf8').trim()).toBe(
      join(p.dir, 'proj', 'sub'),
    );
    const root = join(p.dir, 'proj');
    const rooted = await critpath(['run', file, '--root', root], { cwd: p.dir, env: p.env });
    expect(rooted.exitCode, rooted.all).toBe(0);
    expect(readFileSync(join(root, '.critpath', 'sub', 'p.journal'), 'utf8')).toContain(
      '"finished"',
    );
    expect(readFileSync(join(root, 'where.txt'), 'utf8').trim()).toBe(root);
    const st = await critpath(['status', file, '--root', root, '--json'], {
      cwd: p.dir,
      env: p.env,
    });
    expect((JSON.parse(st.stdout) as { finishedAt?: string }).finishedAt).toBeDefined();
    const outside = await critpath(['status', file, '--root', join(p.dir, 'elsewhere')], {
      cwd: p.dir,
      env: p.env,
    });
    expect(outside.exitCode).toBe(2);
    expect(outside.stderr).toMatch(
      /^critpath: the task file .* is not inside the project root .*elsewhere$/m,
    );
  });

  it('reset ID re-runs everything downstream and says which; --keep-downstream keeps it', async () => {
    const p = tempProject(
      `${HEAD}  - { id: a, hours: 1, run: '${RECORD} 0' }\n` +
        `  - { id: b, hours: 1, deps: [a], run: '${RECORD} 0' }\n` +
        `  - { id: c, hours: 1, deps: [b], run: '${RECORD} 0' }\n` +
        `  - { id: d, hours: 1, run: '${RECORD} 0' }\n`,
    );
    const env = { cwd: p.dir, env: p.env };
    expect((await critpath(['run', p.file, '--jobs', '1'], env)).exitCode).toBe(0);
    const reset = await critpath(['reset', p.file, 'a'], env);
    expect(reset.stdout).toContain('these run again too: b, c');
    expect((await critpath(['run', p.file, '--jobs', '1'], env)).exitCode).toBe(0);
    expect(starts(p.record).slice(4)).toEqual(['a', 'b', 'c']);
    const keep = await critpath(['reset', p.file, 'b', '--keep-downstream'], env);
    expect(keep.stdout).not.toContain('run again too');
    expect((await critpath(['run', p.file], env)).exitCode).toBe(0);
    expect(starts(p.record).slice(7)).toEqual(['b']);
    const force = await critpath(['run', p.file, '--force', 'a', '--keep-downstream'], env);
    expect(force.exitCode, force.all).toBe(0);
    expect(force.stdout).toContain('--force: a runs again\n');
    expect(starts(p.record).slice(8)).toEqual(['a']);
  });
});

describe('a symbolic link or a FIFO where a journal or a log belongs', () => {
  const project = () =>
    tempProject(
      `${HEAD}  - { id: a, hours: 1, run: 'echo from-a' }\n  - { id: b, hours: 1, deps: [a], run: 'echo from-b' }\n`,
    );

  it('a linked journal is refused by every verb, and the file it names is untouched', async () => {
    const p = project();
    const victim = join(p.dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    mkdirSync(join(p.dir, '.critpath'));
    const journal = join(p.dir, '.critpath', 'project.journal');
    symlinkSync(victim, journal);
    for (const verb of [['run'], ['status'], ['reset'], ['start', 'a']]) {
      const r = await critpath([verb[0]!, p.file, ...verb.slice(1)], { cwd: p.dir, env: p.env });
      expect(r.exitCode, `${verb.join(' ')}: ${r.all}`).toBe(2);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('critpath:'));
      expect(errors).toEqual([`critpath: the journal ${journal} is a symbolic link; move it away`]);
    }
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(starts(p.record)).toEqual([]);
  }, 60_000);

  it.skipIf(!isRoot)(
    'a log folder linked by another user is refused before anything runs; nothing is made where it points',
    async () => {
      const p = project();
      const elsewhere = join(p.dir, 'elsewhere');
      mkdirSync(elsewhere);
      mkdirSync(join(p.dir, '.critpath'));
      const logs = join(p.dir, '.critpath', 'logs');
      symlinkSync(elsewhere, logs);
      lchownSync(logs, 65534, 65534);
      const r = await critpath(['run', p.file], { cwd: p.dir, env: p.env });
      expect(r.exitCode, r.all).toBe(2);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('critpath:'));
      expect(errors).toEqual([
        `critpath: ${logs} is a symbolic link that is not yours to a folder of yours: critpath writes no logs through it; remove it (the next run makes the folder)`,
      ]);
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(starts(p.record)).toEqual([]);
    },
  );

  it('a log folder the user linked to a folder of theirs (another disk) takes the logs', async () => {
    const p = project();
    const elsewhere = join(p.dir, 'scratch');
    mkdirSync(elsewhere);
    mkdirSync(join(p.dir, '.critpath'));
    symlinkSync(elsewhere, join(p.dir, '.critpath', 'logs'));
    const r = await critpath(['run', p.file], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all).toBe(0);
    expect(readFileSync(join(elsewhere, 'project', 'a.log'), 'utf8')).toContain('from-a');
  });

  it('plan --team stops before printing when the journal cannot be read, as status does', async () => {
    const p = project();
    const state = join(p.dir, '.critpath');
    const journal = join(state, 'project.journal');
    mkdirSync(journal, { recursive: true });
    for (const format of ['table', 'json']) {
      const args = ['plan', p.file, '--team', '1', '--format', format];
      const r = await critpath(args, { cwd: p.dir, env: p.env });
      expect(r.exitCode, `${format}: ${r.all}`).toBe(2);
      expect(r.stdout, format).toBe('');
      expect(r.stderr.trim()).toBe(
        `critpath: the journal ${journal} is not a regular file; move it away`,
      );
    }
    // Exports that have no place for the re-plan do not read the journal.
    const csv = await critpath(['plan', p.file, '--team', '1', '--format', 'csv'], {
      cwd: p.dir,
      env: p.env,
    });
    expect(csv.exitCode, csv.all).toBe(0);
    expect(csv.stdout).toContain('a');
    // The state folder a file: a path component that is not a folder, one line, exit 2.
    rmSync(state, { recursive: true });
    writeFileSync(state, '');
    for (const verb of [
      ['plan', p.file, '--team', '1'],
      ['status', p.file],
    ]) {
      const r = await critpath(verb, { cwd: p.dir, env: p.env });
      expect(r.exitCode, `${verb.join(' ')}: ${r.all}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim()).toMatch(/^critpath: cannot read the journal .*\(ENOTDIR\)$/);
    }
  }, 60_000);

  it('a linked or FIFO log stops the run at once: one line, exit 2, nothing failed or written through', async () => {
    const p = project();
    expect((await critpath(['run', p.file], { cwd: p.dir, env: p.env })).exitCode).toBe(0);
    expect((await critpath(['reset', p.file, 'a'], { cwd: p.dir, env: p.env })).exitCode).toBe(0);
    const logs = join(p.dir, '.critpath', 'logs', 'project');
    const victim = join(p.dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    rmSync(join(logs, 'a.log'));
    symlinkSync(victim, join(logs, 'a.log'));
    rmSync(join(logs, 'b.log'));
    execFileSync('mkfifo', [join(logs, 'b.log')]);
    // Before, the FIFO hung the launcher in open(), deaf to every signal; then the attempt was
    // journaled as failed (exit 1), as if the command had failed.
    const r = await execa('node', [BIN, 'run', p.file, '--keep-going'], {
      cwd: p.dir,
      env: p.env,
      reject: false,
      timeout: 20_000,
    });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.all).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('critpath:'));
    expect(errors).toEqual([
      `critpath: the log ${join(logs, 'a.log')} is a symbolic link; move it away; the run stopped, and the work it stopped will run again`,
    ]);
    expect(r.stdout).toContain('interrupted a (environment)');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(starts(p.record)).toEqual([]);
    const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8');
    expect(journal).not.toContain('"t":"failed"');
    const st = await critpath(['status', p.file], { cwd: p.dir, env: p.env });
    expect(st.stdout).toMatch(/^a +ready .*interrupted; re-runs on resume/m);
    for (const id of ['a', 'b']) {
      const l = await critpath(['logs', p.file, id], { cwd: p.dir, env: p.env });
      expect(l.exitCode).toBe(2);
      expect(l.stderr).toMatch(
        /^critpath: the log .* is (a symbolic link|not a regular file); move it away$/,
      );
    }
    // The link moved away, the work runs, and b's FIFO stops the run in turn.
    rmSync(join(logs, 'a.log'));
    const again = await execa('node', [BIN, 'run', p.file], {
      cwd: p.dir,
      env: p.env,
      reject: false,
      timeout: 20_000,
    });
    expect(again.exitCode, again.all).toBe(2);
    expect(again.stderr).toContain(`the log ${join(logs, 'b.log')} is not a regular file`);
    expect(readFileSync(join(logs, 'a.log'), 'utf8')).toContain('from-a');
  }, 60_000);

  it('a log folder that cannot be written stops a command-less task too, exit 2', async () => {
    const p = tempProject(
      `${HEAD}  - { id: m, hours: 1 }\n  - { id: n, hours: 1, deps: [m], run: '${RECORD} 0' }\n`,
    );
    mkdirSync(join(p.dir, '.critpath', 'logs', 'project'), { recursive: true });
    const victim = join(p.dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(p.dir, '.critpath', 'logs', 'project', 'm.log'));
    const r = await critpath(['run', p.file], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(
      /^critpath: the log .*m\.log is a symbolic link; move it away; the run stopped/m,
    );
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(starts(p.record)).toEqual([]);
  });
});

describe('a run whose state is taken away stops', () => {
  // The state folder removed mid-run went unnoticed: records went to a deleted file, and a
  // second run could start beside the first (the lock was gone too).
  for (const [what, removal, message] of [
    [
      'the state folder',
      'rm -rf .critpath',
      /^critpath: the journal \S+project\.journal was removed or replaced while the run wrote to it; the run stopped/,
    ],
    [
      'the run lock',
      'rm .critpath/project.lock',
      /^critpath: the run lock \S+project\.lock was removed or taken by another process during the run; the run stopped/,
    ],
  ] as const) {
    it(`${what} removed while work runs: one line, exit 2, nothing more starts`, async () => {
      const p = tempProject(
        `${HEAD}  - { id: a, hours: 1, run: "${removal}; sleep 20" }\n` +
          `  - { id: b, hours: 1, deps: [a], run: '${RECORD} 0' }\n`,
      );
      const t0 = Date.now();
      const r = await critpath(['run', p.file], { cwd: p.dir, env: p.env });
      expect(r.exitCode, r.all).toBe(2);
      // Noticed within the check's second or so, and a stopped, not waited for.
      expect(Date.now() - t0).toBeLessThan(15_000);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('critpath:'));
      expect(errors, r.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(message);
      expect(r.all).not.toMatch(/internal error|\n\s+at /);
      expect(starts(p.record)).toEqual([]);
    });
  }
});

describe('the GPU lock folder is a security boundary', () => {
  const gpuProject = () =>
    tempProject(`${GPU_HEAD}  - { id: g, hours: 1, hardware: gpu, gpus: 1, run: '${RECORD} 0' }\n`);

  it('refuses a FIFO planted as a lock file at once (no hang), with one line, exit 2', async () => {
    const p = gpuProject();
    execFileSync('mkfifo', [join(p.dir, 'locks', 'gpu-SIM-0.lock')]);
    const r = await critpath(['run', p.file, '--gpus', '1'], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(/gpu-SIM-0\.lock is a FIFO, not a lock file/);
    expect(r.all).not.toMatch(/internal error/);
    expect(starts(p.record)).toEqual([]);
  });

  it('a lock folder that fails mid-run (a tmp cleaner removed it) stops the run: one line, exit 2', async () => {
    // The first task removes the folder; the GPU task after it cannot take its lock. This was an
    // uncaught exception: a stack, exit 1, no run-end record and the project lock left behind.
    const p = tempProject(
      `${GPU_HEAD}  - { id: a, hours: 1, run: "rm -rf locks" }\n` +
        `  - { id: g, hours: 1, hardware: gpu, gpus: 1, deps: [a], run: '${RECORD} 0' }\n` +
        // Picked in the same step as g, after it: it must not start in a run that has stopped.
        `  - { id: z, hours: 1, deps: [a], run: '${RECORD} 0' }\n`,
    );
    const r = await critpath(['run', p.file, '--gpus', '1'], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('critpath:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^critpath: cannot create the lock \S+gpu-SIM-0\.lock: no such file or folder \(ENOENT\); the run stopped/,
    );
    expect(r.all).not.toMatch(/internal error|EnvironmentError|\n\s+at /);
    expect(starts(p.record)).toEqual([]);
    expect(existsSync(join(p.dir, '.critpath', 'project.lock'))).toBe(false);
    const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8');
    expect(journal).toMatch(/"t":"run-end"/);
    const again = await critpath(['status', p.file, '--json'], { cwd: p.dir, env: p.env });
    const g = (
      JSON.parse(again.stdout) as { activities: { id: string; status: string }[] }
    ).activities.find((x) => x.id === 'g');
    expect(g?.status).toBe('ready');
  });

  it('refuses a symlink planted as a lock file', async () => {
    const p = gpuProject();
    symlinkSync('/nonexistent/target', join(p.dir, 'locks', 'gpu-SIM-0.lock'));
    const r = await critpath(['run', p.file, '--gpus', '1'], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(/is a symbolic link, not a lock file/);
  });

  it.skipIf(!isRoot)('refuses a lock folder owned by another user', async () => {
    const p = gpuProject();
    chownSync(join(p.dir, 'locks'), 12345, 12345);
    const r = await critpath(['run', p.file, '--gpus', '1'], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(/belongs to another user \(uid 12345\)/);
  });

  // chown needs root: CI runs as root, and says so with CRITPATH_TMPFS_E2E=require.
  it.skipIf(!isRoot && process.env['CRITPATH_TMPFS_E2E'] !== 'require')(
    "refuses a state folder or journal owned by another user: its records are not this project's",
    async () => {
      const p = tempProject(`${HEAD}  - { id: a, hours: 1, run: 'true' }\n`);
      const at = { cwd: p.dir, env: p.env };
      expect((await critpath(['run', p.file], at)).exitCode).toBe(0);
      const state = join(p.dir, '.critpath');
      const journal = readdirSync(state).find((f) => f.endsWith('.journal'))!;
      const before = readFileSync(join(state, journal), 'utf8');
      for (const [owned, what] of [
        [join(state, journal), 'the journal'],
        [state, 'the state folder'],
      ] as const) {
        chownSync(owned, 12345, 12345);
        rmSync(join(state, 'logs'), { recursive: true, force: true });
        const listed = readdirSync(state).sort();
        for (const verb of ['run', 'status', 'reset']) {
          const r = await critpath(verb === 'reset' ? [verb, p.file, 'a'] : [verb, p.file], at);
          expect(r.exitCode, `${verb}: ${r.all}`).toBe(2);
          const errors = r.stderr.split('\n').filter((l) => l.startsWith('critpath:'));
          expect(errors, r.stderr).toEqual([
            expect.stringMatching(
              new RegExp(`^critpath: ${what} .* belongs to another user \\(uid 12345\\)`),
            ),
          ]);
        }
        expect(readFileSync(join(state, journal), 'utf8')).toBe(before);
        // Nothing was made in another's folder before the refusal: no lock, no log folder.
        if (owned === state) expect(readdirSync(state).sort()).toEqual(listed);
        // Under sudo, root works on the state of the user who called it.
        const sudo = await critpath(['status', p.file], {
          ...at,
          env: { ...p.env, SUDO_UID: '12345' },
        });
        expect(sudo.exitCode, sudo.all).toBe(0);
        // Where a team shares the state on purpose, it says so.
        const shared = await critpath(['status', p.file], {
          ...at,
          env: { ...p.env, CRITPATH_SHARED_STATE: '1' },
        });
        expect(shared.exitCode, shared.all).toBe(0);
      }
    },
  );

  it('creates a missing lock folder sticky and world-writable (1777) despite the umask', async () => {
    const p = gpuProject();
    const dir = join(p.dir, 'new-locks');
    const r = await critpath(['run', p.file, '--gpus', '1'], {
      cwd: p.dir,
      env: { ...p.env, CRITPATH_GPU_LOCK_DIR: dir },
    });
    expect(r.exitCode, r.all).toBe(0);
    const mode = Number(execFileSync('stat', ['-c', '%a', dir]).toString().trim());
    expect(mode).toBe(1777);
  });
});

describe('a lock held by another', () => {
  it('a planted lock naming pid 1: run says who holds the GPU, and Ctrl-C stops it promptly', async () => {
    const p = tempProject(
      `${GPU_HEAD}  - { id: g, hours: 1, hardware: gpu, gpus: 1, run: '${RECORD} 0' }\n`,
    );
    writeFileSync(join(p.dir, 'locks', 'gpu-SIM-0.lock'), '{"pid":1}');
    const child = execa('node', [BIN, 'run', p.file, '--gpus', '1'], {
      cwd: p.dir,
      env: p.env,
      reject: false,
      all: true,
    });
    let out = '';
    await new Promise<void>((resolve) => {
      child.all!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('waiting for GPU 0')) resolve();
      });
    });
    expect(out).toMatch(/waiting for GPU 0, held by pid 1 on an unnamed host \(project unknown\)/);
    const sent = Date.now();
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.all).toBe(130);
    expect(Date.now() - sent).toBeLessThan(20_000); // it would wait for ever
    expect(starts(p.record)).toEqual([]);
  }, 60_000);
});

describe('GPU locks outlive a crash', () => {
  it('after kill -9 of a run, a second project waits for the GPU its commands still use', async () => {
    const a = tempProject(
      // Long enough that the second run, started after the kill, finds the GPU still held even
      // on a loaded machine.
      `${GPU_HEAD}  - { id: ga, hours: 1, hardware: gpu, gpus: 1, run: '${RECORD} 8' }\n`,
    );
    const b = tempProject(
      `${GPU_HEAD}  - { id: gb, hours: 1, hardware: gpu, gpus: 1, run: '${RECORD} 0' }\n`,
    );
    const locks = a.env.CRITPATH_GPU_LOCK_DIR!;
    const first = execa('node', [BIN, 'run', a.file, '--gpus', '1'], {
      cwd: a.dir,
      env: a.env,
      reject: false,
    });
    for (let k = 0; k < 400 && !starts(a.record).includes('ga'); k++)
      await new Promise((r) => setTimeout(r, 50));
    expect(starts(a.record)).toEqual(['ga']);
    first.kill('SIGKILL');
    await first;
    const second = await critpath(['run', b.file, '--gpus', '1'], {
      cwd: b.dir,
      env: { ...b.env, CRITPATH_GPU_LOCK_DIR: locks },
    });
    expect(second.exitCode, second.all).toBe(0);
    // What holds it is the command the dead run left, named by its process group.
    expect(second.all).toMatch(
      /waiting for GPU 0, held by process group \d+, left running by pid \d+, which has ended \(project .*project\.yaml\)/,
    );
    const endA = readRecord(a.record).find((l) => l.kind === 'end' && l.id === 'ga');
    const startB = readRecord(b.record).find((l) => l.kind === 'start' && l.id === 'gb');
    expect(endA, 'the orphaned command of the killed run finished').toBeDefined();
    expect(startB!.ns > endA!.ns, 'no overlap on GPU 0').toBe(true);
  }, 60_000);
});

describe('reset after a run died', () => {
  it('says which commands the dead run left running, which the journal then forgets', async () => {
    const p = tempProject(`${HEAD}  - { id: slow, hours: 1, run: 'sleep 30' }\n`);
    const run = execa('node', [BIN, 'run', p.file, '--json'], {
      cwd: p.dir,
      env: p.env,
      reject: false,
    });
    const journal = join(p.dir, '.critpath', 'project.journal');
    const started = (): boolean => {
      try {
        return /"t":"started"/.test(readFileSync(journal, 'utf8'));
      } catch {
        return false;
      }
    };
    for (let k = 0; k < 400 && !started(); k++) await new Promise((r) => setTimeout(r, 25));
    expect(started()).toBe(true);
    run.kill('SIGKILL');
    await run;
    const pid = Number(/"t":"started"[^\n]*"pid":(\d+)/.exec(readFileSync(journal, 'utf8'))?.[1]);
    try {
      const r = await critpath(['reset', p.file], {
        cwd: p.dir,
        env: { ...p.env, COLUMNS: '200' },
      });
      expect(r.exitCode, r.all).toBe(0);
      expect(r.stderr.trim()).toBe(
        `note: slow still runs (process group ${pid}), left by a run that died; the next run stops it first (kill -- -${pid} stops it now)`,
      );
    } finally {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }, 60_000);
});

describe('a journal that never lies', () => {
  const twoTasks = () =>
    tempProject(
      `${HEAD}  - { id: a, hours: 1, run: '${RECORD} 0' }\n  - { id: b, hours: 1, deps: [a], run: '${RECORD} 0' }\n`,
    );

  it('reports a corrupt middle line by number in status and run', async () => {
    const p = twoTasks();
    const env = { cwd: p.dir, env: p.env };
    expect((await critpath(['run', p.file], env)).exitCode).toBe(0);
    const path = join(p.dir, '.critpath', 'project.journal');
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, [lines[0], 'garbage{', ...lines.slice(1)].join('\n'));
    const st = await critpath(['status', p.file], env);
    expect(st.exitCode, st.all).toBe(0);
    expect(st.stderr).toMatch(/project\.journal:2: skipped a journal line that is not a record/);
    const run = await critpath(['run', p.file], env);
    expect(run.stdout).toMatch(/warning: .*project\.journal:2: skipped/);
    // plan --team re-plans from the journal too: it said nothing of the line it skipped.
    const plan = await critpath(['plan', p.file, '--team', '1'], env);
    expect(plan.exitCode, plan.all).toBe(0);
    expect(plan.stderr).toMatch(/^warning: .*project\.journal:2: skipped a journal line/m);
    const json = await critpath(['plan', p.file, '--team', '1', '--json'], env);
    expect(json.stderr).toBe('');
  });

  it('a torn last line over 64 KiB: one line, exit 2, and no stale project lock', async () => {
    const p = twoTasks();
    const env = { cwd: p.dir, env: p.env };
    expect((await critpath(['run', p.file], env)).exitCode).toBe(0);
    const path = join(p.dir, '.critpath', 'project.journal');
    appendFileSync(path, 'x'.repeat(70 * 1024));
    for (let k = 0; k < 2; k++) {
      const r = await critpath(['run', p.file], env);
      expect(r.exitCode, r.all).toBe(2);
      expect(r.stderr).toMatch(
        /^critpath: .*project\.journal: the last line is over 64 KiB long and unfinished/m,
      );
      expect(r.all).not.toMatch(/another run holds|internal error/);
    }
  });

  it('reports a record of the wrong shape instead of crashing or applying it', async () => {
    const p = twoTasks();
    const env = { cwd: p.dir, env: p.env };
    expect((await critpath(['run', p.file], env)).exitCode).toBe(0);
    const path = join(p.dir, '.critpath', 'project.journal');
    const n = readFileSync(path, 'utf8').split('\n').length;
    appendFileSync(path, '{"v":1,"t":"reset","at":1,"ids":"ab"}\n');
    const st = await critpath(['status', p.file, '--json'], env);
    expect(st.exitCode, st.all).toBe(0);
    expect(st.stderr).toContain(
      `project.journal:${n}: skipped a journal line that is not a record: ids:`,
    );
    const run = await critpath(['run', p.file], env);
    expect(run.exitCode, run.all).toBe(0);
    expect(starts(p.record)).toEqual(['a', 'b']); // nothing was reset
  });

  const tmpfs = process.env['CRITPATH_TMPFS_E2E'] === 'require' || isRoot;
  /** A fresh tmpfs of `size`, unmounted and removed when the test ends. */
  const tmpfsMount = (prefix: string, size: string): string => {
    const mnt = mkdtempSync(join(tmpdir(), prefix));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mnt]);
    onTestFinished(() => {
      execFileSync('umount', ['-l', mnt]);
      rmSync(mnt, { recursive: true, force: true });
    });
    return mnt;
  };
  it.skipIf(!tmpfs)(
    'a read-only state folder: run, reset and --html are one line each, exit 2, and nothing is lost',
    async () => {
      const mnt = tmpfsMount('critpath-ro-', '1m');
      writeFileSync(
        join(mnt, 'p.yaml'),
        `${HEAD}  - { id: a, hours: 1, run: 'true' }\n  - { id: b, hours: 1, deps: [a], run: 'true' }\n`,
      );
      const env = { NO_COLOR: '1', CRITPATH_GPU_LOCK_DIR: join(tmpdir(), 'critpath-ro-locks') };
      const at = { cwd: mnt, env };
      expect((await critpath(['run', 'p.yaml'], at)).exitCode).toBe(0);
      expect((await critpath(['reset', 'p.yaml', 'b'], at)).exitCode).toBe(0);
      const journal = join(mnt, '.critpath', 'p.journal');
      const before = readFileSync(journal, 'utf8');
      execFileSync('mount', ['-o', 'remount,ro', mnt]);
      for (const args of [
        ['run', 'p.yaml'],
        ['reset', 'p.yaml', 'a'],
        ['plan', 'p.yaml', '--html', 'r.html'],
      ]) {
        const r = await critpath(args, at);
        expect(r.exitCode, `${args.join(' ')}: ${r.all}`).toBe(2);
        const errors = r.stderr.split('\n').filter((l) => l.startsWith('critpath:'));
        expect(errors, r.stderr).toHaveLength(1);
        expect(errors[0]).toMatch(/read-only file system \(EROFS\)$/);
        expect(r.all).not.toMatch(/internal error/);
      }
      const st = await critpath(['status', 'p.yaml'], at);
      expect(st.exitCode, st.all).toBe(0);
      expect(st.stdout).toMatch(/^b +ready/m);
      expect(readFileSync(journal, 'utf8')).toBe(before);
    },
    60_000,
  );

  it.skipIf(!tmpfs)(
    'a full disk: --html keeps the report it would replace, and init leaves no file behind',
    async () => {
      const mnt = tmpfsMount('critpath-full-', '256k');
      writeFileSync(join(mnt, 'p.yaml'), `${HEAD}  - { id: a, hours: 1 }\n`);
      // A longer report than the one in place: written over it, it would not fit where it was.
      const tasks = Array.from(
        { length: 60 },
        (_, i) => `  - { id: t${i}, hours: ${1 + (i % 4)} }`,
      );
      writeFileSync(join(mnt, 'big.yaml'), `${HEAD}${tasks.join('\n')}\n`);
      const at = { cwd: mnt, env: { NO_COLOR: '1' } };
      expect((await critpath(['plan', 'p.yaml', '--html', 'r.html'], at)).exitCode).toBe(0);
      const report = readFileSync(join(mnt, 'r.html'), 'utf8');
      expect(report).toMatch(/<\/html>\s*$/);
      // Fill the disk: the next write of any size fails.
      try {
        writeFileSync(join(mnt, 'fill'), Buffer.alloc(1 << 20));
      } catch {
        // ENOSPC: what this test wants.
      }
      const cases: [string[], RegExp][] = [
        [['plan', 'big.yaml', '--html', 'r.html'], /r\.html: no space left/],
        [['init', 'new.yaml'], /new\.yaml: no space left/],
        [['init', 'sub/dir/new.yaml'], /new\.yaml: no space left/],
      ];
      for (const [args, says] of cases) {
        const r = await critpath(args, at);
        expect(r.exitCode, `${args.join(' ')}: ${r.all}`).toBe(2);
        const errors = r.stderr.split('\n').filter((l) => l.startsWith('critpath:'));
        expect(errors, r.stderr).toHaveLength(1);
        expect(errors[0]).toMatch(says);
      }
      expect(readFileSync(join(mnt, 'r.html'), 'utf8')).toBe(report);
      expect(
        readdirSync(mnt)
          .filter((f) => f !== '.critpath')
          .sort(),
      ).toEqual(['big.yaml', 'fill', 'p.yaml', 'r.html']);
      rmSync(join(mnt, 'fill'));
      const again = await critpath(['init', 'new.yaml'], at);
      expect(again.exitCode, again.all).toBe(0);
    },
    60_000,
  );

  it.skipIf(!tmpfs)(
    "a command that fails with its log's disk full is interrupted, not failed: one line, exit 2",
    async () => {
      const mnt = tmpfsMount('critpath-tmpfs-', '256k');
      writeFileSync(
        join(mnt, 'p.yaml'),
        `${HEAD}  - { id: big, hours: 1, run: 'head -c 5000000 /dev/zero | tr "\\\\0" x' }\n` +
          `  - { id: next, hours: 1, deps: [big], run: 'true' }\n`,
      );
      const env = { NO_COLOR: '1', CRITPATH_GPU_LOCK_DIR: join(tmpdir(), 'critpath-tmpfs-locks') };
      const run = await critpath(['run', 'p.yaml'], { cwd: mnt, env });
      expect(run.exitCode, run.all).toBe(2);
      const errors = run.stderr.split('\n').filter((l) => l.startsWith('critpath:'));
      expect(errors, run.stderr).toEqual([
        `critpath: big: cannot write the log ${join(mnt, '.critpath', 'logs', 'p', 'big.log')}: no space left on the device (ENOSPC); the command failed with the disk full; the run stopped, and the work it stopped will run again`,
      ]);
      const journal = readFileSync(join(mnt, '.critpath', 'p.journal'), 'utf8');
      expect(journal).toMatch(/"t":"interrupted"[^\n]*"id":"big"[^\n]*"reason":"environment"/);
      expect(journal).not.toMatch(/"t":"failed"/);
      // Room again: the next run runs it again (and what waits for it), with nothing failed.
      rmSync(join(mnt, '.critpath', 'logs', 'p', 'big.log'));
      writeFileSync(
        join(mnt, 'p.yaml'),
        readFileSync(join(mnt, 'p.yaml'), 'utf8').replace('5000000', '5000'),
      );
      const again = await critpath(['run', 'p.yaml'], { cwd: mnt, env });
      expect(again.exitCode, again.all).toBe(0);
      expect(again.stdout).toMatch(/done {2}next /);
    },
    60_000,
  );

  it.skipIf(!tmpfs)(
    "a timeout or a failure is the command's on a nearly full disk; a file system that counts no blocks is never full",
    async () => {
      const mnt = tmpfsMount('critpath-tmpfs-', '256k');
      writeFileSync(
        join(mnt, 'p.yaml'),
        `${HEAD}  - { id: slow, hours: 1, timeout: 1s, run: 'sleep 30' }\n` +
          `  - { id: bad, hours: 1, run: 'echo boom; exit 1' }\n`,
      );
      // Under 64 KiB left, yet room for the journal's records.
      const { bavail, bsize } = statfsSync(mnt);
      writeFileSync(join(mnt, 'filler'), Buffer.alloc(bavail * bsize - 32 * 1024));
      const env = { NO_COLOR: '1', CRITPATH_GPU_LOCK_DIR: join(tmpdir(), 'critpath-tmpfs-locks') };
      const run = await critpath(['run', 'p.yaml'], { cwd: mnt, env });
      expect(run.exitCode, run.all).toBe(1);
      expect(run.stdout).toMatch(/FAIL {2}slow: timed out after 1s/);
      // A command that fails where its output still fits failed on its own.
      expect(run.stdout).toMatch(/FAIL {2}bad: exit 1/);
      const ram = mkdtempSync(join(tmpdir(), 'critpath-ramfs-'));
      execFileSync('mount', ['-t', 'ramfs', 'ramfs', ram]);
      onTestFinished(() => {
        execFileSync('umount', ['-l', ram]);
        rmSync(ram, { recursive: true, force: true });
      });
      writeFileSync(join(ram, 'p.yaml'), `${HEAD}  - { id: bad, hours: 1, run: 'exit 3' }\n`);
      const failed = await critpath(['run', 'p.yaml'], { cwd: ram, env });
      expect(failed.exitCode, failed.all).toBe(1);
      expect(failed.stdout).toMatch(/FAIL {2}bad: exit 3/);
    },
    60_000,
  );

  it.skipIf(!tmpfs)(
    'a full disk: no internal error, no torn or corrupt record, nothing journaled lost',
    async () => {
      const mnt = tmpfsMount('critpath-tmpfs-', '256k');
      writeFileSync(
        join(mnt, 'p.yaml'),
        `${HEAD}  - { id: a, hours: 1, run: 'true' }\n` +
          `  - { id: fill, hours: 1, deps: [a], run: 'dd if=/dev/zero of=fill bs=4k 2>/dev/null; exit 0' }\n` +
          `  - { id: c, hours: 1, deps: [fill], run: 'true' }\n`,
      );
      const env = { NO_COLOR: '1', CRITPATH_GPU_LOCK_DIR: join(tmpdir(), 'critpath-tmpfs-locks') };
      const full = await critpath(['run', 'p.yaml'], { cwd: mnt, env });
      // Wherever the disk fills first (a journal record, a log header, a command's output), the
      // run stops as the host's fault (exit 2).
      expect(full.exitCode, full.all).toBe(2);
      expect(full.stderr).toMatch(
        /^critpath: (\S+: )?cannot (write|sync) the (journal|log) .*\(ENOSPC\)(; the command failed with the disk full)?; the run stopped/m,
      );
      expect(full.all).not.toMatch(/internal error/);
      rmSync(join(mnt, 'fill'));
      const st = await critpath(['status', 'p.yaml'], { cwd: mnt, env });
      expect(st.stderr).not.toMatch(/skipped a journal line/);
      const journal = readFileSync(join(mnt, '.critpath', 'p.journal'), 'utf8');
      expect(journal.endsWith('\n')).toBe(true);
      const finishedA = journal
        .split('\n')
        .filter((l) => l.includes('"t":"finished"') && l.includes('"id":"a"'));
      expect(finishedA).toHaveLength(1);
    },
    60_000,
  );
});

describe('failure reasons without opening the log', () => {
  const failing = () =>
    tempProject(
      GPU_HEAD +
        `  - { id: a, hours: 1, hardware: gpu, gpus: 1, run: '${RECORD} 0' }\n` +
        '  - id: b\n    hours: 1\n    hardware: gpu\n    gpus: 1\n    deps: [a]\n    run: |\n' +
        "      printf 'step one\\n'\n" +
        "      printf 'error: \\033]0;pwned\\007 it broke\\n' >&2\n" +
        '      exit 3\n' +
        "  - { id: c, hours: 1, deps: [a], run: 'kill -KILL $$' }\n",
    );

  it('the failure line, status and status --json carry the exit or signal, the GPUs and the end of the log', async () => {
    const p = failing();
    const env = { cwd: p.dir, env: p.env };
    const run = await critpath(['run', p.file, '--gpus', '1', '--keep-going', '--jobs', '1'], env);
    expect(run.exitCode, run.all).toBe(1);
    expect(run.stdout).toMatch(
      /FAIL {2}b: exit 3 after \S+ on GPU 0, see \.critpath\/logs\/project\/b\.log\n.*\| step one\n.*\| error: \\x1b\]0;pwned\\x07 it broke\n/,
    );
    expect(run.stdout).toMatch(/FAIL {2}c: killed by SIGKILL after \S+, see /);
    expect(run.all).not.toContain('\u001b');

    const st = await critpath(['status', p.file, '--gpus', '1'], {
      ...env,
      env: { ...p.env, COLUMNS: '200' },
    });
    expect(st.exitCode, st.all).toBe(0);
    expect(st.stdout).toMatch(
      /^b +failed .*exit 3 on GPU 0; see \.critpath\/logs\/project\/b\.log$/m,
    );
    expect(st.stdout).toMatch(/^c +failed .*killed by SIGKILL; see /m);
    expect(st.stdout).toContain(
      'b, the end of its log:\n  | step one\n  | error: \\x1b]0;pwned\\x07 it broke\n',
    );
    expect(st.stdout).not.toContain('\u001b');

    const json = await critpath(['status', p.file, '--gpus', '1', '--json'], env);
    const acts = (JSON.parse(json.stdout) as { activities: Record<string, unknown>[] }).activities;
    const by = (id: string) => acts.find((x) => x['id'] === id)!;
    expect(by('a')).toMatchObject({ status: 'done', gpus: [0], exitCode: null, stderrTail: [] });
    expect(by('b')).toMatchObject({
      status: 'failed',
      failure: 'exit-non-zero',
      exitCode: 3,
      signal: null,
      gpus: [0],
      stderrTail: ['step one', 'error: \u001b]0;pwned\u0007 it broke'],
    });
    expect(by('c')).toMatchObject({
      status: 'failed',
      failure: 'signal',
      exitCode: null,
      signal: 'SIGKILL',
      gpus: [],
    });
  }, 60_000);

  it('run --json: the failure event carries the GPUs and the end of the log', async () => {
    const p = failing();
    const run = await critpath(['run', p.file, '--gpus', '1', '--json', '--jobs', '1'], {
      cwd: p.dir,
      env: p.env,
    });
    expect(run.exitCode, run.all).toBe(1);
    const failed = run.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e['type'] === 'activity-failed');
    expect(failed.map((e) => [e['id'], e['gpus'], e['failure']])).toContainEqual([
      'b',
      [0],
      { reason: 'exit-non-zero', exitCode: 3 },
    ]);
    expect(failed.find((e) => e['id'] === 'b')!['stderrTail']).toEqual([
      'step one',
      'error: \u001b]0;pwned\u0007 it broke',
    ]);
  }, 60_000);

  it('status of a finished project says when it finished, not a forecast', async () => {
    const p = tempProject(`${HEAD}  - { id: a, hours: 1, run: '${RECORD} 0' }\n`);
    const env = { cwd: p.dir, env: p.env };
    expect((await critpath(['run', p.file], env)).exitCode).toBe(0);
    const st = await critpath(['status', p.file], env);
    expect(st.exitCode, st.all).toBe(0);
    expect(st.stdout).toMatch(
      /^finished at (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{2}:\d{2}: every activity is done$/m,
    );
    expect(st.stdout).not.toMatch(/forecast end/);
    const json = JSON.parse((await critpath(['status', p.file, '--json'], env)).stdout) as {
      finishedAt: string;
    };
    expect(json.finishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
  });
});

describe('hostile input', () => {
  it('task titles with terminal escapes (ESC, OSC, BEL, CSI) print as visible escapes', async () => {
    const p = tempProject(
      `${HEAD}  - { id: a, hours: 1, title: "evil \\e]0;pwned\\a \\e[2J \\x9b1A end", run: 'true' }\n`,
    );
    const env = { cwd: p.dir, env: p.env };
    for (const args of [
      ['plan', p.file],
      ['plan', p.file, '--team', '1'],
      ['validate', p.file],
    ]) {
      const r = await critpath(args, env);
      expect(r.exitCode, r.all).toBe(0);
      // eslint-disable-next-line no-control-regex -- control characters are what it is about
      expect(r.all, args.join(' ')).not.toMatch(/[\u001b\u0007\u009b]/);
    }
    const plan = await critpath(['plan', p.file, '--wide'], env);
    expect(plan.stdout).toContain('evil \\x1b]0;pwned\\x07 \\x1b[2J \\u009b1A end');
    // JSON output stays JSON, holding the title as written, escapes and all.
    for (const args of [
      ['plan', p.file, '--json'],
      ['plan', p.file, '--team', '1', '--json'],
      ['status', p.file, '--json'],
    ]) {
      const r = await critpath(args, env);
      // eslint-disable-next-line no-control-regex -- control characters are what it is about
      expect(r.stdout, args.join(' ')).not.toMatch(/[\u001b\u0007\u009b]/);
      expect(r.stdout, args.join(' ')).toContain('\\u009b1A end');
      expect(JSON.stringify(JSON.parse(r.stdout)), args.join(' ')).toContain(
        JSON.stringify('evil \u001b]0;pwned\u0007 \u001b[2J \u009b1A end'),
      );
    }
  });

  it('colour sequences (SGR) in titles and names are shown too: no ESC with NO_COLOR, widths right', async () => {
    const p = tempProject(
      [
        'project: "Proj \\e[1;31mred\\e[m"',
        'start: 2026-01-05',
        'scenarios:',
        '  "s\\e[32mg": { description: "d" }',
        'tasks:',
        `  - { id: a, hours: 1, title: "\\e[1;31mbold\\e[m ${'x'.repeat(60)} \\e[31m", run: 'true' }`,
        '  - { id: b, hours: 2, deps: [a], title: "plain \\e[8mhidden\\e[0m", run: \'true\' }',
        '',
      ].join('\n'),
    );
    const env = { cwd: p.dir, env: { ...p.env, COLUMNS: '80' } };
    for (const args of [
      ['plan', p.file],
      ['plan', p.file, '--team', '1'],
      ['plan', p.file, '--team', '1,2'],
      ['plan', p.file, '--team', '1', '--format', 'md'],
      ['plan', p.file, '--team', '1', '--format', 'mermaid'],
      ['plan', p.file, '--team', '1', '--format', 'csv'],
      ['plan', p.file, '--monte-carlo', '50', '--team', '1'],
      ['plan', p.file, '--compare', '--monte-carlo', '50'],
      ['graph', p.file],
      ['graph', p.file, '--format', 'dot'],
      ['status', p.file, '--gpus', '0'],
    ]) {
      const r = await critpath(args, env);
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all, args.join(' ')).not.toContain('\u001b');
      // The terminal views fit; the formats for other programs (md, csv, graphs) are not wrapped.
      if (!args.includes('--format') && args[0] !== 'graph')
        for (const l of r.stdout.split('\n'))
          expect(cellWidth(l), `${args.join(' ')}: ${l}`).toBeLessThanOrEqual(80);
    }
    const wide = await critpath(['plan', p.file, '--wide'], env);
    expect(wide.stdout).toContain('Proj \\x1b[1;31mred\\x1b[m');
    expect(wide.stdout).toContain('\\x1b[1;31mbold\\x1b[m');
    // JSON holds the strings as written.
    const json = await critpath(['plan', p.file, '--json'], env);
    const parsed = JSON.parse(json.stdout) as { project: string; activities: { title: string }[] };
    expect(parsed.project).toBe('Proj \u001b[1;31mred\u001b[m');
    // eslint-disable-next-line no-control-regex -- control characters are what it is about
    expect(parsed.activities[0]!.title).toMatch(/^\u001b\[1;31mbold\u001b\[m x/);
  });

  it('on a terminal, with colour on, a file name typed with colour sequences is shown, not obeyed', async () => {
    const p = tempProject(`${HEAD}  - { id: a, hours: 1 }\n`);
    const red = '\u001b[31mred.yaml';
    writeFileSync(join(p.dir, red), readFileSync(p.file));
    // `script` gives the command a terminal (critpath colours its own output only there).
    const onTty = (args: string) =>
      execa('script', ['-qec', `node "${BIN}" ${args}`, '/dev/null'], {
        cwd: p.dir,
        env: { ...p.env, NO_COLOR: '' },
        reject: false,
      });
    for (const args of [`validate '${red}'`, `plan '${red}2'`, `init '${red}3'`]) {
      const r = await onTty(args);
      expect(r.stdout, args).toContain('\\x1b[31mred');
      expect(r.stdout, args).not.toContain('\u001b[31mred');
    }
    // The terminal does get critpath's own colours.
    // eslint-disable-next-line no-control-regex -- control characters are what it is about
    expect((await onTty(`plan '${red}' --team 1`)).stdout).toMatch(/\u001b\[\d+m/);
  });

  it('line breaks and tabs in names and titles are shown as \\n and \\t: no row of their own, widths right', async () => {
    const p = tempProject(
      [
        'project: "Proj\\nSecond line"',
        'start: 2026-01-05',
        'tasks:',
        '  - { id: a, hours: 1, title: "Real\\nMon 30 Nov  E9  fake-task  99  injected row" }',
        `  - { id: b, hours: 2, deps: [a], title: "tabs${'\\t'.repeat(12)}end" }`,
        '',
      ].join('\n'),
    );
    const env = { cwd: p.dir, env: { ...p.env, COLUMNS: '80' } };
    for (const args of [
      ['plan', p.file],
      ['plan', p.file, '--team', '1'],
      ['plan', p.file, '--team', '1,2'],
      ['plan', p.file, '--team', '1', '--format', 'md'],
      ['plan', p.file, '--monte-carlo', '50', '--team', '1'],
      ['status', p.file, '--gpus', '0'],
    ]) {
      const r = await critpath(args, env);
      expect(r.exitCode, r.all).toBe(0);
      expect(r.stdout, args.join(' ')).not.toMatch(/^\s*(Mon 30 Nov|Second line)/m);
      expect(r.stdout, args.join(' ')).not.toContain('\t');
      if (!args.includes('--format'))
        for (const l of r.stdout.split('\n'))
          expect(cellWidth(l), `${args.join(' ')}: ${l}`).toBeLessThanOrEqual(80);
    }
    const plan = await critpath(['plan', p.file, '--wide'], env);
    expect(plan.stdout).toContain('Proj\\nSecond line: critical path');
    expect(plan.stdout).toContain(`tabs${'\\t'.repeat(12)}end`);
    // A diagnostic that quotes such text is one line too.
    writeFileSync(p.file, `${HEAD}  - { id: a, hours: 1, deps: ["x\\ny"] }\n`);
    const bad = await critpath(['validate', p.file], env);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('unknown dependency "x\\ny"');
  });

  it('an unwritable --html path is one line, exit 2, and never spins', async () => {
    const p = tempProject(`${HEAD}  - { id: a, hours: 1 }\n`);
    for (const html of ['/proc/nope/r.html', '/proc/r.html', `${p.file}/r.html`]) {
      const started = Date.now();
      const r = await critpath(['plan', p.file, '--html', html], { cwd: p.dir, env: p.env });
      expect(r.exitCode, r.all).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(
        /^critpath: --html: (cannot write .*r\.html: .*\((ENOENT|ENOTDIR)\)|will not write .*r\.html: (there is no folder \/proc\/nope|.*project\.yaml is not a folder))$/m,
      );
      // Node's recursive mkdir loops forever under /proc; the walk is bounded by the path.
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  }, 60_000);

  it('plans and graphs a 100,000-task chain', async () => {
    const p = tempProject(
      HEAD +
        Array.from(
          { length: 100_000 },
          (_, i) =>
            `  - { id: c${i}, hours: 1, hardware: macbook${i > 0 ? `, deps: [c${i - 1}]` : ''} }\n`,
        ).join(''),
    );
    const plan = await critpath(['plan', p.file], { cwd: p.dir, env: p.env });
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('c99999');
    const graph = await critpath(['graph', p.file], { cwd: p.dir, env: p.env });
    expect(graph.exitCode, graph.stderr).toBe(0);
    expect(graph.stdout).toContain('"c99998" -> "c99999"');
  }, 180_000);

  it('a YAML alias bomb is a positioned diagnostic, exit 2', async () => {
    const p = tempProject(
      [
        'project: Bomb',
        'start: 2026-01-05',
        'a: &a ["x","x","x","x","x","x","x","x","x"]',
        'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
        'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
        'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
        'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
        'tasks: []',
        '',
      ].join('\n'),
    );
    const r = await critpath(['plan', p.file], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(/project\.yaml:5:8: .*alias bomb/);
  });
});
