import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend, ExitInfo, LaunchSpec, Launched } from './backend.js';
import { Launcher } from './launcher.js';
import { killGroup } from './process-group.js';

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

let pool: Launcher[] = [];
/** Commands launcher i runs at once: --jobs shared out. */
let shares: number[] = [];
let jobs = 1;

/** How many launchers for `n` commands at once on this machine. */
export function launcherCount(n: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(n, cores, MAX_LAUNCHERS));
}

/** Starts the launchers now, while this process is small, to run `n` commands at once. */
export function startLauncher(n: number): void {
  jobs = n;
  if (pool.length === 0) {
    pool = Array.from({ length: launcherCount(n) }, () => new Launcher());
  }
  const k = pool.length;
  // Never a launcher with no share: each is started for a slot of its own.
  shares = pool.map((_, i) => Math.max(1, Math.floor(n / k) + (i < n % k ? 1 : 0)));
  if (k === 1) {
    pool[0]!.start(shares[0]!);
    return;
  }
  // The launchers' shared failure count: a file they hold open and that has no name left.
  const name = join(tmpdir(), `critpath-failures-${process.pid}-${randomBytes(6).toString('hex')}`);
  const fd = openSync(name, 'ax');
  try {
    pool.forEach((l, i) => l.start(shares[i]!, fd));
  } finally {
    closeSync(fd);
    rmSync(name, { force: true });
  }
}

/** Ends the launchers (after the run; an exiting process closes them anyway). */
export function stopLauncher(): void {
  for (const l of pool) l.close();
  pool = [];
}

/** The launcher with the most room: fewest requests in hand for its share; the first on a tie. */
function leastLoaded(): Launcher {
  if (pool.length === 0) startLauncher(jobs);
  let best = 0;
  for (let i = 1; i < pool.length; i++)
    if (pool[i]!.load * shares[best]! < pool[best]!.load * shares[i]!) best = i;
  return pool[best]!;
}

/** A failure was looked at: every launcher hears it, since every one holds for it. */
function go(): void {
  for (const l of pool) l.go();
}

export const localBackend: Backend = {
  name: 'local',
  get queueAhead() {
    return jobs;
  },
  launch(spec: LaunchSpec): Launched {
    if (typeof spec.command !== 'string' && spec.command.length === 0)
      throw new Error('Internal error: empty command');
    let pid: number | undefined;
    let ended = false;
    let failed = false;
    let resolveStarted: (s: { at: number; pid: number | undefined } | undefined) => void = () =>
      undefined;
    let resolveDone: (e: ExitInfo) => void = () => undefined;
    const started = new Promise<{ at: number; pid: number | undefined } | undefined>(
      (r) => (resolveStarted = r),
    );
    const done = new Promise<ExitInfo>((r) => (resolveDone = r));
    const launcher = leastLoaded();
    const id = launcher.launch(
      {
        command: spec.command,
        cwd: spec.cwd,
        env: spec.env,
        log: spec.logFile,
        header: spec.logHeader,
        rank: spec.rank,
      },
      {
        onStart(p, at) {
          pid = p;
          live.add(p);
          resolveStarted({ at, pid: p });
        },
        onEnd(exitCode, signal, error) {
          ended = true;
          failed = exitCode !== 0 || error !== undefined;
          if (pid !== undefined) live.delete(pid);
          else resolveStarted({ at: Date.now(), pid: undefined });
          resolveDone({ exitCode, signal, spawnError: error });
        },
        onWithdrawn() {
          ended = true;
          resolveStarted(undefined);
        },
      },
    );
    return {
      started,
      externalId: undefined,
      done,
      kill(signal) {
        if (pid !== undefined) killGroup(pid, signal);
        else if (!ended) launcher.signal(id, signal);
      },
      withdraw() {
        if (pid === undefined && !ended) launcher.withdraw(id);
      },
      settled() {
        if (failed) {
          failed = false;
          go();
        }
      },
    };
  },
};
