import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import type { Diagnostic } from '../result.js';

/** The diagnostic for a task file that cannot be read, from the error code the read gave. */
export function unreadableTaskFile(file: string, code: string): Diagnostic {
  const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code;
  return {
    reason: 'io',
    message: `cannot read task file: ${what}`,
    position: { file, line: 1, col: 1 },
  };
}

/**
 * Why the task file cannot be read, said as its load would say it; undefined when it can be
 * opened. Opens it without reading (a FIFO there is not waited on), for a verb that needs the
 * file named rightly but not its contents (`cancel`).
 */
export function taskFileUnreadable(file: string): Diagnostic | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    return fstatSync(fd).isDirectory() ? unreadableTaskFile(file, 'EISDIR') : undefined;
  } catch (e) {
    return unreadableTaskFile(file, (e as NodeJS.ErrnoException).code ?? 'error');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
