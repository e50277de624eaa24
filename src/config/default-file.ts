import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** The task file used when none is named and no configuration names one. */
export const BUILTIN_TASK_FILE = 'tasks/epic-1a.yaml';

/** The default task file, and where that choice comes from (for the message when it is missing). */
export interface DefaultTaskFile {
  /** The path as commands print it: relative to the working directory, or absolute as written. */
  readonly file: string;
  /** `package.json` or `.critpathrc` that names it; undefined for the built-in default. */
  readonly from: string | undefined;
  /**
   * Why the nearest setting could not be used (`.critpathrc: not JSON (…)`), when it could not:
   * the built-in default is then the file, and the message when it is missing says why.
   */
  readonly problem?: string;
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

/**
 * What a settings file says: the file it names, nothing (an empty .critpathrc, a package.json
 * without a `critpath` key, or one that is not JSON and never mentions critpath), or why its
 * setting is unusable.
 */
function readSetting(path: string, name: string): { file?: string; problem?: string } {
  let text: string;
  let json: unknown;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { problem: `${name}: cannot be read (${(e as NodeJS.ErrnoException).code ?? e})` };
  }
  const pkg = name === 'package.json';
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    if (pkg && !text.includes('"critpath"')) return {};
    // An empty .critpathrc says nothing; one may hold the bare path, on one line.
    const bare = text.trim();
    if (!pkg && bare === '') return {};
    if (!pkg && !/[\n{}"[\]]/.test(bare)) return { file: bare };
    return { problem: `${name}: not JSON (${(e as Error).message})` };
  }
  const value = pkg ? (json as { critpath?: unknown } | null)?.critpath : json;
  if (pkg && value === undefined) return {};
  const file = fileSetting(value);
  if (file !== undefined) return { file };
  const key = pkg ? '"critpath"' : 'the setting';
  return {
    problem: `${name}: ${key} must be a path or {"file": path}, got ${JSON.stringify(value)}`,
  };
}

/** A setting's `path` as commands print it: absolute as written, else relative to `cwd`. */
function shownPath(cwd: string, dir: string, path: string): string {
  if (isAbsolute(path)) return path;
  return relative(cwd, resolve(dir, path)) || '.';
}

/**
 * The task file a command reads when none is named: from the nearest `.critpathrc` (JSON: a path,
 * or `{ "file": path }`; or the bare path on one line) or `critpath` key of a package.json, walking
 * up from `cwd`; a path is absolute, or relative to the folder holding the file that names it.
 * Else `tasks/epic-1a.yaml`, also when the nearest setting is unusable (then `problem` says why).
 */
export function defaultTaskFile(cwd: string): DefaultTaskFile {
  let dir = cwd;
  for (;;) {
    for (const name of ['.critpathrc', 'package.json']) {
      const path = join(dir, name);
      if (!existsSync(path)) continue;
      const setting = readSetting(path, name);
      const from = relative(cwd, path) || name;
      if (setting.problem !== undefined)
        return {
          file: BUILTIN_TASK_FILE,
          from: undefined,
          problem: setting.problem.replace(name, from),
        };
      if (setting.file !== undefined) return { file: shownPath(cwd, dir, setting.file), from };
    }
    const up = dirname(dir);
    if (up === dir) return { file: BUILTIN_TASK_FILE, from: undefined };
    dir = up;
  }
}
