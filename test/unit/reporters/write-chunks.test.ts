import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeTerminal } from '../../../src/reporters/escape.js';
import { blockingWrites, memoryOutput, writeJson } from '../../../src/reporters/terminal.js';
import { byteGatherer } from '../../../src/util/byte-gatherer.js';
import { jsonChunks } from '../../../src/util/json-chunks.js';

describe('writeJson', () => {
  /** What writeJson writes of these pieces, as text. */
  const written = (chunks: Iterable<string>): string => {
    const got: Buffer[] = [];
    const bytes = byteGatherer((b) => void got.push(Buffer.from(b)));
    writeJson(chunks, bytes);
    bytes.end();
    return Buffer.concat(got).toString('utf8');
  };
  /** Strings with what a terminal would act on: C0 and C1 controls, ESC sequences, CR, and more. */
  const nasty = fc.string({
    unit: fc.oneof(
      fc.constantFrom('\u001b[31m', '\u001b', '\r', '\r\n', '\u0085', '\u009b', '\u007f', '\u00a0'),
      fc.integer({ min: 0, max: 0x2ff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('é', '😀', '\ud800', 'x'),
    ),
    maxLength: 40,
  });
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      nasty,
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(nasty, tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  it('prints what out prints of the whole JSON text, newline added (property)', () => {
    fc.assert(
      fc.property(json, fc.array(fc.nat(), { maxLength: 6 }), (v, cuts) => {
        const text = JSON.stringify(v, null, 2) ?? 'null';
        const expected = `${escapeTerminal(text, true)}\n`;
        expect(written(jsonChunks(v))).toBe(expected);
        // Cut anywhere between characters of the text too, as long as no cut splits a pair.
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((x, y) => x - y);
        const pieces: string[] = [];
        let from = 0;
        for (const c of at) {
          if (c > 0 && c < text.length && /[\ud800-\udbff]/.test(text[c - 1]!)) continue;
          pieces.push(text.slice(from, c));
          from = c;
        }
        pieces.push(text.slice(from));
        expect(written(pieces)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('escapes bidirectional overrides, not other characters of the same lead byte (→, …)', () => {
    const v = { a: 'x\u202ey\u2066z\u200f', b: '→ … – ≤' };
    const out = written(jsonChunks(v));
    expect(out).toBe(`${escapeTerminal(JSON.stringify(v, null, 2), true)}\n`);
    expect(out).toContain('x\\u202ey\\u2066z\\u200f');
    expect(out).toContain('→ … – ≤');
    expect(JSON.parse(out)).toEqual(v);
  });

  it('escapes C1 characters, keeps others with a 0xC2 lead byte, and writes a lone newline for nothing', () => {
    const v = { a: '\u0085\u009b\u007f', b: '\u00a0©°', c: ['\u001b[31m', '\r\n'] };
    const out = written(jsonChunks(v));
    expect(out).toBe(`${escapeTerminal(JSON.stringify(v, null, 2), true)}\n`);
    expect(out).toContain('\\u0085\\u009b\\u007f');
    expect(JSON.parse(out)).toEqual(v);
    expect(out).toContain('\u00a0©°');
    expect(written([])).toBe('\n');
    expect(written(['{}\n'])).toBe('{}\n');
  });

  it('is one stdout entry in a memory output, as out would make', () => {
    const o = memoryOutput();
    o.outJson(['{', '\n}', '\u0085']);
    expect(o.stdout).toEqual([escapeTerminal('{\n}\u0085', true)]);
  });
});

describe('blockingWrites', () => {
  const streamWith = (isTTY: boolean, result = 0) => {
    const calls: boolean[] = [];
    const stream = {
      isTTY,
      _handle: {
        setBlocking: (on: boolean) => {
          calls.push(on);
          return result;
        },
      },
    } as unknown as NodeJS.WriteStream;
    return { stream, calls };
  };

  it('makes a pipe block until undone', () => {
    const { stream, calls } = streamWith(false);
    const restore = blockingWrites(stream);
    expect(calls).toEqual([true]);
    restore();
    expect(calls).toEqual([true, false]);
  });

  it('leaves terminals, streams without a handle and failed calls alone', () => {
    const tty = streamWith(true);
    blockingWrites(tty.stream)();
    expect(tty.calls).toEqual([]);
    const failed = streamWith(false, -22);
    blockingWrites(failed.stream)();
    expect(failed.calls).toEqual([true]);
    expect(() => blockingWrites({} as NodeJS.WriteStream)()).not.toThrow();
  });
});
