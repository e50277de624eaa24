/**
 * `critpath run --backend slurm`: submits every activity that is not done as an sbatch job, with
 * `--dependency=afterok` edges from the graph, records the job ids in the project's journal (the
 * same one local runs use), and follows the jobs until they end.
 *
 * Crash safety: an attempt is journaled (`started`) before sbatch runs and its job id
 * (`external-id`) right after, so a critpath killed at any point leaves a journal from which the
 * next run finds every job it submitted, by id or by name and run tag, and submits nothing twice.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { newRunId } from '../../state/run-id.js';
import { join, relative } from 'node:path';
import type { Activity, ActivityGraph } from '../../model/activities.js';
import { buildActivityGraph } from '../../model/activities.js';
import type { Hardware, Project } from '../../model/project.js';
import { expectedHours } from '../../model/project.js';
import type { StatePaths } from '../../state/paths.js';
import { logFileName } from '../../state/paths.js';
import { readJournal } from '../../state/journal.js';
import { unlock } from '../../state/lockfile.js';
import type { RunState } from '../../state/reducer.js';
import { replay } from '../../state/reducer.js';
import type { JournalRecord, WithoutVersion } from '../../state/records.js';
import { beginRun, crashRecord, runHours, runStartRecord, wantedClosure } from '../begin-run.js';
import type { Failure, RunEvent, RunOutcome, SummaryRow } from '../events.js';
import type { BlockReason } from '../scheduler.js';
import { formatBlockReason } from '../scheduler.js';
import type { JobInfo } from './parse.js';
import { isTerminal } from './parse.js';
import { SlurmClient, SlurmCommandError } from './client.js';
import type { PartitionMap, SubmissionSpec } from './sbatch.js';
import { activityFileName, batchScript, sbatchArgs } from './sbatch.js';
import type { SlurmView } from './reconcile.js';
import {
  SLURM_BACKEND,
  journaledJobIds,
  openSlurmAttempts,
  outcomeRecord,
  viewOpenAttempts,
} from './reconcile.js';

export interface SlurmRunOptions {
  readonly project: Project;
  readonly paths: StatePaths;
  readonly partitions: PartitionMap;
  /**
   * Activity ids to run, with every predecessor they still need (`run FILE ID…`); all when
   * undefined or empty. Done ones are skipped either way.
   */
  readonly targets?: readonly string[];
  /** Only the work for this hardware (`--only`). */
  readonly only?: Hardware;
  /** Activity ids to run again even if done (`--force`): journaled as a reset first. */
  readonly force?: readonly string[];
  /** Wait for the jobs and journal their outcomes (default); false: submit and return. */
  readonly follow?: boolean;
  readonly pollMs?: number;
  readonly client?: SlurmClient;
  readonly onEvent?: (e: RunEvent) => void;
  /** Told each job id as it is submitted, or taken over from an earlier run. */
  readonly onSubmit?: (activityId: string, jobId: string, how: 'submitted' | 'adopted') => void;
  /** Aborting (Ctrl-C) cancels the run's jobs with scancel. */
  readonly signal?: AbortSignal;
  readonly runId?: string;
}

export interface SlurmRunResult {
  readonly runId: string;
  /** `submitted`: not following; the jobs run on. */
  readonly outcome: RunOutcome | 'submitted';
  /** Activity id → job id, for every job this run submitted. */
  readonly submitted: ReadonlyMap<string, string>;
  /** Activity id → job id, for live jobs of earlier runs this run took over. */
  readonly adopted: ReadonlyMap<string, string>;
}

/** Another run holds the project's lock. */
export class RunLockedError extends Error {
  readonly holder: { pid: number; host: string; runId?: string };
  constructor(holder: { pid: number; host: string; runId?: string }) {
    super(
      `another critpath run (pid ${holder.pid} on ${holder.host}${holder.runId === undefined ? '' : `, run ${holder.runId}`}) is active`,
    );
    this.name = 'RunLockedError';
    this.holder = holder;
  }
}

/** Kahn's order over the activity graph, ties by index (file order). */
function topological(graph: ActivityGraph): Activity[] {
  const n = graph.activities.length;
  const indeg = new Int32Array(n);
  for (let i = 0; i < n; i++) indeg[i] = graph.predStart[i + 1]! - graph.predStart[i]!;
  const ready: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) ready.push(i);
  const out: Activity[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const v = ready.shift()!;
    out.push(graph.activities[v]!);
    for (let k = graph.succStart[v]!; k < graph.succStart[v + 1]!; k++) {
      const w = graph.succ[k]!;
      indeg[w]! -= 1;
      if (indeg[w] === 0) ready.push(w);
    }
  }
  if (out.length !== n) throw new Error('Internal error: the activity graph has a cycle');
  return out;
}

function failureOf(job: JobInfo, timeoutSeconds: number | undefined): Failure {
  if (job.phase === 'timeout') return { reason: 'timeout', seconds: timeoutSeconds ?? 0 };
  if ((job.signal ?? 0) > 0 && (job.exitCode ?? 0) === 0)
    return { reason: 'signal', signal: `SIG${job.signal}` };
  return { reason: 'exit-non-zero', exitCode: job.exitCode ?? 1 };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Consecutive failed state queries tolerated while following. */
const MAX_QUERY_FAILURES = 30;

/** Per-activity bookkeeping of one run. */
interface Live {
  readonly runId: string;
  readonly attempt: number;
  readonly jobId: string;
  readonly startedAt: number;
  readonly log: string;
}

export async function runSlurm(opts: SlurmRunOptions): Promise<SlurmRunResult> {
  const { project, paths } = opts;
  const client = opts.client ?? new SlurmClient();
  const follow = opts.follow ?? true;
  const pollMs = opts.pollMs ?? 2000;
  const emit = (e: RunEvent): void => opts.onEvent?.(e);
  const runId = opts.runId ?? newRunId();
  const graph = buildActivityGraph(project);
  const order = topological(graph);
  let wanted: Uint8Array | undefined;
  const selected = (id: string): boolean =>
    (wanted === undefined || wanted[graph.byId.get(id)?.index ?? -1] === 1) &&
    (opts.only === undefined || graph.byId.get(id)?.phase.hardware === opts.only);

  const begun = beginRun(paths, runId, 'critpath run --backend slurm');
  if (!begun.ok) throw new RunLockedError(begun.holder);
  const { owner, journal } = begun;
  const write = (r: WithoutVersion<JournalRecord>): Promise<void> => journal.append(r);
  const submitted = new Map<string, string>();
  const adopted = new Map<string, string>();
  const live = new Map<string, Live>();
  /** Activities whose outcome in this run is final: failed for good, cancelled, or blocked. */
  const final = new Map<string, 'failed' | 'interrupted' | 'blocked'>();
  const blockedWhy = new Map<string, BlockReason>();
  const triesInRun = new Map<string, number>();
  const runStartedAt = Date.now();
  let state: RunState;
  const done = new Set<string>();
  const actual = new Map<string, number>();

  try {
    if (opts.force !== undefined && opts.force.length > 0)
      await write({ t: 'reset', at: Date.now(), ids: [...opts.force] });
    state = replay(readJournal(paths.journal).records);
    wanted = wantedClosure(graph, state, opts.targets);
    for (const a of state.activities.values()) {
      if (a.status === 'done') {
        done.add(a.id);
        if (a.actualHours !== undefined) actual.set(a.id, a.actualHours);
      }
    }

    await write(
      runStartRecord(owner, {
        at: Date.now(),
        runId,
        backend: SLURM_BACKEND,
        jobs: 0,
        gpus: [],
        simulatedGpus: false,
      }),
    );
    const toRun = graph.activities.filter((a) => selected(a.id) && !done.has(a.id)).length;
    const { plannedHours, doneHours } = runHours(graph, (i) => done.has(graph.activities[i]!.id));
    emit({
      type: 'run-start',
      at: Date.now(),
      runId,
      jobs: 0,
      gpus: [],
      simulatedGpus: false,
      toRun,
      alreadyDone: done.size,
      plannedHours,
      doneHours,
    });

    // ---- resume: what earlier runs submitted
    const open = openSlurmAttempts(state).filter((o) => graph.byId.has(o.id));
    const views = await viewOpenAttempts(open, client, project.name, journaledJobIds(state));
    const resumedInterrupted: string[] = [];
    for (const o of open) {
      const v = views.get(o.id) as SlurmView;
      if (v.kind === 'lost') {
        // Slurm has no job for this attempt: journaled as a crash, like a dead local run's.
        await write(crashRecord(o, Date.now()));
        resumedInterrupted.push(o.id);
        emit({
          type: 'warning',
          at: Date.now(),
          message: `${o.id}: Slurm has no job for attempt ${o.attempt.attempt}${v.jobId === undefined ? '' : ` (job ${v.jobId})`}; submitting it again`,
        });
        continue;
      }
      if (v.adopted)
        await write({
          t: 'external-id',
          at: Date.now(),
          runId: o.attempt.runId,
          id: o.id,
          attempt: o.attempt.attempt,
          backend: SLURM_BACKEND,
          externalId: v.jobId,
        });
      let job = v.job;
      if (job.phase === 'pending' && job.reason === 'DependencyNeverSatisfied') {
        await client.cancel([v.jobId]);
        job = { ...job, state: 'CANCELLED', phase: 'cancelled' };
      }
      const rec = outcomeRecord(o.id, o.attempt, job, Date.now());
      if (rec !== undefined) {
        await write(rec);
        if (rec.t === 'finished') {
          done.add(o.id);
          actual.set(o.id, rec.durationMs / 3_600_000);
        } else resumedInterrupted.push(o.id);
        continue;
      }
      live.set(o.id, {
        runId: o.attempt.runId,
        attempt: o.attempt.attempt,
        jobId: v.jobId,
        startedAt: o.attempt.startedAt,
        log: o.attempt.log,
      });
      adopted.set(o.id, v.jobId);
      opts.onSubmit?.(o.id, v.jobId, 'adopted');
    }
    if (resumedInterrupted.length > 0)
      emit({ type: 'resumed', at: Date.now(), interrupted: resumedInterrupted });
    state = replay(readJournal(paths.journal).records);

    // ---- submission pass: everything not done, not live, not final, whose predecessors can still succeed
    const attemptsOf = (id: string): number => state.activities.get(id)?.attempts.length ?? 0;
    /**
     * Activities without a command (checkpoints) are not submitted: like the local executor,
     * they are done once their predecessors are. Until then, dependents wait for the jobs they
     * wait for.
     */
    const virtualDeps = new Map<string, readonly string[]>();
    const checkpoints = new Set<string>();
    const pass = async (): Promise<void> => {
      virtualDeps.clear();
      for (const a of order) {
        const id = a.id;
        if (done.has(id) || live.has(id) || final.has(id) || !selected(id)) continue;
        const after: string[] = [];
        let block: BlockReason | undefined;
        let waiting = false;
        for (const p of a.predecessors) {
          if (done.has(p)) continue;
          const l = live.get(p);
          if (l !== undefined) {
            after.push(l.jobId);
            continue;
          }
          const v = virtualDeps.get(p);
          if (v !== undefined) {
            after.push(...v);
            continue;
          }
          const f = final.get(p);
          if (f !== undefined || !selected(p)) {
            block = {
              kind: 'dependency',
              on: p,
              status: f === undefined ? 'excluded' : f === 'blocked' ? 'blocked' : 'failed',
              log: state.activities.get(p)?.attempts.at(-1)?.log,
              cause: blockedWhy.get(p),
            };
            break;
          }
          waiting = true; // its predecessor waits for a later pass itself
        }
        if (block === undefined && waiting) continue;
        if (block !== undefined) {
          final.set(id, 'blocked');
          blockedWhy.set(id, block);
          emit({
            type: 'activity-blocked',
            at: Date.now(),
            id,
            reason: block,
            text: formatBlockReason(block),
          });
          continue;
        }
        if (a.phase.run === undefined) {
          if (after.length > 0) virtualDeps.set(id, [...new Set(after)]);
          else await checkpoint(a);
          continue;
        }
        await submit(a, [...new Set(after)]);
      }
    };

    /** Slurm assigns GPUs and pids out of our sight: a start shows neither. */
    const startEvent = (
      a: Activity,
      at: number,
      attempt: number,
      log: string,
    ): Extract<RunEvent, { type: 'activity-start' }> => ({
      type: 'activity-start',
      at,
      id: a.id,
      attempt,
      gpus: [],
      gpuUuids: [],
      log,
      pid: undefined,
      estimateHours: expectedHours(a.phase.estimate),
    });

    const checkpoint = async (a: Activity): Promise<void> => {
      const id = a.id;
      const attempt = attemptsOf(id) + 1;
      const log = relative(paths.root, join(paths.logs, logFileName(id)));
      const at = Date.now();
      await write({ t: 'started', at, runId, id, attempt, backend: 'none', gpus: [], log });
      await write({ t: 'finished', at, runId, id, attempt, exitCode: 0, durationMs: 0 });
      state = replay(readJournal(paths.journal).records);
      done.add(id);
      actual.set(id, 0);
      checkpoints.add(id);
      const start = startEvent(a, at, attempt, log);
      emit(start);
      emit({
        type: 'activity-done',
        at,
        id,
        attempt,
        durationMs: 0,
        estimateHours: start.estimateHours,
      });
    };

    const submit = async (a: Activity, after: readonly string[]): Promise<void> => {
      const id = a.id;
      const attempt = attemptsOf(id) + 1;
      const logAbs = join(paths.logs, logFileName(id));
      const log = relative(paths.root, logAbs);
      const scriptPath = join(paths.dir, 'slurm', runId, `${activityFileName(id)}.${attempt}.sh`);
      const spec: SubmissionSpec = {
        project: project.name,
        activityId: id,
        runId,
        attempt,
        hardware: a.phase.hardware,
        gpus: a.phase.gpus,
        run: a.phase.run!,
        env: a.phase.env,
        timeoutSeconds: a.phase.timeoutSeconds,
        afterOk: after,
        workDir: paths.root,
        logPath: logAbs,
        scriptPath,
        partitions: opts.partitions,
      };
      const startedAt = Date.now();
      await write({
        t: 'started',
        at: startedAt,
        runId,
        id,
        attempt,
        backend: SLURM_BACKEND,
        gpus: [],
        log,
      });
      state = replay(readJournal(paths.journal).records);
      triesInRun.set(id, (triesInRun.get(id) ?? 0) + 1);
      let jobId: string;
      try {
        mkdirSync(join(paths.dir, 'slurm', runId), { recursive: true });
        writeFileSync(scriptPath, batchScript(spec), { mode: 0o755 });
        jobId = await client.submit(sbatchArgs(spec));
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        await write({
          t: 'failed',
          at: Date.now(),
          runId,
          id,
          attempt,
          reason: 'spawn-error',
          exitCode: null,
          signal: null,
          message,
          durationMs: 0,
          final: true,
        });
        state = replay(readJournal(paths.journal).records);
        final.set(id, 'failed');
        emit({
          type: 'activity-failed',
          at: Date.now(),
          id,
          attempt,
          failure: { reason: 'spawn-error', message },
          durationMs: 0,
          log,
        });
        return;
      }
      await write({
        t: 'external-id',
        at: Date.now(),
        runId,
        id,
        attempt,
        backend: SLURM_BACKEND,
        externalId: jobId,
      });
      submitted.set(id, jobId);
      opts.onSubmit?.(id, jobId, 'submitted');
      live.set(id, { runId, attempt, jobId, startedAt, log });
      emit(startEvent(a, Date.now(), attempt, log));
    };

    await pass();

    if (!follow) {
      // The jobs run on without us; the next run or `status` reads their outcome from Slurm.
      return { runId, outcome: 'submitted', submitted, adopted };
    }

    // ---- follow
    let interrupted = false;
    let queryFailures = 0;
    while (live.size > 0) {
      await sleep(pollMs, opts.signal);
      if (opts.signal?.aborted === true) {
        interrupted = true;
        break;
      }
      let jobs: Map<string, JobInfo>;
      try {
        jobs = await client.query([...live.values()].map((l) => l.jobId));
        queryFailures = 0;
      } catch (e) {
        // A busy or restarting controller: say so and ask again, up to a limit.
        if (!(e instanceof SlurmCommandError) || ++queryFailures > MAX_QUERY_FAILURES) throw e;
        emit({
          type: 'warning',
          at: Date.now(),
          message: `asking Slurm for job states failed (${e.message}); retrying`,
        });
        continue;
      }
      let changed = false;
      for (const [id, l] of [...live.entries()]) {
        let job = jobs.get(l.jobId);
        if (job === undefined) continue; // not visible yet (accounting lag): ask again
        if (job.phase === 'pending' && job.reason === 'DependencyNeverSatisfied') {
          await client.cancel([l.jobId]);
          job = { ...job, state: 'CANCELLED', phase: 'cancelled' };
        }
        if (!isTerminal(job.phase)) continue;
        const at = state.activities
          .get(id)
          ?.attempts.find((x) => x.runId === l.runId && x.attempt === l.attempt);
        if (at === undefined) continue;
        const rec = outcomeRecord(id, at, job, Date.now());
        if (rec === undefined) continue;
        live.delete(id);
        changed = true;
        const activity = graph.byId.get(id)!;
        const durationMs =
          'durationMs' in rec && typeof rec.durationMs === 'number' ? rec.durationMs : 0;
        if (rec.t === 'finished') {
          await write(rec);
          done.add(id);
          actual.set(id, durationMs / 3_600_000);
          emit({
            type: 'activity-done',
            at: Date.now(),
            id,
            attempt: l.attempt,
            durationMs,
            estimateHours: expectedHours(activity.phase.estimate),
          });
        } else if (rec.t === 'failed') {
          const retry = (triesInRun.get(id) ?? 0) <= activity.phase.retries;
          await write({ ...rec, final: !retry });
          const failure = failureOf(job, activity.phase.timeoutSeconds);
          if (retry)
            emit({
              type: 'activity-retry',
              at: Date.now(),
              id,
              attempt: l.attempt + 1,
              delayMs: 0,
              failure,
            });
          else {
            final.set(id, 'failed');
            emit({
              type: 'activity-failed',
              at: Date.now(),
              id,
              attempt: l.attempt,
              failure,
              durationMs,
              log: l.log,
            });
          }
        } else {
          await write(rec);
          // Slurm cancels a job whose predecessor failed (--kill-on-invalid-dep): that is not this
          // activity's failure; the next pass submits it again if the predecessor is retried.
          if (job.reason !== 'DependencyNeverSatisfied' && job.reason !== 'Dependency') {
            final.set(id, 'interrupted');
            emit({
              type: 'activity-interrupted',
              at: Date.now(),
              id,
              attempt: l.attempt,
              reason: 'signal',
            });
          }
        }
      }
      if (changed) {
        state = replay(readJournal(paths.journal).records);
        await pass();
      }
    }

    if (interrupted) {
      const ids = [...live.values()].map((l) => l.jobId);
      await client.cancel(ids);
      for (const [id, l] of live) {
        await write({
          t: 'interrupted',
          at: Date.now(),
          runId: l.runId,
          id,
          attempt: l.attempt,
          reason: 'signal',
          durationMs: Date.now() - l.startedAt,
        });
        emit({
          type: 'activity-interrupted',
          at: Date.now(),
          id,
          attempt: l.attempt,
          reason: 'signal',
        });
      }
      live.clear();
    } else {
      // Cancelled for a failed dependency and never resubmitted: blocked behind that failure.
      await pass();
    }

    const rows: SummaryRow[] = graph.activities.map((a) => {
      const f = final.get(a.id);
      const status: SummaryRow['status'] = done.has(a.id)
        ? 'done'
        : f === 'failed'
          ? 'failed'
          : f === 'blocked'
            ? 'blocked'
            : f === 'interrupted' || interrupted
              ? 'interrupted'
              : selected(a.id)
                ? 'not-run'
                : 'skipped';
      return {
        id: a.id,
        status,
        estimateHours: expectedHours(a.phase.estimate),
        actualHours: actual.get(a.id),
        ranNow: submitted.has(a.id) || adopted.has(a.id) || checkpoints.has(a.id),
      };
    });
    const finals = [...final.values()];
    const outcome: RunOutcome = finals.includes('failed')
      ? 'failed'
      : interrupted || finals.includes('interrupted')
        ? 'interrupted'
        : finals.includes('blocked')
          ? 'blocked'
          : 'ok';
    await write({ t: 'run-end', at: Date.now(), runId, outcome });
    emit({
      type: 'run-end',
      at: Date.now(),
      runId,
      outcome,
      durationMs: Date.now() - runStartedAt,
      rows,
    });
    return { runId, outcome, submitted, adopted };
  } finally {
    await journal.flush();
    journal.close();
    unlock(paths.lock, owner);
  }
}
