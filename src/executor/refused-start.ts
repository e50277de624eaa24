import { platform } from 'node:os';
import type { Command } from '../model/project.js';
import { argStringLimit, byteSize } from '../util/arg-limit.js';

/**
 * Starts the OS refused for want of something on the host, not for anything wrong with the
 * command: no process could be made (EAGAIN: the user's or the system's process limit, or
 * memory; ENOMEM), or no descriptor was left (EMFILE, ENFILE). These pass: the task runs again.
 * A command whose arguments and environment together are more than the OS passes to a program
 * (E2BIG) is too long every time it starts: that is the task's failure, as is a command that
 * cannot be found or run (ENOENT, EACCES).
 */
const REFUSALS: Readonly<Record<string, string>> = {
  EAGAIN:
    'the OS refused a new process for its command (EAGAIN: too many processes for the user, see ulimit -u, or for the system, or too little memory)',
  ENOMEM: 'the OS had no memory for a new process (ENOMEM)',
  EMFILE: 'this process has too many files open to start another (EMFILE)',
  ENFILE: 'the system has too many files open to start another process (ENFILE)',
};

/**
 * Log faults that are the host's passing want of room too: no descriptor or memory left to open
 * a command's log (which the launcher opens before it starts the command).
 */
export const PASSING_LOG_FAULTS: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE', 'ENOMEM']);

/** Why a start failed, as far as critpath can say: the host's passing want, or the command. */
export type StartRefusal =
  | { readonly by: 'host'; readonly text: string }
  | { readonly by: 'command'; readonly text: string };

/**
 * What a failed start of activity `id` means (`code`: the start's error code): the host
 * refusing for now (the line names the task), a command too long ever to start (the line says
 * its size and the limits), or undefined: the start's own error says it.
 */
export function startRefusal(
  id: string,
  code: string | undefined,
  command: Command,
  env: Readonly<Record<string, string>>,
): StartRefusal | undefined {
  if (code === 'E2BIG') return { by: 'command', text: tooLongText(command, env) };
  const why = code === undefined ? undefined : REFUSALS[code];
  return why === undefined ? undefined : { by: 'host', text: `${id}: ${why}` };
}

/** What made a command too long to start (E2BIG): its size, and the OS's limits. */
function tooLongText(command: Command, env: Readonly<Record<string, string>>): string {
  const bytes = (s: string): number => Buffer.byteLength(s) + 1;
  const strings = typeof command === 'string' ? [command] : command;
  let envBytes = 0;
  for (const k in env) envBytes += bytes(`${k}=${env[k]}`);
  const longest = strings.reduce((n, s) => Math.max(n, bytes(s) - 1), 0);
  const what =
    typeof command === 'string'
      ? `its command line is ${byteSize(longest)}`
      : `its ${strings.length} arguments are ${byteSize(strings.reduce((n, s) => n + bytes(s), 0))}, the longest ${longest} bytes,`;
  const limit = argStringLimit();
  const limits =
    platform() !== 'linux'
      ? 'more than the OS passes to a program (see getconf ARG_MAX)'
      : `while Linux takes at most ${limit === undefined ? '32 pages' : `${limit} bytes`} in one argument, and a quarter of the stack limit (ulimit -s) in all`;
  return `the command is too long for the OS to start (E2BIG): ${what} and its environment ${byteSize(envBytes)}, ${limits}`;
}
