import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  lastAttemptStart,
  readLogTail,
  tailLines,
  TAIL_LINE_CHARS,
  TAIL_LINES,
} from '../../../src/state/log-tail.js';

/** The last attempt of `log`'s text, as lastAttemptStart finds it in a file, `chunk` bytes a read. */
function lastAttempt(log: string, chunk?: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'critpath-tail-'));
  try {
    const file = join(dir, 'a.log');
    writeFileSync(file, log);
    const fd = openSync(file, 'r');
    try {
      const bytes = Buffer.from(log);
      return bytes.subarray(lastAttemptStart(fd, bytes.length, chunk)).toString();
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const header = (n: number): string => `=== b attempt ${n}/2 run r1 at 2026-01-05T10:00:00.000Z\n`;

describe('the tail of a failed attempt', () => {
  it("keeps the last attempt's lines only, blank lines and Slurm marks left out", () => {
    const text =
      `${header(1)}first attempt\n${header(2)}one\n\n` +
      'critpath-slurm: end 12 1\r\ntwo\r\nthree\n';
    expect(tailLines(text)).toEqual(['one', 'two', 'three']);
  });

  it("a Slurm job's log: the last attempt starts at the job's start mark", () => {
    const job = (n: number, out: string): string =>
      `critpath-slurm: start c job=${80 + n} host=h at_ms=1 cuda_visible_devices=unset gpus_on_node=0\n${out}\ncritpath-slurm: end job=${80 + n} exit=3 at_ms=2\n`;
    const log = `${job(1, 'first try')}${job(2, 'second try')}`;
    expect(tailLines(log)).toEqual(['second try']);
    expect(lastAttempt(log)).toBe(job(2, 'second try'));
    expect(lastAttempt(`${header(1)}a\n${header(2)}b\n`)).toBe(`${header(2)}b\n`);
    expect(lastAttempt('no header\n')).toBe('no header\n');
    // Read backwards a few bytes at a time, a header across two reads is found all the same.
    for (const chunk of [1, 3, 7, 16, 64])
      expect(lastAttempt(`x\n${log}tail\n`, chunk)).toBe(`${job(2, 'second try')}tail\n`);
    expect(lastAttempt(`${header(1)}a\n${header(2)}b\n`, 5)).toBe(`${header(2)}b\n`);
  });

  it('is bounded: the last lines, each cut short', () => {
    const long = 'x'.repeat(5000);
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    const tail = tailLines(`${header(1)}${lines.join('\n')}\n${long}\n`);
    expect(tail).toHaveLength(TAIL_LINES);
    expect(tail[0]).toBe('line 41');
    expect(tail.at(-1)).toHaveLength(TAIL_LINE_CHARS);
    expect(tail.at(-1)!.endsWith('…')).toBe(true);
  });

  it('reads only the end of a large log, and none of a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'critpath-tail-'));
    try {
      const path = join(dir, 'b.log');
      writeFileSync(path, `${header(1)}${'noise\n'.repeat(1_000_000)}boom: it broke\n`);
      expect(readLogTail(path).at(-1)).toBe('boom: it broke');
      expect(readLogTail(join(dir, 'none.log'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
