import { statSync } from 'node:fs';
import type { Diagnostic } from '../result.js';
import type { Output } from '../reporters/terminal.js';
import { printDiagnostics } from '../reporters/diagnostics.js';
import { escapeLine } from '../reporters/escape.js';
import { loadProjectFileCached } from '../config/project-cache.js';
import { taskFileUnreadable } from '../config/task-file-read.js';
import type { Project } from '../model/project.js';
import type { DefaultTaskFile } from '../config/default-file.js';
import { DEFAULT_NAMES, STARTER_TASK_FILE } from '../config/default-file.js';

/** Exit codes: 0 ok, 1 the work failed (a task, a plan check), 2 bad input or usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What every verb gets: where to write and where it runs. */
export interface CliContext {
  readonly out: Output;
  readonly cwd: string;
  /** Set by a verb's action: the process exit code. */
  exitCode: number;
  /** The task file used when none is named (see defaultTaskFile). */
  readonly defaultFile: DefaultTaskFile;
  /**
   * The verb's arguments as typed, its options aside (set before its action runs): a file among
   * them was named, not taken as the default.
   */
  operands: readonly string[];
  /** The verb that runs (set with `operands`), for the commands a message suggests. */
  verb: string | undefined;
}

/** Whether `file` is the default task file, taken because none was named. */
function isDefault(ctx: CliContext, file: string): boolean {
  return file === ctx.defaultFile.file && !ctx.operands.includes(file);
}

/**
 * Why the default task file cannot be known (an unusable .critpathrc or package.json), when a
 * verb is to read it: the message to stop with.
 */
export function defaultFileProblem(ctx: CliContext, file: string): string | undefined {
  const { problem } = ctx.defaultFile;
  if (problem === undefined || !isDefault(ctx, file)) return undefined;
  return `${problem}; fix it (it names the default task file), or name the task file: critpath plan my/lab.yaml`;
}

/**
 * The line a verb that a live run holds the project from stops with (exit 1): which file, which
 * run, and what to do.
 */
export function runHolds(
  file: string,
  holder: { readonly pid: number; readonly runId?: string | undefined },
): string {
  const run = holder.runId === undefined ? 'a run' : `run ${holder.runId}`;
  return `${file}: ${run} (pid ${holder.pid}) is in progress; see critpath status ${file}, or stop it: critpath cancel ${file}`;
}

/**
 * The task file and activity id of a verb that takes `[file] <id>` (logs, start, done, undo,
 * block): one operand alone is the id, in the default task file, unless it is named like a task
 * file (.yaml, .yml, .json) or is one: then the id is missing. (A task whose id ends so is
 * named after its file.) Undefined after a usage error.
 */
export function fileAndId(
  ctx: CliContext,
  verb: string,
  named: string | undefined,
  id: string | undefined,
): { file: string; id: string } | undefined {
  if (named !== undefined && id !== undefined) return { file: named, id };
  const taskFile =
    named !== undefined &&
    (/\.(ya?ml|json)$/i.test(named) ||
      statSync(named, { throwIfNoEntry: false })?.isFile() === true);
  if (named === undefined || taskFile) {
    usageError(ctx, `${verb} needs an activity id: critpath ${verb} ${named ?? '[FILE]'} ID`);
    return undefined;
  }
  return { file: ctx.defaultFile.file, id: named };
}

/** A PSPLIB instance (`.sm`), which `plan` reads; no other verb does. */
export function isPsplibFile(file: string): boolean {
  return file.toLowerCase().endsWith('.sm');
}

/**
 * Loads a task file (through the validated-project cache); on failure prints the diagnostics and
 * returns undefined (exit 2).
 */
export async function loadOrReport(ctx: CliContext, file: string): Promise<Project | undefined> {
  if (isPsplibFile(file)) {
    usageError(ctx, `${file}: a PSPLIB instance, which only plan reads: critpath plan ${file}`);
    return undefined;
  }
  const problem = defaultFileProblem(ctx, file);
  if (problem !== undefined) {
    usageError(ctx, problem);
    return undefined;
  }
  // The cache entry of a cold load is written once the command has printed (see deferWrite).
  const r = await loadProjectFileCached(file, { deferWrite: true });
  if (r.ok) return r.value;
  reportLoadProblems(ctx, file, r.error);
  return undefined;
}

/**
 * Whether the task file can be read, for a verb that needs it named rightly but does not read it
 * (`cancel`, which has already stopped on a defaultFileProblem): when not, says so as
 * loadOrReport would (exit 2).
 */
export function taskFileReadable(ctx: CliContext, file: string): boolean {
  const unreadable = taskFileUnreadable(file);
  if (unreadable !== undefined) reportLoadProblems(ctx, file, [unreadable]);
  return unreadable === undefined;
}

/** What a task file that did not load gets: its diagnostics, or what was looked for (exit 2). */
function reportLoadProblems(ctx: CliContext, file: string, diags: readonly Diagnostic[]): void {
  // A default file that is missing gets what was looked for; one behind a link to nothing, why.
  if (isDefault(ctx, file) && diags.some((d) => d.message.includes('no such file')))
    usageError(ctx, noTaskFile(ctx));
  else reportDiagnostics(ctx, diags);
}

/** Verbs that take an activity id after the task file. */
const ID_VERBS = new Set(['logs', 'start', 'done', 'undo', 'block']);

/** The message when the default task file is missing: what was looked for, and the ways out. */
function noTaskFile(ctx: CliContext): string {
  const { file, from } = ctx.defaultFile;
  const looked =
    from === undefined
      ? `${DEFAULT_NAMES.join(' or ')}, or a .critpathrc or package.json "critpath" key naming one, in ${ctx.cwd} and the folders above it`
      : `${file} (named in ${from}) from ${ctx.cwd}`;
  const named = `critpath ${ctx.verb ?? 'plan'} my/lab.yaml${ID_VERBS.has(ctx.verb ?? '') ? ' ID' : ''}`;
  return (
    `no task file: looked for ${looked}. Name one (${named}), or set a default: ` +
    '"critpath": {"file": "my/lab.yaml"} in package.json, or a .critpathrc holding {"file": "my/lab.yaml"}; ' +
    `critpath init writes a starter ${STARTER_TASK_FILE}.`
  );
}

export function reportDiagnostics(ctx: CliContext, diags: readonly Diagnostic[]): void {
  printDiagnostics(ctx.out, diags);
  ctx.exitCode = EXIT.usage;
}

/** A usage problem: one line on stderr (what it echoes of the user's input included), exit 2. */
export function usageError(ctx: CliContext, message: string): void {
  ctx.out.err(`critpath: ${escapeLine(message)}`);
  ctx.exitCode = EXIT.usage;
}
