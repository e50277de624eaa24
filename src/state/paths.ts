import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';

/** Where a project's run state lives. */
export interface StatePaths {
  /** The project root: commands run here, `.critpath/` lives here. */
  readonly root: string;
  /** `<root>/.critpath`. */
  readonly dir: string;
  /** The append-only journal of this task file: `.critpath/<stem>.journal`. */
  readonly journal: string;
  /** The one-run-at-a-time lock: `.critpath/<stem>.lock`. */
  readonly lock: string;
  /** Per-activity logs: `.critpath/logs/`. */
  readonly logs: string;
}

/**
 * The project root of a task file: the nearest directory at or above the file's own that holds
 * `.critpath`, `.git` or `package.json`; the file's directory when there is none.
 */
export function projectRoot(taskFile: string): string {
  const start = dirname(resolve(taskFile));
  for (let d = start; ;) {
    if (['.critpath', '.git', 'package.json'].some((m) => existsSync(join(d, m)))) return d;
    const up = dirname(d);
    if (up === d) return start;
    d = up;
  }
}

export function statePaths(taskFile: string, root = projectRoot(taskFile)): StatePaths {
  const stem = basename(taskFile, extname(taskFile)).replace(/[^A-Za-z0-9._-]/g, '_');
  const dir = join(root, '.critpath');
  return {
    root,
    dir,
    journal: join(dir, `${stem}.journal`),
    lock: join(dir, `${stem}.lock`),
    logs: join(dir, 'logs'),
  };
}

/** An activity's log file name: `1a.8/test` → `1a.8.test.log`. */
export function logFileName(activityId: string): string {
  return `${activityId.replace(/\//g, '.')}.log`;
}

/** The log path as shown to people and journaled: relative to the project root. */
export function logPathFor(paths: StatePaths, activityId: string): string {
  return relative(paths.root, join(paths.logs, logFileName(activityId)));
}
