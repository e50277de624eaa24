import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../../src/config/load.js';
import type { Project } from '../../../../src/model/project.js';
import type { RunEvent } from '../../../../src/executor/events.js';
import { SlurmClient } from '../../../../src/executor/slurm/client.js';
import { slurmStatusSection } from '../../../../src/executor/slurm/status.js';
import { cancelSlurm, slurmStatus } from '../../../../src/executor/slurm/commands.js';
import { runSlurm } from '../../../../src/executor/slurm/open.js';
import { readJournal } from '../../../../src/state/journal.js';
import type { StatePaths } from '../../../../src/state/paths.js';
import { statePaths } from '../../../../src/state/paths.js';
import { replay } from '../../../../src/state/reducer.js';
import { FakeSlurm } from './fake-slurm.js';

const GRAPH = `
project: fake
start: 2026-11-30
hardware:
  gpu:
    - { count: 4, from: 2026-11-30 }
tasks:
  - { id: prep, title: Prep, hours: 1, run: "echo prep" }
  - { id: pair-a, title: A, hours: 1, gpus: 2, deps: [prep], run: "echo a" }
  - { id: pair-b, title: B, hours: 1, gpus: 2, deps: [prep], run: "echo b" }
  - { id: driver, title: D, hours: 1, gpus: all, deps: [pair-a, pair-b], run: "echo d" }
`;

let dir: string;
let paths: StatePaths;
let fake: FakeSlurm;
let client: SlurmClient;

function project(yaml: string): Project {
  const r = loadProjectText(yaml, join(dir, 'tasks.yaml'));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

function journal() {
  return readJournal(paths.journal).records;
}

function run(p: Project, extra: Partial<Parameters<typeof runSlurm>[0]> = {}) {
  const events: RunEvent[] = [];
  const promise = runSlurm({
    project: p,
    paths,
    partitions: {},
    client,
    pollMs: 1,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { promise, events };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'critpath-slurm-'));
  writeFileSync(join(dir, 'package.json'), '{}');
  paths = statePaths(join(dir, 'tasks.yaml'), dir);
  fake = new FakeSlurm();
  client = new SlurmClient({ runner: fake.runner });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('runSlurm', () => {
  it('submits the graph with afterok dependencies and follows it to the end', async () => {
    const { promise, events } = run(project(GRAPH));
    const res = await promise;
    expect(res.outcome).toBe('ok');
    const jobs = new Map(fake.submitted().map((j) => [j.name, j]));
    expect([...jobs.keys()]).toEqual([
      'critpath:fake:prep',
      'critpath:fake:pair-a',
      'critpath:fake:pair-b',
      'critpath:fake:driver',
    ]);
    const id = (n: string): string => jobs.get(`critpath:fake:${n}`)!.id;
    expect(jobs.get('critpath:fake:prep')!.deps).toEqual([]);
    expect(jobs.get('critpath:fake:pair-a')!.deps).toEqual([id('prep')]);
    expect(jobs.get('critpath:fake:driver')!.deps).toEqual([id('pair-a'), id('pair-b')]);
    expect(jobs.get('critpath:fake:driver')!.args).toContain('--exclusive');
    expect(jobs.get('critpath:fake:pair-a')!.args).toContain('--gres=gpu:2');
    expect(jobs.get('critpath:fake:prep')!.comment).toBe(`critpath-run=${res.runId}`);
    const state = replay(journal());
    for (const a of ['prep', 'pair-a', 'pair-b', 'driver']) {
      expect(state.activities.get(a)?.status).toBe('done');
      expect(state.activities.get(a)?.attempts[0]?.externalId).toBe(id(a));
      expect(state.activities.get(a)?.attempts[0]?.backend).toBe('slurm');
    }
    expect(state.runs[0]?.start.backend).toBe('slurm');
    expect(state.runs[0]?.outcome).toBe('ok');
    expect(events.filter((e) => e.type === 'activity-done')).toHaveLength(4);
  });

  it('submits nothing that is done, pending or running when run again', async () => {
    const p = project(GRAPH);
    const first = await run(p, { follow: false }).promise;
    expect(first.outcome).toBe('submitted');
    expect(first.submitted.size).toBe(4);
    const second = await run(p).promise;
    expect(second.submitted.size).toBe(0);
    expect([...second.adopted.keys()].sort()).toEqual(['driver', 'pair-a', 'pair-b', 'prep']);
    expect(second.outcome).toBe('ok');
    expect(fake.submitted()).toHaveLength(4);
    const third = await run(p).promise;
    expect(third.submitted.size + third.adopted.size).toBe(0);
    expect(fake.submitted()).toHaveLength(4);
  });

  it('adopts a job whose id never reached the journal (killed right after sbatch)', async () => {
    const p = project(GRAPH);
    await run(p, { follow: false }).promise;
    // Cut the external-id record of pair-b, as if critpath died between sbatch and the journal.
    const text = readFileSync(paths.journal, 'utf8')
      .split('\n')
      .filter((l) => !(l.includes('"external-id"') && l.includes('"pair-b"')))
      .join('\n');
    writeFileSync(paths.journal, text);
    expect(replay(journal()).activities.get('pair-b')?.attempts[0]?.externalId).toBeUndefined();
    const res = await run(p).promise;
    expect(res.adopted.get('pair-b')).toBe(
      fake.submitted().find((j) => j.name.endsWith(':pair-b'))!.id,
    );
    expect(fake.submitted()).toHaveLength(4);
    expect(res.outcome).toBe('ok');
  });

  it('adopts an ended job whose id never reached the journal instead of running it again', async () => {
    const p = project(GRAPH);
    await run(p, { follow: false }).promise;
    for (let i = 0; i < 3; i++) fake.step(); // prep and both pairs end
    const prep = fake.submitted().find((j) => j.name.endsWith(':prep'))!;
    expect(prep.state).toBe('COMPLETED');
    writeFileSync(
      paths.journal,
      readFileSync(paths.journal, 'utf8')
        .split('\n')
        .filter((l) => !(l.includes('"external-id"') && l.includes('"prep"')))
        .join('\n'),
    );
    const res = await run(p).promise;
    expect(res.outcome).toBe('ok');
    expect(res.submitted.size).toBe(0);
    expect(fake.submitted()).toHaveLength(4);
    const at = replay(journal()).activities.get('prep')?.attempts;
    expect(at?.map((a) => [a.outcome, a.externalId])).toEqual([['finished', prep.id]]);
  });

  it('resubmits what failed or was cancelled, with its dependents', async () => {
    const p = project(GRAPH);
    await run(p, { follow: false }).promise;
    const b = fake.submitted().find((j) => j.name.endsWith(':pair-b'))!;
    await client.cancel([b.id]); // pair-b cancelled; driver will be cancelled by Slurm
    const res = await run(p).promise;
    expect([...res.submitted.keys()].sort()).toEqual(['driver', 'pair-b']);
    expect(res.outcome).toBe('ok');
    const state = replay(journal());
    expect(state.activities.get('pair-b')?.attempts.map((a) => a.outcome)).toEqual([
      'interrupted',
      'finished',
    ]);
    expect(state.activities.get('driver')?.attempts).toHaveLength(2);
    expect(fake.submitted()).toHaveLength(6);
  });

  it('blocks the dependents of a failure and retries within the retry budget', async () => {
    const p = project(`${GRAPH}
  - { id: flaky, title: F, hours: 1, deps: [prep], retries: 1, run: "exit 3" }
  - { id: after, title: After, hours: 1, deps: [flaky], run: "echo after" }
`);
    // What the job wrote (the fake Slurm runs nothing): the failure carries its end.
    mkdirSync(paths.logs, { recursive: true });
    writeFileSync(
      join(paths.logs, 'flaky.log'),
      'critpath-slurm: start 1\nloading\nboom: no GPU\n',
    );
    const { promise, events } = run(p);
    const res = await promise;
    expect(res.outcome).toBe('failed');
    expect(fake.submitted().filter((j) => j.name.endsWith(':flaky'))).toHaveLength(2);
    expect(events.some((e) => e.type === 'activity-retry' && e.id === 'flaky')).toBe(true);
    const failed = events.find((e) => e.type === 'activity-failed');
    expect(failed).toMatchObject({
      id: 'flaky',
      attempt: 2,
      failure: { reason: 'exit-non-zero', exitCode: 3 },
      stderrTail: ['loading', 'boom: no GPU'],
    });
    expect(
      journal()
        .filter((r) => r.t === 'failed')
        .map((r) => r.stderrTail),
    ).toEqual([
      ['loading', 'boom: no GPU'],
      ['loading', 'boom: no GPU'],
    ]);
    const blocked = events.find((e) => e.type === 'activity-blocked');
    expect(blocked).toMatchObject({
      id: 'after',
      text: 'waits for flaky (failed, see .critpath/logs/tasks/flaky.log)',
    });
    const state = replay(journal());
    expect(state.activities.get('flaky')?.status).toBe('failed');
    expect(state.activities.get('driver')?.status).toBe('done');
  });

  it('completes activities without a command once their predecessors are done (as run does locally)', async () => {
    const p = project(`
project: fake
start: 2026-11-30
tasks:
  - { id: a, title: A, hours: 1, run: "echo a" }
  - { id: b, title: B, hours: 1, run: "echo b" }
  - { id: gate, title: Review, hours: 1, deps: [a, b] }
  - { id: c, title: C, hours: 1, deps: [gate], run: "echo c" }
  - { id: solo-gate, title: Kickoff, hours: 1 }
`);
    const res = await run(p).promise;
    expect(res.outcome).toBe('ok');
    const jobs = new Map(fake.submitted().map((j) => [j.name.split(':')[2], j]));
    expect([...jobs.keys()]).toEqual(['a', 'b', 'c']);
    // c waits for the gate's own predecessors' jobs.
    expect(jobs.get('c')!.deps).toEqual([jobs.get('a')!.id, jobs.get('b')!.id]);
    const state = replay(journal());
    expect(state.activities.get('gate')?.status).toBe('done');
    expect(state.activities.get('gate')?.attempts[0]?.backend).toBe('none');
    expect(state.activities.get('solo-gate')?.status).toBe('done');
  });

  it('leaves work people have (started or blocked by hand) and what waits on it alone', async () => {
    const p = project(`
project: fake
start: 2026-11-30
tasks:
  - { id: cabling, title: Cabling, hours: 1 }
  - { id: test, title: Test, hours: 1, deps: [cabling], run: "echo t" }
  - { id: flash, title: Flash, hours: 1, run: "echo f" }
  - { id: free, title: Free, hours: 1, run: "echo free" }
`);
    mkdirSync(paths.dir, { recursive: true });
    const hand = (id: string, action: string, extra: object) =>
      JSON.stringify({ v: 1, t: 'hand', at: 1, recordedAt: 1, id, action, ...extra });
    writeFileSync(
      paths.journal,
      `${hand('cabling', 'start', { by: 'ann' })}\n${hand('flash', 'block', { reason: 'no licence' })}\n`,
    );
    const { promise, events } = run(p);
    const res = await promise;
    expect(res.outcome).toBe('blocked');
    expect(fake.submitted().map((j) => j.name)).toEqual(['critpath:fake:free']);
    const blocked = events.flatMap((e) => (e.type === 'activity-blocked' ? [[e.id, e.text]] : []));
    expect(blocked).toEqual([
      ['cabling', 'in progress by ann (by hand)'],
      ['flash', 'no licence'],
      ['test', 'waits for cabling (in progress by ann, by hand)'],
    ]);
    // Not to run: what people have (test, behind cabling, is found blocked as the run goes).
    expect(events.find((e) => e.type === 'run-start')).toMatchObject({ toRun: 2 });
    expect(replay(journal()).activities.get('cabling')?.status).toBe('by-hand');
  });

  it('leaves a manual task started by hand while the run is live to the person', async () => {
    const p = project(`
project: fake
start: 2026-11-30
tasks:
  - { id: prep, title: Prep, hours: 1, run: "echo p" }
  - { id: cabling, title: Cabling, hours: 1, deps: [prep] }
  - { id: test, title: Test, hours: 1, deps: [cabling], run: "echo t" }
`);
    // The person starts cabling while prep's job runs: the run's first look at Slurm.
    const ask = fake.runner;
    let started = false;
    client = new SlurmClient({
      runner: (file, args) => {
        if (file === 'squeue' && !started) {
          started = true;
          const rec = { v: 1, t: 'hand', at: 1, recordedAt: 1, id: 'cabling', action: 'start' };
          appendFileSync(paths.journal, `${JSON.stringify({ ...rec, by: 'ann' })}\n`);
        }
        return ask(file, args);
      },
    });
    const { promise, events } = run(p);
    const res = await promise;
    expect(started).toBe(true);
    expect(res.outcome).toBe('blocked');
    const blocked = events.flatMap((e) => (e.type === 'activity-blocked' ? [[e.id, e.text]] : []));
    expect(blocked).toEqual([['cabling', 'in progress by ann (by hand)']]);
    const state = replay(journal());
    expect(state.activities.get('cabling')?.status).toBe('by-hand');
    expect(state.activities.get('cabling')?.attempts).toEqual([]);
    expect(state.activities.get('prep')?.status).toBe('done');
    // test was queued at the start, after prep's job: Slurm runs it (see the README).
    expect(fake.submitted().map((j) => j.name)).toEqual([
      'critpath:fake:prep',
      'critpath:fake:test',
    ]);
  });

  it('records a refused submission and blocks its dependents', async () => {
    fake.failSubmitFor.add('pair-a');
    const { promise, events } = run(project(GRAPH));
    const res = await promise;
    expect(res.outcome).toBe('failed');
    expect(events.find((e) => e.type === 'activity-failed')).toMatchObject({
      id: 'pair-a',
      failure: { reason: 'spawn-error' },
    });
    expect(events.find((e) => e.type === 'activity-blocked')).toMatchObject({ id: 'driver' });
    expect(fake.submitted().map((j) => j.name)).not.toContain('critpath:fake:driver');
  });

  it('cancels the jobs on abort (Ctrl-C)', async () => {
    const ac = new AbortController();
    const { promise, events } = run(project(GRAPH), {
      signal: ac.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'activity-start' && e.id === 'driver') ac.abort();
      },
    });
    const res = await promise;
    expect(res.outcome).toBe('interrupted');
    expect(fake.calls.some((c) => c[0] === 'scancel')).toBe(true);
    expect(fake.submitted().every((j) => j.state === 'CANCELLED')).toBe(true);
    const state = replay(journal());
    expect(state.activities.get('driver')?.status).toBe('interrupted');
  });

  it('refuses to run while another run holds the lock', async () => {
    const p = project(GRAPH);
    const a = run(p);
    await expect(run(p).promise).rejects.toThrow(/another critpath run/);
    await a.promise;
  });
});

describe('slurmStatus and cancelSlurm', () => {
  it('reads states back from Slurm and journals the ended jobs', async () => {
    const p = project(GRAPH);
    await run(p, { follow: false }).promise;
    const s1 = await slurmStatus(paths, p.name, { client });
    expect(s1.jobs.map((j) => j.id).sort()).toEqual(['driver', 'pair-a', 'pair-b', 'prep']);
    expect(s1.jobs.find((j) => j.id === 'prep')?.state).toBe('RUNNING');
    expect(s1.journalUpdated).toBe(true);
    // Each query lets the fake controller move on; ended jobs are journaled and drop out.
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const s = await slurmStatus(paths, p.name, { client });
      seen.push(...s.jobs.map((j) => `${j.id}:${j.state}`));
      if (s.jobs.length === 0) break;
    }
    expect(seen).toContain('driver:COMPLETED');
    expect(await slurmStatus(paths, p.name, { client })).toEqual({
      jobs: [],
      journalUpdated: false,
    });
    const state = replay(journal());
    expect([...state.activities.values()].every((a) => a.status === 'done')).toBe(true);
  });

  it('status still works when Slurm cannot be asked, and says when Slurm lost a job', async () => {
    const p = project(GRAPH);
    await run(p, { follow: false }).promise;
    const down = new SlurmClient({
      runner: () =>
        Promise.resolve({
          exitCode: 1,
          stdout: '',
          stderr: 'slurm_load_jobs error: Unable to contact slurm controller',
        }),
    });
    const s1 = await slurmStatusSection(paths, p, down);
    expect(s1.live.size).toBe(0);
    expect(s1.lines).toEqual([
      expect.stringMatching(
        /^Slurm jobs: cannot ask Slurm \(squeue exited with 1: .*Unable to contact/,
      ),
    ]);
    const lostJob = fake.submitted().find((j) => j.name.endsWith(':driver'))!.id;
    fake.jobs.delete(lostJob); // nothing depends on driver: the fake controller stays consistent
    const s2 = await slurmStatusSection(paths, p, client);
    expect(s2.live.has('driver')).toBe(false);
    expect(s2.lines).toContain(
      `note: Slurm has no record of job ${lostJob} for driver; the next run submits it again`,
    );
    expect(s2.lines[0]).toBe('Slurm jobs:');
  });

  it('cancels every live job of the project', async () => {
    const p = project(GRAPH);
    await run(p, { follow: false }).promise;
    const r = await cancelSlurm(paths, p.name, { client });
    expect(r.cancelled.map((c) => c.id).sort()).toEqual(['driver', 'pair-a', 'pair-b', 'prep']);
    expect(fake.submitted().every((j) => j.state === 'CANCELLED')).toBe(true);
    const state = replay(journal());
    expect([...state.activities.values()].every((a) => a.status === 'interrupted')).toBe(true);
  });
});
