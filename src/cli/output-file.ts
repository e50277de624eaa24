import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Result } from '../result.js';
import { describeIoError, err, ok } from '../result.js';

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

/**
 * `mkdir -p`, one folder at a time: up to the first folder that exists, then each missing one
 * down. Node's recursive mkdir loops forever where a parent refuses new folders without saying
 * so (/proc/nope); this walk is bounded by the path's depth.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; ;) {
    try {
      if (!statSync(d).isDirectory())
        throw Object.assign(new Error(`${d} is not a folder`), { code: 'ENOTDIR' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}
