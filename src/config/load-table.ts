/** `plan`'s way to a huge task file of plain tasks: read into columns (./task-table.ts). */
import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import type { TaskTable } from '../model/task-table.js';
import { readTaskTableJson } from './task-table-json.js';
import { readTaskTableYaml } from './task-table-yaml.js';

/**
 * Task files smaller than this (about 20k generated tasks) are loaded the usual way: it is fast
 * enough there, and it keeps their project cache entry.
 */
export const TABLE_MIN_BYTES = 4 * 1024 * 1024;

/**
 * The project of task file `file` as a table, when it is a regular file of at least `minBytes`
 * that a column reader reads (JSON when it opens with `{`, else YAML); else undefined (a file that cannot be read included: the usual
 * load then reports it).
 */
export function loadTaskTable(file: string, minBytes = TABLE_MIN_BYTES): TaskTable | undefined {
  let bytes: Buffer;
  try {
    // One read: the promise API reads a large file 512 KiB at a time, each through the pool.
    const st = statSync(file);
    if (!st.isFile() || st.size < minBytes) return undefined;
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  // Bytes that are not UTF-8: the usual load words the diagnostic.
  if (!isUtf8(bytes)) return undefined;
  let k = 0;
  while (
    k < bytes.length &&
    (bytes[k] === 32 || bytes[k] === 10 || bytes[k] === 13 || bytes[k] === 9)
  )
    k++;
  return bytes[k] === 123 ? readTaskTableJson(bytes) : readTaskTableYaml(bytes);
}
