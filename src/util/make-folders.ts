import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`, one folder at a time: up to the first folder that exists, then each missing one
 * down, each made with `mode` (default 0o777 less the umask). Node's recursive mkdir loops
 * forever where a parent refuses new folders without saying so (/proc/nope, or /dev/fd/.critpath
 * for a task file given as `<(cat tasks.yaml)`); this walk is bounded by the path's depth, and
 * such a folder is an error (ENOENT) like any other. A file where a folder should be is ENOTDIR.
 * Returns the folders it made, the top one first.
 */
export function makeFolders(dir: string, mode?: number): string[] {
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
  const made: string[] = [];
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, mode === undefined ? undefined : { mode });
      made.push(d);
    } catch (e) {
      // Made meanwhile by another process (two runs starting at once): what was wanted.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
  return made;
}
