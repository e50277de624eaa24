import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  ftruncateSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { JournalRecord, WithoutVersion } from './records.js';
import { JOURNAL_VERSION } from './records.js';

/** What reading a journal found. */
export interface JournalRead {
  readonly records: JournalRecord[];
  /** The last line was cut short (a crash mid-write) and was ignored. */
  readonly tornTail: boolean;
  /** Lines before the last that could not be read (skipped). */
  readonly badLines: number;
}

/** Parses journal text. A torn last line is ignored; other unreadable lines are skipped and counted. */
export function parseJournal(text: string): JournalRead {
  const records: JournalRecord[] = [];
  let badLines = 0;
  let tornTail = false;
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    const last = nl < 0;
    if (last) nl = text.length;
    const line = text.slice(pos, nl);
    pos = nl + 1;
    if (line.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      rec = undefined;
    }
    const good =
      typeof rec === 'object' && rec !== null && typeof (rec as { t?: unknown }).t === 'string';
    if (good && !last) records.push(rec as JournalRecord);
    else if (good && last)
      tornTail = true; // complete JSON without its newline: the write may not have finished
    else if (last || pos >= text.length) tornTail = true;
    else badLines++;
  }
  return { records, tornTail, badLines };
}

/** Reads the journal at `path`; an absent file is an empty journal. */
export function readJournal(path: string): JournalRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { records: [], tornTail: false, badLines: 0 };
    throw e;
  }
  return parseJournal(text);
}

/**
 * Appends records to a journal. Each record is written with one write(2) and fdatasync'ed;
 * records written in the same moment share one sync (group commit). `append` resolves once the
 * record is on disk; act on a record (start dependents) only after that.
 */
export class JournalWriter {
  readonly #fd: number;
  #waiters: (() => void)[] = [];
  #syncing = false;
  /** Written since the last sync began. */
  #dirty = false;
  #closed = false;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** Opens (creating) the journal; cuts a torn last line first so the next record starts clean. */
  static open(path: string): JournalWriter {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, 'a+');
    const size = fstatSync(fd).size;
    if (size > 0) {
      const tail = Buffer.alloc(Math.min(size, 1 << 16));
      readSync(fd, tail, 0, tail.length, size - tail.length);
      if (tail[tail.length - 1] !== 0x0a) {
        const nl = tail.lastIndexOf(0x0a);
        if (nl < 0 && size > tail.length)
          throw new Error(`journal ${path} ends in a line over 64 KiB; refusing to cut it`);
        ftruncateSync(fd, nl < 0 ? 0 : size - tail.length + nl + 1);
        fdatasyncSync(fd);
      }
    }
    return new JournalWriter(fd);
  }

  /** Writes a record now and resolves when it is durable. */
  append(rec: WithoutVersion<JournalRecord>): Promise<void> {
    this.#write(rec);
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
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
    this.#write(rec);
    fdatasyncSync(this.#fd);
    this.#dirty = false;
  }

  #write(rec: WithoutVersion<JournalRecord>): void {
    if (this.#closed) throw new Error('Internal error: journal is closed');
    const line = `${JSON.stringify({ v: JOURNAL_VERSION, ...rec })}\n`;
    writeSync(this.#fd, line);
    this.#dirty = true;
  }

  #sync(): void {
    this.#syncing = true;
    const batch = this.#waiters;
    this.#waiters = [];
    this.#dirty = false;
    fdatasync(this.#fd, (e) => {
      if (e !== null) throw e;
      for (const w of batch) w();
      if (this.#waiters.length > 0) this.#sync();
      else this.#syncing = false;
    });
  }

  /** Resolves when everything written so far is durable. */
  flush(): Promise<void> {
    if (!this.#syncing && this.#waiters.length === 0 && !this.#dirty) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      if (!this.#syncing) this.#sync();
    });
  }

  close(): void {
    if (this.#closed) return;
    fdatasyncSync(this.#fd);
    closeSync(this.#fd);
    this.#closed = true;
  }
}
