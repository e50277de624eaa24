/** Hours for people: at most two decimals, no trailing zeros (6, 6.5, 6.17). */
export function fmtHours(h: number): string {
  return String(Math.round(h * 100) / 100);
}

/** Pads cells into aligned columns; the first row is the header, a rule goes under it. */
export function table(
  rows: readonly (readonly string[])[],
  align: readonly ('l' | 'r')[] = [],
): string {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(c).length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - visible(c).length);
        return align[i] === 'r' ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  const [head, ...body] = rows;
  if (head === undefined) return '';
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
function visible(s: string): string {
  return s.replace(ANSI, '');
}

/**
 * Which case a plan is: "optimal (proven)" when the lower bound meets the makespan, else
 * "best found; lower bound X (gap Y %)", the gap rounded up so that it never reads 0.0 %.
 */
export function planQuality(
  optimal: boolean,
  lowerBound: number,
  gap: number,
  unit: string,
): string {
  if (optimal) return 'optimal (proven)';
  const pctUp = Math.max(0.1, Math.ceil(gap * 1000 - 1e-9) / 10);
  return `best found; lower bound ${fmtHours(lowerBound)}${unit} (gap ${pctUp.toFixed(1)} %)`;
}
