import { closeSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Files the user asked for are written whole or not at all: a write cut short (a full disk, a
 * quota) never leaves half a file where a whole one was, or where none was. Each throws the
 * error that stopped it (Node's, with its `code`).
 */

/**
 * Creates `path` (it must not exist) holding `text`. When the write fails, the file it created
 * is removed again: a retry after freeing space does not find it "already there".
 */
export function writeNewFile(path: string, text: string): void {
  const fd = openSync(path, 'wx');
  try {
    writeFileSync(fd, text);
  } catch (e) {
    closeSync(fd);
    unlinkQuietly(path);
    throw e;
  }
  closeSync(fd);
}

/**
 * Writes `text` to `path`, replacing what is there only once the new text is on disk: into a
 * new file beside it, then renamed over it. Where the folder takes no new file but the file may
 * be written (its own permissions allow what the folder's do not), it is written in place.
 */
export function replaceFile(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeNewFile(tmp, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw e;
    writeFileSync(path, text);
    return;
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkQuietly(tmp);
    throw e;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already, or not ours to remove: nothing more to undo.
  }
}
