import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JSON_BATCH, PIECE_CHARS, jsonChunks } from '../../../src/util/json-chunks.js';
import { MappedList } from '../../../src/util/mapped-list.js';

/** The indents the CLI (2: `--json`) and the project cache (0: compact) write with. */
const INDENTS = [2, 0] as const;

const joined = (v: unknown, indent: number): string => [...jsonChunks(v, indent)].join('');

describe.each(INDENTS)('jsonChunks, indent %i', (indent) => {
  const expected = (v: unknown): string => JSON.stringify(v, null, indent);

  it('is JSON.stringify(value, null, indent) byte for byte (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(joined(v, indent)).toBe(expected(v));
      }),
      { numRuns: 300 },
    );
  });

  it('matches on long arrays of mixed elements, batches sized as they come (property)', () => {
    const element = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.string({ unit: 'grapheme', maxLength: 4000 }),
      fc.record({ id: fc.string(), deps: fc.array(fc.string(), { maxLength: 30 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(element, { minLength: JSON_BATCH + 1, maxLength: 3 * JSON_BATCH }),
        fc.nat(5),
        (list, depth) => {
          let v: unknown = { list, after: 1 };
          for (let d = 0; d < depth; d++) v = [v];
          expect(joined(v, indent)).toBe(expected(v));
        },
      ),
      { numRuns: 25 },
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
      [[[[long(3)]]]],
      { a: { b: { c: { d: long(1) } } } },
    ];
    for (const v of values) expect(joined(v, indent)).toBe(expected(v));
    // Pieces stay small: no piece holds more than a batch of the long array.
    const four = { activities: Array.from({ length: 16 }, () => long(0)).flat() };
    const biggest = Math.max(...[...jsonChunks(four, indent)].map((c) => c.length));
    expect(biggest).toBeLessThan(expected(four).length / 3);
  });

  it('sizes a batch by the ones before it: pieces near PIECE_CHARS, however long the elements', () => {
    for (const width of [10, 300, 5000]) {
      const list = Array.from({ length: 40 * JSON_BATCH }, (_, i) => ({
        id: `t${i}`,
        title: 'x'.repeat(width + (i % 7)),
      }));
      const pieces = [...jsonChunks({ list }, indent)];
      expect(pieces.join('')).toBe(expected({ list }));
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(2 * PIECE_CHARS);
    }
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
    expect(joined(v, indent)).toBe(expected(v));
    const long = Array.from({ length: JSON_BATCH + 3 }, (_, i) => (i % 2 ? undefined : i));
    expect(joined({ long }, indent)).toBe(expected({ long }));
  });

  it('writes a MappedList as the mapped array, short or long, at any depth', () => {
    const map = (i: number): unknown => ({ i, half: i / 2, list: i % 5 === 0 ? [] : [i, `${i}`] });
    for (const length of [0, 1, JSON_BATCH, JSON_BATCH + 1, 3 * JSON_BATCH + 7]) {
      const items = Array.from({ length }, (_, i) => i);
      const lazy = { plans: [{ a: 1, activities: new MappedList(items, map) }] };
      const eager = { plans: [{ a: 1, activities: items.map(map) }] };
      expect(joined(lazy, indent)).toBe(expected(eager));
      expect(expected(lazy)).toBe(expected(eager));
      expect(joined([[[[[new MappedList(items, map)]]]]], indent)).toBe(
        expected([[[[[items.map(map)]]]]]),
      );
    }
  });
});

describe('jsonChunks', () => {
  it('reads a numeric indent as JSON.stringify does', () => {
    const v = { a: [1, { b: 2 }], c: 'd' };
    for (const indent of [1, 3.5, 12, -1])
      expect(joined(v, indent)).toBe(JSON.stringify(v, null, indent));
    expect([...jsonChunks(v)].join('')).toBe(JSON.stringify(v, null, 2));
  });

  it('never stringifies a long MappedList whole, even deep in the value', () => {
    const items = Array.from({ length: 4 * JSON_BATCH }, (_, i) => i);
    const list = new MappedList(items, (i) => ({ i, title: `activity ${i}` }));
    const v = { plans: [{ a: { activities: list } }] };
    const pieces = [...jsonChunks(v)];
    expect(pieces.join('')).toBe(JSON.stringify(v, null, 2));
    const biggest = Math.max(...pieces.map((c) => c.length));
    expect(biggest).toBeLessThan(JSON.stringify(v, null, 2).length / 3);
  });
});
