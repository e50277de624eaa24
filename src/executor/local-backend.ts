import { execa } from 'execa';
import type { Options } from 'execa';
import type { Backend, ExitInfo, LaunchSpec, Launched } from './backend.js';
import { killGroup } from './process-group.js';

/**
 * Runs commands on this host with execa: a string through `/bin/sh -c`, an argv array without a
 * shell. Each attempt is the leader of its own process group (`detached`), so a signal to
 * `-pid` reaches everything it started.
 */
/** Process groups of attempts in flight, for the synchronous exit backstop. */
const live = new Set<number>();

/** Process group ids of every local attempt still running. */
export function liveGroups(): readonly number[] {
  return [...live];
}

export const localBackend: Backend = {
  name: 'local',
  launch(spec: LaunchSpec): Launched {
    const argv: readonly string[] =
      typeof spec.command === 'string' ? ['/bin/sh', '-c', spec.command] : spec.command;
    const file = argv[0];
    if (file === undefined) throw new Error('Internal error: empty command');
    const args: string[] = argv.slice(1);
    // execa passes a file descriptor straight to the child at runtime (no stream, no copying in
    // this process); its typings only admit a few literal numbers, hence the cast.
    const logFd = spec.logFd as unknown as 'inherit';
    const options = {
      cwd: spec.cwd,
      env: { ...spec.env },
      extendEnv: false,
      detached: true,
      stdin: 'ignore',
      stdout: logFd,
      stderr: logFd,
      reject: false,
      buffer: false,
    } satisfies Options;
    const child = execa(file, args, options);
    const pid = child.pid;
    if (pid !== undefined) live.add(pid);
    const done: Promise<ExitInfo> = child.then(
      (r) => {
        const started = r.exitCode !== undefined || r.signal !== undefined;
        return {
          exitCode: r.exitCode ?? null,
          signal: r.signal ?? null,
          spawnError: started
            ? undefined
            : (r.originalMessage ?? r.shortMessage ?? 'could not start'),
        };
      },
      (e: unknown) => ({
        exitCode: null,
        signal: null,
        spawnError: e instanceof Error ? e.message : String(e),
      }),
    );
    void done.then(() => {
      if (pid !== undefined) live.delete(pid);
    });
    return {
      pid,
      externalId: undefined,
      done,
      kill(signal) {
        if (pid !== undefined) killGroup(pid, signal);
      },
    };
  },
};
