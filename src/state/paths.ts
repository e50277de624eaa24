import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { EnvironmentError } from '../result.js';

/** Where a task file's run state lives. */
export interface StatePaths {
  /** The project root: commands run here, `.critpath/` lives here. */
  readonly root: string;
  /** `<root>/.critpath`. */
  readonly dir: string;
  /** The task file's path relative to the root, with `/`: what its state is keyed by. */
  readonly key: string;
  /** The append-only journal of this task file: `.critpath/<key less .yaml>.journal`. */
  readonly journal: string;
  /** The one-run-at-a-time lock: `.critpath/<key less .yaml>.lock`. */
  readonly lock: string;
  /** This task file's activity logs: `.critpath/logs/<key less .yaml>/`. */
  readonly logs: string;
}

/**
 * The project root of a task file: `explicit` (`--root`) when given; else the root of the git
 * repository holding the file (the nearest folder at or above it with a `.git`); else the file's
 * own folder. Nothing else marks a root: a stray `.critpath` or `package.json` in a parent folder
 * captures nothing.
 */
export function projectRoot(taskFile: string, explicit?: string): string {
  if (explicit !== undefined) return resolve(explicit);
  const start = dirname(resolve(taskFile));
  for (let d = start; ;) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return start;
    d = up;
  }
}

/**
 * The state paths of a task file under its project root. Two files of one root never share
 * state: everything is keyed by the file's path relative to the root. A file outside an explicit
 * root is refused.
 */
export function statePaths(taskFile: string, explicitRoot?: string): StatePaths {
  const root = projectRoot(taskFile, explicitRoot);
  const rel = relative(root, resolve(taskFile));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new EnvironmentError(`the task file ${taskFile} is not inside the project root ${root}`);
  const key = rel.split(sep).join('/');
  const stem = key
    .replace(/\.yaml$/i, '')
    .split('/')
    .map((s) => s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+$/, '_'))
    .join('/');
  const dir = join(root, '.critpath');
  return {
    root,
    dir,
    key,
    journal: join(dir, `${stem}.journal`),
    lock: join(dir, `${stem}.lock`),
    logs: join(dir, 'logs', stem),
  };
}

/**
 * An activity's log file name: `1a.8/test` → `1a.8%2Ftest.log`. Distinct ids give distinct
 * names (`h/prep` and `h.prep` no longer meet).
 */
export function logFileName(activityId: string): string {
  return `${activityId.replace(/%/g, '%25').replace(/\//g, '%2F')}.log`;
}

/** The log path as shown to people and journaled: relative to the project root. */
export function logPathFor(paths: StatePaths, activityId: string): string {
  return relative(paths.root, join(paths.logs, logFileName(activityId)));
}
