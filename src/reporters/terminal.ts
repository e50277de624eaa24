import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';
import type { ByteSink } from '../util/byte-gatherer.js';
import { byteGatherer } from '../util/byte-gatherer.js';
import { escapeInvisible, escapeLine, escapeTerminal } from './escape.js';
import { elide } from './layout.js';
import { describeIoError } from '../result.js';

/** Where a command writes: standard output for results, standard error for diagnostics. */
export interface Output {
  /** A line (or lines) of results; a newline is added when missing. */
  out(text: string): void;
  err(text: string): void;
  /**
   * Like `out` with the pieces' concatenation, written as they come: JSON text in pieces, as
   * jsonChunks makes it (a plan's JSON runs to tens of megabytes: it is never one string).
   */
  outJson(chunks: Iterable<string>): void;
  /**
   * Text as it is, to standard output (a live view's cursor movements, a log as written): the
   * caller escapes what it did not write itself (escapeTerminal).
   */
  write(text: string): void;
  /**
   * Like `write` with the pieces' concatenation, each written as it is made and before the next
   * is asked for: a log of gigabytes never waits in memory for a reader that lags.
   */
  writeAll(pieces: Iterable<string>): void;
  /**
   * A passing line on standard error while a long step runs (Monte Carlo's samples so far), each
   * replacing the one before; undefined clears it. Only a terminal shows it: where standard error
   * is a pipe or a file, nothing is written.
   */
  progress(text: string | undefined): void;
  /** Colours for this output; level 0 when NO_COLOR is set or the stream is not a terminal. */
  readonly color: ChalkInstance;
  /** A capable terminal (capableTerminal): colours and live views. */
  readonly isTty: boolean;
  /**
   * Standard output is a terminal, capable or not (TERM=dumb too): what reaches it from a log is
   * shown escaped, since the terminal behind a dumb TERM may still obey control sequences.
   */
  readonly terminal: boolean;
  /** Terminal cells a line may take (Infinity with `--wide`): default views fit it. */
  readonly columns: number;
}

/** Bytes queued on standard output past which writeAll takes its writes to have stopped going. */
const STALLED_BYTES = 1 << 24;

/** The width when no terminal is in sight (output and errors both piped) and COLUMNS is not set. */
export const PIPED_COLUMNS = 100;

/** A stream's terminal width, when it is a terminal that says. */
function ttyColumns(stream: { isTTY?: boolean; columns?: number } | undefined): number {
  return stream?.isTTY === true && (stream.columns ?? 0) > 0 ? stream.columns! : 0;
}

/**
 * The width views fit: the output's terminal, else `COLUMNS`, else the terminal standard error
 * still shows (`critpath plan | less`, `> plan.txt` read there later: shells do not export
 * COLUMNS), else 100; 40 at least.
 */
export function outputColumns(
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv,
  errors?: { isTTY?: boolean; columns?: number },
): number {
  const fromEnv = Number.parseInt(env['COLUMNS'] ?? '', 10);
  const w =
    ttyColumns(stream) || (fromEnv > 0 ? fromEnv : 0) || ttyColumns(errors) || PIPED_COLUMNS;
  return Math.max(40, w);
}

/** The height taken for a terminal that does not say its own. */
export const UNKNOWN_ROWS = 24;

/** The height of the output's terminal, else `LINES`, else UNKNOWN_ROWS. */
export function outputRows(
  stream: { isTTY?: boolean; rows?: number },
  env: NodeJS.ProcessEnv,
): number {
  if (stream.isTTY === true && (stream.rows ?? 0) > 0) return stream.rows!;
  const fromEnv = Number.parseInt(env['LINES'] ?? '', 10);
  return fromEnv > 0 ? fromEnv : UNKNOWN_ROWS;
}

/** Why writing the output failed, other than its reader going away; undefined when it did not. */
let writeFailure: string | undefined;

/**
 * Why standard output or error could not be written (a full disk, an I/O error), once that
 * happened; the command's output is then incomplete, and its exit code must say so.
 */
export function outputFailure(): string | undefined {
  return writeFailure;
}

/**
 * Writes to a stream until it fails, then writes nothing more. A reader that went away
 * (`critpath status | head`: EPIPE) or a terminal that hung up (EIO) ends the output quietly,
 * not the command: a `run` goes on with its work, and the journal and the logs have everything.
 * Any other failure (ENOSPC: `--json > file` on a full disk) is told on the other stream and
 * kept for the exit code (outputFailure).
 */
function writerTo(
  stream: NodeJS.WriteStream,
  other: () => NodeJS.WriteStream,
): (data: string | Uint8Array) => void {
  let broken = false;
  const fail = (e: NodeJS.ErrnoException): void => {
    if (broken) return;
    broken = true;
    if (e.code === 'EPIPE' || (e.code === 'EIO' && stream.isTTY === true)) return;
    writeFailure = `cannot write ${describeIoError(stream === process.stdout ? 'standard output' : 'standard error', e)}`;
    try {
      other().write(`critpath: ${writeFailure}\n`);
    } catch {
      /* nowhere left to tell */
    }
  };
  stream.on('error', fail);
  return (data) => {
    if (broken) return;
    try {
      if (typeof data === 'string' && data.length > WRITE_PIECE) writePieces(stream, data);
      else stream.write(data);
    } catch (e) {
      fail(e as NodeJS.ErrnoException);
    }
  };
}

/**
 * Text is written this many characters at a time: a string of megabytes (`status --json` at 10k
 * activities) written whole is first encoded into a buffer as large, whose fresh pages cost
 * several times what the writes do.
 */
export const WRITE_PIECE = 1 << 16;

/** Writes `text` to `stream` in pieces of at most WRITE_PIECE characters. */
export function writePieces(stream: { write(piece: string): unknown }, text: string): void {
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + WRITE_PIECE);
    // Each piece is encoded on its own: never cut between the halves of a surrogate pair.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    stream.write(text.slice(at, end));
    at = end;
  }
}

/**
 * Makes writes to `stream` complete before they return, when it is a pipe (what a terminal's
 * stream already does), until the returned function undoes it. A pipe's writes are otherwise
 * queued once its reader lags, and a command that writes tens of megabytes without waiting
 * (`plan --json`) would hold all of them until it returns: with blocking writes each megabyte
 * goes out as it is made, and the same buffer memory serves the next. Nothing else changes: the
 * same bytes, in the same order. A stream without the means (a file, a test's) is left as it is.
 */
export function blockingWrites(stream: NodeJS.WriteStream): () => void {
  const handle = (stream as { _handle?: { setBlocking?: (on: boolean) => number } })._handle;
  if (stream.isTTY === true || typeof handle?.setBlocking !== 'function') return () => {};
  if (handle.setBlocking(true) !== 0) return () => {};
  return () => void handle.setBlocking?.(false);
}

let stdoutWriter: ((data: string | Uint8Array) => void) | undefined;
let stderrWriter: ((data: string | Uint8Array) => void) | undefined;

/**
 * A terminal that can take what the live views write (colours, cursor movement): a TTY whose
 * TERM is not `dumb` (Emacs shells, some CI consoles), which gets plain lines as a pipe does.
 */
export function capableTerminal(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/**
 * Whether critpath colours its output: `--no-color` never; else FORCE_COLOR as set (`0` or
 * `false` off, anything else on, piped output too); else NO_COLOR off; else on a capable
 * terminal only.
 */
export function colourWanted(
  opts: { color?: boolean },
  env: NodeJS.ProcessEnv,
  capable: boolean,
): boolean {
  if (opts.color === false) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  return capable;
}

/** The process's own streams, honouring --no-color, FORCE_COLOR, NO_COLOR and TERM=dumb. */
export function processOutput(opts: { color?: boolean; wide?: boolean } = {}): Output {
  const isTty = capableTerminal(process.stdout, process.env);
  const level = colourWanted(opts, process.env, isTty) ? 1 : 0;
  const stdout = (stdoutWriter ??= writerTo(process.stdout, () => process.stderr));
  const stderr = (stderrWriter ??= writerTo(process.stderr, () => process.stdout));
  // Only critpath's own colours are left to keep (views escape user data where they take it),
  // and only while colour is on: NO_COLOR and piped output hold no ESC at all.
  const keepColour = level > 0;
  return {
    // A long text and its newline go out as two writes: joining them would copy the text.
    out: (t) => {
      const line = escapeTerminal(t, keepColour);
      stdout(line);
      if (!line.endsWith('\n')) stdout('\n');
    },
    // Messages carry no colour of ours, and may echo what the user typed (a file name).
    err: (t) => stderr(escapeInvisible(lineOf(t, false))),
    outJson: (chunks) => {
      // Held as buffers, outside the JavaScript heap, by a stream whose reader lags (byteGatherer).
      // One buffer serves again once the stream has nothing left to write (blockingWrites).
      const bytes = byteGatherer(stdout, 'utf8', () => process.stdout.writableLength === 0);
      const restore = blockingWrites(process.stdout);
      try {
        writeJson(chunks, bytes);
        bytes.end();
      } finally {
        restore();
      }
    },
    write: stdout,
    writeAll: (pieces) => {
      const restore = blockingWrites(process.stdout);
      try {
        for (const piece of pieces) {
          // Blocking writes leave nothing queued: what is, did not go (a reader gone, EPIPE).
          if (process.stdout.writableLength > STALLED_BYTES) break;
          stdout(piece);
        }
      } finally {
        restore();
      }
    },
    progress: progressLine(process.stderr, stderr),
    color: new Chalk({ level }),
    isTty,
    terminal: process.stdout.isTTY === true,
    columns:
      opts.wide === true ? Infinity : outputColumns(process.stdout, process.env, process.stderr),
  };
}

/**
 * What `out` prints of JSON text given in pieces (jsonChunks), as UTF-8 into `bytes`. The only
 * characters escapeTerminal changes that JSON.stringify leaves raw are U+007F–U+009F and the
 * bidirectional overrides, each made a `\u` escape on its own (the control characters below
 * U+0020, ESC and CR among them, are JSON.stringify's `\u` escapes already; the newlines between
 * values stay): a piece is escaped by itself, and only when its UTF-8 holds a byte 0x7F or 0xC2
 * (the lead byte of U+0080–U+00BF) or an override's three bytes, which byte searches find, where
 * a regular expression would look at every character of 87 MB.
 */
export function writeJson(chunks: Iterable<string>, bytes: ByteSink): void {
  let last = '';
  for (const c of chunks) {
    if (c.length === 0) continue;
    if (!bytes.addIf(c, noC1)) bytes.add(escapeTerminal(c));
    last = c;
  }
  if (!last.endsWith('\n')) bytes.add('\n');
}

/**
 * UTF-8 without U+007F–U+009F (some bytes may be U+00A0–U+00BF, which stay as they are) and
 * without a bidirectional override.
 */
const noC1 = (b: Buffer): boolean =>
  b.indexOf(0x7f) < 0 && b.indexOf(0xc2) < 0 && !hasBidiOverride(b);

/** Whether UTF-8 `b` holds U+200E–U+200F, U+202A–U+202E or U+2066–U+2069 (E2 80 xx, E2 81 xx). */
function hasBidiOverride(b: Buffer): boolean {
  for (let k = b.indexOf(0xe2); k >= 0; k = b.indexOf(0xe2, k + 1)) {
    const x = b[k + 1];
    const y = b[k + 2] ?? 0;
    if (x === 0x80 && (y === 0x8e || y === 0x8f || (y >= 0xaa && y <= 0xae))) return true;
    if (x === 0x81 && y >= 0xa6 && y <= 0xa9) return true;
  }
  return false;
}

/**
 * Output's progress on `stream`: a line cut to the terminal's width, written over the one before
 * (carriage return, the text, erase to the end of the line); nothing unless it is a terminal.
 */
function progressLine(
  stream: { isTTY?: boolean; columns?: number },
  write: (data: string) => void,
): (text: string | undefined) => void {
  if (!capableTerminal(stream, process.env)) return () => {};
  let shown = false;
  return (text) => {
    if (text === undefined) {
      if (shown) write('\r\u001b[K');
      shown = false;
      return;
    }
    const width = Math.max(
      20,
      (stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80) - 1,
    );
    write(`\r${elide(escapeInvisible(escapeLine(text)), width)}\u001b[K`);
    shown = true;
  };
}

/** A line as printed: control characters escaped (colours kept if asked), a newline at its end. */
const lineOf = (t: string, keepColour: boolean): string => {
  const s = escapeTerminal(t, keepColour);
  return s.endsWith('\n') ? s : `${s}\n`;
};

/** An output that keeps what is written, for tests. */
export function memoryOutput(
  columns = PIPED_COLUMNS,
): Output & { stdout: string[]; stderr: string[]; progressLines: (string | undefined)[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const progressLines: (string | undefined)[] = [];
  return {
    stdout,
    stderr,
    progressLines,
    progress: (t) => void progressLines.push(t),
    out: (t) => void stdout.push(escapeTerminal(t)),
    err: (t) => void stderr.push(escapeInvisible(escapeTerminal(t))),
    outJson: (chunks) => void stdout.push(escapeTerminal([...chunks].join(''))),
    write: (t) => void stdout.push(t),
    writeAll: (pieces) => {
      for (const piece of pieces) stdout.push(piece);
    },
    color: new Chalk({ level: 0 }),
    isTty: false,
    terminal: false,
    columns,
  };
}
