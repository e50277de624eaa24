import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JSON_BATCH, jsonChunks } from '../../../src/reporters/json-chunks.js';
import { MappedList } from '../../../src/util/mapped-list.js';
import { escapeTerminal } from '../../../src/reporters/escape.js';
import { memoryOutput, writeChunks } from '../../../src/reporters/terminal.js';

const joined = (v: unknown): string => [...jsonChunks(v)].join('');

describe('jsonChunks', () => {
  it('is JSON.stringify(value, null, 2) byte for byte (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(joined(v)).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it('matches on long arrays split into batches, at every depth it walks', () => {
    const long = (k: number): unknown[] =>
      Array.from({ length: JSON_BATCH * 2 + k }, (_, i) =>
        i % 3 === 0 ? { id: `a${i}`, deps: [i, [i + 1]], at: i / 7 } : i % 3 === 1 ? `s${i}` : [],
      );
    const values: unknown[] = [
      long(1),
      { activities: long(0), tail: 1 },
      { plans: [{ activities: long(5), empty: {}, none: [] }, { activities: long(2) }] },
      [[[long(3)]]],
      { a: { b: { c: { d: long(1) } } } },
    ];
    for (const v of values) expect(joined(v)).toBe(JSON.stringify(v, null, 2));
    // Pieces stay small: no piece holds more than a batch of the long array.
    const four = { activities: [...long(0), ...long(0)] };
    const biggest = Math.max(...[...jsonChunks(four)].map((c) => c.length));
    expect(biggest).toBeLessThan(JSON.stringify(four, null, 2).length / 3);
  });

  it('leaves out what JSON.stringify leaves out, and writes null where it does', () => {
    const v = {
      u: undefined,
      f: () => 1,
      list: [undefined, () => 2, Symbol('s'), NaN, Infinity, -0],
      date: new Date(0),
      nested: { withToJSON: { toJSON: () => 'x' } },
      proto: Object.create({ inherited: 1 }) as object,
    };
    expect(joined(v)).toBe(JSON.stringify(v, null, 2));
    const long = Array.from({ length: JSON_BATCH + 3 }, (_, i) => (i % 2 ? undefined : i));
    expect(joined({ long })).toBe(JSON.stringify({ long }, null, 2));
  });
});

describe('writeChunks', () => {
  const written = (chunks: string[]): string => {
    const out: string[] = [];
    writeChunks(chunks, (t) => void out.push(t));
    return out.join('');
  };

  it('prints what out prints: the text escaped, with its newline', () => {
    const text = 'a\u009bb\u001b[31mred\u001b[39m\r\nc\rd';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(written([text.slice(0, cut), text.slice(cut)])).toBe(
        `${escapeTerminal(text, true)}\n`,
      );
    }
    expect(written([])).toBe('\n');
    expect(written(['x\n'])).toBe('x\n');
  });

  it('keeps an SGR sequence or CR LF cut by a megabyte write whole', () => {
    const big = 'x'.repeat((1 << 20) - 3);
    for (const end of ['\u001b[3', '\u001b', '\r']) {
      const text = `${big}${end}${end === '\r' ? '\n' : '1m'}tail`;
      expect(written([`${big}${end}`, text.slice(big.length + end.length)])).toBe(
        `${escapeTerminal(text, true)}\n`,
      );
    }
  });

  it('is one stdout entry in a memory output, as out would make', () => {
    const o = memoryOutput();
    o.outChunks(['{', '\n}', '\u0085']);
    expect(o.stdout).toEqual([escapeTerminal('{\n}\u0085', true)]);
  });
});

describe('MappedList', () => {
  it('writes as the mapped array, short or long, at any depth', () => {
    const map = (i: number): unknown => ({ i, half: i / 2, list: i % 5 === 0 ? [] : [i, `${i}`] });
    for (const length of [0, 1, JSON_BATCH, JSON_BATCH + 1, 3 * JSON_BATCH + 7]) {
      const items = Array.from({ length }, (_, i) => i);
      const lazy = { plans: [{ a: 1, activities: new MappedList(items, map) }] };
      const eager = { plans: [{ a: 1, activities: items.map(map) }] };
      const expected = JSON.stringify(eager, null, 2);
      expect(joined(lazy)).toBe(expected);
      expect(JSON.stringify(lazy, null, 2)).toBe(expected);
      expect(joined([[[[new MappedList(items, map)]]]])).toBe(
        JSON.stringify([[[[items.map(map)]]]], null, 2),
      );
    }
  });
});
