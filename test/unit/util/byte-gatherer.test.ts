import { describe, expect, it } from 'vitest';
import { byteGatherer } from '../../../src/util/byte-gatherer.js';

describe('byteGatherer', () => {
  it('hands on the UTF-8 of the texts in order, in buffers of a megabyte or so', () => {
    const sizes: number[] = [];
    const got: Buffer[] = [];
    const g = byteGatherer((b) => {
      sizes.push(b.length);
      // A copy: the gatherer may hand on a view of its buffer.
      got.push(Buffer.from(b));
    });
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) texts.push(`${'é'.repeat(i % 50)}{"id": "t${i}"}😀\u0085`);
    texts.push('x'.repeat(3 << 20), '', 'ü'.repeat(1 << 19), 'tail');
    for (const t of texts) g.add(t);
    g.end();
    expect(Buffer.concat(got).equals(Buffer.from(texts.join(''), 'utf8'))).toBe(true);
    expect(sizes.every((s) => s > 0)).toBe(true);
    // Gathered, not one write per text.
    expect(sizes.length).toBeLessThan(texts.length / 100);
  });

  it('writes Latin-1 when asked (text known to be ASCII)', () => {
    const got: Buffer[] = [];
    const g = byteGatherer((b) => void got.push(Buffer.from(b)), 'latin1');
    const texts = Array.from(
      { length: 5000 },
      (_, i) => `{"id":"t${i}","x":${'1'.repeat(i % 500)}}`,
    );
    for (const t of texts) g.add(t);
    g.end();
    expect(Buffer.concat(got).toString('latin1')).toBe(texts.join(''));
  });

  it('fills one buffer again when the write is done with it', () => {
    const seen = new Set<ArrayBufferLike>();
    const got: Buffer[] = [];
    const g = byteGatherer(
      (b) => {
        seen.add(b.buffer);
        got.push(Buffer.from(b));
      },
      'utf8',
      () => true,
    );
    const texts = Array.from({ length: 20_000 }, (_, i) => `"t${i}": ${'x'.repeat(i % 300)}ü,`);
    for (const t of texts) g.add(t);
    g.end();
    expect(Buffer.concat(got).toString('utf8')).toBe(texts.join(''));
    expect(got.length).toBeGreaterThan(2);
    expect(seen.size).toBe(1);
  });

  it('adds a text only if its bytes pass, in a buffer of its own or not', () => {
    const got: Buffer[] = [];
    const g = byteGatherer((b) => void got.push(Buffer.from(b)));
    const noX = (b: Buffer): boolean => b.indexOf(0x78) < 0;
    expect(g.addIf('abc', noX)).toBe(true);
    expect(g.addIf('abx', noX)).toBe(false);
    expect(g.addIf('y'.repeat(1 << 20), noX)).toBe(true);
    expect(g.addIf(`${'y'.repeat(1 << 20)}x`, noX)).toBe(false);
    g.add('x');
    g.end();
    expect(Buffer.concat(got).toString()).toBe(`abc${'y'.repeat(1 << 20)}x`);
  });

  it('writes nothing for nothing', () => {
    const got: Uint8Array[] = [];
    const g = byteGatherer((b) => void got.push(b));
    g.add('');
    g.end();
    expect(got).toEqual([]);
  });
});
