import { relative, resolve } from 'node:path';
import type { RunEvent } from '../executor/events.js';
import { formatBlockReason, withLogsShown } from '../model/block-reason.js';
import type { StatusModel } from '../state/status.js';
import { projectRoot } from '../state/paths.js';

/**
 * Log paths in the terminal views. The journal, the events and `status --json` name a log
 * relative to the project root, which holds wherever a command is typed; a person reads a path
 * from the folder they typed the command in (`tasks/.critpath/logs/…` outside a repository, or
 * `../../.critpath/logs/…` from a subfolder of one).
 */
export type ShowLog = (log: string) => string;

/** How a log path is shown from `cwd`; undefined when `cwd` is the project root (as it is). */
export function logsShownFrom(
  cwd: string,
  file: string,
  root: string | undefined,
): ShowLog | undefined {
  const at = projectRoot(resolve(cwd, file), root === undefined ? undefined : resolve(cwd, root));
  if (at === resolve(cwd)) return undefined;
  return (log) => relative(cwd, resolve(at, log));
}

/** A run event with the logs it names shown by `show` (its block text made again). */
export function eventWithLogsShown(e: RunEvent, show: ShowLog): RunEvent {
  switch (e.type) {
    case 'activity-start':
    case 'activity-failed':
      return { ...e, log: show(e.log) };
    case 'activity-blocked': {
      const reason = withLogsShown(e.reason, show);
      return { ...e, reason, text: formatBlockReason(reason) };
    }
    default:
      return e;
  }
}

/** The status with each activity's log, and the logs its block reason names, shown by `show`. */
export function statusWithLogsShown(model: StatusModel, show: ShowLog): StatusModel {
  const activities = model.activities.map((a) => {
    if (a.log === undefined && a.blocked === undefined) return a;
    const blocked = a.blocked === undefined ? undefined : withLogsShown(a.blocked, show);
    return {
      ...a,
      log: a.log === undefined ? undefined : show(a.log),
      blocked,
      reason: blocked === undefined ? a.reason : formatBlockReason(blocked),
    };
  });
  return { ...model, activities };
}
