import { execFileSync } from 'node:child_process';
import {
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BIN, critpath, tempProject } from '../helpers/cli.js';

/**
 * `sudo critpath run` in a fresh project made `.critpath` (state, journal, logs, lock, cache)
 * root's: the user's own `run` could no longer write it. Under sudo, what critpath makes there
 * belongs to the user who called it, where that user owns the project.
 */
const HEAD = 'project: s\nstart: 2026-01-05\ntasks:\n';
const USER = 12345;
const GROUP = 12346;

/** Every path under `dir` (itself included) with its owner, as `uid:gid path`. */
function owners(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = lstatSync(p);
    out.push(`${st.uid}:${st.gid} ${p}`);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  walk(dir);
  return out;
}

/** A project whose task file sits in `sub/` of a repository: its state has a folder of its own. */
function project(): ReturnType<typeof tempProject> & { task: string } {
  const p = tempProject('');
  mkdirSync(join(p.dir, '.git'));
  mkdirSync(join(p.dir, 'sub'));
  const task = join('sub', 'lab.yaml');
  // a writes who owns the run's lock while the run holds it; b has no command (its log is the
  // run's own to write).
  writeFileSync(
    join(p.dir, task),
    `${HEAD}  - { id: a, hours: 1, run: 'stat -c %u:%g .critpath/sub/lab.lock > lock-$(id -u).txt' }\n` +
      `  - { id: b, hours: 1, deps: [a] }\n`,
  );
  return { ...p, task };
}

// chown needs root: CI runs as root, and says so with CRITPATH_TMPFS_E2E=require.
describe.skipIf(process.getuid?.() !== 0 && process.env['CRITPATH_TMPFS_E2E'] !== 'require')(
  'under sudo',
  () => {
    it("everything run, reset and status make in .critpath is the calling user's, who can run on", async () => {
      const p = project();
      execFileSync('chown', ['-R', `${USER}:${USER}`, p.dir]);
      const sudo = { ...p.env, SUDO_UID: String(USER), SUDO_GID: String(GROUP) };
      const at = { cwd: p.dir, env: sudo };
      const run = await critpath(['run', p.task], at);
      expect(run.exitCode, run.all).toBe(0);
      expect((await critpath(['reset', p.task, 'a'], at)).exitCode).toBe(0);
      expect((await critpath(['status', p.task], at)).exitCode).toBe(0);
      const state = join(p.dir, '.critpath');
      const made = owners(state);
      // The state folder, the task file's own folder, logs, journal, cache: all made here.
      for (const name of ['sub', 'logs', 'sub/lab.journal', 'logs/sub/lab/a.log', 'cache'])
        expect(made.map((l) => l.split(' ')[1])).toContain(join(state, name));
      expect(made.filter((l) => !l.startsWith(`${USER}:${GROUP} `))).toEqual([]);
      expect(readFileSync(join(p.dir, 'lock-0.txt'), 'utf8')).toBe(`${USER}:${GROUP}\n`);
      // The user's own run writes the journal, the logs and the lock sudo's run made.
      const own = await execa('node', [BIN, 'run', p.task], {
        cwd: p.dir,
        env: { ...p.env, PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
        uid: USER,
        gid: GROUP,
        reject: false,
        all: true,
      });
      expect(own.exitCode, own.all).toBe(0);
      expect(readFileSync(join(p.dir, `lock-${USER}.txt`), 'utf8')).toBe(`${USER}:${GROUP}\n`);
    });

    it("gives away no file of root's that a hard link planted as a log or the journal names", async () => {
      const p = project();
      execFileSync('chown', ['-R', `${USER}:${USER}`, p.dir]);
      const at = { cwd: p.dir, env: { ...p.env, SUDO_UID: String(USER), SUDO_GID: String(GROUP) } };
      // The user plants hard links to root's files where the run opens its log and journal.
      const secrets = [join(p.dir, '..', `${p.dir.split('/').pop()}-log`), `${p.dir}-journal`];
      for (const s of secrets) writeFileSync(s, 'root only\n', { mode: 0o600 });
      onTestFinished(() => secrets.forEach((s) => rmSync(s, { force: true })));
      const logs = join(p.dir, '.critpath', 'logs', 'sub', 'lab');
      mkdirSync(logs, { recursive: true });
      mkdirSync(join(p.dir, '.critpath', 'sub'), { recursive: true });
      execFileSync('chown', ['-R', `${USER}:${USER}`, join(p.dir, '.critpath')]);
      linkSync(secrets[0]!, join(logs, 'a.log'));
      linkSync(secrets[1]!, join(p.dir, '.critpath', 'sub', 'lab.journal'));
      await critpath(['run', p.task], at);
      for (const s of secrets) expect(lstatSync(s).uid, s).toBe(0);
    });

    it("hands over the logs in the user's own folder that .critpath/logs links to (logs on another disk)", async () => {
      const p = project();
      const disk = join(p.dir, 'otherdisk');
      mkdirSync(join(p.dir, '.critpath'), { recursive: true });
      mkdirSync(disk);
      symlinkSync(disk, join(p.dir, '.critpath', 'logs'));
      execFileSync('chown', ['-hR', `${USER}:${USER}`, p.dir]);
      const at = { cwd: p.dir, env: { ...p.env, SUDO_UID: String(USER), SUDO_GID: String(GROUP) } };
      const run = await critpath(['run', p.task], at);
      expect(run.exitCode, run.all).toBe(0);
      expect(owners(disk).filter((l) => !l.startsWith(`${USER}:`))).toEqual([]);
      expect(owners(disk).length).toBeGreaterThan(2);
    });

    it("gives nothing away where the project is not the calling user's", async () => {
      const p = project();
      const at = { cwd: p.dir, env: { ...p.env, SUDO_UID: String(USER), SUDO_GID: String(GROUP) } };
      expect((await critpath(['run', p.task], at)).exitCode).toBe(0);
      const made = owners(join(p.dir, '.critpath'));
      expect(made.length).toBeGreaterThan(5);
      expect(made.filter((l) => !l.startsWith('0:0 '))).toEqual([]);
    });
  },
);
