import { join } from 'node:path';
import type { ActivityGraph } from '../model/activities.js';
import { expectedHours } from '../model/project.js';
import type { GpuAllocator } from '../gpu/allocator.js';
import type { GpuHostLocks } from '../gpu/host-locks.js';
import { describeWait } from '../gpu/host-locks.js';
import type { Gpu } from '../gpu/inventory.js';
import type { JournalWriter } from '../state/journal.js';
import type { StatePaths } from '../state/paths.js';
import { endsMidLine, readLogTail } from '../state/log-tail.js';
import { appendLog, logDiskFull, logFaultText } from '../state/no-follow.js';
import { PASSING_LOG_FAULTS } from './refused-start.js';
import { logFileName, logPathFor } from '../state/paths.js';
import type { InterruptReason } from '../state/records.js';
import { recordDurationMs } from '../state/record-bounds.js';
import { EnvironmentError } from '../result.js';
import type { LongTimer } from '../util/long-timer.js';
import { setLongTimeout } from '../util/long-timer.js';
import type { Backend, ExitInfo, Launched } from './backend.js';
import type { Failure, RunEvent, RunOutcome } from './events.js';
import type { BlockReason, Scheduler } from './scheduler.js';
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
  /**
   * Asked when an activity without a command comes up (the hand verbs may record those while a
   * run is live): `done` when a person did it by hand, a block reason when a person has it
   * (started or blocked by hand), undefined when no one does and the run marks it done.
   */
  readonly handNow?: (id: string) => BlockReason | 'done' | undefined;
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
  /** The SIGKILL due when the grace period after a SIGTERM ends. */
  killTimer: LongTimer | undefined;
  /** When that SIGKILL is due (epoch ms). */
  killAt: number;
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
  /** Why the host stopped the run (a log it could not open or write), if it did. */
  readonly hostFault: string | undefined;
  /** The hostFault is a start the OS refused: the run started nothing more, stopped nothing. */
  readonly hostRefused: boolean;
}

const BACKOFF_CAP_MS = 5 * 60_000;

/**
 * How an activity's turn in this run ended; `unstarted`: withdrawn before its command started;
 * `byHand`: a person did it (`done`) or has it (a block reason) since the run began.
 */
type TurnEnd =
  'done' | 'failed' | 'interrupted' | 'unstarted' | { readonly byHand: BlockReason | 'done' };

/** Runs the scheduler's ready work until nothing more can start. */
export function execute(o: ExecutorOptions): Promise<ExecutorResult> {
  return new Execution(o).run();
}

/** How an attempt's command ended, as far as this run is concerned. */
interface AttemptEnd {
  readonly exit: ExitInfo;
  readonly startedAt: number;
  /** Tells the backend the executor has acted on this attempt's end. */
  readonly settled: (() => void) | undefined;
}

/** One call of `execute`: the work in flight and how the run stands. */
class Execution {
  readonly #o: ExecutorOptions;
  /** Activities started and not yet settled (their outcome journaled). */
  readonly #running = new Map<number, Running>();
  /**
   * Activities holding one of the --jobs slots. A slot frees when the process ends, before its
   * record is synced: the sync holds back only the activity's dependents (and its GPUs).
   */
  #active = 0;
  readonly #ranNow = new Set<number>();
  readonly #interrupted = new Set<number>();
  readonly #byIndex: Map<number, Gpu>;
  readonly #baseEnv: Record<string, string> = {};
  #stopping: InterruptReason | 'no-new' | undefined;
  #anyFailed = false;
  /** The first log the host could not open or write: the run stopped for it. */
  #hostFault: string | undefined;
  /**
   * Why the OS refused a start for want of room (a process limit…), once it has: nothing more
   * starts, while the work running finishes, and a failure or a signal still acts as it would.
   */
  #startRefused: string | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #resolveAll: (r: ExecutorResult) => void = () => undefined;
  #settled = false;
  /** The last "waiting for GPU n, held by …" said per GPU: said again only when it changes. */
  readonly #waitNotes = new Map<number, string>();
  /** Set when pump() had a GPU lock refused: it must look again later, whoever holds it now. */
  #refused = false;
  readonly #onAbort = (): void => {
    if (this.#stopping === 'signal') return;
    this.#stopping = 'signal';
    this.#stopAll('signal');
    this.#pump();
  };
  readonly #confirm = (_id: string, gpus: readonly number[]): boolean => {
    const locks = this.#o.hostLocks;
    if (locks === undefined) return true;
    try {
      if (locks.lockAll(gpus).ok) return true;
    } catch (e) {
      // The lock folder failed mid-run (a tmp cleaner removed it): the host's fault.
      if (!(e instanceof EnvironmentError)) throw e;
      this.#stopForHost(e.message);
      return false;
    }
    this.#refused = true;
    this.#o.allocator.setForeign(locks.heldElsewhere());
    return false;
  };

  constructor(o: ExecutorOptions) {
    this.#o = o;
    this.#byIndex = new Map(o.gpus.map((g) => [g.index, g]));
    for (const [k, v] of Object.entries(o.baseEnv)) if (v !== undefined) this.#baseEnv[k] = v;
  }

  run(): Promise<ExecutorResult> {
    const finished = new Promise<ExecutorResult>((r) => (this.#resolveAll = r));
    this.#o.signal.addEventListener('abort', this.#onAbort, { once: true });
    if (this.#o.signal.aborted) this.#onAbort();
    this.#pump();
    return finished;
  }

  #releaseGpus(id: string): void {
    const gpus = this.#o.allocator.release(id);
    if (gpus.length > 0) this.#o.hostLocks?.unlockAll(gpus);
  }

  #stopAll(reason: InterruptReason): void {
    for (const r of this.#running.values()) {
      if (r.stopping !== undefined) continue;
      r.stopping = reason;
      r.wake?.();
      r.launched?.kill('SIGTERM');
      this.#killLater(r, () => r.launched?.kill('SIGKILL'));
    }
  }

  /**
   * Records the process group in the GPU locks. Failing that (the lock folder gone or full) is
   * said, not fatal: the locks hold while this run lives, and the next run sweeps what a dead
   * one left running.
   */
  #attachLocks(id: string, gpus: readonly number[], pid: number): void {
    try {
      this.#o.hostLocks?.attach(gpus, pid);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const message = `${id}: cannot record its process group (${pid}) in the locks of GPU ${gpus.join(', ')}: ${why}`;
      this.#o.emit({ type: 'warning', at: Date.now(), message });
    }
  }

  /** Sends `kill` (a SIGKILL) when the grace period after a SIGTERM sent now ends. */
  #killLater(r: Running, kill: () => void): void {
    r.killAt = Date.now() + this.#o.graceMs;
    r.killTimer = setLongTimeout(kill, this.#o.graceMs);
  }

  #done(): void {
    if (this.#settled) return;
    this.#settled = true;
    const o = this.#o;
    if (this.#pollTimer !== undefined) clearTimeout(this.#pollTimer);
    o.signal.removeEventListener('abort', this.#onAbort);
    for (const id of o.scheduler.ready) o.allocator.withdraw(o.graph.activities[id]!.id);
    const c = o.scheduler.counts();
    const outcome: RunOutcome =
      this.#stopping === 'signal' || this.#stopping === 'environment'
        ? 'interrupted'
        : this.#anyFailed
          ? 'failed'
          : this.#startRefused !== undefined
            ? 'interrupted'
            : c.ready + c.waiting + c.blocked + c.running > 0
              ? 'blocked'
              : 'ok';
    this.#resolveAll({
      outcome,
      ranNow: this.#ranNow,
      interrupted: this.#interrupted,
      hostFault: this.#hostFault ?? this.#startRefused,
      // Only where the refusal was all: a signal or a failure under --fail-fast stopped work too.
      hostRefused:
        this.#hostFault === undefined &&
        this.#startRefused !== undefined &&
        this.#stopping !== 'signal' &&
        this.#stopping !== 'fail-fast',
    });
  }

  #pump(): void {
    if (this.#settled) return;
    const o = this.#o;
    if (this.#startsHeld() === undefined) {
      // Every free slot is filled in this one step, before any end is looked at: what is
      // launched here starts, whatever ends meanwhile (a quick failure included) and however
      // long the backend takes to start it. The failure policy applies from the next step on.
      const slots = o.jobs - this.#active;
      if (slots > 0 && o.scheduler.ready.length > 0) {
        for (const s of o.scheduler.pick(slots, o.allocator, this.#confirm))
          this.#start(s.index, s.gpus, false);
      }
      // A queueing backend holds a few more, ready to start the moment a command ends; a
      // failure holds them, and takes them back under the default policy.
      const ahead = Math.min(
        o.jobs + (o.backend.queueAhead ?? 0) - this.#active,
        o.backend.queueAhead ?? 0,
      );
      if (ahead > 0 && o.scheduler.ready.length > 0) {
        for (const s of o.scheduler.pick(ahead, o.allocator, this.#confirm, true))
          this.#start(s.index, s.gpus, true);
      }
      this.#pollForeignLocks();
    }
    if (
      this.#running.size === 0 &&
      (this.#startsHeld() !== undefined || o.scheduler.ready.length === 0)
    )
      this.#done();
  }

  /**
   * GPUs held by another critpath: look again later. After a refused lock always, even when its
   * holder has let go since (heldElsewhere() is empty now): nothing else would wake us when
   * nothing of ours is running.
   */
  #pollForeignLocks(): void {
    const o = this.#o;
    if (
      this.#active < o.jobs &&
      o.scheduler.ready.length > 0 &&
      o.hostLocks !== undefined &&
      this.#pollTimer === undefined
    ) {
      const holders = o.hostLocks.holders();
      const foreign = [...holders.keys()];
      for (const [gpu, holder] of holders) {
        const text = describeWait(gpu, holder);
        if (this.#waitNotes.get(gpu) === text) continue;
        this.#waitNotes.set(gpu, text);
        o.emit({ type: 'warning', at: Date.now(), message: text });
      }
      if (foreign.length > 0 || this.#refused) {
        o.allocator.setForeign(foreign);
        this.#pollTimer = setTimeout(() => {
          this.#pollTimer = undefined;
          o.allocator.setForeign(o.hostLocks?.heldElsewhere() ?? []);
          this.#pump();
        }, 500);
      }
    }
    this.#refused = false;
  }

  /** `ahead`: picked ahead of a free slot (see Backend.queueAhead). */
  #start(index: number, gpus: readonly number[], ahead: boolean): void {
    const r: Running = {
      index,
      attempt: 0,
      launched: undefined,
      startedAt: Date.now(),
      stopping: undefined,
      timedOut: false,
      killTimer: undefined,
      killAt: 0,
      wake: undefined,
      holdsSlot: true,
    };
    this.#running.set(index, r);
    this.#active++;
    void this.#runActivity(r, gpus, ahead).then(
      (result) => this.#settle(r, result),
      (e: unknown) => {
        // The journal could not be written (a full disk): the run stops, the writer says why.
        if (e instanceof EnvironmentError) return this.#settle(r, 'interrupted');
        // A bug, not a task failure: surface it and stop cleanly.
        this.#o.emit({
          type: 'warning',
          at: Date.now(),
          message: `Internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        });
        this.#settle(r, 'failed');
      },
    );
  }

  /** The activity's process is gone for good: another may start (its dependents may not yet). */
  #freeSlot(r: Running): void {
    if (!r.holdsSlot) return;
    r.holdsSlot = false;
    this.#active--;
    this.#pump();
  }

  #settle(r: Running, result: TurnEnd): void {
    const o = this.#o;
    // A stop may have set it after the attempt ended (a host fault, heard of first elsewhere).
    r.killTimer?.clear();
    const a = o.graph.activities[r.index]!;
    if (r.holdsSlot) {
      r.holdsSlot = false;
      this.#active--;
    }
    this.#running.delete(r.index);
    this.#releaseGpus(a.id);
    if (result === 'done') {
      this.#ranNow.add(r.index);
      o.scheduler.finished(r.index);
    } else if (result === 'interrupted') {
      this.#interrupted.add(r.index);
      o.scheduler.interrupted(r.index);
    } else if (result === 'unstarted') {
      o.scheduler.interrupted(r.index);
    } else if (result === 'failed') {
      this.#anyFailed = true;
      this.#tellBlocked(o.scheduler.failed(r.index, logPathFor(o.paths, a.id)));
      this.#noteFailure();
    } else if (result.byHand === 'done') {
      o.scheduler.finished(r.index);
    } else {
      this.#tellBlocked(o.scheduler.held(r.index, result.byHand));
    }
    this.#pump();
  }

  #tellBlocked(indices: readonly number[]): void {
    const o = this.#o;
    for (const b of indices) {
      const reason = o.scheduler.blockReason(b);
      if (reason === undefined) continue;
      o.emit({
        type: 'activity-blocked',
        at: Date.now(),
        id: o.graph.activities[b]!.id,
        reason,
        text: formatBlockReason(reason),
      });
    }
  }

  /**
   * The host failed the run (`why`: a log it could not open or write), not a command: nothing
   * is journaled as failed. The run stops as for a signal, and `run` says why, exit 2.
   */
  #stopForHost(why: string): void {
    this.#hostFault ??= why;
    // Only a host fault stops with 'environment' (a refused start holds new work apart from it).
    if (this.#stopping === 'signal' || this.#stopping === 'environment') return;
    this.#stopping = 'environment';
    this.#stopAll('environment');
  }

  /**
   * The OS refused to start a command for want of room on the host (a process limit, memory,
   * descriptors): nothing more starts, and the work already running (hours of GPU work, maybe)
   * finishes; the run then ends interrupted, and `run` says why, exit 2.
   */
  #startNoMoreForHost(why: string): void {
    if (this.#startRefused !== undefined) return;
    this.#startRefused = why;
    this.#o.emit({
      type: 'warning',
      at: Date.now(),
      message: `${why}: starting nothing more; the work running now finishes`,
    });
    this.#startNothingNew();
  }

  /** Why no new work starts now, if none does: the run stopping, or the host refusing starts. */
  #startsHeld(): InterruptReason | 'no-new' | undefined {
    return this.#stopping ?? (this.#startRefused === undefined ? undefined : 'environment');
  }

  #noteFailure(): void {
    this.#anyFailed = true;
    if (this.#o.failureMode === 'kill' && this.#stopping === undefined) {
      this.#stopping = 'fail-fast';
      this.#stopAll('fail-fast');
    } else if (this.#o.failureMode === 'no-new' && this.#stopping === undefined) {
      this.#stopping = 'no-new';
      this.#startNothingNew();
    }
  }

  /**
   * Takes back what a queueing backend holds ahead of a slot and has not started (what has a
   * slot starts: the backend ignores the withdraw), and cuts short the backoffs of retries (they
   * find `stopping` set and do not start again).
   */
  #startNothingNew(): void {
    for (const r of this.#running.values()) {
      r.launched?.withdraw();
      r.wake?.();
    }
  }

  /** The command's environment: the base, the phase's own, critpath's, and the GPUs'. */
  #env(index: number, gpus: readonly number[], uuids: readonly string[]): Record<string, string> {
    const a = this.#o.graph.activities[index]!;
    const env: Record<string, string> = { ...this.#baseEnv };
    Object.assign(env, a.phase.env, {
      CRITPATH_TASK: a.task.id,
      CRITPATH_PHASE: a.phase.name ?? '',
      CRITPATH_ACTIVITY: a.id,
      CRITPATH_RUN_ID: this.#o.runId,
    });
    if (gpus.length > 0) {
      env['CUDA_VISIBLE_DEVICES'] = gpus.join(',');
      env['CUDA_DEVICE_ORDER'] = 'PCI_BUS_ID';
      env['CRITPATH_GPU_UUIDS'] = uuids.join(',');
    }
    return env;
  }

  /** `ahead`: its first attempt waits ahead of a slot; a retry keeps the slot it had. */
  async #runActivity(r: Running, gpus: readonly number[], ahead: boolean): Promise<TurnEnd> {
    const a = this.#o.graph.activities[r.index]!;
    // Picked in the step a host fault or a signal stopped the run (a lock folder that failed
    // while this step took the GPUs of another): it is left for the next run, unstarted.
    const held = this.#startsHeld();
    if (held === 'environment' || held === 'signal') return 'unstarted';
    const uuids = gpus.map((g) => this.#byIndex.get(g)?.uuid ?? String(g));
    const env = this.#env(r.index, gpus, uuids);
    if (a.phase.run === undefined) {
      const hand = this.#handNow(a.id);
      if (hand === 'unreadable') return 'unstarted';
      if (hand !== undefined) return { byHand: hand };
    }
    const maxAttempts = a.phase.retries + 1;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      r.attempt = attempt;
      r.timedOut = false;
      r.startedAt = Date.now();
      const ended = await this.#attempt(r, gpus, uuids, env, maxAttempts, ahead && attempt === 1);
      if (ended === undefined) return 'unstarted';
      const turn = await this.#journalEnd(r, ended, gpus, maxAttempts);
      if (turn !== undefined) return turn;
    }
    throw new Error('Internal error: retry loop ended');
  }

  /**
   * What a person did to an activity without a command since the run began (handNow);
   * `unreadable` when the journal cannot be read to know it: the run stops, as for a log the
   * host cannot write, and the activity is left for the next run.
   */
  #handNow(id: string): BlockReason | 'done' | 'unreadable' | undefined {
    try {
      return this.#o.handNow?.(id);
    } catch (e) {
      if (!(e instanceof EnvironmentError)) throw e;
      this.#stopForHost(e.message);
      return 'unreadable';
    }
  }

  /** Journals one attempt's start, then runs it; undefined when withdrawn before it started. */
  async #attempt(
    r: Running,
    gpus: readonly number[],
    uuids: readonly string[],
    env: Record<string, string>,
    maxAttempts: number,
    ahead: boolean,
  ): Promise<AttemptEnd | undefined> {
    const o = this.#o;
    const a = o.graph.activities[r.index]!;
    const attempt = r.attempt;
    const log = logPathFor(o.paths, a.id);
    const logFile = join(o.paths.logs, logFileName(a.id));
    // The header begins a line, whatever the attempt before it left at the log's end.
    const header = [
      `${endsMidLine(logFile) ? '\n' : ''}=== ${a.id} attempt ${attempt}/${maxAttempts} run ${o.runId} at `,
      `${gpus.length > 0 ? ` gpus ${gpus.join(',')}` : ''}\n`,
    ] as const;
    /** Journals this attempt's start (at `startedAt`), run by `backend`. */
    const journalStart = (
      startedAt: number,
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
    if (a.phase.run === undefined) {
      const startedAt = r.startedAt;
      const fault = appendLog(
        logFile,
        `${header[0]}${new Date(startedAt).toISOString()}${header[1]}`,
      );
      journalStart(startedAt, 'none');
      const exit: ExitInfo =
        fault === undefined
          ? { exitCode: 0, signal: null, spawnError: undefined }
          : {
              exitCode: null,
              signal: null,
              spawnError: undefined,
              hostError: logFaultText(logFile, fault.fault, fault.message),
              ...(PASSING_LOG_FAULTS.has(fault.fault) ? { hostRefused: true } : {}),
            };
      return { exit, startedAt, settled: undefined };
    }
    const launched = o.backend.launch({
      activityId: a.id,
      command: a.phase.run,
      cwd: o.paths.root,
      env,
      logFile,
      logHeader: header,
      logPath: log,
      gpus,
      rank: o.scheduler.rank(r.index),
      ahead,
    });
    r.launched = launched;
    const began = await launched.started;
    if (began === undefined || began.lost !== undefined) {
      // Withdrawn before it started (no new work after a failure, or a stop): never ran. Or lost
      // before the backend could tell: nothing journaled, and the run stops (it may have run:
      // the run's sweep ends it).
      if (began?.lost !== undefined) this.#stopForHost(began.lost);
      r.killTimer?.clear();
      r.launched = undefined;
      return undefined;
    }
    const pid = began.pid;
    // The GPUs stay locked while this process group lives, even if critpath dies.
    if (pid !== undefined && gpus.length > 0) this.#attachLocks(a.id, gpus, pid);
    r.startedAt = began.at;
    journalStart(began.at, o.backend.name, {
      ...(pid !== undefined ? { pid } : {}),
      ...(launched.externalId !== undefined ? { externalId: launched.externalId } : {}),
    });
    o.emit({
      type: 'activity-start',
      at: began.at,
      id: a.id,
      attempt,
      gpus,
      gpuUuids: uuids,
      log,
      pid,
      estimateHours: expectedHours(a.phase.estimate),
    });
    const followed = await this.#follow(r, launched);
    // A timeout is the command's, whatever the disk: it did not end in time.
    const exit = r.timedOut ? followed : blameFullDisk(a.id, logFile, followed);
    return { exit, startedAt: began.at, settled: () => launched.settled() };
  }

  /** Waits for a started attempt to end, stopping it at its timeout. */
  async #follow(r: Running, launched: Launched): Promise<ExitInfo> {
    const phase = this.#o.graph.activities[r.index]!.phase;
    if (r.stopping !== undefined) launched.kill('SIGTERM');
    // Timeouts and grace periods are the user's: they may be past what setTimeout can wait.
    let timeout: LongTimer | undefined;
    if (phase.timeoutSeconds !== undefined) {
      timeout = setLongTimeout(() => {
        r.timedOut = true;
        launched.kill('SIGTERM');
        this.#killLater(r, () => launched.kill('SIGKILL'));
      }, phase.timeoutSeconds * 1000);
    }
    const exit = await launched.done;
    timeout?.clear();
    // Stopped, its group gets what is left of the grace period: `sh -c` ends at the SIGTERM at
    // once, while the work it started may still be saving its state.
    if (r.killTimer !== undefined) await lingerOut(launched, r.killAt);
    r.killTimer?.clear();
    // The command is gone, but a child it left in its group would hold the GPUs: end it.
    launched.kill('SIGKILL');
    r.launched = undefined;
    return exit;
  }

  /**
   * Journals how an attempt ended and reports it; the activity's turn when it is over, undefined
   * when another attempt follows (after its backoff).
   */
  async #journalEnd(
    r: Running,
    ended: AttemptEnd,
    gpus: readonly number[],
    maxAttempts: number,
  ): Promise<TurnEnd | undefined> {
    const o = this.#o;
    const a = o.graph.activities[r.index]!;
    const { exit, startedAt, settled } = ended;
    const attempt = r.attempt;
    const now = Date.now();
    const durationMs = recordDurationMs(now - startedAt);
    const ids = { runId: o.runId, id: a.id, attempt } as const;
    if (r.stopping !== undefined) {
      this.#freeSlot(r);
      settled?.();
      await o.journal.append({ t: 'interrupted', at: now, ...ids, reason: r.stopping, durationMs });
      o.emit({ type: 'activity-interrupted', at: now, id: a.id, attempt, reason: r.stopping });
      return 'interrupted';
    }
    if (exit.hostError !== undefined) {
      // Set first: stopping the rest leaves this attempt, which has ended, alone.
      r.stopping = 'environment';
      if (exit.hostRefused === true) this.#startNoMoreForHost(exit.hostError);
      else this.#stopForHost(exit.hostError);
      this.#freeSlot(r);
      settled?.();
      const reason = 'environment';
      await o.journal.append({ t: 'interrupted', at: now, ...ids, reason, durationMs });
      o.emit({ type: 'activity-interrupted', at: now, id: a.id, attempt, reason });
      return 'interrupted';
    }
    if (exit.exitCode === 0 && exit.spawnError === undefined && !r.timedOut) {
      const finished = o.journal.append({
        t: 'finished',
        at: now,
        ...ids,
        exitCode: 0,
        durationMs,
      });
      // The record is written (in order, ahead of any later start); the sync holds back only
      // the dependents, which settle() releases.
      this.#freeSlot(r);
      settled?.();
      await finished;
      const estimateHours = expectedHours(a.phase.estimate);
      o.emit({ type: 'activity-done', at: now, id: a.id, attempt, durationMs, estimateHours });
      return 'done';
    }
    const failure: Failure = r.timedOut
      ? { reason: 'timeout', seconds: a.phase.timeoutSeconds ?? 0 }
      : exit.spawnError !== undefined
        ? { reason: 'spawn-error', message: exit.spawnError }
        : exit.signal !== null
          ? { reason: 'signal', signal: exit.signal }
          : { reason: 'exit-non-zero', exitCode: exit.exitCode ?? -1 };
    // With attempts left it is no final failure, even where the run starts nothing more now:
    // #retryOrStop then journals it interrupted, and the next run tries it again.
    const final = attempt >= maxAttempts;
    // Act on the failure at once (no new work under no-new/fail-fast), not after the journal sync.
    if (final) this.#noteFailure();
    const stderrTail = readLogTail(join(o.paths.logs, logFileName(a.id)));
    const failed = o.journal.append({
      t: 'failed',
      at: now,
      ...ids,
      reason: failure.reason,
      exitCode: exit.exitCode,
      signal: exit.signal,
      ...(exit.spawnError !== undefined ? { message: exit.spawnError } : {}),
      stderrTail,
      durationMs,
      final,
    });
    if (final) this.#freeSlot(r);
    settled?.();
    await failed;
    if (final) {
      const log = logPathFor(o.paths, a.id);
      o.emit({
        type: 'activity-failed',
        at: now,
        id: a.id,
        attempt,
        failure,
        durationMs,
        log,
        gpus,
        stderrTail,
      });
      return 'failed';
    }
    return this.#retryOrStop(r, failure, now);
  }

  /**
   * A retry is new work: none once the run stops starting work (a signal, --fail-fast, or
   * another activity's failure under the default policy), also when that comes mid-backoff.
   * Undefined when the next attempt may start; else the turn ends interrupted.
   */
  async #retryOrStop(r: Running, failure: Failure, now: number): Promise<TurnEnd | undefined> {
    const o = this.#o;
    const a = o.graph.activities[r.index]!;
    const attempt = r.attempt;
    if (r.stopping === undefined && this.#startsHeld() === undefined) {
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
    const reason = r.stopping ?? this.#startsHeld();
    if (reason === undefined) return undefined;
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

/**
 * A command that failed while its log's disk is full failed for that, most likely (its output
 * could not be written): the host's fault. The attempt is then interrupted, to run again once
 * there is room, rather than failed, which would block what depends on it.
 */
function blameFullDisk(id: string, logFile: string, exit: ExitInfo): ExitInfo {
  const failed = exit.exitCode !== 0 || exit.signal !== null;
  if (!failed || exit.hostError !== undefined || exit.spawnError !== undefined) return exit;
  const full = logDiskFull(logFile);
  return full === undefined ? exit : { ...exit, hostError: `${id}: ${full}` };
}

/** How often a stopped command's group is looked at while it uses up its grace period. */
const LINGER_POLL_MS = 100;

/** Waits until nothing the attempt started still runs, or until `until` (epoch ms). */
async function lingerOut(launched: Launched, until: number): Promise<void> {
  while (launched.lingers?.() === true && Date.now() < until)
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(LINGER_POLL_MS, until - Date.now())),
    );
}
