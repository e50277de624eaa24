import { lstatSync } from 'node:fs';
import type { Diagnostic } from '../result.js';
import { ioErrorWords } from '../result.js';
import { inputUnreadable, IRREGULAR, readInputFile } from '../util/regular-file.js';

/** What the task file is, said for each reason readRegularFile gives. */
const WHAT: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  [IRREGULAR.fifo]: 'not a regular file (a FIFO)',
  [IRREGULAR.emptyFifo]: 'a FIFO or pipe that nothing writes to',
  [IRREGULAR.socket]: 'not a regular file (a socket)',
  [IRREGULAR.device]: 'not a regular file (a device)',
};

/** What a task file missing behind a symbolic link is (`ls` shows it, `cat` finds nothing). */
export const LINK_TO_NOTHING = 'a symbolic link to nothing (ENOENT)';

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * The diagnostic for a task file (or another input: `kind`) that cannot be read, from the reason
 * the read gave: in describeIoError's words where WHAT has none (`a loop of symbolic links
 * (ELOOP)`, as the logs folder says it), the bare code only where neither has.
 */
export function unreadableTaskFile(file: string, code: string, kind = 'task file'): Diagnostic {
  const what = code === 'ENOENT' && isLink(file) ? LINK_TO_NOTHING : WHAT[code];
  return {
    reason: 'io',
    message: `cannot read ${kind}: ${what ?? ioErrorWords(code) ?? code}`,
    position: { file, line: 1, col: 1 },
  };
}

/**
 * The task file's bytes (or another input's: `kind`), or the diagnostic saying why it cannot be
 * read: a pipe (`<(generate)`) is read to its end, a FIFO nothing writes to is never waited on.
 */
export async function readTaskFile(file: string, kind = 'task file'): Promise<Buffer | Diagnostic> {
  const r = await readInputFile(file);
  return Buffer.isBuffer(r) ? r : unreadableTaskFile(file, r.code, kind);
}

/**
 * Why the task file cannot be read, said as its load would say it; undefined when it can be
 * opened. Opens it without reading, for a verb that needs the file named rightly but not its
 * contents (`cancel`).
 */
export function taskFileUnreadable(file: string): Diagnostic | undefined {
  const r = inputUnreadable(file);
  return r === undefined ? undefined : unreadableTaskFile(file, r.code);
}
