import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, critpath, tempProject } from '../helpers/cli.js';
import { argStringLimit } from '../../src/util/arg-limit.js';

/**
 * A command the OS will not start for want of room on the host (EAGAIN: no new process
 * allowed) is the host's fault, not the task's: the run starts nothing more, says why in one line
 * naming the task, exit 2, and nothing is journaled as failed, so a resume tries it again. A
 * command too long for the OS to start (E2BIG) is too long every time: the task's failure, said
 * with its size. A shell command over the one-argument limit is bad input, refused before
 * anything runs.
 */
const HEAD = 'project: s\nstart: 2026-01-05\ntasks:\n';
const isRoot = process.getuid?.() === 0;

/** The lines critpath itself printed on stderr. */
const errorsOf = (stderr: string): string[] =>
  stderr.split('\n').filter((l) => l.startsWith('critpath:'));

/** How activity `id` stands, as `status --json` says. */
async function statusOf(p: { dir: string; file: string; env: Record<string, string> }, id: string) {
  const st = await critpath(['status', p.file, '--json'], { cwd: p.dir, env: p.env });
  const all = (JSON.parse(st.stdout) as { activities: { id: string; status: string }[] })
    .activities;
  return all.find((a) => a.id === id)?.status;
}

describe('a command the OS will not start', () => {
  it('a 5 MB run validates on every host; run refuses it where the host cannot start it, before anything runs, exit 2', async () => {
    const p = tempProject(
      `${HEAD}  - id: a\n    hours: 1\n    run: ": ${'x'.repeat(5 * 1024 * 1024)}"\n`,
    );
    const v = await critpath(['validate', p.file], { cwd: p.dir, env: p.env });
    expect(v.exitCode, v.all.slice(0, 2000)).toBe(0);
    if (argStringLimit() === undefined) return;
    const r = await critpath(['run', p.file], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all.slice(0, 2000)).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `critpath: ${p.file}:6:10: tasks[0].run: the command is 5242882 bytes (5.0 MiB): this host starts no program with an argument or environment entry over ${argStringLimit()} bytes (E2BIG); put it in a script file and run that`,
    ]);
    expect(existsSync(join(p.dir, '.critpath', 'project.journal'))).toBe(false);
  });

  it("arguments too long all together (E2BIG) are the task's failure, said with their size; other work goes on", async () => {
    // Each argument is under Linux's limit for one; together they are over its limit for all
    // (a quarter of the stack limit, 6 MiB at most), which no validation can know. Such a
    // command is too long every time it starts: stopping the run for it (and the work beside
    // it) would only come back on every resume.
    const args = Array.from({ length: 64 }, () => `"${'x'.repeat(120_000)}"`).join(', ');
    const p = tempProject(
      `${HEAD}  - { id: a, hours: 1, run: ["true", ${args}] }\n` +
        `  - { id: b, hours: 1, deps: [a], run: 'echo b >> b.txt' }\n` +
        `  - { id: long, hours: 1, run: 'sleep 1; echo ok > long.txt' }\n`,
    );
    const r = await critpath(['run', p.file], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all.slice(0, 2000)).toBe(1);
    expect(errorsOf(r.stderr)).toEqual([]);
    expect(r.stdout).toMatch(
      /FAIL {2}a: could not start: the command is too long for the OS to start \(E2BIG\): its 65 arguments are 7680069 bytes \(7\.3 MiB\), the longest 120000 bytes, and its environment \d+ bytes/,
    );
    expect(r.all).not.toMatch(/internal error|\n\s+at /i);
    expect(readFileSync(join(p.dir, 'long.txt'), 'utf8')).toBe('ok\n');
    expect(existsSync(join(p.dir, 'b.txt'))).toBe(false);
    expect(await statusOf(p, 'a')).toBe('failed');
  });

  // Root is exempt from process limits: the run drops to nobody. CI runs as root, and says so
  // with CRITPATH_TMPFS_E2E=require.
  it.skipIf(!isRoot && process.env['CRITPATH_TMPFS_E2E'] !== 'require')(
    'a process limit reached (EAGAIN) is a host fault: nothing more starts, one line, exit 2, the task runs again on resume',
    async () => {
      // The first task sets its launcher's process limit to none (its parent: /bin/sh -c runs
      // straight from the launcher), so the launcher's next start fails with EAGAIN.
      const p = tempProject(
        `${HEAD}  - { id: a, hours: 1, run: 'prlimit --pid $PPID --nproc=0:0' }\n` +
          `  - { id: b, hours: 1, deps: [a], run: 'echo b >> b.txt' }\n`,
      );
      execFileSync('chown', ['-R', '65534:65534', p.dir]);
      const env = { ...p.env, PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: p.dir };
      const asNobody = { cwd: p.dir, env, uid: 65534, gid: 65534, reject: false } as const;
      const r = await execa('node', [BIN, 'run', p.file, '--jobs', '1'], asNobody);
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(2);
      expect(errorsOf(r.stderr)).toEqual([
        'critpath: b: the OS refused a new process for its command (EAGAIN: too many processes for the user, see ulimit -u, or for the system, or too little memory); the run started nothing more, and what it did not start will run again',
      ]);
      // Said when it happens, too: a run may go on for hours with the work already running.
      expect(r.stdout).toMatch(
        /warning:? b: the OS refused [\s\S]*: starting nothing more;\s+the work running now\s+finishes/,
      );
      expect(r.stdout).toContain('interrupted b (environment)');
      const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8');
      expect(journal).not.toContain('"t":"failed"');
      // A fresh run has a fresh launcher, with the user's own limit: b runs.
      const again = await execa('node', [BIN, 'run', p.file, '--jobs', '1'], asNobody);
      expect(again.exitCode, `${again.stdout}\n${again.stderr}`).toBe(0);
      expect(readFileSync(join(p.dir, 'b.txt'), 'utf8')).toBe('b\n');
    },
  );
});
