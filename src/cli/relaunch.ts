/**
 * Huge task files and huge pages. Reading a task file of hundreds of MiB fills large arrays (its
 * bytes, the task columns, the id table), and each 4 KiB page of them costs a page fault when
 * first touched, and a TLB entry. Where Linux gives transparent huge pages only to memory that
 * asks for them (`madvise` mode), glibc's malloc asks only when the GLIBC_TUNABLES environment
 * variable says `glibc.malloc.hugetlb=1`, which it reads once, when the process starts. So a verb
 * that reads such a file starts critpath again with that setting and waits for it: the command,
 * its output and its exit status are the second process's. Elsewhere (other systems, THP
 * `always` or `never`, GLIBC_TUNABLES already set, CRITPATH_NO_RELAUNCH set) nothing changes.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';

/**
 * Task files from this size on (about 350k generated tasks) are read by a relaunched process.
 * Measured here: a 177 MiB file's `plan` gains a second; at 17 MiB (100k tasks) the gain does not
 * pay for the second start, and the peak RSS is higher by a tenth.
 */
export const RELAUNCH_MIN_BYTES = 64 * 1024 * 1024;

/** The glibc setting the second process starts with. */
export const HUGE_PAGE_TUNABLE = 'glibc.malloc.hugetlb=1';

/** Set in the second process's environment (and removed from it once started): no third. */
const RELAUNCHED = 'CRITPATH_RELAUNCHED';

/** The verbs that only read the task file; `run` and the hand-work verbs are never relaunched. */
const READING_VERBS = new Set(['validate', 'plan', 'graph', 'status']);

/** What the decision looks at: the host, as functions so that tests can give their own. */
export interface RelaunchHost {
  readonly platform: string;
  /** The environment: a relaunched process removes the relaunch's settings from it. */
  readonly env: Record<string, string | undefined>;
  /** The transparent-huge-page mode (`always`, `madvise`, `never`), or undefined. */
  readonly thpMode: () => string | undefined;
  /** The size of `path` when it is a regular file, else undefined. */
  readonly fileSize: (path: string) => number | undefined;
}

/** Whether `critpath ARGV` should run in a second process with huge pages (see the top). */
export function shouldRelaunch(
  argv: readonly string[],
  host: RelaunchHost,
  minBytes = RELAUNCH_MIN_BYTES,
): boolean {
  const { env } = host;
  if (host.platform !== 'linux') return false;
  if (env['GLIBC_TUNABLES'] !== undefined || env[RELAUNCHED] !== undefined) return false;
  if (env['CRITPATH_NO_RELAUNCH'] !== undefined) return false;
  // The program's own options take no values, so the first other word names the verb (main.ts).
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at < 0 || !READING_VERBS.has(argv[at]!)) return false;
  const huge = argv
    .slice(at + 1)
    .some((a) => !a.startsWith('-') && (host.fileSize(a) ?? 0) >= minBytes);
  return huge && host.thpMode() === 'madvise';
}

/** The bracketed word of /sys/kernel/mm/transparent_hugepage/enabled (`always [madvise] never`). */
export function thpModeOf(text: string): string | undefined {
  return /\[(\w+)\]/.exec(text)?.[1];
}

/** This process's host. */
export const PROCESS_HOST: RelaunchHost = {
  platform: process.platform,
  env: process.env,
  thpMode: () => {
    try {
      return thpModeOf(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'));
    } catch {
      return undefined;
    }
  },
  fileSize: (path) => {
    try {
      const st = statSync(path);
      return st.isFile() ? st.size : undefined;
    } catch {
      return undefined;
    }
  },
};

/** Signals passed on to the second process while it runs (a terminal sends SIGINT to both). */
const PASSED_ON = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `critpath ARGV` in a second process with huge pages when shouldRelaunch says so: its exit
 * code, once it ended. Undefined where it should not, or where the second process could not be
 * started: then this process runs the command. A second process killed by a signal kills this one
 * with the same signal.
 */
export async function relaunchForHugeInput(
  argv: readonly string[],
  host: RelaunchHost = PROCESS_HOST,
): Promise<number | undefined> {
  if (host.env[RELAUNCHED] !== undefined) {
    forgetRelaunch(host.env);
    return undefined;
  }
  if (!shouldRelaunch(argv, host)) return undefined;
  const script = process.argv[1];
  if (script === undefined) return undefined;
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    stdio: 'inherit',
    env: { ...host.env, GLIBC_TUNABLES: HUGE_PAGE_TUNABLE, [RELAUNCHED]: '1' },
  });
  const passOn = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const s of PASSED_ON) process.on(s, passOn);
  const ended = await new Promise<
    { code: number | null; signal: NodeJS.Signals | null } | undefined
  >((resolve) => {
    let started = false;
    child.once('spawn', () => (started = true));
    // An error once it started (a signal it could not be sent) leaves it running: its exit ends.
    child.on('error', () => {
      if (!started) resolve(undefined);
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  for (const s of PASSED_ON) process.off(s, passOn);
  if (ended === undefined) return undefined;
  if (ended.signal === null) return ended.code ?? 1;
  process.kill(process.pid, ended.signal);
  return 128 + (constants.signals[ended.signal] ?? 0);
}

/**
 * The second process's environment as the user's again (what it starts, nvidia-smi, sees theirs):
 * without the marker, and without the tunable, which the user did not have (shouldRelaunch).
 */
function forgetRelaunch(env: Record<string, string | undefined>): void {
  delete env[RELAUNCHED];
  delete env['GLIBC_TUNABLES'];
}
