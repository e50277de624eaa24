import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import type { Backend, ExitInfo, LaunchSpec, Launched } from '../../../src/executor/backend.js';
import type { RunEvent } from '../../../src/executor/events.js';
import { execute } from '../../../src/executor/executor.js';
import type { ExecutorOptions, ExecutorResult } from '../../../src/executor/executor.js';
import { Scheduler } from '../../../src/executor/scheduler.js';
import { GpuAllocator } from '../../../src/gpu/allocator.js';
import type { GpuHostLocks } from '../../../src/gpu/host-locks.js';
import { simulatedGpus } from '../../../src/gpu/inventory.js';
import { ALIGNED_PAIRS } from '../../../src/gpu/topology.js';
import { buildActivityGraph } from '../../../src/model/activities.js';
import { JournalWriter, readJournal } from '../../../src/state/journal.js';
import { EnvironmentError } from '../../../src/result.js';
import type { StatePaths } from '../../../src/state/paths.js';
import { statePaths } from '../../../src/state/paths.js';

/**
 * The executor with a scripted backend and scripted host locks: the scheduling paths that are
 * hard to reach through the CLI (a lock released between our refusal and our look at who holds it;
 * a retry waiting while another activity fails).
 */

let dir: string;
let paths: StatePaths;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'critpath-exec-'));
  writeFileSync(join(dir, 'package.json'), '{}');
  paths = statePaths(join(dir, 'tasks.yaml'), dir);
  mkdirSync(paths.logs, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** How each activity's attempts ended in the journal, as `id:kind[:reason]`, sorted. */
function journalEnds(): string[] {
  return readJournal(paths.journal)
    .records.filter((x) => x.t !== 'started')
    .map((x) => `${'id' in x ? x.id : ''}:${x.t}${'reason' in x ? `:${x.reason}` : ''}`)
    .sort();
}

/** A backend whose commands end as `script` says: exit code and how long they take (ms). */
function scriptedBackend(
  script: (
    id: string,
    attempt: number,
  ) => { code: number; ms: number; hostError?: string; hostRefused?: boolean },
): {
  backend: Backend;
  launches: string[];
} {
  const launches: string[] = [];
  const attempts = new Map<string, number>();
  const backend: Backend = {
    name: 'local',
    launch(spec: LaunchSpec): Launched {
      const attempt = (attempts.get(spec.activityId) ?? 0) + 1;
      attempts.set(spec.activityId, attempt);
      launches.push(`${spec.activityId}#${attempt}`);
      const { code, ms, hostError, hostRefused } = script(spec.activityId, attempt);
      const exit: ExitInfo =
        hostError === undefined
          ? { exitCode: code, signal: null, spawnError: undefined }
          : { exitCode: null, signal: null, spawnError: undefined, hostError, hostRefused };
      const done = new Promise<ExitInfo>((resolve) => setTimeout(() => resolve(exit), ms));
      return {
        started: Promise.resolve({ at: Date.now(), pid: undefined }),
        externalId: undefined,
        done,
        kill: () => undefined,
        withdraw: () => undefined,
        settled: () => undefined,
      };
    },
  };
  return { backend, launches };
}

/**
 * A queueing backend, as the local launchers behave: a command starts `startMs` after its launch
 * (a launcher that is slow to get to it) and ends `ms` later. Until it starts, `withdraw` takes
 * back what was sent ahead of a slot (what is not `ahead: false`), as after a failure.
 */
function queueingBackend(
  script: (id: string) => { code: number; startMs: number; ms: number },
  queueAhead: number,
): { backend: Backend; launches: string[]; starts: string[] } {
  const launches: string[] = [];
  const starts: string[] = [];
  const backend: Backend = {
    name: 'local',
    queueAhead,
    launch(spec: LaunchSpec): Launched {
      launches.push(spec.activityId);
      const { code, startMs, ms } = script(spec.activityId);
      let begin: (s: { at: number; pid: undefined } | undefined) => void = () => undefined;
      let end: (e: ExitInfo) => void = () => undefined;
      const started = new Promise<{ at: number; pid: undefined } | undefined>((r) => (begin = r));
      const done = new Promise<ExitInfo>((r) => (end = r));
      const timer = setTimeout(() => {
        starts.push(spec.activityId);
        begin({ at: Date.now(), pid: undefined });
        setTimeout(() => end({ exitCode: code, signal: null, spawnError: undefined }), ms);
      }, startMs);
      const takeBack = (): void => {
        clearTimeout(timer);
        begin(undefined);
      };
      return {
        started,
        externalId: undefined,
        done,
        kill: takeBack,
        withdraw: () => {
          if (spec.ahead !== false) takeBack();
        },
        settled: () => undefined,
      };
    },
  };
  return { backend, launches, starts };
}

function setup(
  yaml: string,
  backend: Backend,
  extra: Partial<ExecutorOptions> = {},
): { result: Promise<ExecutorResult>; events: RunEvent[]; journal: JournalWriter } {
  const r = loadProjectText(yaml, join(dir, 'tasks.yaml'));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const graph = buildActivityGraph(r.value);
  const gpus = simulatedGpus([0, 1]);
  const scheduler = new Scheduler({
    graph,
    done: () => false,
    selected: () => true,
    hostGpus: gpus.length,
    gpuArrives: undefined,
  });
  const journal = JournalWriter.open(paths.journal);
  const events: RunEvent[] = [];
  const result = execute({
    graph,
    scheduler,
    paths,
    runId: 'r1',
    jobs: 2,
    failureMode: 'no-new',
    retryBaseMs: 10,
    graceMs: 100,
    gpus,
    allocator: new GpuAllocator([0, 1], ALIGNED_PAIRS),
    hostLocks: undefined,
    journal,
    backend,
    emit: (e) => events.push(e),
    signal: new AbortController().signal,
    baseEnv: {},
    ...extra,
  });
  return { result, events, journal };
}

/** Resolves with the result, or with 'hung' when the run does not end within `ms`. */
function within(p: Promise<ExecutorResult>, ms: number): Promise<ExecutorResult | 'hung'> {
  return Promise.race([p, new Promise<'hung'>((r) => setTimeout(() => r('hung'), ms).unref())]);
}

/** The result of a run `setup` started, its journal closed; a run still going after 5 s fails. */
async function ended(run: {
  result: Promise<ExecutorResult>;
  journal: JournalWriter;
}): Promise<ExecutorResult> {
  const r = await within(run.result, 5000);
  run.journal.close();
  if (r === 'hung') throw new Error('hung');
  return r;
}

const HEAD =
  'project: exec\nstart: 2026-01-05\nhardware:\n  gpu: [{ count: 2, from: 2026-01-05 }]\n';

describe('execute', () => {
  it('tries a refused GPU lock again even when its holder let go before we looked', async () => {
    // Another run holds the GPU when we try to lock it, and has released it by the time we ask
    // who holds it: nothing is running and nobody holds anything, but the activity must still run.
    let tries = 0;
    const hostLocks = {
      lockAll: () => (++tries === 1 ? { ok: false, heldElsewhere: [0] } : { ok: true }),
      unlockAll: () => undefined,
      heldElsewhere: () => [],
      holders: () => new Map(),
      attach: () => undefined,
    } as unknown as GpuHostLocks;
    const { backend, launches } = scriptedBackend(() => ({ code: 0, ms: 1 }));
    const { result, journal } = setup(
      `${HEAD}tasks:\n  - { id: g, hours: 1, hardware: gpu, gpus: 1, run: "true" }\n`,
      backend,
      { hostLocks },
    );
    const r = await within(result, 5000);
    journal.close();
    expect(r === 'hung' ? r : r.outcome).toBe('ok');
    expect(tries).toBe(2);
    expect(launches).toEqual(['g#1']);
  });

  it('does not retry after another activity failed for good (no new work)', async () => {
    // flaky fails at once and waits 300 ms for its retry; bad fails for good 50 ms in.
    const { backend, launches } = scriptedBackend((id) =>
      id === 'flaky' ? { code: 1, ms: 1 } : { code: 1, ms: 50 },
    );
    const { result, events, journal } = setup(
      `${HEAD}tasks:\n` +
        '  - { id: flaky, hours: 1, retries: 2, run: "true" }\n' +
        '  - { id: bad, hours: 1, run: "false" }\n',
      backend,
      { retryBaseMs: 300 },
    );
    const r = await within(result, 5000);
    journal.close();
    expect(r === 'hung' ? r : r.outcome).toBe('failed');
    expect(launches.sort()).toEqual(['bad#1', 'flaky#1']);
    const recs = readJournal(paths.journal).records.filter(
      (x) => 'id' in x && x.id === 'flaky' && x.t !== 'started',
    );
    expect(recs.map((x) => `${x.t}${'reason' in x ? `:${x.reason}` : ''}`)).toEqual([
      'failed:exit-non-zero',
      'interrupted:no-new',
    ]);
    expect(events.some((e) => e.type === 'activity-interrupted' && e.id === 'flaky')).toBe(true);
  });

  it('a failure with retries left after another failed for good is no final failure either', async () => {
    // bad fails for good at once; flaky, already running, fails 50 ms in with two retries left.
    // It was journaled failed for good, though a failure mid-backoff is interrupted (as above).
    const { backend, launches } = scriptedBackend((id) =>
      id === 'flaky' ? { code: 1, ms: 50 } : { code: 1, ms: 1 },
    );
    const { result, journal } = setup(
      `${HEAD}tasks:\n` +
        '  - { id: flaky, hours: 1, retries: 2, run: "true" }\n' +
        '  - { id: bad, hours: 1, run: "false" }\n',
      backend,
    );
    const r = await within(result, 5000);
    journal.close();
    expect(r === 'hung' ? r : r.outcome).toBe('failed');
    expect(launches.sort()).toEqual(['bad#1', 'flaky#1']);
    const recs = readJournal(paths.journal).records.filter(
      (x) => 'id' in x && x.id === 'flaky' && x.t !== 'started',
    );
    expect(
      recs.map(
        (x) =>
          `${x.t}${'final' in x && x.final === true ? ':final' : ''}${x.t === 'interrupted' ? `:${x.reason}` : ''}`,
      ),
    ).toEqual(['failed', 'interrupted:no-new']);
  });

  it('starts everything it put into free slots, even when one fails before the rest start', async () => {
    // bad, side and gpu are ready with free slots: one step launches all three. bad fails at
    // once, long before the backend gets round to starting the others; they run all the same
    // (the default policy: start nothing new, let running work finish). `later` was only sent
    // ahead of a slot: the failure takes it back.
    const { backend, launches, starts } = queueingBackend(
      (id) => (id === 'bad' ? { code: 3, startMs: 0, ms: 0 } : { code: 0, startMs: 60, ms: 5 }),
      1,
    );
    const run = setup(
      `${HEAD}tasks:\n` +
        '  - { id: bad, hours: 9, run: "exit 3" }\n' +
        '  - { id: gpu, hours: 5, hardware: gpu, gpus: 1, run: "true" }\n' +
        '  - { id: side, hours: 2, run: "true" }\n' +
        '  - { id: later, hours: 1, run: "true" }\n',
      backend,
      { jobs: 3 },
    );
    const r = await ended(run);
    expect(r.outcome).toBe('failed');
    expect(launches).toEqual(['bad', 'gpu', 'side', 'later']);
    expect(starts.sort()).toEqual(['bad', 'gpu', 'side']);
    const done = readJournal(paths.journal)
      .records.filter((x) => x.t === 'finished')
      .map((x) => ('id' in x ? x.id : ''));
    expect(done.sort()).toEqual(['gpu', 'side']);
  });

  it('a log the host cannot open stops the run: interrupted, nothing failed, the reason kept', async () => {
    const why = 'the log x.log is a symbolic link; move it away';
    const { backend, launches } = scriptedBackend((id) =>
      id === 'nolog' ? { code: 0, ms: 1, hostError: why } : { code: 0, ms: 80 },
    );
    const run = setup(
      `${HEAD}tasks:\n` +
        '  - { id: nolog, hours: 9, run: "true" }\n' +
        '  - { id: slow, hours: 5, run: "true" }\n' +
        '  - { id: next, hours: 1, deps: [nolog], run: "true" }\n',
      backend,
    );
    const { events } = run;
    const r = await ended(run);
    expect(r.outcome).toBe('interrupted');
    expect(r.hostFault).toBe(why);
    expect(launches.sort()).toEqual(['nolog#1', 'slow#1']);
    const ends = journalEnds();
    expect(ends).toEqual(['nolog:interrupted:environment', 'slow:interrupted:environment']);
    expect(events.some((e) => e.type === 'activity-failed')).toBe(false);
  });

  it('a start the OS refused for want of room starts nothing more but lets running work finish', async () => {
    const why = 'busy: the OS refused a new process for its command (EAGAIN: …)';
    const { backend, launches } = scriptedBackend((id) =>
      id === 'busy'
        ? { code: 0, ms: 1, hostError: why, hostRefused: true }
        : { code: 0, ms: id === 'slow' ? 80 : 1 },
    );
    const run = setup(
      `${HEAD}tasks:\n` +
        '  - { id: busy, hours: 9, run: "true" }\n' +
        '  - { id: slow, hours: 5, run: "true" }\n' +
        '  - { id: next, hours: 1, deps: [busy], run: "true" }\n' +
        '  - { id: after, hours: 1, deps: [slow], run: "true" }\n',
      backend,
    );
    const r = await ended(run);
    expect(r.outcome).toBe('interrupted');
    expect(r.hostFault).toBe(why);
    expect(r.hostRefused).toBe(true);
    expect(launches.sort()).toEqual(['busy#1', 'slow#1']);
    const ends = journalEnds();
    expect(ends).toEqual(['busy:interrupted:environment', 'slow:finished']);
  });

  it('after a refused start, a failure under --fail-fast still stops running work, and a later host fault is the one reported', async () => {
    const refused = 'busy: the OS refused a new process for its command (EAGAIN: …)';
    const { backend } = scriptedBackend((id) =>
      id === 'busy'
        ? { code: 0, ms: 1, hostError: refused, hostRefused: true }
        : id === 'bad'
          ? { code: 1, ms: 20 }
          : { code: 0, ms: 400 },
    );
    const tasks =
      `${HEAD}tasks:\n` +
      '  - { id: busy, hours: 9, run: "true" }\n' +
      '  - { id: bad, hours: 5, run: "true" }\n' +
      '  - { id: slow, hours: 5, run: "true" }\n';
    const run = setup(tasks, backend, { failureMode: 'kill', jobs: 3 });
    const r = await ended(run);
    const ends = journalEnds();
    expect(ends).toEqual([
      'bad:failed:exit-non-zero',
      'busy:interrupted:environment',
      'slow:interrupted:fail-fast',
    ]);
    expect(r.outcome).toBe('failed');
    // The failure stopped work too: the end does not say only that nothing more started.
    expect(r.hostRefused).toBe(false);

    rmSync(paths.journal);
    const logFault = 'the log x.log is a symbolic link; move it away';
    const second = scriptedBackend((id) =>
      id === 'busy'
        ? { code: 0, ms: 1, hostError: refused, hostRefused: true }
        : id === 'bad'
          ? { code: 0, ms: 20, hostError: logFault }
          : { code: 0, ms: 400 },
    );
    const r2 = await ended(setup(tasks, second.backend, { jobs: 3 }));
    expect(r2.hostFault).toBe(logFault);
    expect(r2.hostRefused).toBe(false);
    expect(r2.outcome).toBe('interrupted');
  });

  it('asks who has a manual task as it comes up: one a person has waits, one done by hand is not run', async () => {
    const { backend, launches } = scriptedBackend(() => ({ code: 0, ms: 1 }));
    const asked: string[] = [];
    const run = setup(
      `${HEAD}tasks:\n` +
        '  - { id: cabling, hours: 2 }\n' +
        '  - { id: test, hours: 1, deps: [cabling], run: "true" }\n' +
        '  - { id: label, hours: 1 }\n' +
        '  - { id: ship, hours: 1, deps: [label], run: "true" }\n',
      backend,
      {
        handNow: (id) => {
          asked.push(id);
          return id === 'cabling' ? { kind: 'in-progress', by: 'ann' } : 'done';
        },
      },
    );
    const { events } = run;
    const r = await ended(run);
    expect(r.outcome).toBe('blocked');
    expect(asked.sort()).toEqual(['cabling', 'label']);
    expect(launches).toEqual(['ship#1']);
    expect([...r.ranNow]).toHaveLength(1);
    const blocked = events.flatMap((e) => (e.type === 'activity-blocked' ? [e.id] : []));
    expect(blocked).toEqual(['cabling', 'test']);
    // Neither manual task is journaled as run: the person's records stand.
    const ids = readJournal(paths.journal).records.map((x) => ('id' in x ? x.id : ''));
    expect(ids.filter((id) => id === 'cabling' || id === 'label')).toEqual([]);
  });

  it('a journal it cannot read to ask stops the run, as a log the host cannot open does', async () => {
    const { backend, launches } = scriptedBackend(() => ({ code: 0, ms: 1 }));
    const why = 'cannot read the journal j: no such file or folder (ENOENT)';
    const run = setup(
      `${HEAD}tasks:\n` +
        '  - { id: manual, hours: 1 }\n' +
        '  - { id: next, hours: 1, deps: [manual], run: "true" }\n',
      backend,
      {
        handNow: () => {
          throw new EnvironmentError(why);
        },
      },
    );
    const r = await ended(run);
    expect(r.outcome).toBe('interrupted');
    expect(r.hostFault).toBe(why);
    expect(launches).toEqual([]);
    expect(readJournal(paths.journal).records).toEqual([]);
  });
});
