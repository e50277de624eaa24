import type { Backend, ExitInfo, LaunchSpec, Launched } from './backend.js';
import { Launcher } from './launcher.js';
import { killGroup } from './process-group.js';

/**
 * Runs commands on this host with execa: a string through `/bin/sh -c`, an argv array without a
 * shell. Each attempt is the leader of its own process group (`detached`: setsid), so a signal to
 * `-pid` reaches everything it started. The spawning happens in the launcher process
 * (launcher.ts), which also opens the logs and keeps to --jobs; this process keeps the pids and
 * does the signalling.
 */
/** Process groups of attempts in flight, for the synchronous exit backstop. */
const live = new Set<number>();

/** Process group ids of every local attempt still running. */
export function liveGroups(): readonly number[] {
  return [...live];
}

const launcher = new Launcher();
let jobs = 1;

/** Starts the launcher process now, while this process is small, to run `n` commands at once. */
export function startLauncher(n: number): void {
  jobs = n;
  launcher.start(n);
}

/** Ends the launcher (after the run; an exiting process closes it anyway). */
export function stopLauncher(): void {
  launcher.close();
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
          launcher.go();
        }
      },
    };
  },
};
