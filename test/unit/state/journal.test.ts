import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  appendFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  JournalWriter,
  NOTHING_RECORDED,
  parseJournal,
  readJournal,
} from '../../../src/state/journal.js';
import { readJournalWith } from '../../../src/state/journal-read.js';
import { orphanedAttempts, replay } from '../../../src/state/reducer.js';
import { quickRecord } from '../../../src/state/record-check.js';
import type { JournalRecord } from '../../../src/state/records.js';

const base = { v: 1 as const, runId: 'r1' };
const recs: JournalRecord[] = [
  { ...base, t: 'started', at: 1, id: 'a', attempt: 1, backend: 'local', gpus: [], log: 'l/a' },
  {
    ...base,
    t: 'finished',
    at: 3_600_001,
    id: 'a',
    attempt: 1,
    exitCode: 0,
    durationMs: 3_600_000,
  },
  { ...base, t: 'started', at: 5, id: 'b', attempt: 1, backend: 'local', gpus: [0], log: 'l/b' },
  {
    ...base,
    t: 'failed',
    at: 6,
    id: 'b',
    attempt: 1,
    reason: 'exit-non-zero',
    exitCode: 1,
    signal: null,
    durationMs: 1,
    final: true,
  },
  {
    ...base,
    t: 'started',
    at: 7,
    id: 'c',
    attempt: 1,
    backend: 'slurm',
    externalId: '42',
    gpus: [],
    log: 'l/c',
  },
];

/** A temp directory for a journal file, removed when the test ends. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'critpath-journal-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('journal', () => {
  it('replays into state: done with actual hours, failed, running', () => {
    const s = replay(recs);
    expect(s.activities.get('a')).toMatchObject({ status: 'done', actualHours: 1 });
    expect(s.activities.get('b')?.status).toBe('failed');
    expect(s.activities.get('c')?.attempts[0]?.externalId).toBe('42');
    expect(orphanedAttempts(s, 'r2').map((o) => o.id)).toEqual(['c']);
    const after = replay([...recs, { v: 1, t: 'reset', at: 9, ids: ['a'] }]);
    expect(after.activities.has('a')).toBe(false);
  });

  it('actual hours: wall-clock from the first attempt of the finishing run, retries included', () => {
    const H = 3_600_000;
    const start = (runId: string, at: number, attempt: number): JournalRecord => ({
      v: 1,
      runId,
      t: 'started',
      at,
      id: 'x',
      attempt,
      backend: 'local',
      gpus: [],
      log: 'l/x',
    });
    const fail = (runId: string, at: number, attempt: number): JournalRecord => ({
      v: 1,
      runId,
      t: 'failed',
      at,
      id: 'x',
      attempt,
      reason: 'exit-non-zero',
      exitCode: 1,
      signal: null,
      durationMs: H / 2,
      final: attempt === 2,
    });
    const s = replay([
      // Run r1: two failed attempts (the second final). Run r2, a day later: a retry, then success.
      start('r1', 0, 1),
      fail('r1', H / 2, 1),
      start('r1', H, 2),
      fail('r1', 1.5 * H, 2),
      start('r2', 24 * H, 1),
      fail('r2', 24.5 * H, 1),
      start('r2', 25 * H, 2),
      {
        v: 1,
        runId: 'r2',
        t: 'finished',
        at: 26 * H,
        id: 'x',
        attempt: 2,
        exitCode: 0,
        durationMs: H,
      },
    ]);
    // 24 h → 26 h: the first try of r2, its backoff and the successful try; not r1's.
    expect(s.activities.get('x')).toMatchObject({
      status: 'done',
      actualHours: 2,
      actualFrom: 24 * H,
    });
  });

  it('ignores a torn last line, and the writer cuts it before appending', () => {
    const lines = recs.map((r) => JSON.stringify(r)).join('\n');
    const torn = `${lines}\n{"v":1,"t":"fini`;
    expect(parseJournal(torn)).toMatchObject({ tornTail: true, badLines: 0 });
    expect(parseJournal(torn).records).toHaveLength(recs.length);
    const dir = tempDir();
    const path = join(dir, 'j');
    appendFileSync(path, torn);
    const w = JournalWriter.open(path);
    w.appendSync({ t: 'run-end', at: 10, runId: 'r1', outcome: 'ok' });
    w.close();
    const back = readJournal(path);
    expect(back.tornTail).toBe(false);
    expect(back.records.at(-1)?.t).toBe('run-end');
    expect(readFileSync(path, 'utf8').endsWith('"outcome":"ok"}\n')).toBe(true);
  });

  it('keeps a whole last record that lacks its newline: readers read it, the writer ends it', () => {
    // Written by hand or another tool, or a crash between the record and its newline.
    const text = recs.map((r) => JSON.stringify(r)).join('\n');
    expect(parseJournal(text)).toMatchObject({ records: recs, tornTail: false, badLines: 0 });
    const path = join(tempDir(), 'j');
    writeFileSync(path, text);
    for (const read of [readJournal(path), readJournalWith(path, quickRecord)!])
      expect(read).toMatchObject({ records: recs, tornTail: false, bytes: text.length });
    const w = JournalWriter.open(path);
    w.appendSync({ t: 'run-end', at: 10, runId: 'r1', outcome: 'ok' });
    w.close();
    const back = readJournal(path);
    expect(back.records.map((r) => r.t)).toEqual([...recs.map((r) => r.t), 'run-end']);
    expect(back).toMatchObject({ tornTail: false, badLines: 0 });
    expect(readFileSync(path, 'utf8').startsWith(`${text}\n{`)).toBe(true);
  });

  it('keeps a whole last JSON line that is no record: listed as skipped, not cut as torn', () => {
    const text = `${JSON.stringify(recs[0])}\n{"v":1,"t":"no-such-kind","at":1}`;
    expect(parseJournal(text)).toMatchObject({ tornTail: false, badLines: 1 });
    expect(parseJournal(text).bad[0]?.line).toBe(2);
    const path = join(tempDir(), 'j');
    writeFileSync(path, text);
    JournalWriter.open(path).close();
    expect(readFileSync(path, 'utf8')).toBe(`${text}\n`);
  });

  it('resolves appends once synced, in order', async () => {
    const path = join(tempDir(), 'j');
    const w = JournalWriter.open(path);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => w.append({ t: 'reset', at: i, ids: [`x${i}`] })),
    );
    w.close();
    expect(readJournal(path).records.map((r) => r.at)).toEqual([...Array(50).keys()]);
  });
});

describe('a journal that never lies', () => {
  const lines = recs.map((r) => JSON.stringify(r));

  it('lists a corrupt middle line with its number, and replays the rest', () => {
    const text = [lines[0], '{"v":1,"t":"fin garbage', ...lines.slice(1), ''].join('\n');
    const j = parseJournal(text);
    expect(j.records).toHaveLength(recs.length);
    expect(j.bad).toEqual([{ line: 2, why: 'not JSON (a corrupt line)' }]);
    expect(j.tornTail).toBe(false);
  });

  it('checks the shape of each record: wrong shapes are skipped and listed, not applied', () => {
    const bad = [
      '{"v":1,"t":"reset","at":1,"ids":5}',
      '{"v":1,"t":"reset","at":1,"ids":"abc"}',
      '{"v":1,"t":"finished","at":"soon","runId":"r1","id":"a","attempt":1,"exitCode":0,"durationMs":1}',
      '{"v":1,"t":"no-such-kind","at":1}',
      '[1,2]',
    ];
    const j = parseJournal([...lines, ...bad, ''].join('\n'));
    expect(j.records).toHaveLength(recs.length);
    expect(j.bad.map((b) => b.line)).toEqual([1, 2, 3, 4, 5].map((k) => lines.length + k));
    expect(j.bad[0]!.why).toMatch(/^ids: /);
    expect(j.bad[2]!.why).toMatch(/^at: /);
    // Nothing was reset: `a` stays done.
    expect(replay(j.records).activities.get('a')?.status).toBe('done');
  });

  it('reads a journal in chunks: records spanning chunk borders and multi-byte text', () => {
    const path = join(tempDir(), 'j');
    const w = JournalWriter.open(path);
    const n = 30_000; // about 2.5 MB: several 1 MiB chunks
    for (let i = 0; i < n; i++) w.write({ t: 'reset', at: i, ids: [`é-${i}`] });
    w.close();
    appendFileSync(path, 'garbage\n');
    const j = readJournal(path);
    expect(j.records).toHaveLength(n);
    expect(j.records[n - 1]).toMatchObject({ ids: [`é-${n - 1}`] });
    expect(j.bad).toEqual([{ line: n + 1, why: 'not JSON (a corrupt line)' }]);
  });

  it('reads ASCII chunks, then a character cut by a chunk border, as the text they hold', () => {
    const path = join(tempDir(), 'j');
    const line = (at: number, id: string): string =>
      `${JSON.stringify({ v: 1, t: 'reset', at, ids: [id] })}\n`;
    const CHUNK = 1 << 20;
    let text = '';
    let at = 0;
    // ASCII so far: the length is the byte length (counted as it grows, not measured each time).
    while (text.length < CHUNK - 200) text += line(at++, `ascii-${at}`);
    // The next record's `é` starts at the last byte of the first chunk: its second byte is the
    // second chunk's first.
    const head = `{"v":1,"t":"reset","at":${at},"ids":["`;
    const pad = CHUNK - 1 - Buffer.byteLength(text) - head.length;
    const cut = `${'x'.repeat(pad)}é-cut`;
    text += line(at++, cut);
    expect(
      Buffer.from(text)
        .subarray(CHUNK - 1, CHUNK + 1)
        .toString(),
    ).toBe('é');
    for (let i = 0; i < 1000; i++) text += line(at++, `é-${i}`);
    writeFileSync(path, text);
    const ids = (records: readonly JournalRecord[]): string[] =>
      records.flatMap((r) => (r.t === 'reset' ? (r.ids ?? []) : []));
    const want = text
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { ids: string[] }).ids[0]!);
    expect(ids(readJournal(path).records)).toEqual(want);
    const quick = readJournalWith(path, quickRecord);
    expect(quick).toBeDefined();
    expect(ids(quick!.records)).toEqual(want);
  });

  it('stops cleanly on a full device: one error saying so, appends rejected, nothing later written', async () => {
    const w = JournalWriter.open('/dev/full');
    let told: Error | undefined;
    w.onFailure = (e) => (told = e);
    await expect(w.append({ t: 'reset', at: 1, ids: null })).rejects.toThrow(
      /no space left on the device \(ENOSPC\); the run stopped/,
    );
    expect(told?.name).toBe('EnvironmentError');
    expect(() => w.appendSync({ t: 'reset', at: 2, ids: null })).toThrow(/ENOSPC/);
    await expect(w.flush()).rejects.toThrow(/ENOSPC/);
    w.close();
    // Outside a run (a hand record, a reset) no run stopped: the record was not written.
    const hand = JournalWriter.open('/dev/full', NOTHING_RECORDED);
    expect(() => hand.appendSync({ t: 'reset', at: 1, ids: null })).toThrow(
      /no space left on the device \(ENOSPC\); the record was not written$/,
    );
    hand.close();
  });

  // A small tmpfs to fill: root only; CI sets CRITPATH_TMPFS_E2E=require so it cannot skip.
  const tmpfs = process.env['CRITPATH_TMPFS_E2E'] === 'require' || process.getuid?.() === 0;
  it.skipIf(!tmpfs)(
    'a write cut short by a full disk takes back its own bytes only, not a record appended beside it',
    () => {
      const mnt = mkdtempSync(join(tmpdir(), 'critpath-journal-full-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
      onTestFinished(() => {
        execFileSync('umount', ['-l', mnt]);
        rmSync(mnt, { recursive: true, force: true });
      });
      const path = join(mnt, 'p.journal');
      const run = JournalWriter.open(path);
      run.appendSync({ t: 'reset', at: 1, ids: ['run'] });
      // A hand verb appends while the run holds the journal (its own writer, as `start` does).
      const hand = JournalWriter.open(path);
      hand.appendSync({ t: 'reset', at: 2, ids: ['hand'] });
      hand.close();
      const before = readFileSync(path, 'utf8');
      // Fill every free page, so that the next record fits only in what is left of the
      // journal's own page: it is written in part, then the disk is full.
      try {
        for (let k = 0; ; k++) writeFileSync(join(mnt, `fill-${k}`), Buffer.alloc(4096));
      } catch {
        // full
      }
      expect(() => run.appendSync({ t: 'reset', at: 3, ids: ['x'.repeat(8000)] })).toThrow(
        /ENOSPC/,
      );
      run.close();
      expect(readFileSync(path, 'utf8')).toBe(before);
      const ids = readJournal(path).records.map((r) => (r.t === 'reset' ? r.ids?.[0] : r.t));
      expect(ids).toEqual(['run', 'hand']);
    },
  );

  it('refuses, untouched, a journal whose unfinished last line is over 64 KiB', () => {
    const path = join(tempDir(), 'j');
    const text = `${lines[0]}\n${'x'.repeat(70_000)}`;
    appendFileSync(path, text);
    expect(() => JournalWriter.open(path)).toThrow(/over 64 KiB long and unfinished/);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('names the file when the journal folder cannot be made', () => {
    const file = join(tempDir(), 'f');
    appendFileSync(file, '');
    expect(() => JournalWriter.open(join(file, 'j'))).toThrow(
      /^cannot open the journal .*\/f\/j: .*\((ENOTDIR|EEXIST)\)$/,
    );
  });
});

describe('a journal that is not a regular file', () => {
  it.skipIf(process.platform === 'win32')(
    'a FIFO is refused at once, by the reader and the writer, not read forever',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'critpath-fifo-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      const path = join(dir, 'p.journal');
      execFileSync('mkfifo', [path]);
      const message = `the journal ${path} is not a regular file; move it away`;
      expect(() => readJournal(path)).toThrow(message);
      expect(() => JournalWriter.open(path)).toThrow(message);
    },
    10_000,
  );

  it('a folder is refused with a message that says so, by the reader and the writer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'critpath-dir-journal-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'd.journal');
    mkdirSync(path);
    expect(() => readJournal(path)).toThrow(
      `the journal ${path} is not a regular file; move it away`,
    );
    expect(() => JournalWriter.open(path)).toThrow(
      `cannot open the journal ${path}: a folder where a file should be (EISDIR)`,
    );
  });
});

describe('a journal taken away from its writer', () => {
  const started = recs[0]!;

  it('stops the writer once its path names another file or none: appends reject, once told', async () => {
    for (const takeAway of [
      (path: string) => rmSync(path),
      (path: string) => {
        rmSync(path);
        writeFileSync(path, '');
      },
      (path: string) => rmSync(join(path, '..'), { recursive: true }),
    ]) {
      const path = join(tempDir(), 'state', 'j.journal');
      const w = JournalWriter.open(path);
      const told: string[] = [];
      w.onFailure = (e) => told.push(e.message);
      await w.append(started);
      w.checkPlace();
      expect(w.failure).toBeUndefined();
      takeAway(path);
      await expect(w.append(recs[1]!)).rejects.toThrow(
        `the journal ${path} was removed or replaced while the run wrote to it; the run stopped`,
      );
      expect(() => w.write(recs[2]!)).toThrow(/removed or replaced/);
      expect(told).toHaveLength(1);
      w.close();
    }
  });

  it('a writer whose file stays put goes on, also after a hand record appended beside it', async () => {
    const path = join(tempDir(), 'j.journal');
    const w = JournalWriter.open(path);
    await w.append(started);
    appendFileSync(path, `${JSON.stringify(recs[1])}\n`);
    w.checkPlace();
    await w.append(recs[2]!);
    expect(w.failure).toBeUndefined();
    w.close();
    expect(readJournal(path).records).toHaveLength(3);
  });
});
