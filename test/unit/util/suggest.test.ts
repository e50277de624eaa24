import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HintBudget,
  MAX_EDITS,
  MAX_HINT_LENGTH,
  cappedEditDistance,
  nearest,
} from '../../../src/util/suggest.js';

/** The whole table: optimal string alignment, a swap of neighbours counting as one edit. */
function fullDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push([]);
    for (let j = 0; j <= b.length; j++) {
      if (i === 0 || j === 0) {
        d[i]![j] = i + j;
        continue;
      }
      let v = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

describe('cappedEditDistance', () => {
  it('is the full distance when within the cap, else cap + 1 (property)', () => {
    // Few letters, so words share runs and swaps, where a band or a trimmed end could go wrong.
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 12 });
    fc.assert(
      fc.property(word, word, fc.nat(6), (a, b, cap) => {
        expect(cappedEditDistance(a, b, cap)).toBe(Math.min(fullDistance(a, b), cap + 1));
      }),
      { numRuns: 3000 },
    );
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(cappedEditDistance('biuld', 'build', 4)).toBe(1);
    expect(cappedEditDistance('ab', 'ba', 0)).toBe(1);
  });

  it('costs O(length · cap): two 66,000-letter words are compared in a band', () => {
    const cost = { cells: 0 };
    const a = 'a'.repeat(66_000);
    expect(cappedEditDistance(a, `${a}b`, 2, cost)).toBe(1);
    expect(cost.cells).toBe(0); // only the differing end was left to compare
    expect(cappedEditDistance(a, 'b'.repeat(66_000), 3, cost)).toBe(4);
    expect(cost.cells).toBeLessThanOrEqual(5 * 7);
  });
});

describe('nearest', () => {
  it('suggests the realistic typos it always did', () => {
    expect(nearest('biuld', ['build', 'test'])).toBe('build');
    expect(nearest('shp', ['build', 'ship'])).toBe('ship');
    expect(nearest('tst', ['build', 'test'])).toBe('test');
    expect(nearest('mll', ['ml', 'ops'])).toBe('ml');
    expect(nearest('d.33', ['d.1', 'd.3'])).toBe('d.3');
    expect(nearest('dpes', ['id', 'deps', 'hours'])).toBe('deps');
    expect(nearest('Build', ['build'])).toBe('build');
    expect(
      nearest('infra-provisionning-step-000002', [
        'infra-provisioning-step-000001',
        'infra-provisioning-step-000002',
      ]),
    ).toBe('infra-provisioning-step-000002');
  });

  it('suggests nothing far away, and gives ties to the first candidate', () => {
    expect(nearest('xyz', ['build', 'test'])).toBeUndefined();
    expect(nearest('ab', ['ba'])).toBeUndefined(); // a third of 2 letters is no edit
    expect(nearest('tast', ['test', 'task', 'last'])).toBe('test');
    expect(nearest('tast', ['last', 'task', 'test'])).toBe('last');
    // A third of the length, but never more than MAX_EDITS edits.
    const far = `${'x'.repeat(MAX_EDITS + 1)}${'a'.repeat(30)}`;
    expect(nearest(far, ['a'.repeat(30 + MAX_EDITS + 1)])).toBeUndefined();
    expect(nearest(far.slice(1), ['a'.repeat(30 + MAX_EDITS)])).toBe('a'.repeat(30 + MAX_EDITS));
  });

  it('gives a long word no hint, at once, and does not throw', () => {
    // The full table of two 66,000-letter words was an array too long to make (RangeError),
    // and of two 20,000-letter ones a heap too big for node.
    const t0 = performance.now();
    expect(nearest('b'.repeat(66_000), ['a'.repeat(66_000)])).toBeUndefined();
    expect(nearest('b'.repeat(20_000), ['a'.repeat(20_000), 'c'])).toBeUndefined();
    expect(nearest(`${'a'.repeat(MAX_HINT_LENGTH)}x`, ['a'.repeat(MAX_HINT_LENGTH)])).toBe(
      undefined,
    );
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('stops hinting once the budget is spent, and never gives a half-searched hint', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `infra-provisioning-step-${i}`);
    const budget = new HintBudget();
    const t0 = performance.now();
    const hints = ids.map((id) => nearest(id.replace('ion', 'ionn'), ids, budget));
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(hints[0]).toBe(ids[0]);
    expect(hints.at(-1)).toBeUndefined();
    expect(budget.left).toBe(0);
    const hinted = hints.findIndex((h) => h === undefined);
    expect(hints.slice(0, hinted)).toEqual(ids.slice(0, hinted));
    // The same work gives the same hints: they depend on the input alone.
    const again = new HintBudget();
    expect(ids.map((id) => nearest(id.replace('ion', 'ionn'), ids, again))).toEqual(hints);
    // A spent budget gives none, and a small one none where the search could not finish.
    expect(nearest('biuld', ['build'], new HintBudget(0))).toBeUndefined();
    expect(nearest('biuld', ['x', 'y', 'build'], new HintBudget(3))).toBeUndefined();
  });
});
