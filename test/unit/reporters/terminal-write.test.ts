import { describe, expect, it } from 'vitest';
import { WRITE_PIECE, writePieces } from '../../../src/reporters/terminal.js';

/** What writePieces hands a stream, piece by piece. */
function pieces(text: string): string[] {
  const out: string[] = [];
  writePieces({ write: (p: string) => out.push(p) }, text);
  return out;
}

describe('writePieces', () => {
  it('writes a long text in pieces that join back to it', () => {
    const text = 'x'.repeat(WRITE_PIECE * 3 + 5);
    const got = pieces(text);
    expect(got.map((p) => p.length)).toEqual([WRITE_PIECE, WRITE_PIECE, WRITE_PIECE, 5]);
    expect(got.join('')).toBe(text);
  });

  it('never cuts a surrogate pair: each piece encodes as the text does', () => {
    // An emoji (two UTF-16 units) across each place a plain cut would fall.
    const text = `${'a'.repeat(WRITE_PIECE - 1)}😀${'b'.repeat(WRITE_PIECE - 2)}😀😀c`;
    const got = pieces(text);
    expect(got.join('')).toBe(text);
    for (const p of got) expect(Buffer.from(p, 'utf8').toString('utf8')).toBe(p);
    expect(Buffer.concat(got.map((p) => Buffer.from(p, 'utf8')))).toEqual(Buffer.from(text));
    expect(got.every((p) => p.length <= WRITE_PIECE)).toBe(true);
  });
});
