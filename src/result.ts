/** A value or the reasons it could not be had. Expected failures travel as values, never as exceptions. */
export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({
  ok: false,
  error,
});

/** A place in a source file; line and column count from 1. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** A problem in user input, pointing at where it is. Rendered as `file:line:col: message`. */
export interface Diagnostic {
  /** What kind of problem this is, for tests and machine readers. */
  readonly reason: DiagnosticReason;
  /** One line, naming the field (`tasks[3].hours`) and what is wrong with it. */
  readonly message: string;
  readonly position: Position;
}

export type DiagnosticReason =
  | 'yaml-syntax'
  | 'schema'
  | 'unknown-key'
  | 'bad-hours'
  | 'duplicate-id'
  | 'duplicate-phase'
  | 'unknown-dependency'
  | 'self-dependency'
  | 'cycle'
  | 'gpu-over-capacity'
  | 'gpu-without-hardware'
  | 'empty-project'
  | 'unknown-skill'
  | 'bad-scenario'
  | 'io'
  | 'encoding'
  | 'psplib';

/** Marks code that must be unreachable when the types are right; reaching it is a bug. */
export function unreachable(value: never): never {
  throw new Error(`Internal error: unreachable value ${JSON.stringify(value)}`);
}

export function formatPosition(p: Position): string {
  return `${p.file}:${p.line}:${p.col}`;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${formatPosition(d.position)}: ${d.message}`;
}

/**
 * A hostile environment stopped a command (a full disk, a read-only folder, a planted lock file):
 * the CLI prints its one-line message and exits 2. Thrown only from the IO edges, where the
 * failure can strike deep inside running work; the message names the file and what happened.
 */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/**
 * The input asks for more than critpath can write down (a plan ending past 9999-12-31): the CLI
 * prints the one-line message and exits 2. Thrown deep in pure code (the calendar), where a
 * Result would have to pass through every reporter; use cases that return Results catch it.
 */
export class InputLimitError extends Error {
  override readonly name = 'InputLimitError';
}

/** What each failed system call's code means, as messages say it. */
const IO_WHY: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a path component is not a folder',
  EISDIR: 'a folder where a file should be',
  ELOOP: 'a loop of symbolic links',
  ENAMETOOLONG: 'a file name too long',
  EEXIST: 'already exists',
  // What util/regular-file.ts finds where a regular file should be: not errno codes.
  FIFO: 'a FIFO where a file should be',
  socket: 'a socket where a file should be',
  device: 'a device where a file should be',
};

/** `what happened (CODE)` for a failed system call's code; undefined for one without words. */
export function ioErrorWords(code: string | undefined): string | undefined {
  if (code === undefined || !Object.hasOwn(IO_WHY, code)) return undefined;
  return `${IO_WHY[code]}${code.startsWith('E') ? ` (${code})` : ''}`;
}

/** `path: what happened (CODE)` for a failed system call. */
export function describeIoError(path: string, e: unknown): string {
  const code = (e as { code?: string } | undefined)?.code;
  const words = ioErrorWords(code);
  if (words !== undefined) return `${path}: ${words}`;
  return `${path}: ${(e as Error).message}${code?.startsWith('E') === true ? ` (${code})` : ''}`;
}
