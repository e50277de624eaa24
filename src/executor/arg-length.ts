/**
 * Strings of a command longer than this host starts a program with: Linux refuses one argument
 * or environment entry over its limit (E2BIG), so such a task could never start here. Checked
 * by `run` on the machine that runs the work, not by validation, whose verdict must not depend
 * on the host (a Slurm node has its own limit, and its refusal is the task's failure).
 */
import type { FieldPath } from '../config/field-path.js';
import type { Project } from '../model/project.js';
import { byteSize } from '../util/arg-limit.js';

/** A string too long to start, at its field of the project file. */
export interface TooLong {
  readonly path: FieldPath;
  readonly message: string;
}

/** The first string of a command in `project` over `limit` bytes, or undefined. */
export function tooLongArgument(project: Project, limit: number): TooLong | undefined {
  for (const [i, task] of project.tasks.entries()) {
    for (const [k, phase] of task.phases.entries()) {
      const base: FieldPath = phase.name === null ? ['tasks', i] : ['tasks', i, 'phases', k];
      const strings: [FieldPath, string, string][] =
        typeof phase.run === 'string'
          ? [[[...base, 'run'], phase.run, 'the command']]
          : (phase.run ?? []).map((a, j) => [[...base, 'run', j], a, 'the argument']);
      for (const [name, value] of Object.entries(phase.env))
        strings.push([[...base, 'env', name], `${name}=${value}`, 'the variable (NAME=value)']);
      const found = strings.find(([, s]) => s.length > limit / 3 && Buffer.byteLength(s) > limit);
      if (found !== undefined) return { path: found[0], message: overLimitText(found, limit) };
    }
  }
  return undefined;
}

/** What one string over the host's one-argument limit is, and what to do instead. */
function overLimitText([, s, what]: [FieldPath, string, string], limit: number): string {
  return `${what} is ${byteSize(Buffer.byteLength(s))}: this host starts no program with an argument or environment entry over ${limit} bytes (E2BIG); put it in a script file and run that`;
}
