import { closeSync, lstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import type { Result } from '../result.js';
import { describeIoError, err, ok } from '../result.js';
import { replaceFile } from '../util/whole-file.js';

/**
 * Writes a report the user asked for (`--html FILE`) into an existing folder, never into the
 * project's state folder (`stateDir`). It replaces only a file that holds such a report already
 * (its text starts with `signature`; for `--html`, the HTML doctype): a task file or anything
 * else given there by mistake is left as it is, and so is a FIFO, a symbolic link or a folder.
 * A path that cannot be written (under /proc, a read-only folder, a full disk) is a message
 * naming the path, never an internal error, and a report already there is kept whole where
 * its folder takes a new file beside it (see replaceFile).
 */
export function writeOutputFile(
  path: string,
  text: string,
  opts: { readonly signature: string; readonly stateDir: string },
): Result<void, string> {
  const inside = relative(opts.stateDir, path);
  if (!(inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)))
    return err(`will not write ${path}: it is in critpath's state folder ${opts.stateDir}`);
  const refused = refusal(path, opts.signature);
  if (refused !== undefined) return err(`will not write ${path}: ${refused}`);
  try {
    replaceFile(path, text);
    return ok(undefined);
  } catch (e) {
    return err(`cannot write ${describeIoError(path, e)}`);
  }
}

/** Why `path` may not be written as a report; undefined when it may. */
function refusal(path: string, signature: string): string | undefined {
  const folder = dirname(path);
  try {
    if (!statSync(folder).isDirectory()) return `${folder} is not a folder`;
  } catch {
    return `there is no folder ${folder}`;
  }
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return undefined;
  }
  if (st.isSymbolicLink()) return 'it is a symbolic link';
  if (!st.isFile()) return 'it is not a regular file';
  return startsWith(path, signature)
    ? undefined
    : `it exists and is not an HTML file (remove it, or name another file)`;
}

/** Whether the file's first bytes are `prefix` (false when it cannot be read). */
function startsWith(path: string, prefix: string): boolean {
  const want = Buffer.from(prefix, 'utf8');
  const got = Buffer.alloc(want.length);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    return readSync(fd, got, 0, want.length, 0) === want.length && got.equals(want);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
