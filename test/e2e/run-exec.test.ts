import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { BIN, critpath, ndjson, RECORD, readRecord, tempProject } from '../helpers/cli.js';
import type { RecordLine } from '../helpers/cli.js';
import { fmtDate } from '../../src/reporters/format.js';

/**
 * The executor's paths, end to end: the built CLI on small projects whose commands record their
 * start and end (test/fixtures/exec/record.sh). Timings only ever bound from one side (a backoff
 * at least so long, a run well under a sleep it must have cut short), so a slow machine passes.
 */

interface JournalLine {
  readonly t: string;
  readonly at: number;
  readonly id?: string;
  readonly attempt?: number;
  readonly reason?: string;
  readonly final?: boolean;
  readonly pid?: number;
  readonly ids?: readonly string[] | null;
  readonly outcome?: string;
}

function journal(dir: string): JournalLine[] {
  const path = join(dir, '.critpath', 'project.journal');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JournalLine);
}

const starts = (lines: readonly RecordLine[]): string[] =>
  lines.filter((l) => l.kind === 'start').map((l) => l.id);
const ends = (lines: readonly RecordLine[]): string[] =>
  lines.filter((l) => l.kind === 'end').map((l) => l.id);

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls until `f` holds (a process group may take a moment to be reaped). */
async function eventually(f: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

const HEAD =
  'project: exec\nstart: 2026-01-05\nhardware:\n  gpu: [{ count: 4, from: 2026-01-05 }]\ntasks:\n';
const run = (p: ReturnType<typeof tempProject>, args: readonly string[]) =>
  critpath(['run', p.file, ...args], { cwd: p.dir, env: p.env });

describe('run: retries and timeouts', () => {
  it('retries a failing command after a doubling backoff and journals every attempt', async () => {
    // Fails on its first two tries, succeeds on the third.
    const p = tempProject(
      HEAD +
        `  - { id: flaky, hours: 1, retries: 3, run: 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; ${RECORD} 0 $([ $n -ge 3 ] && echo 0 || echo 1)' }\n` +
        `  - { id: after, hours: 1, deps: [flaky], run: '${RECORD} 0' }\n`,
    );
    const r = await run(p, ['--retry-delay', '0.4', '--json']);
    expect(r.exitCode, r.all).toBe(0);
    expect(starts(readRecord(p.record))).toEqual(['flaky', 'flaky', 'flaky', 'after']);
    const j = journal(p.dir).filter((l) => l.id === 'flaky');
    expect(j.map((l) => `${l.t}#${l.attempt}${l.final === false ? ' retry' : ''}`)).toEqual([
      'started#1',
      'failed#1 retry',
      'started#2',
      'failed#2 retry',
      'started#3',
      'finished#3',
    ]);
    // Backoff: 0.4 s, then 0.8 s, between a failure and the next start.
    expect(j[2]!.at - j[1]!.at).toBeGreaterThanOrEqual(400);
    expect(j[4]!.at - j[3]!.at).toBeGreaterThanOrEqual(800);
    const retries = ndjson(r.stdout).filter((e) => e.type === 'activity-retry');
    expect(retries.map((e) => [e['attempt'], e['delayMs']])).toEqual([
      [2, 400],
      [3, 800],
    ]);
    const st = await critpath(['status', p.file, '--json'], { cwd: p.dir, env: p.env });
    const flaky = (
      JSON.parse(st.stdout) as { activities: { id: string; status: string; attempts: number }[] }
    ).activities.find((a) => a.id === 'flaky');
    expect(flaky).toMatchObject({ status: 'done', attempts: 3 });
  }, 60_000);

  it('after another task fails, a task waiting out its retry delay is interrupted, and the next run starts it', async () => {
    // flaky fails at once and waits 3 s to retry; bad fails for good meanwhile (no-new).
    const p = tempProject(
      HEAD +
        `  - { id: flaky, hours: 1, retries: 2, run: 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; ${RECORD} 0 $([ $n -ge 2 ] && echo 0 || echo 1)' }\n` +
        `  - { id: bad, hours: 1, run: '${RECORD} 0.3 1' }\n`,
    );
    const r = await run(p, ['--retry-delay', '3']);
    expect(r.exitCode, r.all).toBe(1);
    expect(starts(readRecord(p.record)).filter((id) => id === 'flaky')).toEqual(['flaky']);
    const st = await critpath(['status', p.file, '--json'], { cwd: p.dir, env: p.env });
    const flaky = (
      JSON.parse(st.stdout) as { activities: { id: string; status: string }[] }
    ).activities.find((a) => a.id === 'flaky');
    expect(flaky?.status).toBe('ready');
    expect(
      journal(p.dir)
        .filter((l) => l.id === 'flaky')
        .map((l) => `${l.t}${l.reason === undefined ? '' : ` ${l.reason}`}`),
    ).toEqual(['started', 'failed exit-non-zero', 'interrupted no-new']);
    const again = await run(p, ['flaky']);
    expect(again.exitCode, again.all).toBe(0);
    expect(starts(readRecord(p.record)).filter((id) => id === 'flaky')).toEqual(['flaky', 'flaky']);
  }, 60_000);

  it('fails for good when the retries run out', async () => {
    const p = tempProject(HEAD + `  - { id: bad, hours: 1, retries: 1, run: '${RECORD} 0 3' }\n`);
    const r = await run(p, ['--retry-delay', '0.1']);
    expect(r.exitCode, r.all).toBe(1);
    const failed = journal(p.dir).filter((l) => l.t === 'failed');
    expect(failed.map((l) => [l.attempt, l.final, l.reason])).toEqual([
      [1, false, 'exit-non-zero'],
      [2, true, 'exit-non-zero'],
    ]);
  }, 60_000);

  it('kills a command at its timeout, with everything in its process group', async () => {
    // The group leader writes its pgid; a child ignores SIGTERM, so only the SIGKILL after the
    // grace period ends it.
    const p = tempProject(
      HEAD +
        `  - { id: slow, hours: 1, timeout: 1s, run: 'echo $$ > pgid; (trap "" TERM; sleep 30) & sleep 30' }\n` +
        `  - { id: next, hours: 1, deps: [slow], run: '${RECORD} 0' }\n`,
    );
    const t0 = Date.now();
    const r = await run(p, ['--grace', '1', '--json']);
    expect(r.exitCode, r.all).toBe(1);
    expect(Date.now() - t0).toBeLessThan(25_000);
    const failed = journal(p.dir).filter((l) => l.t === 'failed');
    expect(failed.map((l) => [l.id, l.reason, l.final])).toEqual([['slow', 'timeout', true]]);
    const ev = ndjson(r.stdout).find((e) => e.type === 'activity-failed');
    expect(ev?.['failure']).toEqual({ reason: 'timeout', seconds: 1 });
    const pgid = Number(readFileSync(join(p.dir, 'pgid'), 'utf8').trim());
    expect(pgid).toBeGreaterThan(1);
    expect(await eventually(() => !groupAlive(pgid)), `process group ${pgid} is gone`).toBe(true);
    expect(starts(readRecord(p.record))).toEqual([]);
    const st = await critpath(['status', p.file], { cwd: p.dir, env: p.env });
    expect(st.stdout).toContain('waits for slow (failed, see .critpath/logs/project/slow.log)');
  }, 60_000);

  // setTimeout keeps at most 2^31-1 ms (24.8 days): a longer timeout fired after 1 ms, with a
  // TimeoutOverflowWarning, and every attempt "timed out after 720h00m".
  it('keeps a timeout past 24.8 days: the command runs to its end', async () => {
    const p = tempProject(
      HEAD +
        `  - { id: long, hours: 1, timeout: 30d, run: '${RECORD} 0.3' }\n` +
        `  - { id: longer, timeout: 1000d, phases: [{ name: a, hours: 1, run: '${RECORD} 0.3', timeout: 600h }] }\n`,
    );
    const r = await run(p, ['--json']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).not.toContain('TimeoutOverflowWarning');
    expect(ends(readRecord(p.record)).sort()).toEqual(['long', 'longer/a']);
    expect(journal(p.dir).filter((l) => l.t === 'failed')).toEqual([]);
  }, 60_000);

  it('keeps a --grace past 24.8 days: SIGKILL does not follow the SIGTERM at once', async () => {
    // The command cleans up for 0.5 s on SIGTERM: a grace period that overflowed to 1 ms killed
    // it first.
    const p = tempProject(
      HEAD +
        `  - { id: slow, hours: 1, timeout: 1s, run: 'trap "sleep 0.5; echo done > cleaned; exit 3" TERM; sleep 30 & wait' }\n`,
    );
    const r = await run(p, ['--grace', '3000000', '--json']);
    expect(r.exitCode, r.all).toBe(1);
    expect(r.all).not.toContain('TimeoutOverflowWarning');
    const failed = journal(p.dir).filter((l) => l.t === 'failed');
    expect(failed.map((l) => [l.id, l.reason])).toEqual([['slow', 'timeout']]);
    expect(readFileSync(join(p.dir, 'cleaned'), 'utf8')).toBe('done\n');
  }, 60_000);

  it('validate refuses a timeout of 0 at the field, before any attempt times out at once', async () => {
    const p = tempProject(HEAD + `  - { id: now, hours: 1, timeout: 0s, run: '${RECORD} 0' }\n`);
    const v = await critpath(['validate', p.file], { cwd: p.dir, env: p.env });
    expect(v.exitCode, v.all).toBe(2);
    expect(v.stderr).toBe(
      `${p.file}:6:35: tasks[0].timeout: must be longer than 0, got "0s" (string)`,
    );
    const r = await run(p, []);
    expect(r.exitCode, r.all).toBe(2);
    expect(starts(readRecord(p.record))).toEqual([]);
  }, 60_000);
});

describe('run: selecting work', () => {
  const project = (): ReturnType<typeof tempProject> =>
    tempProject(
      HEAD +
        `  - { id: m1, hours: 1, hardware: macbook, run: '${RECORD} 0' }\n` +
        `  - { id: g1, hours: 1, hardware: gpu, gpus: 1, deps: [m1], run: '${RECORD} 0' }\n` +
        `  - { id: m2, hours: 1, hardware: macbook, deps: [g1], run: '${RECORD} 0' }\n` +
        `  - { id: m3, hours: 1, hardware: macbook, run: '${RECORD} 0' }\n`,
    );

  it('--only macbook runs the MacBook work, --only gpu the GPU work', async () => {
    const p = project();
    const r1 = await run(p, ['--gpus', '2', '--only', 'macbook']);
    expect(r1.exitCode, r1.all).toBe(0);
    expect(starts(readRecord(p.record)).sort()).toEqual(['m1', 'm3']);
    const st = await critpath(['status', p.file, '--json', '--gpus', '2'], {
      cwd: p.dir,
      env: p.env,
    });
    const byId = new Map(
      (JSON.parse(st.stdout) as { activities: { id: string; status: string }[] }).activities.map(
        (a) => [a.id, a.status],
      ),
    );
    expect(Object.fromEntries(byId)).toEqual({
      m1: 'done',
      g1: 'ready',
      m2: 'pending',
      m3: 'done',
    });
    const r2 = await run(p, ['--gpus', '2', '--only', 'gpu']);
    expect(r2.exitCode, r2.all).toBe(0);
    expect(starts(readRecord(p.record)).sort()).toEqual(['g1', 'm1', 'm3']);
    const r3 = await run(p, ['--gpus', '2']);
    expect(r3.exitCode, r3.all).toBe(0);
    expect(starts(readRecord(p.record)).sort()).toEqual(['g1', 'm1', 'm2', 'm3']);
  }, 60_000);

  it('run ID… runs those activities and what they still need, nothing else', async () => {
    const p = project();
    const r1 = await run(p, ['g1', '--gpus', '2']);
    expect(r1.exitCode, r1.all).toBe(0);
    expect(starts(readRecord(p.record))).toEqual(['m1', 'g1']);
    // m1 and g1 are done: m2 alone is left to do for m2.
    const r2 = await run(p, ['m2', '--gpus', '2']);
    expect(r2.exitCode, r2.all).toBe(0);
    expect(starts(readRecord(p.record))).toEqual(['m1', 'g1', 'm2']);
    const r3 = await run(p, ['nope']);
    expect(r3.exitCode).toBe(2);
    expect(r3.all.trim()).toBe(`critpath: ${p.file}: unknown task or activity "nope"`);
  }, 60_000);

  it('--force ID re-runs a done activity; reset [ID] forgets results', async () => {
    const p = tempProject(
      HEAD +
        `  - { id: a, hours: 1, run: '${RECORD} 0' }\n` +
        `  - { id: b, hours: 1, deps: [a], run: '${RECORD} 0' }\n`,
    );
    const count = (): Record<string, number> => {
      const c: Record<string, number> = {};
      for (const id of starts(readRecord(p.record))) c[id] = (c[id] ?? 0) + 1;
      return c;
    };
    expect((await run(p, [])).exitCode).toBe(0);
    expect(count()).toEqual({ a: 1, b: 1 });
    expect((await run(p, [])).exitCode).toBe(0);
    expect(count()).toEqual({ a: 1, b: 1 });
    const forced = await run(p, ['--force', 'a']);
    expect(forced.exitCode, forced.all).toBe(0);
    // b is downstream of a: it runs again too, and the run says so.
    expect(forced.stdout).toContain('--force: a runs again; downstream, so these run again too: b');
    expect(count()).toEqual({ a: 2, b: 2 });
    const r1 = await critpath(['reset', p.file, 'b'], { cwd: p.dir, env: p.env });
    expect(r1.exitCode, r1.all).toBe(0);
    expect(r1.stdout).toContain('reset: b will run again');
    expect((await run(p, [])).exitCode).toBe(0);
    expect(count()).toEqual({ a: 2, b: 3 });
    const r2 = await critpath(['reset', p.file], { cwd: p.dir, env: p.env });
    expect(r2.exitCode, r2.all).toBe(0);
    expect((await run(p, [])).exitCode).toBe(0);
    expect(count()).toEqual({ a: 3, b: 4 });
    const resets = journal(p.dir).filter((l) => l.t === 'reset');
    expect(resets.map((l) => l.ids)).toEqual([['a', 'b'], ['b'], null]);
    const r3 = await critpath(['reset', p.file, 'nope'], { cwd: p.dir, env: p.env });
    expect(r3.exitCode).toBe(2);
  }, 60_000);

  it('reset refuses while a run holds the project', async () => {
    const p = tempProject(HEAD + `  - { id: a, hours: 1, run: '${RECORD} 3' }\n`);
    const running = run(p, []);
    expect(await eventually(() => starts(readRecord(p.record)).length > 0, 20_000)).toBe(true);
    const held = new RegExp(
      `^critpath: ${p.file}: run \\S+ \\(pid \\d+\\) is in progress; see critpath status ${p.file}, or stop it: critpath cancel ${p.file}$`,
    );
    const r = await critpath(['reset', p.file], { cwd: p.dir, env: p.env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toMatch(held);
    // A second run is refused in the same words.
    const second = await critpath(['run', p.file], { cwd: p.dir, env: p.env });
    expect(second.exitCode).toBe(1);
    const said = second.stderr.split('\n').filter((l) => l.startsWith('critpath:'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(held);
    expect((await running).exitCode).toBe(0);
    expect(journal(p.dir).some((l) => l.t === 'reset')).toBe(false);
    // Afterwards the lock is free again, for reset as for run.
    expect((await critpath(['reset', p.file], { cwd: p.dir, env: p.env })).exitCode).toBe(0);
    expect((await run(p, [])).exitCode).toBe(0);
    expect(starts(readRecord(p.record))).toEqual(['a', 'a']);
  }, 60_000);
});

describe('run --dry-run beside a live run', () => {
  it('says the run is in progress, and that what it runs is shown starting again', async () => {
    // It listed the running activity as one that "would start", as if no run were going on.
    const p = tempProject(HEAD + `  - { id: a, hours: 1, run: '${RECORD} 3' }\n`);
    const running = run(p, []);
    expect(await eventually(() => starts(readRecord(p.record)).length > 0, 20_000)).toBe(true);
    const r = await critpath(['run', p.file, '--dry-run'], { cwd: p.dir, env: p.env });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: run \S+ \(pid \d+\) is in progress: a run started now is refused, and this is what one would start once it ends; what it runs now \(a\) is shown starting again, as if it stopped unfinished$/m,
    );
    expect((await running).exitCode).toBe(0);
    const after = await critpath(['run', p.file, '--dry-run'], { cwd: p.dir, env: p.env });
    expect(after.stderr).toBe('');
  }, 60_000);
});

describe('run: failure policies', () => {
  // `bad` fails once `long` has started beside it; `after` needs `long`, `down` needs `bad`.
  const project = (longRun: string): ReturnType<typeof tempProject> =>
    tempProject(
      HEAD +
        `  - { id: bad, hours: 5, run: 'until grep -q "^start long" "$CRITPATH_RECORD"; do sleep 0.05; done; ${RECORD} 0 1' }\n` +
        `  - { id: down, hours: 1, deps: [bad], run: '${RECORD} 0' }\n` +
        `  - { id: long, hours: 4, run: 'echo $$ > long.pgid; ${RECORD} ${longRun}' }\n` +
        `  - { id: after, hours: 1, deps: [long], run: '${RECORD} 0' }\n`,
    );

  it('by default starts nothing new, lets running work finish, and exits 1', async () => {
    const p = project('2');
    const r = await run(p, ['--jobs', '2', '--json']);
    expect(r.exitCode, r.all).toBe(1);
    const rec = readRecord(p.record);
    expect(starts(rec).sort()).toEqual(['bad', 'long']);
    expect(ends(rec).sort()).toEqual(['bad', 'long']);
    const j = journal(p.dir);
    expect(j.find((l) => l.t === 'finished' && l.id === 'long')).toBeDefined();
    expect(j.find((l) => l.t === 'run-end')?.outcome).toBe('failed');
    const end = ndjson(r.stdout).find((e) => e.type === 'run-end') as
      { rows: { id: string; status: string }[] } | undefined;
    expect(Object.fromEntries(end!.rows.map((x) => [x.id, x.status]))).toEqual({
      bad: 'failed',
      down: 'blocked',
      long: 'done',
      after: 'not-run',
    });
  }, 60_000);

  it("names a failed log from the folder the command was typed in; JSON keeps the root's paths", async () => {
    // Outside a repository the project root is the task file's folder: `run tasks/lab.yaml`
    // said "see .critpath/logs/lab/a.log", which is not there from where it was typed.
    const p = tempProject('');
    mkdirSync(join(p.dir, 'tasks'));
    writeFileSync(
      join(p.dir, 'tasks/lab.yaml'),
      `${HEAD}  - { id: a, hours: 1, run: "exit 3" }\n  - { id: b, hours: 1, deps: [a], run: "true" }\n`,
    );
    const at = { cwd: p.dir, env: p.env };
    const shown = 'tasks/.critpath/logs/lab/a.log';
    expect(existsSync(join(p.dir, shown))).toBe(false);
    const r = await critpath(['run', 'tasks/lab.yaml'], at);
    expect(r.exitCode, r.all).toBe(1);
    expect(r.all).toContain(`FAIL  a: exit 3 after`);
    expect(r.all).toContain(`see ${shown}`);
    expect(r.all).toContain(`blocked b: waits for a (failed, see ${shown})`);
    expect(existsSync(join(p.dir, shown))).toBe(true);
    const table = await critpath(['status', 'tasks/lab.yaml'], at);
    expect(table.stdout).toContain(`see ${shown}`);
    expect(table.stdout).not.toMatch(/see \.critpath/);
    // From the root itself the path is the journal's.
    const there = await critpath(['status', 'lab.yaml'], { ...at, cwd: join(p.dir, 'tasks') });
    expect(there.stdout).toContain('see .critpath/logs/lab/a.log');
    const json = await critpath(['status', 'tasks/lab.yaml', '--json'], at);
    const a = (JSON.parse(json.stdout) as { activities: { id: string; log: string }[] }).activities;
    expect(a.find((x) => x.id === 'a')!.log).toBe('.critpath/logs/lab/a.log');
    const events = await critpath(['run', 'tasks/lab.yaml', '--json'], at);
    expect(events.stdout).toContain('"log":".critpath/logs/lab/a.log"');
  }, 60_000);

  it('--keep-going runs everything not downstream of the failure', async () => {
    const p = project('0.5');
    const r = await run(p, ['--jobs', '2', '--keep-going']);
    expect(r.exitCode, r.all).toBe(1);
    expect(starts(readRecord(p.record)).sort()).toEqual(['after', 'bad', 'long']);
    expect(r.all).toContain('down');
  }, 60_000);

  it('a quick failure does not stop work launched beside it: the outcome is the same every run', async () => {
    // Both ready at once with free slots: `side` starts however quickly `bad` fails, and however
    // long a launcher takes to get to it. A failure stops only what would start after it.
    const p = tempProject(
      HEAD +
        `  - { id: bad, hours: 3, run: 'exit 3' }\n` +
        `  - { id: side, hours: 2, run: '${RECORD} 0' }\n` +
        `  - { id: side2, hours: 1, run: '${RECORD} 0' }\n`,
    );
    for (let i = 0; i < 5; i++) {
      expect((await critpath(['reset', p.file], { cwd: p.dir, env: p.env })).exitCode).toBe(0);
      const r = await run(p, ['--jobs', '4', '--json']);
      expect(r.exitCode, r.all).toBe(1);
      const end = ndjson(r.stdout).find((e) => e.type === 'run-end') as
        { rows: { id: string; status: string }[] } | undefined;
      expect(Object.fromEntries(end!.rows.map((x) => [x.id, x.status])), `run ${i}`).toEqual({
        bad: 'failed',
        side: 'done',
        side2: 'done',
      });
    }
  }, 120_000);

  it('MacBook work launched beside GPU work and a quick failure starts at once', async () => {
    // One GPU (--gpus 0, names GPU 0 alone): g1 runs, g2 waits for it, and the
    // MacBook task `mac` starts beside g1 and `bad`, not after the GPU chain.
    const p = tempProject(
      HEAD +
        `  - { id: bad, hours: 9, run: 'exit 3' }\n` +
        `  - { id: g1, hours: 5, hardware: gpu, gpus: 1, run: '${RECORD} 0.3' }\n` +
        `  - { id: g2, hours: 5, hardware: gpu, gpus: 1, deps: [g1], run: '${RECORD} 0' }\n` +
        `  - { id: mac, hours: 1, run: '${RECORD} 0' }\n`,
    );
    for (let i = 0; i < 3; i++) {
      expect((await critpath(['reset', p.file], { cwd: p.dir, env: p.env })).exitCode).toBe(0);
      writeFileSync(p.record, '');
      const r = await run(p, ['--jobs', '4', '--gpus', '0,', '--json']);
      expect(r.exitCode, r.all).toBe(1);
      const end = ndjson(r.stdout).find((e) => e.type === 'run-end') as
        { rows: { id: string; status: string }[] } | undefined;
      expect(Object.fromEntries(end!.rows.map((x) => [x.id, x.status])), `run ${i}`).toEqual({
        bad: 'failed',
        g1: 'done',
        g2: 'not-run',
        mac: 'done',
      });
      // mac started before g1 ended.
      const rec = readRecord(p.record);
      const at = (kind: string, id: string): bigint =>
        rec.find((l) => l.kind === kind && l.id === id)!.ns;
      expect(at('start', 'mac') < at('end', 'g1'), `run ${i}`).toBe(true);
    }
  }, 120_000);

  it('--fail-fast stops running work too', async () => {
    const p = project('30');
    const t0 = Date.now();
    const r = await run(p, ['--jobs', '2', '--fail-fast', '--grace', '1']);
    expect(r.exitCode, r.all).toBe(1);
    expect(Date.now() - t0).toBeLessThan(25_000);
    const rec = readRecord(p.record);
    expect(starts(rec).sort()).toEqual(['bad', 'long']);
    expect(ends(rec)).toEqual(['bad']);
    const j = journal(p.dir);
    expect(j.find((l) => l.t === 'interrupted' && l.id === 'long')?.reason).toBe('fail-fast');
    const pgid = Number(readFileSync(join(p.dir, 'long.pgid'), 'utf8').trim());
    expect(await eventually(() => !groupAlive(pgid))).toBe(true);
    // `long` was interrupted, not failed: the next run starts it again.
    const st = await critpath(['status', p.file, '--json'], { cwd: p.dir, env: p.env });
    const long = (
      JSON.parse(st.stdout) as {
        activities: { id: string; status: string; interrupted: boolean }[];
      }
    ).activities.find((a) => a.id === 'long');
    expect(long).toMatchObject({ status: 'ready', interrupted: true });
  }, 60_000);
});

describe('run: GPUs', () => {
  it('runs with one launcher when the temporary directory cannot be written', async () => {
    const p = tempProject(
      HEAD +
        `  - { id: a, hours: 1, run: '${RECORD} 0' }\n  - { id: b, hours: 1, run: '${RECORD} 0' }\n`,
    );
    const r = await critpath(['run', p.file, '--jobs', '2'], {
      cwd: p.dir,
      env: { ...p.env, TMPDIR: join(p.dir, 'no-such-dir') },
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(starts(readRecord(p.record)).sort()).toEqual(['a', 'b']);
  }, 20_000);

  it('a run that ends early does not wait for a slow nvidia-smi', async () => {
    const p = tempProject(HEAD + `  - { id: a, hours: 1, run: '${RECORD} 0' }\n`);
    const smi = join(p.dir, 'slow-nvidia-smi');
    writeFileSync(smi, '#!/bin/sh\nsleep 30\n');
    chmodSync(smi, 0o755);
    const t0 = Date.now();
    const r = await critpath(['run', p.file, 'no-such-task'], {
      cwd: p.dir,
      env: { ...p.env, CRITPATH_NVIDIA_SMI: smi },
    });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toContain('unknown task or activity "no-such-task"');
    // nvidia-smi would answer after 30 s: the run ended long before, on a loaded machine too.
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 20_000);

  /** An nvidia-smi that fails as the real one does without a driver: exit 9, why on stdout. */
  function failingSmi(dir: string): string {
    const smi = join(dir, 'failing-nvidia-smi');
    writeFileSync(
      smi,
      '#!/bin/sh\necho "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver."\nexit 9\n',
    );
    chmodSync(smi, 0o755);
    return smi;
  }

  it('an nvidia-smi that fails (exit 9: no driver) is one warning line: its status, what it said, what is used instead', async () => {
    const p = tempProject(
      HEAD + `  - { id: g, hours: 1, hardware: gpu, gpus: 1, run: '${RECORD} 0' }\n`,
    );
    const smi = failingSmi(p.dir);
    const r = await critpath(['run', p.file], {
      cwd: p.dir,
      env: { ...p.env, CRITPATH_NVIDIA_SMI: smi },
    });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.all.split('\n').filter((l) => l.includes('warning:'))).toEqual([
      expect.stringMatching(
        /^\d\d:\d\d:\d\d warning: \S+failing-nvidia-smi exited with status 9: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver\."; critpath takes this host to have no GPUs: GPU work is blocked \(--gpus N simulates N slots\)$/,
      ),
    ]);
    expect(r.all).toContain('blocked g: needs 1 GPU, this host has 0');
  });

  it('a dry run with simulated GPUs still warns of an nvidia-smi that fails', async () => {
    // The simulation marks the GPU work it starts done: the warning is decided before it.
    const p = tempProject(
      HEAD + `  - { id: g, hours: 1, hardware: gpu, gpus: 1, run: '${RECORD} 0' }\n`,
    );
    const r = await critpath(['run', p.file, '--dry-run', '--gpus', '0,1'], {
      cwd: p.dir,
      env: { ...p.env, CRITPATH_NVIDIA_SMI: failingSmi(p.dir) },
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/warning: \S+failing-nvidia-smi exited with status 9/);
  });

  it('an nvidia-smi that fails says nothing to a run with no GPU work', async () => {
    const p = tempProject(HEAD + `  - { id: c, hours: 1, run: '${RECORD} 0' }\n`);
    const r = await critpath(['run', p.file], {
      cwd: p.dir,
      env: { ...p.env, CRITPATH_NVIDIA_SMI: failingSmi(p.dir) },
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(starts(readRecord(p.record))).toEqual(['c']);
    expect(r.all).not.toContain('warning:');
  });

  it('two runs on different projects never hold the same GPU at once', async () => {
    const tasks = (tag: string): string =>
      HEAD +
      [1, 2, 3]
        .map(
          (i) => `  - { id: ${tag}${i}, hours: 1, hardware: gpu, gpus: 2, run: '${RECORD} 0.4' }\n`,
        )
        .join('');
    const a = tempProject(tasks('a'));
    const b = tempProject(tasks('b'));
    // One host-wide lock directory for both.
    const env = { ...b.env, CRITPATH_GPU_LOCK_DIR: a.env['CRITPATH_GPU_LOCK_DIR']! };
    const [ra, rb] = await Promise.all([
      run(a, ['--gpus', '2', '--jobs', '2']),
      critpath(['run', b.file, '--gpus', '2', '--jobs', '2'], { cwd: b.dir, env }),
    ]);
    expect(ra.exitCode, ra.all).toBe(0);
    expect(rb.exitCode, rb.all).toBe(0);
    const lines = [...readRecord(a.record), ...readRecord(b.record)];
    const iv = lines
      .filter((l) => l.kind === 'start')
      .map((s) => {
        const e = lines.find((x) => x.kind === 'end' && x.pid === s.pid && x.id === s.id);
        expect(e, `${s.id} ended`).toBeDefined();
        expect(s.gpus).toEqual([0, 1]);
        return { id: s.id, start: s.ns, end: e!.ns };
      });
    expect(iv).toHaveLength(6);
    for (const x of iv)
      for (const y of iv)
        if (x !== y)
          expect(x.end <= y.start || y.end <= x.start, `${x.id} and ${y.id} overlap`).toBe(true);
    expect(existsSync(join(a.dir, 'locks'))).toBe(true);
  }, 120_000);

  it('status explains blocked work: failed dependencies, missing GPUs, hardware not yet here', async () => {
    const later = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);
    const tasks =
      `  - { id: four, hours: 1, hardware: gpu, gpus: 4, run: '${RECORD} 0' }\n` +
      `  - { id: after4, hours: 1, hardware: macbook, deps: [four], run: '${RECORD} 0' }\n`;
    const here = tempProject(
      'project: hw\nstart: 2026-01-05\nhardware:\n  gpu: [{ count: 4, from: 2026-01-05 }]\ntasks:\n' +
        tasks,
    );
    const st = await critpath(['status', here.file, '--gpus', '0'], {
      cwd: here.dir,
      env: here.env,
    });
    expect(st.exitCode, st.all).toBe(0);
    expect(st.stdout).toMatch(/four\s+blocked.*needs 4 GPUs, this host has 0/);
    expect(st.stdout).toMatch(/after4\s+blocked.*waits for four \(blocked: needs 4 GPUs/);
    const two = await critpath(['status', here.file, '--gpus', '2'], {
      cwd: here.dir,
      env: here.env,
    });
    expect(two.stdout).toContain('needs 4 GPUs, this host has 2');
    const r = await run(here, ['--gpus', '0', '--json']);
    // Work left blocked (too few GPUs): exit 1.
    expect(r.exitCode, r.all).toBe(1);
    const blocked = ndjson(r.stdout).filter((e) => e.type === 'activity-blocked');
    expect(blocked.map((e) => [e['id'], e['text']])).toContainEqual([
      'four',
      'needs 4 GPUs, this host has 0',
    ]);
    expect(starts(readRecord(here.record))).toEqual([]);

    const ahead = tempProject(
      `project: hw\nstart: 2026-01-05\nhardware:\n  gpu: [{ count: 4, from: ${later} }]\ntasks:\n` +
        tasks,
    );
    const st2 = await critpath(['status', ahead.file, '--gpus', '0'], {
      cwd: ahead.dir,
      env: ahead.env,
    });
    expect(st2.stdout).toMatch(
      new RegExp(`four\\s+blocked.*GPU hardware arrives ${fmtDate(later)}`),
    );
  }, 60_000);

  it("run and status date a GPU arrival by the local today, where it is not UTC's", async () => {
    // A zone whose date is not UTC's now: UTC+14 from 10:00 UTC, UTC-12 before 12:00 UTC.
    const now = Date.now();
    const east = new Date(now).getUTCHours() >= 10;
    const [tz, offset] = east ? ['Pacific/Kiritimati', 14] : ['Etc/GMT+12', -12];
    const local = new Date(now + offset * 3_600_000).toISOString().slice(0, 10);
    const utc = new Date(now).toISOString().slice(0, 10);
    // The later of the two dates: east, the GPUs came today; west, they come tomorrow.
    const from = east ? local : utc;
    const p = tempProject(
      `project: tz\nstart: 2026-01-05\nhardware:\n  gpu: [{ count: 4, from: ${from} }]\ntasks:\n` +
        `  - { id: four, hours: 1, hardware: gpu, gpus: 4, run: '${RECORD} 0' }\n`,
    );
    const env = { ...p.env, TZ: tz };
    // Status shows the date as a day, run's JSON as the date.
    const why = (day: string) =>
      east ? 'needs 4 GPUs, this host has 0' : `GPU hardware arrives ${day}`;
    const st = await critpath(['status', p.file, '--gpus', '0'], { cwd: p.dir, env });
    expect(st.stdout, st.all).toMatch(new RegExp(`four\\s+blocked.*${why(fmtDate(from))}`));
    const r = await critpath(['run', p.file, '--gpus', '0', '--json'], { cwd: p.dir, env });
    expect(r.exitCode, r.all).toBe(1);
    const blocked = ndjson(r.stdout).find((e) => e.type === 'activity-blocked');
    expect(blocked?.['text']).toBe(why(from));
  }, 60_000);
});

describe('status: forecast and actual hours', () => {
  it("forecasts with the planner's team plan, keeps the critical path, and says what actual means", async () => {
    const p = tempProject(
      HEAD +
        `  - { id: a, hours: 1, retries: 1, run: 'if [ -e once ]; then ${RECORD} 0.2; else touch once; exit 1; fi' }\n` +
        `  - { id: b, hours: 2, deps: [a], run: '${RECORD} 0' }\n` +
        `  - { id: c, hours: 3, deps: [a], run: '${RECORD} 0' }\n`,
    );
    const r = await run(p, ['a', '--retry-delay', '0.3']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toContain('actual: wall-clock time from the first attempt');
    const st = await critpath(['status', p.file], { cwd: p.dir, env: p.env });
    expect(st.exitCode, st.all).toBe(0);
    expect(st.stdout).toMatch(
      /remaining critical path \(3h\): c — alone it ends [A-Z][a-z]{2} \d+ [A-Z][a-z]{2}/,
    );
    expect(st.stdout).toMatch(
      /forecast end: [A-Z][a-z]{2} \d+ [A-Z][a-z]{2} \d\d:\d\d with 1 engineer/,
    );
    const two = await critpath(['status', p.file, '--json', '--team', '2'], {
      cwd: p.dir,
      env: p.env,
    });
    const m = JSON.parse(two.stdout) as {
      forecastBy: string;
      team: string;
      forecastAt: string;
      activities: { id: string; hours?: number }[];
    };
    expect(m).toMatchObject({ forecastBy: 'team', team: '2' });
    // a's actual hours span its failed try, the backoff and the successful try.
    const a = m.activities.find((x) => x.id === 'a')!;
    expect(a.hours! * 3_600_000).toBeGreaterThanOrEqual(500);
    const bad = await critpath(['status', p.file, '--team', '1,2'], { cwd: p.dir, env: p.env });
    expect(bad.exitCode).toBe(2);
    const help = await critpath(['status', '--help'], { cwd: p.dir, env: p.env });
    expect(help.stdout).toContain('machine time, not engineer hours');
    // Help paragraphs wrap to the width: the words, not the line breaks, are what it says.
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(
      /Over \d+ activities the team forecast is skipped/,
    );
  }, 60_000);
});

describe('resuming after a kill -9', () => {
  it('kills the dead run’s leftovers and says so after the run’s first line, in time order', async () => {
    const p = tempProject(
      // Slow the first time only: the resumed run's own attempt ends at once.
      "project: p\nstart: 2026-01-05\ntasks:\n  - { id: slow, hours: 1, run: 'test -e once && exit 0; touch once; sleep 30' }\n",
    );
    const first = execa('node', [BIN, 'run', p.file, '--json'], {
      cwd: p.dir,
      env: p.env,
      reject: false,
    });
    // Killed once its command has started: the command lives on in its own process group.
    await new Promise<void>((resolve) => {
      first.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('"activity-start"')) resolve();
      });
    });
    first.kill('SIGKILL');
    await first;
    // Before the next run, status tells the leftover command from plain interrupted work.
    const st = await critpath(['status', p.file], {
      cwd: p.dir,
      env: { ...p.env, COLUMNS: '200' },
    });
    expect(st.stdout).toMatch(
      /^slow +ready .*its run died, its command still runs \(pid \d+\); the next run stops it and re-runs it$/m,
    );
    const json = await critpath(['status', p.file, '--json'], { cwd: p.dir, env: p.env });
    const row = (JSON.parse(json.stdout) as { activities: { leftoverPid: number | null }[] })
      .activities[0]!;
    expect(row.leftoverPid).toBeGreaterThan(1);
    const again = await critpath(['run', p.file, '--json'], { cwd: p.dir, env: p.env });
    const events = ndjson(again.stdout) as { type: string; at: number }[];
    const types = events.map((e) => e.type);
    expect(types.indexOf('run-start'), again.all).toBe(0);
    expect(types).toContain('orphans-killed');
    const at = events.map((e) => e.at);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    const gone = await critpath(['status', p.file, '--json'], { cwd: p.dir, env: p.env });
    expect(gone.stdout).not.toMatch(/"leftoverPid": \d/);
  }, 60_000);
});
