import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend, ExitInfo, LaunchSpec, Launched } from './backend.js';
import type { LaunchHandlers, LaunchRequest } from './launcher.js';
import { Launcher } from './launcher.js';
import { groupRunning, killGroup } from './process-group.js';
import { logFaultText } from '../state/no-follow.js';
import { PASSING_LOG_FAULTS, startRefusal } from './refused-start.js';
import { stateOwner } from '../state/state-owner.js';

/**
 * Runs commands on this host with execa: a string through `/bin/sh -c`, an argv array without a
 * shell. Each attempt is the leader of its own process group (`detached`: setsid), so a signal to
 * `-pid` reaches everything it started. The spawning happens in launcher processes
 * (launcher.ts), which also open the logs and keep to their share of --jobs; this process keeps
 * the pids and does the signalling.
 */
/** Process groups of attempts in flight, for the synchronous exit backstop. */
const live = new Set<number>();

/** Process group ids of every local attempt still running. */
export function liveGroups(): readonly number[] {
  return [...live];
}

/**
 * Most launchers one run starts. Each is a node process of a few tens of MiB; more than one pays
 * only when commands are short, and then one per core is what the machine can use.
 */
const MAX_LAUNCHERS = 4;

/** How many launchers for `n` commands at once on this machine. */
export function launcherCount(n: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(n, cores, MAX_LAUNCHERS));
}

/** The byte launcher i appends to the shared failure count for each failure it counts. */
function markOf(i: number): string {
  return String.fromCharCode(65 + i);
}

/** One request as this process tracks it: which launcher has it, and in what state. */
export interface Request {
  readonly spec: LaunchRequest;
  /** What the executor hears. */
  readonly handlers: LaunchHandlers;
  launcher: Launcher;
  id: number;
  started: boolean;
  ended: boolean;
  /** Being taken back from a busy launcher, to go to one that would otherwise idle. */
  moving: boolean;
  /** The executor took it back (or stopped it before it started): it goes nowhere else. */
  dropped: boolean;
  /**
   * It has a --jobs slot: sent into a free one, or moved into one that a command's end freed. It
   * starts even behind a failure, and only a stop takes it back.
   */
  slot: boolean;
}

/**
 * The launchers of this run, each with its share of --jobs. A request goes to a launcher with a
 * free slot when there is one; queued ones wait in the launcher that took them, ready to start
 * the moment one of its commands ends. A queued request never waits behind a long command while
 * another launcher idles: it is taken back and handed to that one.
 */
export class LauncherPool {
  readonly launchers: Launcher[];
  readonly shares: number[];
  /** The launchers' shared failure count, open for launchers that start again. */
  readonly #countFd: number | undefined;
  /** Failures counted by the launchers that this process has looked at. */
  #looked = 0;
  /** Per launcher: the failures it counted and reported; those it counted and then died. */
  readonly #reported: number[];
  readonly #lost: number[];
  /** Sent, not started, not ended: where a launcher that idles takes work from. */
  readonly #queued = new Set<Request>();
  #closed = false;

  /** `count`: how many launchers (tests choose; a run takes launcherCount's). */
  constructor(jobs: number, count = launcherCount(jobs)) {
    let k = Math.max(1, Math.min(count, jobs));
    let countFd: number | undefined;
    if (k > 1) {
      // A file with no name: created, handed to each launcher, and its name removed at once.
      const name = join(
        tmpdir(),
        `critpath-failures-${process.pid}-${randomBytes(6).toString('hex')}`,
      );
      try {
        countFd = openSync(name, 'ax+');
        rmSync(name, { force: true });
      } catch {
        k = 1; // no temporary directory to write: one launcher, which counts alone
      }
    }
    this.#countFd = countFd;
    this.#reported = Array.from({ length: k }, () => 0);
    this.#lost = Array.from({ length: k }, () => 0);
    this.launchers = Array.from(
      { length: k },
      (_, i) =>
        new Launcher(
          countFd === undefined
            ? undefined
            : {
                fd: countFd,
                mark: markOf(i),
                looked: () => this.#looked,
                onGone: () => this.#onLauncherGone(i),
              },
        ),
    );
    this.shares = this.launchers.map((_, i) => Math.floor(jobs / k) + (i < jobs % k ? 1 : 0));
    this.launchers.forEach((l, i) => l.start(this.shares[i]!));
  }

  close(): void {
    this.#closed = true;
    for (const l of this.launchers) l.close();
    if (this.#countFd !== undefined) closeSync(this.#countFd);
  }

  /** A counted failure was looked at: every launcher hears it, since every one holds for it. */
  go(): void {
    this.#looked++;
    for (const l of this.launchers) l.go(this.#looked);
  }

  /** Slots launcher i has that nothing running or queued there will fill. */
  #free(i: number): number {
    return this.shares[i]! - this.launchers[i]!.load;
  }

  /** Where a request goes: the launcher with the most room for its share; the first on a tie. */
  #place(): Launcher {
    let best = 0;
    for (let i = 1; i < this.launchers.length; i++) {
      const a = this.launchers[i]!.load * this.shares[best]!;
      if (a < this.launchers[best]!.load * this.shares[i]!) best = i;
    }
    return this.launchers[best]!;
  }

  /** Sends a request to the launcher with the most room. */
  send(spec: LaunchRequest, handlers: LaunchHandlers): Request {
    const r: Request = {
      spec,
      handlers,
      launcher: this.#place(),
      id: 0,
      started: false,
      ended: false,
      moving: false,
      dropped: false,
      slot: spec.slot === true,
    };
    this.#dispatch(r);
    return r;
  }

  #dispatch(r: Request): void {
    this.#queued.add(r);
    r.id = r.launcher.launch(r.slot ? { ...r.spec, slot: true } : r.spec, {
      onStart: (pid, at) => {
        r.started = true;
        this.#queued.delete(r);
        // Too late to move: it runs where it is, and some other request may move instead.
        const wasMoving = this.#settleMove(r);
        r.handlers.onStart(pid, at);
        if (wasMoving) this.#rebalance();
      },
      onEnd: (exitCode, signal, error, counted, logFault, code) => {
        r.ended = true;
        this.#queued.delete(r);
        this.#settleMove(r);
        if (counted) this.#reported[this.launchers.indexOf(r.launcher)]!++;
        r.handlers.onEnd(exitCode, signal, error, counted, logFault, code);
        this.#rebalance();
      },
      onLost: (why) => {
        // Even work this process did not hear start may have: the launcher tells of a start a
        // turn after it. So every request it held is lost (the run stops), never tried again.
        this.#queued.delete(r);
        this.#settleMove(r);
        r.ended = true;
        r.handlers.onLost(why);
        this.#rebalance();
      },
      onWithdrawn: () => {
        this.#queued.delete(r);
        if (this.#settleMove(r) && !r.dropped) {
          r.launcher = this.#place();
          this.#dispatch(r);
        } else {
          r.ended = true;
          r.handlers.onWithdrawn();
        }
        this.#rebalance();
      },
    });
    this.#rebalance();
  }

  /** Takes `r` back if it has not started and has no slot; it goes to no other launcher. */
  withdraw(r: Request): void {
    if (r.started || r.ended || r.slot) return;
    r.dropped = true;
    r.launcher.withdraw(r.id);
  }

  /** Signals `r`, which has not started as far as this process knows: it goes nowhere else. */
  stop(r: Request, signal: NodeJS.Signals): void {
    if (r.ended) return;
    r.dropped = true;
    r.launcher.signal(r.id, signal);
  }

  /** A move of `r` is over (whichever way it went); whether one was under way. */
  #settleMove(r: Request): boolean {
    const was = r.moving;
    r.moving = false;
    return was;
  }

  /**
   * Launcher i is gone. Failures it counted in the shared file but could not report (it died
   * between the two) will never be looked at: they are taken as looked at, or every launcher
   * would hold for them forever.
   */
  #onLauncherGone(i: number): void {
    if (this.#countFd === undefined || this.#closed) return;
    const size = fstatSync(this.#countFd).size;
    const bytes = Buffer.alloc(size);
    readSync(this.#countFd, bytes, 0, size, 0);
    const mark = markOf(i).charCodeAt(0);
    let counted = 0;
    for (const b of bytes) if (b === mark) counted++;
    const lost = counted - this.#reported[i]! - this.#lost[i]!;
    if (lost <= 0) return;
    this.#lost[i]! += lost;
    this.#looked += lost;
    for (const l of this.launchers) l.go(this.#looked);
  }

  /** Failures reported to this process (or lost with their launcher) and not yet looked at. */
  #unlooked(): number {
    let n = -this.#looked;
    for (let i = 0; i < this.launchers.length; i++) n += this.#reported[i]! + this.#lost[i]!;
    return n;
  }

  /**
   * Takes queued work back from busy launchers while others have slots nothing will fill. What
   * moves gets the slot it moves into, unless a failure not yet looked at holds the pool: a
   * command's end freed that slot before any later failure, however long the move takes.
   */
  #rebalance(): void {
    if (this.launchers.length === 1 || this.#queued.size === 0) return;
    let idle = 0;
    for (let i = 0; i < this.launchers.length; i++) idle += Math.max(0, this.#free(i));
    // Requests on their way to an idle launcher already fill that many of its slots.
    let moving = 0;
    for (const r of this.#queued) if (r.moving) moving++;
    while (idle > moving) {
      // The first by rank of the requests waiting behind a launcher's running commands.
      let pick: Request | undefined;
      for (const r of this.#queued) {
        const i = this.launchers.indexOf(r.launcher);
        if (r.moving || r.dropped || this.#free(i) >= 0) continue;
        if (pick === undefined || r.spec.rank < pick.spec.rank) pick = r;
      }
      if (pick === undefined) return;
      pick.moving = true;
      if (this.#unlooked() <= 0) pick.slot = true;
      moving++;
      pick.launcher.withdraw(pick.id);
    }
  }
}

let pool: LauncherPool | undefined;
let jobs = 1;

/** Starts the launchers now, while this process is small, to run `n` commands at once. */
export function startLauncher(n: number): void {
  pool?.close();
  jobs = n;
  pool = new LauncherPool(n);
}

/** Ends the launchers (after the run; an exiting process closes them anyway). */
export function stopLauncher(): void {
  pool?.close();
  pool = undefined;
}

export const localBackend: Backend = {
  name: 'local',
  get queueAhead() {
    return jobs;
  },
  launch(spec: LaunchSpec): Launched {
    if (typeof spec.command !== 'string' && spec.command.length === 0)
      throw new Error('Internal error: empty command');
    pool ??= new LauncherPool(jobs);
    const p = pool;
    let pid: number | undefined;
    let failed = false;
    /** The command has ended (its group may not have). */
    let ended = false;
    type Began = Awaited<Launched['started']>;
    let resolveStarted: (s: Began) => void = () => undefined;
    let resolveDone: (e: ExitInfo) => void = () => undefined;
    const started = new Promise<Began>((res) => (resolveStarted = res));
    const done = new Promise<ExitInfo>((res) => (resolveDone = res));
    const r = p.send(
      {
        command: spec.command,
        cwd: spec.cwd,
        env: spec.env,
        log: spec.logFile,
        header: spec.logHeader,
        rank: spec.rank,
        slot: !spec.ahead,
        owner: stateOwner(spec.logFile),
      },
      {
        onStart(pgid, at) {
          pid = pgid;
          live.add(pgid);
          resolveStarted({ at, pid: pgid });
        },
        onEnd(exitCode, signal, error, counted, logFault, code) {
          // Only a failure a launcher counted holds the launchers, and only it wants a go. The
          // group stays live (a second Ctrl-C kills it) until the executor's SIGKILL after the end.
          failed = counted;
          ended = true;
          if (pid === undefined) resolveStarted({ at: Date.now(), pid: undefined });
          resolveDone(exitOf(spec, { exitCode, signal, error, logFault, code }));
        },
        onWithdrawn() {
          resolveStarted(undefined);
        },
        onLost(why) {
          // Nothing will see it end: it is stopped, and runs again on resume. One that started
          // unheard of is ended by the sweep of the run's tagged processes (local-run.ts).
          if (pid === undefined) {
            resolveStarted({ at: Date.now(), pid: undefined, lost: `${spec.activityId}: ${why}` });
            return;
          }
          live.delete(pid);
          killGroup(pid, 'SIGKILL');
          resolveDone({
            exitCode: null,
            signal: null,
            spawnError: undefined,
            hostError: `${spec.activityId}: ${why}`,
          });
        },
      },
    );
    return {
      started,
      externalId: undefined,
      done,
      kill(signal) {
        if (pid === undefined) return p.stop(r, signal);
        killGroup(pid, signal);
        if (ended && signal === 'SIGKILL') live.delete(pid);
      },
      lingers: () => pid !== undefined && ended && live.has(pid) && groupRunning(pid),
      withdraw() {
        p.withdraw(r);
      },
      settled() {
        if (failed) {
          failed = false;
          p.go();
        }
      },
    };
  },
};

/**
 * How an attempt that ended or never started reads for the executor: a log that cannot be
 * written is the host's fault (the run stops); a start the OS refused for want of room is the
 * host's too, for now (nothing more starts, what runs finishes); a command too long ever to
 * start is the task's failure, said with its size and the limits.
 */
function exitOf(
  spec: LaunchSpec,
  end: {
    exitCode: number | null;
    signal: string | null;
    error: string | undefined;
    logFault: string | undefined;
    code: string | undefined;
  },
): ExitInfo {
  const { exitCode, signal } = end;
  if (end.logFault !== undefined)
    return {
      exitCode,
      signal,
      spawnError: undefined,
      hostError: logFaultText(spec.logFile, end.logFault, end.error),
      // No descriptor or memory left to open the log: the host's want of room, which passes.
      ...(PASSING_LOG_FAULTS.has(end.logFault) ? { hostRefused: true } : {}),
    };
  const refusal = startRefusal(spec.activityId, end.code, spec.command, spec.env);
  if (refusal?.by === 'host')
    return { exitCode, signal, spawnError: undefined, hostError: refusal.text, hostRefused: true };
  return { exitCode, signal, spawnError: refusal?.text ?? end.error };
}
