import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Result } from '../result.js';
import { describeIoError, err, ok } from '../result.js';
import { makeFolders } from '../util/make-folders.js';

/**
 * Writes a report the user asked for (`--html FILE`), making its missing folders first. A path
 * that cannot be written (under /proc, a read-only folder, a file where a folder should be) is a
 * message naming the path, never an internal error.
 */
export function writeOutputFile(path: string, text: string): Result<void, string> {
  try {
    makeFolders(dirname(path));
    writeFileSync(path, text, 'utf8');
    return ok(undefined);
  } catch (e) {
    return err(`cannot write ${describeIoError(path, e)}`);
  }
}
