import { closeSync, constants, fstatSync, readSync } from 'node:fs';
import { logFaultText, openNoFollow } from './no-follow.js';
import { EnvironmentError } from '../result.js';

/** Lines a failure shows of its attempt's output. */
export const TAIL_LINES = 10;
/** Characters kept of each such line (a progress bar can write one line of megabytes). */
export const TAIL_LINE_CHARS = 300;
/** Bytes read from the log's end: the tail never costs more than this, whatever the log's size. */
const TAIL_BYTES = 16 * 1024;

/** An attempt's header in its log (executor.ts): `=== ID attempt N/M run R at …`. */
const ATTEMPT_HEADER = /^=== .* attempt \d+\/\d+ run /;
/** The Slurm batch script's start and end marks (executor/slurm/sbatch.ts). */
const SLURM_MARK = /^critpath-slurm: /;
/**
 * How a line that begins an attempt starts: critpath's header, or the Slurm batch script's start
 * mark (a job's log has no header of ours, and a task's attempts share its log).
 */
const ATTEMPT_STARTS = ['=== ', 'critpath-slurm: start '] as const;

/**
 * The last lines an attempt wrote to its log (its stderr and stdout, which share the log): at
 * most TAIL_LINES lines of at most TAIL_LINE_CHARS characters, after the last attempt header,
 * blank lines and batch marks left out. Control characters are kept: whoever prints the lines
 * escapes them. An unreadable or missing log has no tail.
 */
export function readLogTail(path: string): string[] {
  const text = readLogEnd(path);
  return text === undefined ? [] : tailLines(text);
}

/**
 * The whole lines of the last TAIL_BYTES bytes of a log; undefined when it cannot be read (see
 * openLog).
 */
export function readLogEnd(path: string): string | undefined {
  const end = logEnd(path, TAIL_BYTES);
  if (end === undefined) return undefined;
  const text = end.bytes.toString('utf8');
  // Read from the middle of the file: the first line is a fragment.
  return end.size > TAIL_BYTES ? text.slice(text.indexOf('\n') + 1) : text;
}

/**
 * Whether the log at `path` ends in the middle of a line (output without its last newline): the
 * next attempt's header then starts with one, so that it begins a line. False when it cannot be
 * read (a missing log included).
 */
export function endsMidLine(path: string): boolean {
  const end = logEnd(path, 1);
  return end !== undefined && end.bytes.length === 1 && end.bytes[0] !== 0x0a;
}

/** The last `most` bytes of a log, and its size; undefined when it cannot be read (see openLog). */
function logEnd(path: string, most: number): { bytes: Buffer; size: number } | undefined {
  let fd: number;
  try {
    fd = openLog(path);
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, most));
    const n = readSync(fd, buf, 0, buf.length, size - buf.length);
    return { bytes: buf.subarray(0, n), size };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * A log opened for reading: a regular file, never through a symbolic link and never waiting on a
 * FIFO put where the log belongs (an EnvironmentError says which; other failures are thrown).
 */
export function openLog(path: string): number {
  const fd = openNoFollow(path, constants.O_RDONLY);
  if (fd === 'link') throw new EnvironmentError(logFaultText(path, 'link'));
  if (fstatSync(fd).isFile()) return fd;
  closeSync(fd);
  throw new EnvironmentError(logFaultText(path, 'not-file'));
}

/** Bytes read at a time where a log is read whole: logs of training runs reach gigabytes. */
export const LOG_CHUNK = 1 << 22;

/**
 * Where, in the log open as `fd` (`size` bytes), its last attempt begins: the byte offset of the
 * last line that begins one, else 0. Read backwards a chunk at a time, each overlapping the one
 * after it by a header's length, so that a header across two chunks is found.
 */
export function lastAttemptStart(fd: number, size: number, chunk = LOG_CHUNK): number {
  const marks = ATTEMPT_STARTS.map((p) => Buffer.from(`\n${p}`));
  const over = Math.max(...marks.map((m) => m.length)) - 1;
  const buf = Buffer.alloc(Math.min(size, chunk + over));
  for (let end = size; end > 0;) {
    const from = Math.max(0, end - chunk);
    const n = readSync(fd, buf, 0, Math.min(size, end + over) - from, from);
    const view = buf.subarray(0, n);
    const at = Math.max(...marks.map((m) => view.lastIndexOf(m)));
    if (at >= 0) return from + at + 1;
    end = from;
  }
  return 0;
}

/** Whether a log line begins an attempt (see ATTEMPT_STARTS). */
function beginsAttempt(line: string): boolean {
  return ATTEMPT_HEADER.test(line) || line.startsWith(ATTEMPT_STARTS[1]);
}

/** The tail of a log's text, as `readLogTail` defines it. */
export function tailLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let from = 0;
  for (let i = lines.length - 1; i >= 0; i--)
    if (beginsAttempt(lines[i]!)) {
      from = i + 1;
      break;
    }
  return lines
    .slice(from)
    .filter((l) => l.trim() !== '' && !SLURM_MARK.test(l))
    .slice(-TAIL_LINES)
    .map((l) => (l.length > TAIL_LINE_CHARS ? `${l.slice(0, TAIL_LINE_CHARS - 1)}…` : l));
}
