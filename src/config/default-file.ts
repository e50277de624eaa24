import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The task file used when none is named and no configuration names one. */
export const BUILTIN_TASK_FILE = 'tasks/epic-1a.yaml';

/** The default task file, and where that choice comes from (for the message when it is missing). */
export interface DefaultTaskFile {
  /** The path as commands print it: relative to the working directory when it can be. */
  readonly file: string;
  /** `package.json` or `.critpathrc` that names it; undefined for the built-in default. */
  readonly from: string | undefined;
}

/** The `critpath` setting of a package.json, or a .critpathrc's: `"file.yaml"` or `{ "file": … }`. */
function fileSetting(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'object' && value !== null) {
    const f = (value as { file?: unknown }).file;
    if (typeof f === 'string' && f !== '') return f;
  }
  return undefined;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The task file a command reads when none is named: from the nearest `.critpathrc` (JSON: a path,
 * or `{ "file": path }`) or `critpath` key of a package.json, walking up from `cwd`; paths are
 * relative to the file that names them. Else `tasks/epic-1a.yaml`. Unreadable settings are
 * skipped (the built-in default, and its message when missing, say what was looked for).
 */
export function defaultTaskFile(cwd: string): DefaultTaskFile {
  let dir = cwd;
  for (;;) {
    for (const name of ['.critpathrc', 'package.json']) {
      const path = join(dir, name);
      if (!existsSync(path)) continue;
      const json = readJson(path);
      const f = fileSetting(
        name === 'package.json' ? (json as { critpath?: unknown } | undefined)?.critpath : json,
      );
      if (f !== undefined) {
        const rel = relative(cwd, join(dir, f));
        return { file: rel === '' ? f : rel, from: relative(cwd, path) || name };
      }
    }
    const up = dirname(dir);
    if (up === dir) return { file: BUILTIN_TASK_FILE, from: undefined };
    dir = up;
  }
}
