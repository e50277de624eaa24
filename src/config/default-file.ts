import { lstatSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { describeIoError } from '../result.js';
import { readRegularFile } from '../util/regular-file.js';
import { notUtf8 } from './utf8.js';

/** The task file `critpath init` writes when none is named; verbs find it without a name. */
export const STARTER_TASK_FILE = 'critpath.yaml';

/** This repository's workload: what verbs read in its root when no file is named. */
export const BUILTIN_TASK_FILE = 'tasks/epic-1a.yaml';

/** What verbs look for in each folder, after a setting, when no file is named: in this order. */
export const DEFAULT_NAMES = [STARTER_TASK_FILE, BUILTIN_TASK_FILE] as const;

/** The default task file, and where that choice comes from (for the message when it is missing). */
export interface DefaultTaskFile {
  /**
   * The path as commands print it: relative to the working directory, or absolute as a setting
   * wrote it. With no file found, or a problem, the starter file's name (what `init` writes).
   */
  readonly file: string;
  /** `package.json` or `.critpathrc` that names it; undefined for a file found by its name. */
  readonly from: string | undefined;
  /**
   * Why the nearest setting cannot be used (`.critpathrc: not JSON (…)`), when it cannot: then
   * there is no default file, and a verb that would read one stops with this message instead.
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
 * without a `critpath` key, or one that is not JSON and never mentions critpath: npm's business,
 * not critpath's), or why it is unusable (it cannot be read, is not JSON, or its setting has the
 * wrong shape). `shown` is its name in messages.
 */
function readSetting(
  path: string,
  shown: string,
  pkg: boolean,
): { file?: string; problem?: string } {
  const bytes = readRegularFile(path);
  if (!Buffer.isBuffer(bytes)) return { problem: `cannot read ${describeIoError(shown, bytes)}` };
  // A path it names would be read with its bad bytes replaced (U+FFFD): said as for task files.
  const encoding = pkg ? undefined : notUtf8(bytes, shown);
  if (encoding !== undefined) {
    const { line, col } = encoding.position;
    return { problem: `${shown}:${line}:${col}: ${encoding.message}` };
  }
  // A leading byte-order mark (Windows Notepad writes one) is no part of the JSON: JSON.parse
  // refuses it, as task files never are refused for it.
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    if (pkg && !text.includes('"critpath"')) return {};
    // An empty .critpathrc says nothing; one may hold the bare path, on one line.
    const bare = text.trim();
    if (!pkg && bare === '') return {};
    if (!pkg && !/[\n{}"[\]]/.test(bare)) return named(bare, shown, 'the setting');
    return { problem: `${shown}: not JSON (${(e as Error).message})` };
  }
  const value = pkg ? (json as { critpath?: unknown } | null)?.critpath : json;
  if (pkg && value === undefined) return {};
  const file = fileSetting(value);
  const key = pkg ? '"critpath"' : 'the setting';
  if (file !== undefined) return named(file, shown, key);
  return {
    problem: `${shown}: ${key} must be a path or {"file": path}, got ${clipped(JSON.stringify(value) ?? String(value))}`,
  };
}

/** The path a setting names, or why it can name none: longer than any path can be. */
function named(file: string, shown: string, key: string): { file?: string; problem?: string } {
  const bytes = Buffer.byteLength(file);
  if (bytes <= PATH_MAX) return { file };
  return {
    problem: `${shown}: ${key} names a path of ${bytes} bytes, longer than any path can be (${PATH_MAX})`,
  };
}

/** The longest path Linux takes (PATH_MAX), in bytes. */
const PATH_MAX = 4096;

/** `text`, or its first 40 characters and "…": a message stays one readable line. */
function clipped(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** A setting's `path` as commands print it: absolute as written, else relative to `cwd`. */
function shownPath(cwd: string, dir: string, path: string): string {
  if (isAbsolute(path)) return path;
  return relative(cwd, resolve(dir, path)) || '.';
}

/**
 * Whether something is at `path`, a link to nothing or a loop of links included: it is then
 * read, and what is wrong with it said, rather than passed over for a file further on.
 */
function present(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * The task file a command reads when none is named. The nearest folder, from `cwd` up, that holds
 * one of these decides, each looked for in this order: a `.critpathrc` (JSON: a path, or
 * `{ "file": path }`; or the bare path on one line), the `critpath` key of a package.json (a path
 * in either is absolute, or relative to the folder holding it), `critpath.yaml` (what `critpath
 * init` writes), `tasks/epic-1a.yaml` (this repository's workload). A settings file that exists
 * but cannot be used is a `problem`, never passed over.
 */
export function defaultTaskFile(cwd: string): DefaultTaskFile {
  for (let dir = cwd; ; dir = dirname(dir)) {
    for (const name of ['.critpathrc', 'package.json']) {
      const path = join(dir, name);
      if (!present(path)) continue;
      const from = relative(cwd, path) || name;
      const setting = readSetting(path, from, name === 'package.json');
      if (setting.problem !== undefined)
        return { file: STARTER_TASK_FILE, from: undefined, problem: setting.problem };
      if (setting.file !== undefined) return { file: shownPath(cwd, dir, setting.file), from };
    }
    for (const name of DEFAULT_NAMES)
      if (present(join(dir, name))) return { file: shownPath(cwd, dir, name), from: undefined };
    if (dirname(dir) === dir) return { file: STARTER_TASK_FILE, from: undefined };
  }
}
