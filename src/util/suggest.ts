/**
 * Edit distance between two strings, counting a swap of two neighbouring letters as one edit
 * (optimal string alignment), since that is the commonest typo.
 */
export function editDistance(a: string, b: string): number {
  const w = b.length + 1;
  const d = new Array<number>((a.length + 1) * w).fill(0);
  for (let i = 0; i <= a.length; i++) d[i * w] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        d[(i - 1) * w + j]! + 1,
        d[i * w + j - 1]! + 1,
        d[(i - 1) * w + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[(i - 2) * w + j - 2]! + 1);
      }
      d[i * w + j] = v;
    }
  }
  return d[a.length * w + b.length]!;
}

/**
 * The closest candidate to `word`, if it is close enough to be a plausible typo (distance at
 * most a third of the word's length, so short words only match by case). Ties go to the first.
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.floor(word.length / 3);
  return bestD <= limit ? best : undefined;
}
