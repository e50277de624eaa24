import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';

/** Where a command writes: standard output for results, standard error for diagnostics. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Colours for this output; level 0 when NO_COLOR is set or the stream is not a terminal. */
  readonly color: ChalkInstance;
  readonly isTty: boolean;
}

/** The process's own streams, honouring NO_COLOR and --no-color. */
export function processOutput(opts: { color?: boolean } = {}): Output {
  const noColor = (process.env['NO_COLOR'] ?? '') !== '' || opts.color === false;
  const isTty = process.stdout.isTTY === true;
  const level = noColor || !isTty ? 0 : 1;
  return {
    out: (t) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    color: new Chalk({ level }),
    isTty,
  };
}

/** An output that keeps what is written, for tests. */
export function memoryOutput(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => void stdout.push(t),
    err: (t) => void stderr.push(t),
    color: new Chalk({ level: 0 }),
    isTty: false,
  };
}
