import {
  closeSync,
  constants,
  fdatasync,
  fdatasyncSync,
  ftruncateSync,
  fstatSync,
  lstatSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { describeIoError, EnvironmentError } from '../result.js';
import type { JournalRead } from './journal-read.js';
import {
  openJournalFile,
  parseJournalWith,
  readJournalWith,
  refuseIrregularJournal,
  wholeLastLine,
} from './journal-read.js';
import { quickRecord } from './record-check.js';
import type { JournalRecord, WithoutVersion } from './records.js';
import { checkRecord, JOURNAL_VERSION } from './records.js';
import { giveToSudoUser, makeStateFolders } from './state-owner.js';

export type { BadLine, JournalRead } from './journal-read.js';
export { describeBadLines } from './journal-read.js';

/** Parses journal text. A torn last line is ignored; other unreadable lines are skipped and listed. */
export function parseJournal(text: string): JournalRead {
  return parseJournalWith(text, fullCheck)!;
}

/**
 * Reads the journal at `path` as a stream of chunks (a journal may be larger than one string);
 * an absent file is an empty journal. A file that cannot be read is an EnvironmentError.
 */
export function readJournal(path: string): JournalRead {
  return readJournalWith(path, fullCheck)!;
}

/** Every line checked: quickly where it plainly is a record, else by its zod schema. */
function fullCheck(value: unknown): JournalRecord | string {
  return quickRecord(value) ?? checkRecord(value);
}

/** What a failed journal write means for a run (JournalWriter.open). */
const RUN_STOPPED = 'the run stopped, and work whose result was not recorded will run again';
/** What it means for a record written outside a run (a hand record, a reset): that one is not. */
export const NOTHING_RECORDED = 'the record was not written';

/** How far back a torn last line is looked for: records are far shorter than this. */
const TORN_MAX = 1 << 16;

/**
 * Appends records to a journal. Each record is written whole (short writes are continued) and
 * fdatasync'ed; records written in the same moment share one sync (group commit). `append`
 * resolves once the record is on disk; act on a record (start dependents) only after that.
 *
 * A write that fails (ENOSPC) cuts the part of the record it wrote off again. A write or sync
 * that fails stops the writer: every later call throws an EnvironmentError saying what
 * happened, pending appends reject with it, and `onFailure` (set by the run) hears of it once.
 */
export class JournalWriter {
  readonly #fd: number;
  readonly #path: string;
  /** The file the writer opened (device and inode), which its path must go on naming. */
  readonly #file: { readonly dev: bigint; readonly ino: bigint };
  #waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  #syncing = false;
  /** Written since the last sync began. */
  #dirty = false;
  #closed = false;
  #failure: EnvironmentError | undefined;
  /** Told of the first failure. */
  onFailure: ((e: EnvironmentError) => void) | undefined;

  /** What a failure means for the records still to come, after the reason (see `open`). */
  readonly #after: string;

  private constructor(fd: number, path: string, after: string) {
    this.#fd = fd;
    this.#path = path;
    this.#after = after;
    const st = fstatSync(fd, { bigint: true });
    this.#file = { dev: st.dev, ino: st.ino };
  }

  /**
   * Opens (creating) the journal; cuts a torn last line first so the next record starts clean
   * (unless `repairTail` is false).
   * `after` says what a failure to write means, after its reason: by default, for a run, that it
   * stopped; a hand record or a reset says that the record was not written.
   */
  static open(
    path: string,
    after: string = RUN_STOPPED,
    opts: { readonly repairTail?: boolean } = {},
  ): JournalWriter {
    let fd: number;
    try {
      makeStateFolders(dirname(path));
      fd = openJournalFile(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT);
    } catch (e) {
      if (e instanceof EnvironmentError) throw e;
      throw new EnvironmentError(`cannot open the journal ${describeIoError(path, e)}`);
    }
    refuseIrregularJournal(fd, path);
    giveToSudoUser(fd, path);
    try {
      // Beside a live run (a hand record) a tail without its newline is the run's record being
      // written this moment, not a crash's: it is not this writer's to cut (repairTail false).
      if (opts.repairTail !== false) cutTornTail(fd, path);
      return new JournalWriter(fd, path, after);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /**
   * Stops the writer when its path no longer names the file it writes (the state folder removed
   * during the run, the journal moved or replaced): records written from then on would be lost,
   * and another run could start on a journal that does not know of this one. A path that cannot
   * be looked at for another reason (EACCES) is left to the writes to find out.
   */
  checkPlace(): void {
    if (this.#failure !== undefined || this.#closed) return;
    let here: { dev: bigint; ino: bigint } | undefined;
    try {
      here = lstatSync(this.#path, { bigint: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return;
    }
    if (here?.dev === this.#file.dev && here.ino === this.#file.ino) return;
    this.stop(`the journal ${this.#path} was removed or replaced while the run wrote to it`);
  }

  /** Stops the writer for `reason`, as a failed write does: later appends throw, the run hears. */
  stop(reason: string): void {
    this.#failWith(`${reason}; ${this.#after}`);
  }

  /** The failure that stopped this writer, if any. */
  get failure(): EnvironmentError | undefined {
    return this.#failure;
  }

  /** Writes a record now and resolves when it is durable. */
  append(rec: WithoutVersion<JournalRecord>): Promise<void> {
    try {
      this.#write(rec);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (!this.#syncing) this.#sync();
    });
  }

  /**
   * Writes a record now without asking for a sync of its own: the next sync (of a later append,
   * flush or close) makes it durable. For records nothing waits on (`started`): a crash of this
   * process loses nothing written; only a crash of the machine could lose it.
   */
  write(rec: WithoutVersion<JournalRecord>): void {
    this.#write(rec);
  }

  /** Writes and syncs a record before returning (exit paths, where nothing async runs). */
  appendSync(rec: WithoutVersion<JournalRecord>): void {
    this.checkPlace();
    this.#write(rec);
    try {
      fdatasyncSync(this.#fd);
    } catch (e) {
      throw this.#fail('sync', e);
    }
    this.#dirty = false;
  }

  #write(rec: WithoutVersion<JournalRecord>): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#closed) throw new Error('Internal error: journal is closed');
    const line = Buffer.from(`${JSON.stringify({ v: JOURNAL_VERSION, ...rec })}\n`);
    let done = 0;
    try {
      while (done < line.length) done += writeSync(this.#fd, line, done, line.length - done);
    } catch (e) {
      this.#cutPartial(line.subarray(0, done));
      throw this.#fail('write', e);
    }
    this.#dirty = true;
  }

  /**
   * Cuts the part of a record a failed write left, when the file still ends with it. The hand
   * verbs append to a live run's journal: the file's length is not this writer's to know, and
   * cutting back to the length it last wrote to would take their records with it.
   */
  #cutPartial(partial: Uint8Array): void {
    if (partial.length === 0) return;
    try {
      const size = fstatSync(this.#fd).size;
      if (size < partial.length) return;
      const tail = Buffer.alloc(partial.length);
      readSync(this.#fd, tail, 0, tail.length, size - tail.length);
      if (tail.equals(partial)) ftruncateSync(this.#fd, size - tail.length);
    } catch {
      /* the next open cuts it: a torn last line */
    }
  }

  #fail(what: 'write' | 'sync', e: unknown): EnvironmentError {
    return this.#failWith(
      `cannot ${what} the journal ${describeIoError(this.#path, e)}; ${this.#after}`,
    );
  }

  /** Stops the writer: rejects the waiting appends and tells the run. */
  #failWith(message: string): EnvironmentError {
    if (this.#failure !== undefined) return this.#failure;
    this.#failure = new EnvironmentError(message);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(this.#failure);
    this.onFailure?.(this.#failure);
    return this.#failure;
  }

  #sync(): void {
    // Each group commit first makes sure its records go where the next reader looks.
    this.checkPlace();
    if (this.#failure !== undefined) {
      this.#syncing = false;
      return;
    }
    this.#syncing = true;
    const batch = this.#waiters;
    this.#waiters = [];
    this.#dirty = false;
    fdatasync(this.#fd, (e) => {
      if (e !== null) {
        this.#syncing = false;
        this.#waiters.unshift(...batch);
        this.#fail('sync', e);
        return;
      }
      for (const w of batch) w.resolve();
      if (this.#waiters.length > 0) this.#sync();
      else this.#syncing = false;
    });
  }

  /** Resolves when everything written so far is durable. */
  flush(): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (!this.#syncing && this.#waiters.length === 0 && !this.#dirty) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (!this.#syncing) this.#sync();
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#failure === undefined) fdatasyncSync(this.#fd);
    } finally {
      closeSync(this.#fd);
    }
  }
}

/**
 * Cuts a torn last line (a crash mid-write). A last line that is whole JSON only lacks its
 * newline (see `wholeLastLine`): the newline is added, so the record stays, read as readers read
 * it. A last line over TORN_MAX without a newline is no torn record: the file is refused,
 * untouched.
 */
function cutTornTail(fd: number, path: string): void {
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const tail = Buffer.alloc(Math.min(size, TORN_MAX));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    if (tail[tail.length - 1] === 0x0a) return;
    const nl = tail.lastIndexOf(0x0a);
    if (nl < 0 && size > tail.length)
      throw new EnvironmentError(
        `${path}: the last line is over 64 KiB long and unfinished: not a journal record cut short by a crash; move the file aside or cut that line`,
      );
    // O_APPEND: the newline goes at the end.
    if (wholeLastLine(tail.subarray(nl + 1).toString('utf8'))) writeSync(fd, '\n');
    else ftruncateSync(fd, nl < 0 ? 0 : size - tail.length + nl + 1);
    fdatasyncSync(fd);
  } catch (e) {
    if (e instanceof EnvironmentError) throw e;
    throw new EnvironmentError(`cannot repair the journal ${describeIoError(path, e)}`);
  }
}
