import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../../src/state/journal.js';
import { JournalFollower } from '../../../src/state/journal-follow.js';
import type { HandRecord } from '../../../src/state/records.js';

let dir = '';
let path = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'critpath-follow-'));
  path = join(dir, 'project.journal');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const hand = (id: string, at: number, reason?: string): HandRecord => ({
  v: 1,
  t: 'hand',
  at,
  recordedAt: at,
  id,
  action: reason === undefined ? 'start' : 'block',
  ...(reason === undefined ? {} : { reason }),
});
const line = (r: HandRecord): string => `${JSON.stringify(r)}\n`;

describe('JournalFollower', () => {
  it('starts where readJournal stopped: a torn last line is read once it is whole', () => {
    const first = hand('a', 1);
    const torn = line(hand('b', 2));
    writeFileSync(path, line(first) + torn.slice(0, 10));
    const read = readJournal(path);
    expect(read.records).toEqual([first]);
    expect(read.tornTail).toBe(true);
    expect(read.bytes).toBe(line(first).length);
    const f = new JournalFollower(path, read.bytes);
    expect(f.poll()).toEqual([]);
    appendFileSync(path, torn.slice(10));
    expect(f.poll()).toEqual([hand('b', 2)]);
    expect(f.poll()).toEqual([]);
  });

  it('skips a line that is not a record, as a replay does', () => {
    const f = new JournalFollower(path, 0);
    writeFileSync(path, `not json\n${line(hand('a', 1))}`);
    expect(f.poll()).toEqual([hand('a', 1)]);
  });

  it('hands back every appended record once, in order, however the bytes arrive', () => {
    // Reasons with multi-byte characters, so that a cut may fall inside one.
    const record = fc
      .tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 1, max: 1e6 }), fc.string())
      .map(([id, at, why]) => hand(id, at, why.length === 0 ? undefined : `${why} ✓ 日本`));
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (records, cuts) => {
          writeFileSync(path, '');
          const bytes = Buffer.from(records.map(line).join(''));
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
          const f = new JournalFollower(path, 0);
          const seen: unknown[] = [];
          let from = 0;
          for (const to of [...at, bytes.length]) {
            appendFileSync(path, bytes.subarray(from, to));
            from = to;
            seen.push(...f.poll());
          }
          expect(seen).toEqual(records);
        },
      ),
      { numRuns: 200 },
    );
  });
});
