import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortByKey } from '../../../../src/planner/engine/fbi.js';

/** The order sortByKey promises: key ascending, ties by position (ascending, or descending). */
function reference(list: Int32Array, key: Float64Array, pos: Int32Array, ties: 1 | -1): number[] {
  return Array.from(list).sort((a, b) => key[a]! - key[b]! || (pos[a]! - pos[b]!) * ties);
}

describe('sortByKey', () => {
  it('sorts by key, ties by topological position, at every length (merge runs included)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.nat(1_000_000),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom<1 | -1>(1, -1),
        (n, seed, distinct, ties) => {
          let s = seed;
          const rnd = (m: number): number => {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            return s % m;
          };
          // Few distinct keys: many ties, which the position must break.
          const key = Float64Array.from({ length: n }, () => rnd(distinct) / 2);
          const pos = Int32Array.from({ length: n }, (_, i) => i);
          for (let i = n - 1; i > 0; i--) {
            const j = rnd(i + 1);
            [pos[i], pos[j]] = [pos[j]!, pos[i]!];
          }
          const list = Int32Array.from({ length: n }, (_, i) => i);
          for (let i = n - 1; i > 0; i--) {
            const j = rnd(i + 1);
            [list[i], list[j]] = [list[j]!, list[i]!];
          }
          const want = reference(list, key, pos, ties);
          sortByKey(list, key, pos, ties);
          expect(Array.from(list)).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});
