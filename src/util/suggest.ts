/**
 * The most edits a did-you-mean hint may be away from the word: a typo is a letter or two, and
 * the distance is only worked out up to this many, so comparing costs O(length · MAX_EDITS).
 */
export const MAX_EDITS = 4;

/** The longest word that gets a hint: longer ones are pasted or generated, not mistyped. */
export const MAX_HINT_LENGTH = 200;

/**
 * How much the did-you-mean hints of one file (or one command) may still cost, in units of one
 * letter compared or one candidate looked at. Many unknown names compared with many known ones
 * would otherwise cost their product; once it is spent, problems are reported without a hint.
 * 20 million units take a tenth of a second or two.
 */
export class HintBudget {
  static readonly DEFAULT = 20_000_000;

  /** Units still to spend. */
  left: number;

  constructor(left: number = HintBudget.DEFAULT) {
    this.left = left;
  }

  /** Takes `units` from what is left; false (and nothing left) when they were not there. */
  spend(units: number): boolean {
    this.left -= units;
    if (this.left >= 0) return true;
    this.left = 0;
    return false;
  }
}

type Rows = [Int32Array, Int32Array, Int32Array];
/** Three rows of the table, kept for the next comparison: most are of words of a similar size. */
let rows: Rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Edit distance between two strings, counting a swap of two neighbouring letters as one edit
 * (optimal string alignment), since that is the commonest typo; `cap + 1` for any distance above
 * `cap`. Only the band of the table within `cap` of its diagonal is filled, and the work stops
 * at the first row that is all above `cap` (no later cell can come back down): at most
 * (a.length + 1) · (2·cap + 1) cells, which are added to `cost.cells` when it is given.
 */
export function cappedEditDistance(
  a: string,
  b: string,
  cap: number,
  cost?: { cells: number },
): number {
  const over = cap + 1;
  if (Math.abs(a.length - b.length) > cap) return over;
  // Letters shared at both ends take no edit: only the middle is compared.
  let lo = 0;
  while (lo < a.length && lo < b.length && a.charCodeAt(lo) === b.charCodeAt(lo)) lo++;
  let aEnd = a.length;
  let bEnd = b.length;
  while (aEnd > lo && bEnd > lo && a.charCodeAt(aEnd - 1) === b.charCodeAt(bEnd - 1)) {
    aEnd--;
    bEnd--;
  }
  const n = aEnd - lo;
  const m = bEnd - lo;
  if (n === 0 || m === 0) return Math.min(n + m, over);
  // Rows i-2, i-1 and i of the table (row i: the first i letters of a's middle).
  if (rows[0].length < m + 2) rows = [0, 1, 2].map(() => new Int32Array(2 * m + 2)) as Rows;
  let [back2, back, row] = rows;
  for (let j = 0; j <= m + 1; j++) back[j] = j <= cap ? j : over;
  let cells = 0;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - cap);
    const to = Math.min(m, i + cap);
    // The cells left and right of the band count as too far.
    row[from - 1] = from === 1 && i <= cap ? i : over;
    if (to < m) row[to + 1] = over;
    const ai = a.charCodeAt(lo + i - 1);
    let rowMin = row[from - 1]!;
    for (let j = from; j <= to; j++) {
      const bj = b.charCodeAt(lo + j - 1);
      let v = Math.min(back[j]! + 1, row[j - 1]! + 1, back[j - 1]! + (ai === bj ? 0 : 1));
      if (
        i > 1 &&
        j > 1 &&
        ai === b.charCodeAt(lo + j - 2) &&
        a.charCodeAt(lo + i - 2) === bj &&
        back2[j - 2]! + 1 < v
      )
        v = back2[j - 2]! + 1;
      if (v > over) v = over;
      row[j] = v;
      if (v < rowMin) rowMin = v;
    }
    cells += to - from + 1;
    if (rowMin > cap) {
      if (cost) cost.cells += cells;
      return over;
    }
    const spare = back2;
    back2 = back;
    back = row;
    row = spare;
  }
  if (cost) cost.cells += cells;
  return Math.min(back[m]!, over);
}

/**
 * The closest candidate to `word`, ignoring case, if it is close enough to be a plausible typo:
 * at most a third of the word's length away (so short words only match by case) and at most
 * MAX_EDITS. Ties go to the first. None for a word over MAX_HINT_LENGTH letters, nor once
 * `budget` is spent (also when it runs out partway, so a hint is always the closest there is).
 */
export function nearest(
  word: string,
  candidates: Iterable<string>,
  budget: HintBudget = new HintBudget(),
): string | undefined {
  if (word.length > MAX_HINT_LENGTH || budget.left <= 0) return undefined;
  const limit = Math.min(Math.floor(word.length / 3), MAX_EDITS);
  const w = word.toLowerCase();
  const cost = { cells: 0 };
  let best: string | undefined;
  let bestD = limit + 1;
  for (const c of candidates) {
    // Lengths too far apart need no comparing (a lower-cased letter keeps its length but for a
    // few outside ASCII, which are then only compared as written).
    if (Math.abs(c.length - word.length) >= bestD) {
      if (!budget.spend(1)) return undefined;
      continue;
    }
    cost.cells = 0;
    const d = cappedEditDistance(w, c.toLowerCase(), bestD - 1, cost);
    if (!budget.spend(1 + c.length + cost.cells)) return undefined;
    if (d < bestD) {
      best = c;
      bestD = d;
      if (d === 0) break;
    }
  }
  return best;
}
