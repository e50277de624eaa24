import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivityGraph } from '../model/activities.js';
import { expectedHours } from '../model/project.js';
import type { GpuAllocator } from '../gpu/allocator.js';
import type { GpuHostLocks } from '../gpu/host-locks.js';
import type { Gpu } from '../gpu/inventory.js';
import type { JournalWriter } from '../state/journal.js';
import type { StatePaths } from '../state/paths.js';
import { logFileName, logPathFor } from '../state/paths.js';
import type { InterruptReason } from '../state/records.js';
import type { Backend, ExitInfo, Launched } from './backend.js';
import type { Failure, RunEvent, RunOutcome } from './events.js';
import type { Scheduler } from './scheduler.js';
import { formatBlockReason } from './scheduler.js';

/**
 * What to do when an activity fails for good:
 * - `no-new` (default): start nothing new, let running work finish, exit 1;
 * - `continue` (`--keep-going`): run everything not downstream of the failure;
 * - `kill` (`--fail-fast`): stop running work too.
 */
export type FailureMode = 'no-new' | 'continue' | 'kill';

export interface ExecutorOptions {
  readonly graph: ActivityGraph;
  readonly scheduler: Scheduler;
  readonly paths: StatePaths;
  readonly runId: string;
  readonly jobs: number;
  readonly failureMode: FailureMode;
  /** First retry waits this long; each later one twice as long (at most 5 minutes). */
  readonly retryBaseMs: number;
  /** Between SIGTERM and SIGKILL when stopping work. */
  readonly graceMs: number;
  readonly gpus: readonly Gpu[];
  readonly allocator: GpuAllocator;
  readonly hostLocks: GpuHostLocks | undefined;
  readonly journal: JournalWriter;
  readonly backend: Backend;
  readonly emit: (e: RunEvent) => void;
  /** Aborting stops the run: running work gets SIGTERM, then SIGKILL after the grace period. */
  readonly signal: AbortSignal;
  /** Base environment of every command (normally process.env). */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
}

/** An attempt in flight. */
interface Running {
  readonly index: number;
  attempt: number;
  launched: Launched | undefined;
  startedAt: number;
  /** Set when critpath itself stops the attempt. */
  stopping: InterruptReason | undefined;
  /** Set when the timeout fired. */
  timedOut: boolean;
  killTimer: NodeJS.Timeout | undefined;
  /** Wakes a retry backoff early. */
  wake: (() => void) | undefined;
  /** Counts against --jobs: from its start until its process ends for good. */
  holdsSlot: boolean;
}

export interface ExecutorResult {
  readonly outcome: RunOutcome;
  /** Activities that ran to success in this run. */
  readonly ranNow: ReadonlySet<number>;
  readonly interrupted: ReadonlySet<number>;
}

const BACKOFF_CAP_MS = 5 * 60_000;

/** How an activity's turn in this run ended; `unstarted`: withdrawn before its command started. */
type TurnEnd = 'done' | 'failed' | 'interrupted' | 'unstarted';

/** Runs the scheduler's ready work until nothing more can start. */
export function execute(o: ExecutorOptions): Promise<ExecutorResult> {
  /** Activities started and not yet settled (their outcome journaled). */
  const running = new Map<number, Running>();
  /**
   * Activities holding one of the --jobs slots. A slot frees when the process ends, before its
   * record is synced: the sync holds back only the activity's dependents (and its GPUs).
   */
  let active = 0;
  const ranNow = new Set<number>();
  const interrupted = new Set<number>();
  const byIndex = new Map(o.gpus.map((g) => [g.index, g]));
  const baseEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.baseEnv)) if (v !== undefined) baseEnv[k] = v;
  let stopping: InterruptReason | 'no-new' | undefined;
  let anyFailed = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let resolveAll: (r: ExecutorResult) => void = () => undefined;
  const finished = new Promise<ExecutorResult>((r) => (resolveAll = r));
  let settled = false;

  /** Set when pump() had a GPU lock refused: it must look again later, whoever holds it now. */
  let refused = false;
  const confirm = (_id: string, gpus: readonly number[]): boolean => {
    if (o.hostLocks === undefined) return true;
    const r = o.hostLocks.lockAll(gpus);
    if (r.ok) return true;
    refused = true;
    o.allocator.setForeign(o.hostLocks.heldElsewhere());
    return false;
  };

  const releaseGpus = (id: string): void => {
    const gpus = o.allocator.release(id);
    if (gpus.length > 0) o.hostLocks?.unlockAll(gpus);
  };

  const stopAll = (reason: InterruptReason): void => {
    for (const r of running.values()) {
      if (r.stopping !== undefined) continue;
      r.stopping = reason;
      r.wake?.();
      r.launched?.kill('SIGTERM');
      r.killTimer = setTimeout(() => r.launched?.kill('SIGKILL'), o.graceMs);
    }
  };

  const onAbort = (): void => {
    if (stopping === 'signal') return;
    stopping = 'signal';
    stopAll('signal');
    pump();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) onAbort();

  const done = (): void => {
    if (settled) return;
    settled = true;
    if (pollTimer !== undefined) clearTimeout(pollTimer);
    o.signal.removeEventListener('abort', onAbort);
    for (const id of o.scheduler.ready) o.allocator.withdraw(o.graph.activities[id]!.id);
    const c = o.scheduler.counts();
    const outcome: RunOutcome =
      stopping === 'signal'
        ? 'interrupted'
        : anyFailed
          ? 'failed'
          : c.ready + c.waiting + c.blocked + c.running > 0
            ? 'blocked'
            : 'ok';
    resolveAll({ outcome, ranNow, interrupted });
  };

  function pump(): void {
    if (settled) return;
    if (stopping === undefined) {
      const slots = o.jobs - active;
      if (slots > 0 && o.scheduler.ready.length > 0) {
        for (const s of o.scheduler.pick(slots, o.allocator, confirm)) start(s.index, s.gpus);
      }
      // A queueing backend holds a few more, ready to start the moment a command ends.
      const ahead = Math.min(
        o.jobs + (o.backend.queueAhead ?? 0) - active,
        o.backend.queueAhead ?? 0,
      );
      if (ahead > 0 && o.scheduler.ready.length > 0) {
        for (const s of o.scheduler.pick(ahead, o.allocator, confirm, true)) start(s.index, s.gpus);
      }
      // GPUs held by another critpath: look again later. After a refused lock always, even when
      // its holder has let go since (heldElsewhere() is empty now): nothing else would wake us
      // when nothing of ours is running.
      if (
        active < o.jobs &&
        o.scheduler.ready.length > 0 &&
        o.hostLocks !== undefined &&
        pollTimer === undefined
      ) {
        const foreign = o.hostLocks.heldElsewhere();
        if (foreign.length > 0 || refused) {
          o.allocator.setForeign(foreign);
          pollTimer = setTimeout(() => {
            pollTimer = undefined;
            o.allocator.setForeign(o.hostLocks?.heldElsewhere() ?? []);
            pump();
          }, 500);
        }
      }
      refused = false;
    }
    if (
      running.size === 0 &&
      (stopping !== undefined || o.scheduler.ready.length === 0 || pollTimer === undefined)
    ) {
      if (stopping !== undefined || o.scheduler.ready.length === 0) done();
    }
  }

  function start(index: number, gpus: readonly number[]): void {
    const r: Running = {
      index,
      attempt: 0,
      launched: undefined,
      startedAt: Date.now(),
      stopping: undefined,
      timedOut: false,
      killTimer: undefined,
      wake: undefined,
      holdsSlot: true,
    };
    running.set(index, r);
    active++;
    void runActivity(r, gpus).then(
      (result) => settle(r, result),
      (e: unknown) => {
        // A bug, not a task failure: surface it and stop cleanly.
        o.emit({
          type: 'warning',
          at: Date.now(),
          message: `Internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        });
        settle(r, 'failed');
      },
    );
  }

  /** The activity's process is gone for good: another may start (its dependents may not yet). */
  function freeSlot(r: Running): void {
    if (!r.holdsSlot) return;
    r.holdsSlot = false;
    active--;
    pump();
  }

  function settle(r: Running, result: TurnEnd): void {
    const a = o.graph.activities[r.index]!;
    if (r.holdsSlot) {
      r.holdsSlot = false;
      active--;
    }
    running.delete(r.index);
    releaseGpus(a.id);
    if (result === 'done') {
      ranNow.add(r.index);
      o.scheduler.finished(r.index);
    } else if (result === 'interrupted') {
      interrupted.add(r.index);
      o.scheduler.interrupted(r.index);
    } else if (result === 'unstarted') {
      o.scheduler.interrupted(r.index);
    } else {
      anyFailed = true;
      const blocked = o.scheduler.failed(r.index, logPathFor(o.paths, a.id));
      for (const b of blocked) {
        const reason = o.scheduler.blockReason(b);
        if (reason !== undefined) {
          o.emit({
            type: 'activity-blocked',
            at: Date.now(),
            id: o.graph.activities[b]!.id,
            reason,
            text: formatBlockReason(reason),
          });
        }
      }
      noteFailure();
    }
    pump();
  }

  function noteFailure(): void {
    anyFailed = true;
    if (o.failureMode === 'kill' && stopping === undefined) {
      stopping = 'fail-fast';
      stopAll('fail-fast');
    } else if (o.failureMode === 'no-new' && stopping === undefined) {
      stopping = 'no-new';
      // Start nothing new: take back what a queueing backend holds but has not started, and
      // cut short the backoffs of retries (they find `stopping` set and do not start again).
      for (const r of running.values()) {
        r.launched?.withdraw();
        r.wake?.();
      }
    }
  }

  async function runActivity(r: Running, gpus: readonly number[]): Promise<TurnEnd> {
    const a = o.graph.activities[r.index]!;
    const phase = a.phase;
    const log = logPathFor(o.paths, a.id);
    const logFile = join(o.paths.logs, logFileName(a.id));
    const uuids = gpus.map((g) => byIndex.get(g)?.uuid ?? String(g));
    const env: Record<string, string> = { ...baseEnv };
    Object.assign(env, phase.env, {
      CRITPATH_TASK: a.task.id,
      CRITPATH_PHASE: phase.name ?? '',
      CRITPATH_ACTIVITY: a.id,
      CRITPATH_RUN_ID: o.runId,
    });
    if (gpus.length > 0) {
      env['CUDA_VISIBLE_DEVICES'] = gpus.join(',');
      env['CUDA_DEVICE_ORDER'] = 'PCI_BUS_ID';
      env['CRITPATH_GPU_UUIDS'] = uuids.join(',');
    }
    const estimateHours = expectedHours(phase.estimate);
    const maxAttempts = phase.retries + 1;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      r.attempt = attempt;
      r.timedOut = false;
      let startedAt = Date.now();
      r.startedAt = startedAt;
      const header = [
        `=== ${a.id} attempt ${attempt}/${maxAttempts} run ${o.runId} at `,
        `${gpus.length > 0 ? ` gpus ${gpus.join(',')}` : ''}\n`,
      ] as const;
      let exit: ExitInfo;
      /** Tells the backend the executor has acted on this attempt's end. */
      let settled: (() => void) | undefined;
      /** Journals this attempt's start (at `startedAt`), run by `backend`. */
      const journalStart = (
        backend: string,
        known: { pid?: number; externalId?: string } = {},
      ): void =>
        o.journal.write({
          t: 'started',
          at: startedAt,
          runId: o.runId,
          id: a.id,
          attempt,
          backend,
          ...known,
          gpus,
          log,
        });
      if (phase.run === undefined) {
        appendFileSync(logFile, `${header[0]}${new Date(startedAt).toISOString()}${header[1]}`);
        exit = { exitCode: 0, signal: null, spawnError: undefined };
        journalStart('none');
      } else {
        const launched = o.backend.launch({
          activityId: a.id,
          command: phase.run,
          cwd: o.paths.root,
          env,
          logFile,
          logHeader: header,
          logPath: log,
          gpus,
          rank: o.scheduler.rank(r.index),
        });
        r.launched = launched;
        const began = await launched.started;
        if (began === undefined) {
          // Withdrawn before it started (no new work after a failure, or a stop): never ran.
          if (r.killTimer !== undefined) clearTimeout(r.killTimer);
          r.launched = undefined;
          return 'unstarted';
        }
        const pid = began.pid;
        startedAt = began.at;
        r.startedAt = startedAt;
        settled = () => launched.settled();
        journalStart(o.backend.name, {
          ...(pid !== undefined ? { pid } : {}),
          ...(launched.externalId !== undefined ? { externalId: launched.externalId } : {}),
        });
        o.emit({
          type: 'activity-start',
          at: startedAt,
          id: a.id,
          attempt,
          gpus,
          gpuUuids: uuids,
          log,
          pid,
          estimateHours,
        });
        if (r.stopping !== undefined) launched.kill('SIGTERM');
        let timeout: NodeJS.Timeout | undefined;
        if (phase.timeoutSeconds !== undefined) {
          timeout = setTimeout(() => {
            r.timedOut = true;
            launched.kill('SIGTERM');
            r.killTimer = setTimeout(() => launched.kill('SIGKILL'), o.graceMs);
          }, phase.timeoutSeconds * 1000);
        }
        exit = await launched.done;
        if (timeout !== undefined) clearTimeout(timeout);
        if (r.killTimer !== undefined) clearTimeout(r.killTimer);
        // The command is gone, but a child it left in its group would hold the GPUs: end it.
        launched.kill('SIGKILL');
        r.launched = undefined;
      }
      const now = Date.now();
      const durationMs = now - startedAt;
      if (r.stopping !== undefined) {
        freeSlot(r);
        settled?.();
        await o.journal.append({
          t: 'interrupted',
          at: now,
          runId: o.runId,
          id: a.id,
          attempt,
          reason: r.stopping,
          durationMs,
        });
        o.emit({ type: 'activity-interrupted', at: now, id: a.id, attempt, reason: r.stopping });
        return 'interrupted';
      }
      if (exit.exitCode === 0 && exit.spawnError === undefined && !r.timedOut) {
        const finished = o.journal.append({
          t: 'finished',
          at: now,
          runId: o.runId,
          id: a.id,
          attempt,
          exitCode: 0,
          durationMs,
        });
        // The record is written (in order, ahead of any later start); the sync holds back only
        // the dependents, which settle() releases.
        freeSlot(r);
        settled?.();
        await finished;
        o.emit({ type: 'activity-done', at: now, id: a.id, attempt, durationMs, estimateHours });
        return 'done';
      }
      const failure: Failure = r.timedOut
        ? { reason: 'timeout', seconds: phase.timeoutSeconds ?? 0 }
        : exit.spawnError !== undefined
          ? { reason: 'spawn-error', message: exit.spawnError }
          : exit.signal !== null
            ? { reason: 'signal', signal: exit.signal }
            : { reason: 'exit-non-zero', exitCode: exit.exitCode ?? -1 };
      const final = attempt >= maxAttempts || stopping !== undefined;
      // Act on the failure at once (no new work under no-new/fail-fast), not after the journal sync.
      if (final) noteFailure();
      const failed = o.journal.append({
        t: 'failed',
        at: now,
        runId: o.runId,
        id: a.id,
        attempt,
        reason: failure.reason,
        exitCode: exit.exitCode,
        signal: exit.signal,
        ...(exit.spawnError !== undefined ? { message: exit.spawnError } : {}),
        durationMs,
        final,
      });
      if (final) freeSlot(r);
      settled?.();
      await failed;
      if (final) {
        o.emit({ type: 'activity-failed', at: now, id: a.id, attempt, failure, durationMs, log });
        return 'failed';
      }
      // A retry is new work: none once the run stops starting work (a signal, --fail-fast, or
      // another activity's failure under the default policy), also when that comes mid-backoff.
      if (r.stopping === undefined && stopping === undefined) {
        const delayMs = Math.min(o.retryBaseMs * 2 ** (attempt - 1), BACKOFF_CAP_MS);
        o.emit({
          type: 'activity-retry',
          at: now,
          id: a.id,
          attempt: attempt + 1,
          delayMs,
          failure,
        });
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delayMs);
          r.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        r.wake = undefined;
      }
      const reason = r.stopping ?? stopping;
      if (reason !== undefined) {
        const at = Date.now();
        await o.journal.append({
          t: 'interrupted',
          at,
          runId: o.runId,
          id: a.id,
          attempt,
          reason,
          durationMs: null,
        });
        o.emit({ type: 'activity-interrupted', at, id: a.id, attempt, reason });
        return 'interrupted';
      }
    }
    throw new Error('Internal error: retry loop ended');
  }

  pump();
  return finished;
}
