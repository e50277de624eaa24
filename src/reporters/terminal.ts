import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';

/** Where a command writes: standard output for results, standard error for diagnostics. */
export interface Output {
  /** A line (or lines) of results; a newline is added when missing. */
  out(text: string): void;
  err(text: string): void;
  /** Text as it is, to standard output (a live view's cursor movements). */
  write(text: string): void;
  /** Colours for this output; level 0 when NO_COLOR is set or the stream is not a terminal. */
  readonly color: ChalkInstance;
  readonly isTty: boolean;
}

/**
 * Writes to a stream until it fails, then writes nothing more: a reader that went away
 * (`critpath status | head`: EPIPE) or a terminal that hung up (EIO) ends the output, not the
 * command. A `run` goes on with its work; the journal and the logs have everything.
 */
function writerTo(stream: NodeJS.WriteStream): (text: string) => void {
  let broken = false;
  stream.on('error', () => {
    broken = true;
  });
  return (text) => {
    if (broken) return;
    try {
      stream.write(text);
    } catch {
      broken = true;
    }
  };
}

let stdoutWriter: ((text: string) => void) | undefined;
let stderrWriter: ((text: string) => void) | undefined;

/** The process's own streams, honouring NO_COLOR and --no-color. */
export function processOutput(opts: { color?: boolean } = {}): Output {
  const noColor = (process.env['NO_COLOR'] ?? '') !== '' || opts.color === false;
  const isTty = process.stdout.isTTY === true;
  const level = noColor || !isTty ? 0 : 1;
  const stdout = (stdoutWriter ??= writerTo(process.stdout));
  const stderr = (stderrWriter ??= writerTo(process.stderr));
  return {
    out: (t) => stdout(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => stderr(t.endsWith('\n') ? t : `${t}\n`),
    write: stdout,
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
    write: (t) => void stdout.push(t),
    color: new Chalk({ level: 0 }),
    isTty: false,
  };
}
