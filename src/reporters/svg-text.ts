/**
 * Text in the report's SVG charts, which are laid out before any browser measures them: a width
 * estimate that errs on the wide side for the sans-serif fonts a browser picks (DejaVu Sans,
 * the widest common one, sets the figures), and rows that keep labels from overlapping.
 * test/e2e/html-report.test.ts measures the real boxes in Chromium.
 */

/** SVG attribute numbers: short and locale-free. */
export function n(x: number): string {
  return String(Math.round(x * 100) / 100);
}

export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Advance of one character, in ems. */
function charEm(ch: string): number {
  if (ch === ' ') return 0.33;
  if (/[ijlI.,:;'|!()[\]{}/\\-]/.test(ch)) return 0.4;
  if (/[ft]/.test(ch)) return 0.42;
  if (/[mwMW@%—…]/.test(ch)) return 1.0;
  if (/[0-9]/.test(ch)) return 0.64;
  if (/[A-Z]/.test(ch)) return 0.76;
  return 0.64;
}

/** Estimated width in pixels of `text` at `size` px (bold is about 10 % wider). */
export function textWidth(text: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += charEm(ch);
  return em * size * (bold ? 1.1 : 1);
}

/** A horizontal span of a label, and the row it was given. */
export interface Placed {
  readonly left: number;
  readonly right: number;
  readonly row: number;
}

/**
 * Rows for labels on one baseline band: each span, in the order given, takes the first row where
 * it clears the previous label by `gap` px. Labels in different rows never overlap.
 */
export function placeInRows(
  spans: readonly { readonly left: number; readonly right: number }[],
  gap: number,
): Placed[] {
  const ends: number[] = [];
  return spans.map((s) => {
    let row = ends.findIndex((end) => s.left >= end + gap);
    if (row < 0) {
      row = ends.length;
      ends.push(s.right);
    } else {
      ends[row] = s.right;
    }
    return { left: s.left, right: s.right, row };
  });
}
