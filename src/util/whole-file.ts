import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Files the user asked for are written whole or not at all where the file system allows: a
 * write cut short (a full disk, a quota) leaves no half a file where a whole one was, or where
 * none was. Each throws the error that stopped it (Node's, with its `code`).
 */

/**
 * Creates `path` (it must not exist) holding `text`, with `mode` when given, on disk before it
 * returns. When the write fails, the file it created is removed again: a retry after freeing
 * space does not find it "already there".
 */
export function writeNewFile(path: string, text: string, mode?: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    // The umask narrowed the mode at creation: the file gets the mode it replaces.
    if (mode !== undefined) fchmodSync(fd, mode & 0o7777);
    writeFileSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeQuietly(fd);
    unlinkQuietly(path);
    throw e;
  }
  try {
    closeSync(fd);
  } catch (e) {
    // A network file system may say only now that the data did not fit (EDQUOT).
    unlinkQuietly(path);
    throw e;
  }
}

/**
 * Writes `text` to `path`, replacing what is there only once the new text is on disk: into a
 * new file beside it (with the old one's mode), then renamed over it. A report the user may not
 * write is refused as a write in place would be. It is written in place where a rename cannot
 * keep what the file is: a file with other names (hard links), a folder that takes no new file
 * while the file may be written, a file a rename cannot replace (a bind mount: EBUSY; another
 * user's, in a sticky folder: EPERM).
 */
export function replaceFile(path: string, text: string): void {
  let mode: number | undefined;
  try {
    const st = statSync(path);
    accessSync(path, constants.W_OK);
    if (st.nlink > 1) return writeFileSync(path, text);
    mode = st.mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  // A name of fixed length: one derived from the report's could pass the folder's limit (255).
  const tmp = join(dirname(path), `.critpath-${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeNewFile(tmp, text, mode);
  } catch (e) {
    if (!inPlaceWill(e)) throw e;
    return writeFileSync(path, text);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkQuietly(tmp);
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EBUSY' && !inPlaceWill(e)) throw e;
    writeFileSync(path, text);
  }
}

/** A refusal to make or move a file in a folder that a write in place may not meet. */
function inPlaceWill(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM';
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Closed or not, the file is removed next.
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already, or not ours to remove: nothing more to undo.
  }
}
