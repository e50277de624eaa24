/**
 * What other processes append to a journal while a run holds it: the hand verbs may record work
 * on activities without a command during a live run (run-loop.ts reads the journal once, as the
 * run begins). A follower reads only the bytes appended since it last looked, so that looking
 * before each such activity costs what was appended, not the whole journal again.
 */
import { closeSync, constants, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { describeIoError, EnvironmentError } from '../result.js';
import { parseJournal } from './journal.js';
import { openJournalFile } from './journal-read.js';
import type { JournalRecord } from './records.js';

const CHUNK = 1 << 16;

export class JournalFollower {
  readonly #path: string;
  /** Where the next read starts: the end of the last complete line read. */
  #offset: number;

  /** `offset`: the bytes already read (a JournalScan's `bytes`). */
  constructor(path: string, offset: number) {
    this.#path = path;
    this.#offset = offset;
  }

  /**
   * The records of the complete lines appended since the last call; a line being written now is
   * left for the next call, and a line that is not a record is skipped (as a replay skips it).
   */
  poll(): JournalRecord[] {
    let fd: number;
    try {
      fd = openJournalFile(this.#path, constants.O_RDONLY);
    } catch (e) {
      if (e instanceof EnvironmentError) throw e;
      throw new EnvironmentError(`cannot read the journal ${describeIoError(this.#path, e)}`);
    }
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.alloc(CHUNK);
    let text = '';
    let lines = 0;
    let read = 0;
    try {
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, this.#offset + read);
        if (n === 0) break;
        const chunk = buf.subarray(0, n);
        const nl = chunk.lastIndexOf(0x0a);
        if (nl >= 0) lines = read + nl + 1;
        read += n;
        text += decoder.write(chunk);
      }
    } catch (e) {
      throw new EnvironmentError(`cannot read the journal ${describeIoError(this.#path, e)}`);
    } finally {
      closeSync(fd);
    }
    if (lines === 0) return [];
    const whole = text.slice(0, text.lastIndexOf('\n') + 1);
    this.#offset += lines;
    return parseJournal(whole).records;
  }
}
