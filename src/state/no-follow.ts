import { closeSync, constants, fstatSync, openSync, statfsSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeIoError } from '../result.js';
import { giveToSudoUser } from './state-owner.js';

/**
 * Opens `path` with `flags`, never through a symbolic link and never waiting on a FIFO
 * (O_NOFOLLOW | O_NONBLOCK): a link planted where a state file belongs would lead writes
 * elsewhere, and a FIFO would block the open forever. `'link'` when a symbolic link stands
 * there (ELOOP; EMLINK on some BSDs); any other failure is thrown for the caller to word.
 */
export function openNoFollow(path: string, flags: number, mode?: number): number | 'link' {
  try {
    return openSync(path, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') return 'link';
    throw e;
  }
}

/**
 * Why a log could not be opened or written: `'link'` (a symbolic link stands there),
 * `'not-file'` (a FIFO, a folder, a device), or the error's code (`'?'`: it had none).
 */
export type LogFault = string;

/** The one line that says why `path`, a log, could not be opened or written. */
export function logFaultText(path: string, fault: LogFault, message = ''): string {
  if (fault === 'link') return `the log ${path} is a symbolic link; move it away`;
  if (fault === 'not-file') return `the log ${path} is not a regular file; move it away`;
  const code = fault === '?' ? undefined : fault;
  return `cannot write the log ${describeIoError(path, { code, message })}`;
}

/**
 * Appends `text` to the log `path` (created when missing) as the launcher does: a regular file
 * only, never through a link, never into a FIFO. Undefined when done, else the fault.
 */
export function appendLog(
  path: string,
  text: string,
): { fault: LogFault; message: string } | undefined {
  let fd: number | 'link';
  try {
    fd = openNoFollow(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o666);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENXIO') return { fault: 'not-file', message: '' };
    return { fault: code ?? '?', message: e instanceof Error ? e.message : String(e) };
  }
  if (fd === 'link') return { fault: 'link', message: '' };
  try {
    if (!fstatSync(fd).isFile()) return { fault: 'not-file', message: '' };
    giveToSudoUser(fd, path);
    const bytes = Buffer.from(text);
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { fault: code ?? '?', message: e instanceof Error ? e.message : String(e) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Why a failed attempt is the host's fault, not its command's: the file system of its log, which
 * the command writes straight to, is full (for root, which may use the blocks kept in reserve,
 * when those are gone too). The one line that says so; undefined when there is room, or no way
 * to tell.
 */
export function logDiskFull(path: string): string | undefined {
  try {
    const fs = statfsSync(dirname(path));
    // A file system that counts no blocks (ramfs) cannot say.
    if (fs.blocks === 0) return undefined;
    // A write that failed for want of space leaves none: a block free means there was room.
    const blocks = process.getuid?.() === 0 ? fs.bfree : fs.bavail;
    if (blocks > 0) return undefined;
  } catch {
    return undefined;
  }
  return `${logFaultText(path, 'ENOSPC')}; the command failed with the disk full`;
}
