import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { appendBesideRun } from '../../../src/state/locked-append.js';
import { selfOwner, tryLock, unlock } from '../../../src/state/lockfile.js';
import { statePaths } from '../../../src/state/paths.js';
import type { JournalRecord, WithoutVersion } from '../../../src/state/records.js';

const FINISHED = JSON.stringify({
  v: 1,
  t: 'finished',
  at: 2,
  runId: 'r1',
  id: 'a',
  attempt: 1,
  exitCode: 0,
  durationMs: 1,
});
const HAND = {
  t: 'hand',
  at: 3,
  recordedAt: 3,
  id: 'b',
  action: 'done',
  by: 'ana',
} as const satisfies WithoutVersion<JournalRecord>;

/** A project folder with a journal whose last line has no newline yet: `head` then `tail`. */
function journalWithTail(): { paths: ReturnType<typeof statePaths>; head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'critpath-append-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), '{}\n');
  const paths = statePaths(join(dir, 'p.yaml'), dir);
  const head = `${FINISHED}\n`;
  appendBesideRun(paths, 'test', { ...HAND, at: 1, id: 'z' });
  writeFileSync(paths.journal, head);
  appendFileSync(paths.journal, FINISHED.slice(0, 40));
  return { paths, head };
}

describe('a hand record appended beside a run', () => {
  it("leaves a live run's record being written alone: no tail is cut while the run holds the lock", () => {
    const { paths, head } = journalWithTail();
    const run = selfOwner({ what: 'run' });
    expect(tryLock(paths.lock, run).ok).toBe(true);
    onTestFinished(() => unlock(paths.lock, run));
    appendBesideRun(paths, 'critpath hand record', HAND);
    // The run's part-written line is still there; the kernel puts the append after its write.
    expect(readFileSync(paths.journal, 'utf8').startsWith(head + FINISHED.slice(0, 40))).toBe(true);
  });

  it('with no run, cuts the torn line a crash left, then appends, under the lock', () => {
    const { paths, head } = journalWithTail();
    appendBesideRun(paths, 'critpath hand record', HAND);
    const text = readFileSync(paths.journal, 'utf8');
    expect(text.startsWith(head)).toBe(true);
    expect(text.slice(head.length)).toMatch(/^\{"v":1,"t":"hand".*\n$/);
    // The lock it took is let go.
    expect(tryLock(paths.lock, selfOwner({ what: 'after' })).ok).toBe(true);
  });
});
