import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { describe, expect, it } from 'vitest';
import { findTagged } from '../../src/executor/orphans.js';
import { BIN, tempProject } from '../helpers/cli.js';

/**
 *   a (sleep 30, with a grandchild)   b (sleep 30)   c (sleep 30, ignores SIGTERM)
 * SIGINT while all three run: every process group gets SIGTERM, c gets SIGKILL after the grace,
 * the activities are journaled as interrupted, and nothing tagged with the run survives.
 */
const yaml = `project: signals
start: 2026-01-05
tasks:
  - { id: a, hours: 1, run: "sleep 30 & sleep 30; wait" }
  - { id: b, hours: 1, run: ["sleep", "30"] }
  - { id: c, hours: 1, run: "trap '' TERM; sleep 30 & wait; sleep 30" }
`;

/** `run --json` with `jobs` slots, once `jobs` activities have started; and its run id. */
async function runUntilStarted(
  p: { file: string; dir: string; env: Record<string, string> },
  jobs: number,
  grace = 1,
): Promise<{ child: ResultPromise<{ reject: false }>; runId: string }> {
  const args = [BIN, 'run', p.file, '--jobs', String(jobs), '--json', '--grace', String(grace)];
  const child = execa('node', args, { cwd: p.dir, env: p.env, reject: false });
  let out = '';
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if ((out.match(/"activity-start"/g) ?? []).length === jobs) resolve();
    });
  });
  return { child, runId: /"runId":"([^"]+)"/.exec(out)?.[1] ?? '' };
}

describe('signals', () => {
  it('SIGINT stops the run promptly, leaves no child processes and records interrupted activities', async () => {
    const p = tempProject(yaml);
    const { child, runId } = await runUntilStarted(p, 3);
    const sent = Date.now();
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    // Promptly: the grace (1 s) for c, which ignores SIGTERM, not the 30 s the commands sleep.
    expect(Date.now() - sent).toBeLessThan(20_000);
    expect(findTagged(new Set([runId]))).toEqual([]);
    const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8');
    expect((journal.match(/"t":"interrupted"/g) ?? []).length).toBe(3);
    expect(journal).toContain('"outcome":"interrupted"');
  }, 60_000);

  it('a string command stopped by Ctrl-C or its timeout: what its shell started gets the grace to save its work', async () => {
    // `sh -c` ends at the SIGTERM at once; the script it started traps it and takes a second to
    // save. The group was killed the moment the shell ended, 0.2 s in, whatever --grace said.
    const p = tempProject('');
    const script = join(p.dir, 'save.sh');
    writeFileSync(
      script,
      `trap 'sleep 1; echo saved > "$1"; exit 0' TERM\nwhile :; do sleep 0.1; done\n`,
    );
    writeFileSync(
      p.file,
      'project: grace\nstart: 2026-01-05\ntasks:\n' +
        `  - { id: a, hours: 1, run: "echo prep; sh '${script}' '${join(p.dir, 'a.txt')}'" }\n` +
        `  - { id: b, hours: 1, timeout: 1s, run: "echo prep; sh '${script}' '${join(p.dir, 'b.txt')}'" }\n`,
    );
    const { child } = await runUntilStarted(p, 2, 20);
    await sleep(2500);
    // b timed out a second in, and saved; a is stopped now.
    expect(existsSync(join(p.dir, 'b.txt'))).toBe(true);
    const sent = Date.now();
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(readFileSync(join(p.dir, 'a.txt'), 'utf8')).toBe('saved\n');
    // Done when the work was, not at the end of the 20 s grace.
    expect(Date.now() - sent).toBeLessThan(12_000);
  }, 60_000);

  it('a launcher killed (as by the out-of-memory killer) stops the run: one line, exit 2, its work re-runs', async () => {
    const p = tempProject(
      'project: oom\nstart: 2026-01-05\ntasks:\n' +
        '  - { id: a, hours: 1, run: "sleep 30" }\n  - { id: b, hours: 1, run: "sleep 30" }\n' +
        '  - { id: c, hours: 1, deps: [a, b], run: "true" }\n',
    );
    // One slot, and one more queued ahead on its launcher; a long grace, which nothing is left
    // to wait for once the launcher is gone.
    const { child, runId } = await runUntilStarted(p, 1, 30);
    const launchers = await execa('pgrep', ['-f', `^critpath launcher \\(run pid ${child.pid}\\)`]);
    const pids = launchers.stdout.split('\n').map(Number);
    expect(pids.length).toBeGreaterThan(0);
    const killed = Date.now();
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const r = await child;
    expect(Date.now() - killed).toBeLessThan(15_000);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^critpath: [ab]: the process that started its command \(critpath launcher, pid \d+\) died \(SIGKILL\); the run stopped/,
    );
    expect(findTagged(new Set([runId]))).toEqual([]);
    const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8');
    // The started one is interrupted; the one queued behind it, never heard to start, has no
    // record at all (nothing says it ran) and runs on resume like the rest.
    expect(journal.match(/"t":"interrupted"[^\n]*"reason":"environment"/g) ?? []).toHaveLength(1);
    expect(journal.match(/"t":"started"/g) ?? []).toHaveLength(1);
    expect(r.stdout.match(/"activity-start"/g) ?? []).toHaveLength(1);
    expect(journal).not.toMatch(/"t":"failed"/);
  }, 60_000);

  it('a launcher killed right as it starts a command: that command, never heard of, does not outlive the run', async () => {
    const p = tempProject(
      'project: race\nstart: 2026-01-05\ntasks:\n' +
        '  - { id: a, hours: 1, run: "kill -9 $PPID; exec sleep 31" }\n' +
        '  - { id: b, hours: 1, run: "exec sleep 32" }\n' +
        '  - { id: c, hours: 1, run: "exec sleep 33" }\n' +
        '  - { id: d, hours: 1, run: "exec sleep 34" }\n',
    );
    // Four commands on as many slots: a launcher starts two in one turn, and tells of both after.
    const r = await execa('node', [BIN, 'run', p.file, '--jobs', '4', '--json', '--grace', '1'], {
      cwd: p.dir,
      env: p.env,
      reject: false,
    });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/critpath launcher, pid \d+\) died \(SIGKILL\); the run stopped/);
    const runId = /"runId":"([^"]+)"/.exec(r.stdout)?.[1] ?? '';
    expect(runId).not.toBe('');
    expect(findTagged(new Set([runId]))).toEqual([]);
    const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8');
    expect(journal).not.toMatch(/"t":"failed"/);
    // a was interrupted, or never heard to start (then nothing is journaled for it).
    expect(journal).not.toMatch(/"t":"finished"[^\n]*"id":"a"/);
  }, 60_000);

  it('the launchers of a run killed mid-flight (SIGKILL) end quietly: no stack on its stderr', async () => {
    const tasks = Array.from({ length: 400 }, (_, i) => `  - { id: t${i}, hours: 1, run: "true" }`);
    const p = tempProject(`project: quiet\nstart: 2026-01-05\ntasks:\n${tasks.join('\n')}\n`);
    const err = join(p.dir, 'err.txt');
    for (let round = 0; round < 3; round++) {
      rmSync(join(p.dir, '.critpath'), { recursive: true, force: true });
      const child = execa(
        'sh',
        ['-c', `exec node "$0" run "$1" --json 2>>"$2"`, BIN, p.file, err],
        {
          cwd: p.dir,
          env: p.env,
          reject: false,
        },
      );
      await new Promise<void>((resolve) => {
        let done = 0;
        child.stdout!.on('data', (d: Buffer) => {
          done += (d.toString().match(/"activity-done"/g) ?? []).length;
          if (done >= 20) resolve();
        });
        void child.then(() => resolve());
      });
      child.kill('SIGKILL');
      await child;
      // The launchers see their stdin end and exit; what they would print comes by then.
      await sleep(1500);
    }
    expect(readFileSync(err, 'utf8')).not.toMatch(/Unhandled 'error' event|EPIPE|node:events/);
  }, 60_000);

  it('on one terminal the "to resume" line comes after every event line, not among them', async () => {
    const p = tempProject(
      'project: resume\nstart: 2026-01-05\ntasks:\n' +
        '  - { id: a, hours: 1, run: "sleep 30" }\n  - { id: b, hours: 1, run: "sleep 30" }\n',
    );
    // stdout and stderr into one file, as a terminal shows them.
    const out = join(p.dir, 'out.txt');
    const child = execa(
      'sh',
      ['-c', `exec node "${BIN}" run "${p.file}" --grace 1 > out.txt 2>&1`],
      {
        cwd: p.dir,
        env: { ...p.env, NO_COLOR: '1', COLUMNS: '80' },
        reject: false,
      },
    );
    const text = (): string => {
      try {
        return readFileSync(out, 'utf8');
      } catch {
        return '';
      }
    };
    for (let i = 0; i < 200 && (text().match(/ start /g) ?? []).length < 2; i++) await sleep(50);
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(130);
    const lines = text().trimEnd().split('\n');
    expect(lines.filter((l) => / interrupted [ab] \(signal\)$/.test(l))).toHaveLength(2);
    // The last thing said, wrapped to the width (it ran to 91 columns in 80).
    const resume = lines.findIndex((l) => l.startsWith('to resume: critpath run '));
    expect(resume).toBeGreaterThan(0);
    for (const l of lines.slice(resume + 1)) expect(l).toMatch(/^ {2}\S/);
    for (const l of lines.slice(resume)) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines[0]!.length).toBeLessThanOrEqual(80);
  }, 60_000);

  it('SIGHUP (a terminal that hung up) does not stop the work', async () => {
    const p = tempProject(`project: hangup
start: 2026-01-05
tasks:
  - { id: a, hours: 1, run: "sleep 1" }
  - { id: b, hours: 1, deps: [a], run: "true" }
`);
    const child = execa('node', [BIN, 'run', p.file, '--json'], {
      cwd: p.dir,
      env: p.env,
      reject: false,
    });
    await new Promise<void>((resolve) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('"activity-start"')) resolve();
      });
    });
    child.kill('SIGHUP');
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(0);
    const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8');
    expect((journal.match(/"t":"finished"/g) ?? []).length).toBe(2);
    expect(journal).toContain('"outcome":"ok"');
  }, 60_000);
});
