/**
 * The Slurm backend's part of `critpath run --backend slurm`: submits every activity that is not
 * done as an sbatch job, in dispatch order, with `--dependency=afterok` edges from the graph,
 * records the job ids in the project's journal (the same one local runs use), and follows the
 * jobs until they end. The run loop (../run-loop.ts) does the rest, as for every backend.
 *
 * Crash safety: an attempt is journaled (`started`) before sbatch runs and its job id
 * (`external-id`) right after, so a critpath killed at any point leaves a journal from which the
 * next run finds every job it submitted, by id or by name and run tag, and submits nothing twice.
 */
import { join, relative } from 'node:path';
import type { Activity } from '../../model/activities.js';
import type { Project } from '../../model/project.js';
import { expectedHours } from '../../model/project.js';
import { logFileName } from '../../state/paths.js';
import { readJournal } from '../../state/journal.js';
import { JournalFollower } from '../../state/journal-follow.js';
import { handHold, reduce, replay } from '../../state/reducer.js';
import type { JournalRecord, WithoutVersion } from '../../state/records.js';
import { recordDurationMs } from '../../state/record-bounds.js';
import { crashRecord } from '../begin-run.js';
import type { Failure, RunEvent, RunOutcome } from '../events.js';
import type { Driven, RowStatus, RunDriver, RunSession } from '../run-loop.js';
import type { BlockReason } from '../scheduler.js';
import { dispatchOrder, formatBlockReason } from '../scheduler.js';
import type { JobInfo } from './parse.js';
import { isTerminal } from './parse.js';
import type { SlurmClient } from './client.js';
import { SlurmCommandError } from './client.js';
import type { PartitionMap, SubmissionSpec } from './sbatch.js';
import { activityFileName, batchScript, sbatchArgs } from './sbatch.js';
import type { OpenSlurmAttempt, SlurmView } from './reconcile.js';
import {
  SLURM_BACKEND,
  journaledJobIds,
  openSlurmAttempts,
  outcomeRecord,
  viewOpenAttempts,
} from './reconcile.js';
import { makeStateFolders, writeStateFile } from '../../state/state-owner.js';

export interface SlurmDriverOptions {
  readonly project: Project;
  readonly partitions: PartitionMap;
  readonly client: SlurmClient;
  /** Wait for the jobs and journal their outcomes (default); false: submit and return. */
  readonly follow?: boolean;
  readonly pollMs?: number;
}

/** What a Slurm run did, beside its outcome (for tests and callers that want the job ids). */
export interface SlurmRunRecord {
  /** Activity id → job id, for every job this run submitted. */
  readonly submitted: ReadonlyMap<string, string>;
  /** Activity id → job id, for live jobs of earlier runs this run took over. */
  readonly adopted: ReadonlyMap<string, string>;
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

/** A job this run follows. */
interface Live {
  readonly runId: string;
  readonly attempt: number;
  readonly jobId: string;
  readonly startedAt: number;
  readonly log: string;
}

/** The Slurm backend's driver; `record` fills in as the run goes. */
export function slurmDriver(
  o: SlurmDriverOptions,
): RunDriver & { readonly record: SlurmRunRecord } {
  const submitted = new Map<string, string>();
  const adopted = new Map<string, string>();
  let done: Set<string> | undefined;
  return {
    name: SLURM_BACKEND,
    record: { submitted, adopted },
    start(s) {
      done = new Set(
        [...s.state.activities.values()].filter((a) => a.status === 'done').map((a) => a.id),
      );
      const d = done;
      const held = (id: string): boolean => handHold(s.state.activities.get(id)) !== undefined;
      return {
        jobs: 0,
        gpus: [],
        simulatedGpus: false,
        toRun: s.graph.activities.filter((a) => s.selected(a.index) && !d.has(a.id) && !held(a.id))
          .length,
        alreadyDone: d.size,
        done: (i) => d.has(s.graph.activities[i]!.id),
      };
    },
    drive: (s) => new SlurmRun(s, o, done!, submitted, adopted).drive(),
  };
}

/** One run's submissions and the jobs it follows. */
class SlurmRun {
  readonly #s: RunSession;
  readonly #o: SlurmDriverOptions;
  readonly #done: Set<string>;
  readonly #submitted: Map<string, string>;
  readonly #adopted: Map<string, string>;
  readonly #live = new Map<string, Live>();
  /** Activities whose outcome in this run is final: failed for good, cancelled, or blocked. */
  readonly #final = new Map<string, 'failed' | 'interrupted' | 'blocked'>();
  readonly #blockedWhy = new Map<string, BlockReason>();
  readonly #triesInRun = new Map<string, number>();
  readonly #checkpoints = new Set<string>();
  /** The graph's activities in dispatch order (shared with the local scheduler's ranks). */
  readonly #order: readonly Activity[];
  /** Set when the run was stopped (Ctrl-C): its jobs are cancelled. */
  #interrupted = false;
  /** What is appended to the journal after the state was read whole (see #reread). */
  #follower: JournalFollower | undefined;

  constructor(
    s: RunSession,
    o: SlurmDriverOptions,
    done: Set<string>,
    submitted: Map<string, string>,
    adopted: Map<string, string>,
  ) {
    this.#s = s;
    this.#o = o;
    this.#done = done;
    this.#submitted = submitted;
    this.#adopted = adopted;
    this.#order = dispatchOrder(s.graph).map((i) => s.graph.activities[i]!);
  }

  #emit(e: RunEvent): void {
    this.#s.emit(e);
  }

  #write(r: WithoutVersion<JournalRecord>): Promise<void> {
    return this.#s.journal.append(r);
  }

  /**
   * Brings the run state up to date with the journal (its own records and any a person appends):
   * read whole the first time, then only what was appended since. Each checkpoint and each job's
   * end rereads it; reading it whole each time was quadratic in a run's records.
   */
  #reread(): void {
    if (this.#follower === undefined) {
      const read = readJournal(this.#s.paths.journal);
      this.#s.state = replay(read.records);
      this.#follower = new JournalFollower(this.#s.paths.journal, read.bytes);
      return;
    }
    for (const r of this.#follower.poll()) reduce(this.#s.state, r);
  }

  #selected(id: string): boolean {
    const a = this.#s.graph.byId.get(id);
    return a !== undefined && this.#s.selected(a.index);
  }

  async drive(): Promise<Driven> {
    await this.#resume();
    this.#reread();
    await this.#pass();
    if (this.#o.follow === false) {
      // The jobs run on without us; the next run or `status` reads their outcome from Slurm.
      this.#emit({
        type: 'run-detached',
        at: Date.now(),
        runId: this.#s.runId,
        submitted: this.#submitted.size,
        adopted: this.#adopted.size,
      });
      return this.#driven('submitted');
    }
    await this.#follow();
    if (this.#interrupted) await this.#cancelLive();
    // Cancelled for a failed dependency and never resubmitted: blocked behind that failure.
    else await this.#pass();
    const finals = [...this.#final.values()];
    return this.#driven(
      finals.includes('failed')
        ? 'failed'
        : this.#interrupted || finals.includes('interrupted')
          ? 'interrupted'
          : finals.includes('blocked')
            ? 'blocked'
            : 'ok',
    );
  }

  #driven(outcome: RunOutcome | 'submitted'): Driven {
    const g = this.#s.graph;
    const ranNow = (i: number): boolean => {
      const id = g.activities[i]!.id;
      return this.#submitted.has(id) || this.#adopted.has(id) || this.#checkpoints.has(id);
    };
    return {
      outcome,
      ranNow,
      rowStatus: (i): RowStatus => {
        const id = g.activities[i]!.id;
        const f = this.#final.get(id);
        if (this.#done.has(id)) return ranNow(i) ? 'done' : 'skipped';
        if (f === 'failed' || f === 'blocked') return f;
        if (f === 'interrupted' || this.#interrupted) return 'interrupted';
        return this.#s.selected(i) ? 'not-run' : 'excluded';
      },
    };
  }

  /** What earlier runs submitted: journal what ended, follow what still runs, resubmit the lost. */
  async #resume(): Promise<void> {
    const { graph } = this.#s;
    const open = openSlurmAttempts(this.#s.state).filter((a) => graph.byId.has(a.id));
    const views = await viewOpenAttempts(
      open,
      this.#o.client,
      this.#o.project.name,
      journaledJobIds(this.#s.state),
    );
    const resumedInterrupted: string[] = [];
    for (const a of open) {
      const ended = await this.#resumeOne(a, views.get(a.id) as SlurmView);
      if (ended === 'interrupted') resumedInterrupted.push(a.id);
    }
    if (resumedInterrupted.length > 0)
      this.#emit({ type: 'resumed', at: Date.now(), interrupted: resumedInterrupted });
  }

  async #resumeOne(
    o: OpenSlurmAttempt,
    v: SlurmView,
  ): Promise<'done' | 'interrupted' | 'following'> {
    if (v.kind === 'lost') {
      // Slurm has no job for this attempt: journaled as a crash, like a dead local run's.
      await this.#write(crashRecord(o, Date.now()));
      this.#emit({
        type: 'warning',
        at: Date.now(),
        message: `${o.id}: Slurm has no job for attempt ${o.attempt.attempt}${v.jobId === undefined ? '' : ` (job ${v.jobId})`}; submitting it again`,
      });
      return 'interrupted';
    }
    if (v.adopted)
      await this.#write({
        t: 'external-id',
        at: Date.now(),
        runId: o.attempt.runId,
        id: o.id,
        attempt: o.attempt.attempt,
        backend: SLURM_BACKEND,
        externalId: v.jobId,
      });
    const job = await this.#unblockable(v.jobId, v.job);
    const rec = outcomeRecord(o.id, o.attempt, job, Date.now(), this.#s.paths.root);
    if (rec !== undefined) {
      await this.#write(rec);
      if (rec.t !== 'finished') return 'interrupted';
      this.#done.add(o.id);
      return 'done';
    }
    this.#live.set(o.id, {
      runId: o.attempt.runId,
      attempt: o.attempt.attempt,
      jobId: v.jobId,
      startedAt: o.attempt.startedAt,
      log: o.attempt.log,
    });
    this.#adopted.set(o.id, v.jobId);
    this.#emit({
      type: 'activity-submitted',
      at: Date.now(),
      id: o.id,
      attempt: o.attempt.attempt,
      system: 'Slurm',
      externalId: v.jobId,
      adopted: true,
    });
    return 'following';
  }

  /** A job whose dependency can never be met is cancelled: it would wait forever. */
  async #unblockable(jobId: string, job: JobInfo): Promise<JobInfo> {
    if (job.phase !== 'pending' || job.reason !== 'DependencyNeverSatisfied') return job;
    await this.#o.client.cancel([jobId]);
    return { ...job, state: 'CANCELLED', phase: 'cancelled' };
  }

  #attemptsOf(id: string): number {
    return this.#s.state.activities.get(id)?.attempts.length ?? 0;
  }

  /**
   * Submits everything not done, not live, not final, not a person's (started or blocked by
   * hand: blocked in this run), whose predecessors can still succeed.
   * Activities without a command (checkpoints) are not submitted: like the local executor, they
   * are done once their predecessors are; until then, their dependents wait for the jobs they
   * wait for.
   */
  async #pass(): Promise<void> {
    const virtualDeps = new Map<string, readonly string[]>();
    for (const a of this.#order) {
      const id = a.id;
      if (this.#done.has(id) || this.#live.has(id) || this.#final.has(id) || !this.#selected(id))
        continue;
      // Work a person has (started or blocked by hand) is theirs: blocked in this run.
      const deps = handHold(this.#s.state.activities.get(id)) ?? this.#dependencies(a, virtualDeps);
      if (deps === 'waiting') continue;
      if ('kind' in deps) {
        this.#final.set(id, 'blocked');
        this.#blockedWhy.set(id, deps);
        this.#emit({
          type: 'activity-blocked',
          at: Date.now(),
          id,
          reason: deps,
          text: formatBlockReason(deps),
        });
        continue;
      }
      const after = [...new Set(deps)];
      if (a.phase.run !== undefined) await this.#submit(a, after);
      else if (after.length > 0) virtualDeps.set(id, after);
      else await this.#checkpoint(a);
    }
  }

  /**
   * The job ids activity `a` must wait for; `waiting` when a predecessor is not submitted yet
   * (it waits for a later pass itself); a block reason when one can never succeed in this run.
   */
  #dependencies(
    a: Activity,
    virtualDeps: ReadonlyMap<string, readonly string[]>,
  ): string[] | BlockReason | 'waiting' {
    const after: string[] = [];
    let waiting = false;
    for (const p of a.predecessors) {
      if (this.#done.has(p)) continue;
      const l = this.#live.get(p);
      if (l !== undefined) {
        after.push(l.jobId);
        continue;
      }
      const v = virtualDeps.get(p);
      if (v !== undefined) {
        after.push(...v);
        continue;
      }
      const f = this.#final.get(p);
      if (f !== undefined || !this.#selected(p))
        return {
          kind: 'dependency',
          on: p,
          status: f === undefined ? 'excluded' : f === 'blocked' ? 'blocked' : 'failed',
          log: this.#s.state.activities.get(p)?.attempts.at(-1)?.log,
          cause: this.#blockedWhy.get(p),
        };
      waiting = true;
    }
    return waiting ? 'waiting' : after;
  }

  /** Slurm assigns GPUs and pids out of our sight: a start shows neither. */
  #startEvent(a: Activity, at: number, attempt: number, log: string): RunEvent {
    return {
      type: 'activity-start',
      at,
      id: a.id,
      attempt,
      gpus: [],
      gpuUuids: [],
      log,
      pid: undefined,
      estimateHours: expectedHours(a.phase.estimate),
    };
  }

  async #checkpoint(a: Activity): Promise<void> {
    const { runId, paths } = this.#s;
    const id = a.id;
    const attempt = this.#attemptsOf(id) + 1;
    const log = relative(paths.root, join(paths.logs, logFileName(id)));
    const at = Date.now();
    await this.#write({ t: 'started', at, runId, id, attempt, backend: 'none', gpus: [], log });
    await this.#write({ t: 'finished', at, runId, id, attempt, exitCode: 0, durationMs: 0 });
    this.#reread();
    this.#done.add(id);
    this.#checkpoints.add(id);
    this.#emit(this.#startEvent(a, at, attempt, log));
    this.#emit({
      type: 'activity-done',
      at,
      id,
      attempt,
      durationMs: 0,
      estimateHours: expectedHours(a.phase.estimate),
    });
  }

  async #submit(a: Activity, after: readonly string[]): Promise<void> {
    const { runId, paths } = this.#s;
    const id = a.id;
    const attempt = this.#attemptsOf(id) + 1;
    const logAbs = join(paths.logs, logFileName(id));
    const log = relative(paths.root, logAbs);
    const scriptPath = join(paths.dir, 'slurm', runId, `${activityFileName(id)}.${attempt}.sh`);
    const spec: SubmissionSpec = {
      project: this.#o.project.name,
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
      partitions: this.#o.partitions,
    };
    const startedAt = Date.now();
    const base = { runId, id, attempt } as const;
    await this.#write({
      t: 'started',
      at: startedAt,
      ...base,
      backend: SLURM_BACKEND,
      gpus: [],
      log,
    });
    this.#reread();
    this.#triesInRun.set(id, (this.#triesInRun.get(id) ?? 0) + 1);
    let jobId: string;
    try {
      makeStateFolders(join(paths.dir, 'slurm', runId));
      writeStateFile(scriptPath, batchScript(spec), 0o755);
      jobId = await this.#o.client.submit(sbatchArgs(spec));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await this.#write({
        t: 'failed',
        at: Date.now(),
        ...base,
        reason: 'spawn-error',
        exitCode: null,
        signal: null,
        message,
        durationMs: 0,
        final: true,
      });
      this.#reread();
      this.#final.set(id, 'failed');
      this.#emit({
        type: 'activity-failed',
        at: Date.now(),
        id,
        attempt,
        failure: { reason: 'spawn-error', message },
        durationMs: 0,
        log,
        gpus: [],
        stderrTail: [],
      });
      return;
    }
    await this.#write({
      t: 'external-id',
      at: Date.now(),
      ...base,
      backend: SLURM_BACKEND,
      externalId: jobId,
    });
    this.#submitted.set(id, jobId);
    this.#emit({
      type: 'activity-submitted',
      at: Date.now(),
      id,
      attempt,
      system: 'Slurm',
      externalId: jobId,
      adopted: false,
    });
    this.#live.set(id, { runId, attempt, jobId, startedAt, log });
    this.#emit(this.#startEvent(a, Date.now(), attempt, log));
  }

  /** Polls the live jobs until none is left or the run is stopped. */
  async #follow(): Promise<void> {
    const signal = this.#s.signal;
    let queryFailures = 0;
    while (this.#live.size > 0) {
      await sleep(this.#o.pollMs ?? 2000, signal);
      if (signal.aborted) {
        this.#interrupted = true;
        return;
      }
      let jobs: Map<string, JobInfo>;
      try {
        jobs = await this.#o.client.query([...this.#live.values()].map((l) => l.jobId));
        queryFailures = 0;
      } catch (e) {
        // A busy or restarting controller: say so and ask again, up to a limit.
        if (!(e instanceof SlurmCommandError) || ++queryFailures > MAX_QUERY_FAILURES) throw e;
        this.#emit({
          type: 'warning',
          at: Date.now(),
          message: `asking Slurm for job states failed (${e.message}); retrying`,
        });
        continue;
      }
      let changed = false;
      for (const [id, l] of [...this.#live.entries()]) {
        const info = jobs.get(l.jobId);
        if (info === undefined) continue; // not visible yet (accounting lag): ask again
        if (await this.#ended(id, l, await this.#unblockable(l.jobId, info))) changed = true;
      }
      if (changed) {
        this.#reread();
        await this.#pass();
      }
    }
  }

  /** Journals a job's end, when it has ended; whether it had. */
  async #ended(id: string, l: Live, job: JobInfo): Promise<boolean> {
    if (!isTerminal(job.phase)) return false;
    const at = this.#s.state.activities
      .get(id)
      ?.attempts.find((x) => x.runId === l.runId && x.attempt === l.attempt);
    if (at === undefined) return false;
    const rec = outcomeRecord(id, at, job, Date.now(), this.#s.paths.root);
    if (rec === undefined) return false;
    this.#live.delete(id);
    const activity = this.#s.graph.byId.get(id)!;
    const durationMs =
      'durationMs' in rec && typeof rec.durationMs === 'number' ? rec.durationMs : 0;
    const base = { at: Date.now(), id, attempt: l.attempt } as const;
    if (rec.t === 'finished') {
      await this.#write(rec);
      this.#done.add(id);
      const estimateHours = expectedHours(activity.phase.estimate);
      this.#emit({ type: 'activity-done', ...base, durationMs, estimateHours });
    } else if (rec.t === 'failed') {
      const retry = (this.#triesInRun.get(id) ?? 0) <= activity.phase.retries;
      await this.#write({ ...rec, final: !retry });
      const failure = failureOf(job, activity.phase.timeoutSeconds);
      if (retry)
        this.#emit({
          type: 'activity-retry',
          ...base,
          attempt: l.attempt + 1,
          delayMs: 0,
          failure,
        });
      else {
        this.#final.set(id, 'failed');
        this.#emit({
          type: 'activity-failed',
          ...base,
          failure,
          durationMs,
          log: l.log,
          gpus: [],
          stderrTail: rec.stderrTail ?? [],
        });
      }
    } else {
      await this.#write(rec);
      // Slurm cancels a job whose predecessor failed (--kill-on-invalid-dep): that is not this
      // activity's failure; the next pass submits it again if the predecessor is retried.
      if (job.reason !== 'DependencyNeverSatisfied' && job.reason !== 'Dependency') {
        this.#final.set(id, 'interrupted');
        this.#emit({ type: 'activity-interrupted', ...base, reason: 'signal' });
      }
    }
    return true;
  }

  /** The run was stopped: scancel its live jobs and journal them as interrupted. */
  async #cancelLive(): Promise<void> {
    this.#emit({
      type: 'warning',
      at: Date.now(),
      message: "stopping: cancelling this run's Slurm jobs (scancel)",
    });
    await this.#o.client.cancel([...this.#live.values()].map((l) => l.jobId));
    for (const [id, l] of this.#live) {
      await this.#write({
        t: 'interrupted',
        at: Date.now(),
        runId: l.runId,
        id,
        attempt: l.attempt,
        reason: 'signal',
        durationMs: recordDurationMs(Date.now() - l.startedAt),
      });
      this.#emit({
        type: 'activity-interrupted',
        at: Date.now(),
        id,
        attempt: l.attempt,
        reason: 'signal',
      });
    }
    this.#live.clear();
  }
}
