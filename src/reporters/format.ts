import { fitTable } from './layout.js';

/** Hours for people: at most two decimals, no trailing zeros (6, 6.5, 6.17). */
export function fmtHours(h: number): string {
  return String(Math.round(h * 100) / 100);
}

/**
 * Pads cells into aligned columns; the first row is the header, a rule goes under it. Reporters
 * that print to a terminal use `fitTable` (layout.ts) with column priorities instead.
 */
export function table(
  rows: readonly (readonly string[])[],
  align: readonly ('l' | 'r')[] = [],
  width = Infinity,
): string {
  const [head, ...body] = rows;
  if (head === undefined) return '';
  return fitTable(
    head.map((h, i) => ({ header: h, align: align[i] ?? 'l' })),
    body,
    width,
  );
}
