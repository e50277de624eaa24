import { isUtf8 } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProjectFile } from '../../../src/config/load.js';
import { loadTaskTable } from '../../../src/config/load-table.js';
import { loadProjectFileCached } from '../../../src/config/project-cache.js';
import { firstBadChar, notUtf8 } from '../../../src/config/utf8.js';

const dir = mkdtempSync(join(tmpdir(), 'critpath-utf8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = 'project: p\nstart: 2027-01-04\ntasks:\n';

describe('notUtf8', () => {
  it('passes UTF-8, and finds the first byte that begins no character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 16 }), (s, raw) => {
        const text = Buffer.from(s, 'utf8');
        expect(notUtf8(text, 'f')).toBeUndefined();
        expect(firstBadChar(text)).toBe(text.length);
        const bytes = Buffer.concat([text, Buffer.from(raw), text]);
        const k = firstBadChar(bytes);
        expect(notUtf8(bytes, 'f') === undefined).toBe(isUtf8(bytes));
        expect(k < bytes.length).toBe(!isUtf8(bytes));
        // What comes before it is UTF-8, and it is reported on its own line.
        expect(isUtf8(bytes.subarray(0, k))).toBe(true);
        const line = bytes.subarray(0, k).filter((b) => b === 10).length + 1;
        if (k < bytes.length) expect(notUtf8(bytes, 'f')?.position.line).toBe(line);
      }),
      { numRuns: 500 },
    );
  });

  it('names the line and column of the byte, and tells UTF-16 by its mark', () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${HEAD}  - id: a\n    title: caf`),
      Buffer.from([0xe9, 0x0a]),
    ]);
    expect(notUtf8(latin1, 'l.yaml')).toEqual({
      reason: 'encoding',
      message:
        'the file is not UTF-8 text: byte 0xe9 here begins no UTF-8 character (save it as UTF-8)',
      position: { file: 'l.yaml', line: 5, col: 15 },
    });
    // A sequence cut short is reported at its first byte, after characters of several bytes.
    const cutBytes = Buffer.concat([
      Buffer.from('été \u{1F600} x\n', 'utf8'),
      Buffer.from([0xe2, 0x82, 0x20]),
    ]);
    expect(notUtf8(cutBytes, 'c')?.position).toEqual({ file: 'c', line: 2, col: 1 });
    const utf16 = Buffer.from(`\ufeff${HEAD}`, 'utf16le');
    expect(notUtf8(utf16, 'w.yaml')?.message).toBe('the file is UTF-16 text: save it as UTF-8');
    // Surrogates and overlong forms are not UTF-8 either.
    for (const bad of [
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0xf4, 0x90, 0x80, 0x80],
    ])
      expect(notUtf8(Buffer.from(bad), 'b')?.position.col).toBe(1);
  });
});

describe('a task file that is not UTF-8', () => {
  it('is one diagnostic from every load, never text with U+FFFD in it', async () => {
    const small = join(dir, 'small.yaml');
    writeFileSync(
      small,
      Buffer.concat([
        Buffer.from(`${HEAD}  - id: caf`),
        Buffer.from([0xe9]),
        Buffer.from(', hours: 1 }\n'),
      ]),
    );
    for (const load of [loadProjectFile, loadProjectFileCached]) {
      const r = await load(small);
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.error.map((d) => d.position)).toEqual([{ file: small, line: 4, col: 12 }]);
    }
  });

  it('is left by the column reader to the usual load', () => {
    const big = join(dir, 'big.json');
    const tasks = Array.from({ length: 2000 }, (_, i) => ({ id: `t${i}`, title: 'x', hours: 1 }));
    const text = JSON.stringify({ project: 'p', start: '2027-01-04', tasks });
    writeFileSync(big, text);
    expect(loadTaskTable(big, 1)).toBeDefined();
    const at = text.indexOf('"x"') + 1;
    writeFileSync(
      big,
      Buffer.concat([
        Buffer.from(text.slice(0, at)),
        Buffer.from([0xff]),
        Buffer.from(text.slice(at + 1)),
      ]),
    );
    expect(loadTaskTable(big, 1)).toBeUndefined();
  });
});
