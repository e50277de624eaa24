/**
 * End to end on a real Slurm cluster (slurmctld + slurmd + slurmdbd, see .ci/slurm/up.sh):
 * `critpath run --backend slurm` on a demo graph, checked from each job's recorded start and end
 * times, its CUDA_VISIBLE_DEVICES and what Slurm itself reports (scontrol, sacct).
 *
 * Skips itself when `sinfo` does not answer (a laptop without Slurm). With
 * CRITPATH_SLURM_E2E=require (CI), a missing cluster fails the test instead.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlurmClient } from '../../src/executor/slurm/client.js';
import type { JobInfo } from '../../src/executor/slurm/parse.js';
import { parseScontrolFields, parseScontrolShowJob } from '../../src/executor/slurm/parse.js';
import { parseJobLog } from '../../src/executor/slurm/sbatch.js';
import { loadProjectFile } from '../../src/config/load.js';
import { buildActivityGraph } from '../../src/model/activities.js';
import { readJournal } from '../../src/state/journal.js';
import { logFileName } from '../../src/state/paths.js';
import type { RunState } from '../../src/state/reducer.js';
import { replay } from '../../src/state/reducer.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The issue's demo graph; the resume and cancel tests use a smaller fixture with tunable sleeps. */
const DEMO = join(REPO, 'tasks/demo.yaml');
const FIXTURE = join(REPO, 'test/fixtures/slurm/demo.yaml');
const CLI = process.env['CRITPATH_E2E_BIN'] ?? join(REPO, 'bin/critpath.js');
const REQUIRED = process.env['CRITPATH_SLURM_E2E'] === 'require';

async function slurmAnswers(): Promise<string | undefined> {
  try {
    const r = await execa('sinfo', ['--noheader', '--format=%T'], {
      reject: false,
      timeout: 15_000,
    });
    if (r.exitCode !== 0) return `sinfo exited ${r.exitCode}: ${r.stderr.trim()}`;
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}

const unavailable = await slurmAnswers();
if (unavailable !== undefined && !REQUIRED) {
  console.warn(
    `[slurm e2e] skipped: no Slurm cluster answers here (${unavailable}). Start one with: sudo bash .ci/slurm/up.sh`,
  );
}

/** Each test gets its own project directory and project name (job names stay apart). */
function makeProject(
  tag: string,
  edit: (yaml: string) => string = (y) => y,
  source = FIXTURE,
): { dir: string; file: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), `critpath-slurm-e2e-${tag}-`));
  writeFileSync(join(dir, 'package.json'), '{}\n');
  const name = `e2e-${tag}-${Math.random().toString(36).slice(2, 7)}`;
  const yaml = edit(readFileSync(source, 'utf8')).replace(/^project: .*$/m, `project: ${name}`);
  const file = join(dir, 'demo.yaml');
  writeFileSync(file, yaml);
  return { dir, file, name };
}

function critpath(args: readonly string[], cwd: string, timeout = 180_000) {
  return execa('node', [CLI, ...args], { cwd, reject: false, timeout, env: { NO_COLOR: '1' } });
}

function journalState(dir: string): RunState {
  return replay(readJournal(join(dir, '.critpath/demo.journal')).records);
}

function jobIds(state: RunState): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of state.activities.values()) {
    const last = a.attempts[a.attempts.length - 1];
    if (last?.externalId !== undefined) out.set(a.id, last.externalId);
  }
  return out;
}

async function scontrolJob(id: string): Promise<{ info: JobInfo; fields: Map<string, string> }> {
  const r = await execa('scontrol', ['show', 'job', '--details', '--oneliner', id]);
  const info = parseScontrolShowJob(r.stdout)[0]!;
  return { info, fields: parseScontrolFields(r.stdout.trim()) };
}

/**
 * Every job of a project the controller holds, by job name: pending, running and ended ones
 * (up.sh sets MinJobAge to a day). sacct would miss jobs cancelled before they became eligible.
 */
async function allJobs(
  project: string,
  activities: readonly string[] = ALL,
): Promise<{ id: string; state: string; name: string }[]> {
  const names = activities.map((a) => `critpath:${project}:${a}`);
  const r = await execa('squeue', [
    '--noheader',
    '--me',
    '--states=all',
    '--format=%i|%T|%j',
    `--name=${names.join(',')}`,
  ]);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [id, state, name] = l.split('|') as [string, string, string];
      return { id, state, name };
    });
}

/** GPUs the (single) node has, from sinfo's GRES column (`gpu:4`, `gpu:h100:8(S:0-1)`). */
async function gpusOnNode(): Promise<number> {
  const r = await execa('sinfo', ['--noheader', '--format=%G']);
  const m = /gpu(?::[^:,(]+)?:(\d+)/.exec(r.stdout);
  if (m === null) throw new Error(`no GPU GRES in sinfo: ${r.stdout}`);
  return Number(m[1]);
}

/** Slurm's TimeLimit display: `00:05:00`, `1-00:00:00`; it rounds up to whole minutes. */
function slurmTimeLimit(seconds: number): string {
  const mins = Math.ceil(seconds / 60);
  const d = Math.floor(mins / 1440);
  const hh = String(Math.floor((mins % 1440) / 60)).padStart(2, '0');
  const mm = String(mins % 60).padStart(2, '0');
  return `${d > 0 ? `${d}-` : ''}${hh}:${mm}:00`;
}

async function waitFor(
  what: string,
  ms: number,
  cond: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function countExternalIds(dir: string): number {
  const path = join(dir, '.critpath/demo.journal');
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"t":"external-id"')).length;
}

/** Starts a following `critpath run --backend slurm` in `dir`; resolves once every job is submitted. */
async function submitAll(dir: string): Promise<ChildProcess> {
  const child = spawn('node', [CLI, 'run', 'demo.yaml', '--backend', 'slurm'], {
    cwd: dir,
    stdio: 'ignore',
  });
  await waitFor(
    'all six submissions in the journal',
    60_000,
    () => countExternalIds(dir) === ALL.length,
  );
  return child;
}

const GPUS: Record<string, number> = {
  prep: 0,
  'pair-a': 2,
  'pair-b': 2,
  driver: 4,
  solo: 1,
  report: 0,
};
const ALL = Object.keys(GPUS);

describe.skipIf(unavailable !== undefined && !REQUIRED)('Slurm backend on a real cluster', () => {
  const dirs: string[] = [];
  beforeAll(() => {
    if (unavailable !== undefined)
      throw new Error(`CRITPATH_SLURM_E2E=require but Slurm does not answer: ${unavailable}`);
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  });
  afterAll(async () => {
    // Leave no job behind, whatever failed.
    const r = await execa('squeue', ['--noheader', '--me', '--format=%i|%j'], { reject: false });
    const ours = r.stdout
      .split('\n')
      .filter((l) => l.includes('|critpath:e2e-'))
      .map((l) => l.split('|')[0]!);
    if (ours.length > 0) await execa('scancel', ours, { reject: false });
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it(
    'runs tasks/demo.yaml: dependency order, GPUs per job, exclusive jobs alone',
    { timeout: 300_000 },
    async () => {
      const p = makeProject('demo', (y) => y, DEMO);
      dirs.push(p.dir);
      const loaded = await loadProjectFile(p.file);
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
      const graph = buildActivityGraph(loaded.value);
      const ids0 = graph.activities.map((a) => a.id);
      const nodeGpus = await gpusOnNode();

      const r = await critpath(['run', 'demo.yaml', '--backend', 'slurm'], p.dir);
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);

      const state = journalState(p.dir);
      const runId = state.runs[0]!.start.runId;
      expect(state.runs[0]!.start.backend).toBe('slurm');
      expect(state.runs[0]!.outcome).toBe('ok');
      const ids = jobIds(state);
      expect([...ids.keys()].sort()).toEqual([...ids0].sort());
      for (const a of ids0) expect(state.activities.get(a)?.status, a).toBe('done');

      // What Slurm recorded for each job, and what each job wrote into its log.
      const acct = await new SlurmClient().query([...ids.values()]);
      const times = new Map<string, { start: number; end: number; gpuIds: string[] }>();
      for (const a of graph.activities) {
        const id = ids.get(a.id)!;
        const want = a.phase.gpus === 'all' ? nodeGpus : a.phase.gpus;
        const { info, fields } = await scontrolJob(id);
        expect(info.state, a.id).toBe('COMPLETED');
        expect(info.name).toBe(`critpath:${p.name}:${a.id}`);
        expect(info.comment).toBe(`critpath-run=${runId}`);
        expect(info.gpus, `${a.id}: GPUs Slurm allocated (scontrol)`).toBe(want);
        expect(acct.get(id)?.gpus ?? 0, `${a.id}: GPUs in sacct`).toBe(want);
        expect(acct.get(id)?.state).toBe('COMPLETED');
        const log = join(p.dir, '.critpath/logs', logFileName(a.id));
        expect(fields.get('StdOut')).toBe(log);
        if (a.phase.gpus === 'all')
          expect(fields.get('OverSubscribe'), `${a.id} is exclusive`).toBe('NO');
        if (a.phase.timeoutSeconds !== undefined)
          expect(fields.get('TimeLimit')).toBe(slurmTimeLimit(a.phase.timeoutSeconds));
        const marks = parseJobLog(readFileSync(log, 'utf8'));
        const start = marks.find((m) => m.kind === 'start' && m.jobId === id);
        const end = marks.find((m) => m.kind === 'end' && m.jobId === id);
        expect(start && end, `${a.id}: start/end marks in its log`).toBeTruthy();
        const cvd = start!.cudaVisibleDevices ?? 'unset';
        times.set(a.id, {
          start: start!.atMs,
          end: end!.atMs,
          gpuIds: cvd === 'unset' || cvd === '' ? [] : cvd.split(','),
        });
        // CUDA_VISIBLE_DEVICES is Slurm's: as many ids as GPUs asked for.
        expect(times.get(a.id)!.gpuIds, `${a.id}: CUDA_VISIBLE_DEVICES`).toHaveLength(want);
      }

      // Dependencies held: nothing started before each of its predecessors ended.
      for (const a of graph.activities) {
        for (const pre of a.predecessors) {
          expect(times.get(a.id)!.start, `${a.id} starts after ${pre} ends`).toBeGreaterThanOrEqual(
            times.get(pre)!.end,
          );
        }
      }
      const overlap = (x: string, y: string): boolean =>
        times.get(x)!.start < times.get(y)!.end && times.get(y)!.start < times.get(x)!.end;
      // GPU jobs that ran at the same time got distinct GPU ids.
      const gpuJobs = ids0.filter((a) => times.get(a)!.gpuIds.length > 0);
      let sideBySide = 0;
      for (const x of gpuJobs) {
        for (const y of gpuJobs) {
          if (x >= y || !overlap(x, y)) continue;
          sideBySide++;
          expect(
            times.get(x)!.gpuIds.filter((g) => times.get(y)!.gpuIds.includes(g)),
            `${x} and ${y} share GPUs`,
          ).toEqual([]);
        }
      }
      expect(sideBySide, 'some GPU jobs ran side by side').toBeGreaterThan(0);
      // Exclusive jobs (gpus: all) ran alone.
      for (const a of graph.activities.filter((x) => x.phase.gpus === 'all')) {
        for (const b of ids0)
          if (b !== a.id) expect(overlap(a.id, b), `${a.id} overlaps ${b}`).toBe(false);
      }
      // The task env reached the job.
      const withEnv = graph.activities.find((a) => Object.keys(a.phase.env).length > 0);
      if (withEnv !== undefined) {
        const [k, v] = Object.entries(withEnv.phase.env)[0]!;
        expect(
          readFileSync(join(p.dir, '.critpath/logs', logFileName(withEnv.id)), 'utf8'),
          `${k} in ${withEnv.id}`,
        ).toContain(v);
      }

      // Running again submits nothing: everything is done.
      const again = await critpath(['run', 'demo.yaml', '--backend', 'slurm'], p.dir);
      expect(again.exitCode).toBe(0);
      expect(again.stdout).not.toMatch(/submitted \S+ as Slurm job/);
      expect(await allJobs(p.name, ids0)).toHaveLength(ids0.length);
    },
  );

  it(
    'resumes after the submitting critpath was killed, without duplicating jobs; status reads Slurm',
    { timeout: 300_000 },
    async () => {
      // Longer sleeps so that jobs are still pending or running when critpath dies.
      const p = makeProject('resume', (y) =>
        y.replace(/sleep (\d+)/g, (_m, s: string) => `sleep ${Number(s) + 3}`),
      );
      dirs.push(p.dir);
      const child = await submitAll(p.dir);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      let state = journalState(p.dir);
      const first = jobIds(state);
      const runId = state.runs[0]!.start.runId;
      // The jobs outlive critpath.
      const live = await new SlurmClient().query([...first.values()]);
      expect([...live.values()].some((j) => j.phase === 'pending' || j.phase === 'running')).toBe(
        true,
      );

      // status asks Slurm: the activities show Slurm's states, not "interrupted".
      const st = await critpath(['status', 'demo.yaml'], p.dir, 60_000);
      expect(st.exitCode, st.stderr).toBe(0);
      expect(st.stdout).toMatch(/Slurm jobs:/);
      expect(st.stdout).toMatch(/job \d+\s+(PENDING|RUNNING)/);
      expect(st.stdout).not.toMatch(/interrupted/);

      // Make it harder: (1) solo's job id never reached the journal (critpath died right after
      // sbatch answered); (2) pair-b is cancelled behind critpath's back (driver and report, which
      // wait for it, are then cancelled by Slurm: --kill-on-invalid-dep).
      const journalPath = join(p.dir, '.critpath/demo.journal');
      writeFileSync(
        journalPath,
        readFileSync(journalPath, 'utf8')
          .split('\n')
          .filter((l) => !(l.includes('"t":"external-id"') && l.includes('"id":"solo"')))
          .join('\n'),
      );
      await execa('scancel', [first.get('pair-b')!]);

      const r = await critpath(['run', 'demo.yaml', '--backend', 'slurm'], p.dir);
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      // solo was found by name and run tag, not submitted again (still running: "following").
      expect(r.stdout).not.toContain('submitted solo');
      expect(r.stdout).toMatch(/submitted pair-b as Slurm job/);

      state = journalState(p.dir);
      for (const a of ALL) expect(state.activities.get(a)?.status, a).toBe('done');
      // One job per activity, except the cancelled pair-b and its dependents: resubmitted once.
      const jobs = await allJobs(p.name);
      const perName = (a: string) => jobs.filter((j) => j.name === `critpath:${p.name}:${a}`);
      for (const a of ['prep', 'pair-a', 'solo']) expect(perName(a), a).toHaveLength(1);
      for (const a of ['pair-b', 'driver', 'report']) {
        expect(
          perName(a)
            .map((j) => j.state)
            .sort(),
          a,
        ).toEqual(['CANCELLED', 'COMPLETED']);
        expect(state.activities.get(a)?.attempts.map((x) => x.outcome)).toEqual([
          'interrupted',
          'finished',
        ]);
      }
      expect(state.activities.get('solo')?.attempts).toHaveLength(1);
      expect(state.activities.get('solo')?.attempts[0]?.externalId).toBe(first.get('solo'));
      expect(state.activities.get('solo')?.attempts[0]?.runId).toBe(runId);

      // status after the fact: everything done, nothing left in Slurm.
      const done = await critpath(['status', 'demo.yaml'], p.dir, 60_000);
      expect(done.exitCode).toBe(0);
      expect(done.stdout).not.toMatch(/job \d+\s+(PENDING|RUNNING)/);
    },
  );

  it(
    'run --backend slurm --json writes only NDJSON events on stdout',
    { timeout: 300_000 },
    async () => {
      const p = makeProject('json');
      dirs.push(p.dir);
      const r = await critpath(
        ['run', 'demo.yaml', '--backend', 'slurm', '--json', '--no-follow'],
        p.dir,
      );
      expect(r.exitCode, r.stderr).toBe(0);
      const events = r.stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { type: string; id?: string; externalId?: string });
      expect(events[0]?.type).toBe('run-start');
      expect(events.at(-1)?.type).toBe('run-detached');
      const submitted = events.filter((e) => e.type === 'activity-submitted');
      expect(submitted.map((e) => e.id).sort()).toEqual([...ALL].sort());
      const ids = jobIds(journalState(p.dir));
      for (const e of submitted) expect(e.externalId).toBe(ids.get(e.id!));
      const c = await critpath(['cancel', 'demo.yaml'], p.dir, 60_000);
      expect(c.exitCode, c.stderr).toBe(0);
    },
  );

  it(
    'cancels: Ctrl-C while following, and critpath cancel for a detached run',
    { timeout: 300_000 },
    async () => {
      const p = makeProject('cancel', (y) => y.replace(/sleep (\d+)/g, 'sleep 30'));
      dirs.push(p.dir);
      const child = await submitAll(p.dir);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      expect(await exited).not.toBe(0);
      const ids = [...jobIds(journalState(p.dir)).values()];
      // scancel was run on every job; a running one passes through COMPLETING on its way out.
      await waitFor('every job of the run to be cancelled', 30_000, async () => {
        const q = await new SlurmClient().query(ids);
        return ids.every((id) => q.get(id)?.state === 'CANCELLED');
      });
      const state = journalState(p.dir);
      expect(state.runs[0]!.outcome).toBe('interrupted');
      for (const a of ALL) expect(state.activities.get(a)?.status).toBe('interrupted');

      // Detached: submit, then cancel from another critpath.
      const sub = await critpath(['run', 'demo.yaml', '--backend', 'slurm', '--no-follow'], p.dir);
      expect(sub.exitCode, sub.stderr).toBe(0);
      const ids2 = [...jobIds(journalState(p.dir)).values()];
      expect(ids2.filter((id) => ids.includes(id))).toEqual([]);
      const c = await critpath(['cancel', 'demo.yaml'], p.dir, 60_000);
      expect(c.exitCode, c.stderr).toBe(0);
      await waitFor('the cancelled jobs to leave the queue', 30_000, async () => {
        const q = await new SlurmClient().query(ids2);
        return [...q.values()].every((j) => j.phase === 'cancelled');
      });
    },
  );
});
