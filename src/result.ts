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
