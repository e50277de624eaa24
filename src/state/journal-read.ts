/**
 * Reading a journal, line by line, with the record check passed in: journal.ts checks every line
 * (zod where needed); `status` first reads with the quick check alone (record-check.ts), so a
 * journal of well-formed records is read without loading zod.
 */
import { isAscii } from 'node:buffer';
import type { Stats } from 'node:fs';
import { closeSync, constants, fstatSync, lstatSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { openNoFollow } from './no-follow.js';
import { ownState } from '../util/own-state.js';
import { StringDecoder } from 'node:string_decoder';
import { describeIoError, EnvironmentError } from '../result.js';
import type { JournalRecord } from './records.js';

/**
 * Closes `fd` and throws an EnvironmentError when it is a FIFO, a socket or a folder: reading a
 * FIFO as the journal waited forever for a writer (and a run in that wait heeded no Ctrl-C), and
 * a folder gave Node's raw EISDIR text. Devices pass (tests write to /dev/full for a full disk).
 */
export function refuseIrregularJournal(fd: number, path: string): void {
  const st = fstatSync(fd);
  if (!st.isFIFO() && !st.isSocket() && !st.isDirectory()) return;
  closeSync(fd);
  throw new EnvironmentError(`the journal ${path} is not a regular file; move it away`);
}

/**
 * Opens the journal with `flags`, never through a symbolic link (a link planted there would have
 * the run append its records to whatever file it names) and never waiting on a FIFO; the
 * EnvironmentError of a link says so, any other failure is the caller's to word.
 */
export function openJournalFile(path: string, flags: number): number {
  refuseOthersState(dirname(path));
  const fd = openNoFollow(path, flags, 0o666);
  if (fd === 'link')
    throw new EnvironmentError(`the journal ${path} is a symbolic link; move it away`);
  try {
    refuseOthers('the journal', path, () => fstatSync(fd).uid);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

/**
 * Refuses the state folder `dir` when another user owns it (see refuseOthers): before anything
 * is made in it, a run's log folders and lock included.
 */
export function refuseOthersState(dir: string): void {
  refuseOthers('the state folder', dir, () => statSync(dir).uid);
}

/**
 * Refuses the folders from `top` down to `bottom` that are there where one is another user's,
 * or a symbolic link that is not this user's own link to a folder of this user's: a run's logs
 * would go wherever such a link points (as root, anywhere), or into a folder another user can
 * rewrite. A link the user made to put the logs on another disk stays. Checked before the
 * folders are made, and after.
 */
export function refuseLinkedFolders(top: string, bottom: string): void {
  const chain: string[] = [];
  for (let d = bottom; d.length >= top.length; d = dirname(d)) {
    chain.unshift(d);
    if (d === top || dirname(d) === d) break;
  }
  for (const d of chain) {
    let st: Stats;
    try {
      st = lstatSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new EnvironmentError(`cannot read the log folder ${describeIoError(d, e)}`);
    }
    if (st.isSymbolicLink() && !ownLinkToOwnFolder(d, st))
      throw new EnvironmentError(
        `${d} is a symbolic link that is not yours to a folder of yours: critpath writes no logs through it; remove it (the next run makes the folder)`,
      );
    refuseOthers('the log folder', d, () => st.uid);
  }
}

/**
 * A link this user made (`st`: its own lstat) to a folder this user owns, both one user's: under
 * sudo, a link the calling user made to a folder of root's would have root write there.
 */
function ownLinkToOwnFolder(path: string, st: Stats): boolean {
  if (!ownState(st.uid)) return false;
  try {
    const target = statSync(path);
    return target.isDirectory() && target.uid === st.uid && ownState(target.uid);
  } catch {
    return false;
  }
}

/**
 * Refuses state that is not this user's own (see ownState; `owner()`: its uid; a folder not there
 * yet is nobody's): a journal or a state folder planted in a shared folder (/tmp) would have
 * `run` skip work their records call done, and write this run's records where they could
 * rewrite them.
 */
function refuseOthers(what: string, path: string, owner: () => number): void {
  let uid: number;
  try {
    uid = owner();
  } catch {
    return;
  }
  if (!ownState(uid))
    throw new EnvironmentError(
      `${what} ${path} belongs to another user (uid ${uid}), whose records critpath does not take as its own; move it away (or set CRITPATH_SHARED_STATE=1 where a team shares it)`,
    );
}

/** A journal line that could not be replayed: not JSON, or JSON of the wrong shape. */
export interface BadLine {
  /** Counting from 1. */
  readonly line: number;
  readonly why: string;
}

/** What reading a journal found besides its records. */
export interface JournalScan {
  /** The last line was cut short (a crash mid-write) and was ignored. */
  readonly tornTail: boolean;
  /** Lines before the last that could not be read (skipped). */
  readonly badLines: number;
  /** Those lines, with where they are and why they were skipped. */
  readonly bad: readonly BadLine[];
  /**
   * Bytes up to the end of the last complete line (a whole last line without its newline
   * included): where what is appended later begins.
   */
  readonly bytes: number;
}

/** What reading a journal found. */
export interface JournalRead extends JournalScan {
  readonly records: JournalRecord[];
}

/**
 * Checks a parsed line: the record, why it is not one, or `undefined` when this check cannot
 * tell (the read then gives up, for a fuller check to read again).
 */
export type RecordCheck = (value: unknown) => JournalRecord | string | undefined;

/** Told of each record read, in journal order. */
export type RecordSink = (record: JournalRecord) => void;

/**
 * Reads journal lines one at a time, numbering them, and hands each record to the sink as it is
 * read; `end()` takes the last, unterminated one.
 */
class LineReader {
  readonly bad: BadLine[] = [];
  tornTail = false;
  /** A line the check could not tell about was met. */
  undecided = false;
  #line = 0;
  readonly #check: RecordCheck;
  readonly #sink: RecordSink;

  constructor(check: RecordCheck, sink: RecordSink) {
    this.#check = check;
    this.#sink = sink;
  }

  /** A complete line (its newline seen). */
  line(text: string): void {
    this.#line++;
    if (this.undecided || text.trim() === '') return;
    const rec = parseLine(text, this.#check);
    if (rec === undefined) this.undecided = true;
    else if (typeof rec === 'string') this.bad.push({ line: this.#line, why: rec });
    else this.#sink(rec);
  }

  /**
   * Text after the last newline: a record whose write may not have finished. `bytes`: the
   * complete lines' bytes. Whole JSON there is a line like any other (see `wholeLastLine`), its
   * bytes read; anything else is a torn write, ignored.
   */
  end(text: string, bytes: number): JournalScan | undefined {
    let read = bytes;
    if (wholeLastLine(text)) {
      this.line(text);
      read += Buffer.byteLength(text);
    } else if (text.trim() !== '') this.tornTail = true;
    if (this.undecided) return undefined;
    return { tornTail: this.tornTail, badLines: this.bad.length, bad: this.bad, bytes: read };
  }
}

/**
 * Whether a last line without its newline is whole JSON: a crash mid-write cannot leave that
 * (a record is one JSON object, and no shorter part of one parses), so it is no torn write but a
 * line whose newline is missing (written by hand or by another tool, or a crash between the
 * record and its newline). Readers take it as a line; the writer adds the newline before its own
 * records, where it would cut a torn one.
 */
export function wholeLastLine(text: string): boolean {
  if (text.trim() === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseLine(text: string, check: RecordCheck): JournalRecord | string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON (a corrupt line)';
  }
  return check(value);
}

/**
 * Parses journal text. A torn last line is ignored; other unreadable lines are skipped and listed.
 * `undefined` when `check` could not tell about a line.
 */
export function parseJournalWith(text: string, check: RecordCheck): JournalRead | undefined {
  const records: JournalRecord[] = [];
  const r = new LineReader(check, (rec) => records.push(rec));
  let pos = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', pos)) {
    r.line(text.slice(pos, nl));
    pos = nl + 1;
  }
  const tail = text.slice(pos);
  const scan = r.end(tail, Buffer.byteLength(text) - Buffer.byteLength(tail));
  return scan === undefined ? undefined : { records, ...scan };
}

const CHUNK = 1 << 20;

/**
 * Reads the journal at `path` as a stream of chunks (a journal may be larger than one string);
 * an absent file is an empty journal. A file that cannot be read is an EnvironmentError.
 * `undefined` when `check` could not tell about a line.
 */
export function readJournalWith(path: string, check: RecordCheck): JournalRead | undefined {
  const records: JournalRecord[] = [];
  const scan = scanJournalWith(path, check, (rec) => records.push(rec));
  return scan === undefined ? undefined : { records, ...scan };
}

/**
 * `readJournalWith`, handing each record to `sink` as it is read rather than keeping a list (a
 * replay that folds records as they come keeps none of them alive). `undefined` when `check`
 * could not tell about a line; the sink has then seen only some of the records.
 */
export function scanJournalWith(
  path: string,
  check: RecordCheck,
  sink: RecordSink,
): JournalScan | undefined {
  let fd: number;
  try {
    // Non-blocking: a FIFO put where the journal belongs opens at once (and is refused below).
    fd = openJournalFile(path, constants.O_RDONLY);
  } catch (e) {
    if (e instanceof EnvironmentError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { tornTail: false, badLines: 0, bad: [], bytes: 0 };
    throw new EnvironmentError(`cannot read the journal ${describeIoError(path, e)}`);
  }
  refuseIrregularJournal(fd, path);
  const r = new LineReader(check, sink);
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.alloc(CHUNK);
  let pending = '';
  let read = 0;
  /** Bytes up to and with the last newline read. */
  let lines = 0;
  // While every chunk so far is ASCII (a journal usually is), latin1 decodes it as UTF-8 would,
  // faster; the decoder, which carries a character cut at a chunk's end, then holds nothing.
  let ascii = true;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0 || r.undecided) break;
      const chunk = buf.subarray(0, n);
      const nl = chunk.lastIndexOf(0x0a);
      if (nl >= 0) lines = read + nl + 1;
      read += n;
      ascii &&= isAscii(chunk);
      pending += ascii ? chunk.toString('latin1') : decoder.write(chunk);
      let pos = 0;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', pos)) {
        r.line(pending.slice(pos, nl));
        pos = nl + 1;
      }
      pending = pending.slice(pos);
    }
  } catch (e) {
    throw new EnvironmentError(`cannot read the journal ${describeIoError(path, e)}`);
  } finally {
    closeSync(fd);
  }
  return r.end(pending + decoder.end(), lines);
}

/** One line per skipped journal line, for `run` and `status` to print. */
export function describeBadLines(path: string, read: JournalScan): string[] {
  return read.bad.map(
    (b) => `${path}:${b.line}: skipped a journal line that is not a record: ${b.why}`,
  );
}
