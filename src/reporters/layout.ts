/**
 * Text laid out for a terminal of a given width, measured in terminal cells: one table helper
 * (column priorities, elision, wrapping, and a vertical layout when nothing else fits) and the
 * prose wrapping every reporter uses, so that no default view runs past the terminal's edge.
 */

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;
// eslint-disable-next-line no-control-regex
const SGR_AT_START = /^\u001b\[[0-9;]*m/;
/**
 * Marks, format and control characters take no cell; but for the soft hyphen (U+00AD), which
 * terminals draw as a hyphen, as glibc's wcwidth counts it.
 */
const ZERO_WIDTH = /(?!\u00ad)[\p{Mn}\p{Me}\p{Cf}\p{Cc}]/u;

/** Code point ranges that a terminal draws two cells wide (East Asian Wide and Fullwidth, emoji). */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f0],
  [0x23f3, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x267f, 0x267f],
  [0x2693, 0x2693],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26ce, 0x26ce],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f3],
  [0x26f5, 0x26f5],
  [0x26fa, 0x26fa],
  [0x26fd, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x274e, 0x274e],
  [0x2753, 0x2755],
  [0x2757, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27b0],
  [0x27bf, 0x27bf],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b50],
  [0x2b55, 0x2b55],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x18aff],
  [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
];

function isWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = WIDE[mid]!;
    if (cp < a) hi = mid - 1;
    else if (cp > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Cells one character takes: 0, 1 or 2. */
/** Text whose every character takes one cell (no escapes, nothing wide or zero-width). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function charWidth(ch: string): number {
  if (ZERO_WIDTH.test(ch)) return 0;
  return isWide(ch.codePointAt(0)!) ? 2 : 1;
}

/** Cells a string takes on a terminal: colour escapes take none, wide characters two. */
export function cellWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  let w = 0;
  for (const ch of s.replace(SGR, '')) w += charWidth(ch);
  return w;
}

/** The string without colour escapes. */
export function stripColor(s: string): string {
  return s.replace(SGR, '');
}

/**
 * The longest prefix of `s` that fits `width` cells, its colour escapes kept; the rest is cut off.
 * Returns the prefix and what is left.
 */
function cut(s: string, width: number): { head: string; rest: string; colored: boolean } {
  let w = 0;
  let i = 0;
  let colored = false;
  while (i < s.length) {
    const esc = SGR_AT_START.exec(s.slice(i));
    if (esc !== null) {
      colored = true;
      i += esc[0].length;
      continue;
    }
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    const cw = charWidth(ch);
    if (w + cw > width) break;
    w += cw;
    i += ch.length;
  }
  return { head: s.slice(0, i), rest: s.slice(i), colored };
}

/** `s` cut to `width` cells, ending in "…" when anything was cut. */
export function elide(s: string, width: number): string {
  if (cellWidth(s) <= width) return s;
  if (width <= 0) return '';
  const { head, colored } = cut(s, width - 1);
  return `${head}…${colored ? '\u001b[0m' : ''}`;
}

/**
 * `s` broken into lines of at most `width` cells, at spaces where it can (a word longer than a
 * line is cut). Colour escapes are kept; an empty string is one empty line.
 */
export function wrap(s: string, width: number): string[] {
  if (cellWidth(s) <= width || width <= 0) return [s];
  const lead = /^ */.exec(s)![0];
  if (lead !== '' && lead.length < width / 2)
    return wrap(s.slice(lead.length), width - lead.length).map((l, i) => (i === 0 ? lead + l : l));
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of s.split(' ')) {
    let w = word;
    let ww = cellWidth(w);
    const sep = line === '' ? 0 : 1;
    if (lineWidth + sep + ww <= width) {
      line = sep === 0 ? w : `${line} ${w}`;
      lineWidth += sep + ww;
      continue;
    }
    if (line !== '') lines.push(line);
    while (ww > width) {
      const { head, rest } = cut(w, width);
      lines.push(head);
      w = rest;
      ww = cellWidth(w);
    }
    line = w;
    lineWidth = ww;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The most lines a table cell takes when wrapped: a longer text ends in "…" on the last. */
export const CELL_LINES = 8;

/**
 * `wrap` for a table cell: at most `most` lines, the last ending in "…" when text was left out.
 * Only a prefix is wrapped (a title of megabytes would be wrapped whole, to be thrown away).
 */
export function wrapCell(s: string, width: number, most = CELL_LINES): string[] {
  const head = prefixFor(s, width, most);
  return atMost(wrap(head, width), most, width, head !== s);
}

/** The first `most` of `lines` (of `width` cells), the last ending in "…" when any were left out. */
function atMost(lines: string[], most: number, width: number, cut: boolean): string[] {
  if (lines.length <= most && !cut) return lines;
  const kept = lines.slice(0, most);
  const last = kept.length - 1;
  kept[last] = elide(`${kept[last]}…`, width);
  return kept;
}

/**
 * A prefix of `s` long enough to fill `most` lines of `width` cells (each character but a few
 * takes a cell or more, and wrapping at a space leaves less than a line), never cut inside a
 * surrogate pair; `s` itself when it is that short.
 */
function prefixFor(s: string, width: number, most: number): string {
  const enough = 2 * (most + 1) * Math.max(width, 1) + 64;
  if (s.length <= enough) return s;
  const end = s.charCodeAt(enough - 1) >= 0xd800 && s.charCodeAt(enough - 1) <= 0xdbff;
  return s.slice(0, end ? enough - 1 : enough);
}

/**
 * Prose wrapped to `width` cells: every line after the first starts with `indent` (a hanging
 * indent under a label, say). Lines already in `s` are kept as they are.
 */
export function wrapProse(s: string, width: number, indent = ''): string {
  return s
    .split('\n')
    .map((para) => {
      const [first = '', ...rest] = wrap(para, width);
      if (rest.length === 0) return first;
      // The rest of the text itself (the first line is its start), not the lines joined with
      // spaces: a word too long for a line was cut, and its pieces are one word.
      const tail = para.startsWith(first)
        ? para.slice(first.length).replace(/^ /, '')
        : rest.join(' ');
      if (tail === '') return first;
      const more = wrap(tail, Math.max(width - cellWidth(indent), 1)).map((l) => indent + l);
      return [first, ...more].join('\n');
    })
    .join('\n');
}

/** A table column: how it aligns and what gives way when the table is too wide. */
export interface Column {
  readonly header: string;
  readonly align?: 'l' | 'r';
  /**
   * Detail that can go when the table does not fit: the column with the lowest number goes first.
   * Columns without one are always shown.
   */
  readonly drop?: number;
  /** How the column's cells narrow when the table is too wide: cut with "…", or broken into lines. */
  readonly shrink?: 'elide' | 'wrap';
  /** The narrowest a shrinking column becomes (cells; default 12). */
  readonly min?: number;
  /**
   * Narrower than `min`, the narrowest this column becomes, its cells wrapped, before the table
   * is stacked: a title wrapped in a narrow column beats a card for every row. Tried only once
   * every detail column is dropped; without it the table stacks when `min` does not fit.
   */
  readonly floor?: number;
}

const GAP = '  ';

/** A table without a header row (a key-value block, say) when every header is empty. */
const headerless = (columns: readonly Column[]): boolean => columns.every((c) => c.header === '');

/** The cells each row's cell of a column takes: measured once, whichever columns stay. */
interface Measured {
  readonly cells: Int32Array;
  /** The widest cell (0 for no rows). */
  readonly widest: number;
}

function measure(rows: readonly (readonly string[])[], i: number): Measured {
  const cells = new Int32Array(rows.length);
  let widest = 0;
  for (let k = 0; k < rows.length; k++) {
    const w = cellWidth(rows[k]![i] ?? '');
    cells[k] = w;
    if (w > widest) widest = w;
  }
  return { cells, widest };
}

/**
 * The columns' widths for `width` cells, after the shrinking columns give up what they must;
 * undefined when the table cannot fit even with them at their narrowest.
 */
function fitWidths(
  columns: readonly Column[],
  measured: readonly Measured[],
  width: number,
): number[] | undefined {
  const natural = columns.map((c, i) =>
    Math.max(headerless(columns) ? 0 : cellWidth(c.header), measured[i]!.widest),
  );
  let over = natural.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1) - width;
  const widths = [...natural];
  // Take the excess from the widest shrinking column first, down to each one's minimum.
  while (over > 0) {
    let widest = -1;
    columns.forEach((c, i) => {
      if (c.shrink === undefined) return;
      const floor = Math.max(c.min ?? 12, cellWidth(c.header));
      if (widths[i]! > floor && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    });
    if (widest < 0) return undefined;
    widths[widest]! -= 1;
    over -= 1;
  }
  return widths;
}

function pad(s: string, width: number, align: 'l' | 'r' = 'l'): string {
  const fill = ' '.repeat(Math.max(0, width - cellWidth(s)));
  return align === 'r' ? fill + s : s + fill;
}

/**
 * The table's lines: the header and its rule, then each row of `rows` (its cells `keep`, whose
 * widths `measured` holds).
 */
function renderRows(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  keep: readonly number[],
  measured: readonly Measured[],
  widths: readonly number[],
): string[] {
  const out: string[] = [];
  const emit = (cells: readonly string[]): void => {
    const parts = columns.map((c, i) => {
      const text = cells[i] ?? '';
      const w = widths[i]!;
      return c.shrink === 'wrap' ? wrapCell(text, w) : [elide(text, w)];
    });
    const height = Math.max(...parts.map((p) => p.length));
    for (let k = 0; k < height; k++) {
      out.push(
        parts
          .map((p, i) => pad(p[k] ?? '', widths[i]!, columns[i]!.align))
          .join(GAP)
          .trimEnd(),
      );
    }
  };
  if (!headerless(columns)) {
    emit(columns.map((c) => c.header));
    out.push(widths.map((w) => '─'.repeat(w)).join(GAP));
  }
  for (let k = 0; k < rows.length; k++) {
    const line = fittingLine(columns, rows[k]!, keep, measured, k, widths);
    if (line !== undefined) out.push(line);
    else emit(keep.map((i) => rows[k]![i] ?? ''));
  }
  return out;
}

/**
 * Row `k` as one line, as emit lays it out, from the widths measured: undefined when a wrapping
 * cell needs more than one line (emit then lays it out).
 */
function fittingLine(
  columns: readonly Column[],
  row: readonly string[],
  keep: readonly number[],
  measured: readonly Measured[],
  k: number,
  widths: readonly number[],
): string | undefined {
  if (keep.length === 0) return undefined;
  let line = '';
  for (let j = 0; j < keep.length; j++) {
    const text = row[keep[j]!] ?? '';
    const cw = measured[j]!.cells[k]!;
    const w = widths[j]!;
    const c = columns[j]!;
    let cell: string;
    if (cw <= w || w <= 0) {
      if (c.shrink === 'wrap' || cw <= w) {
        const fill = ' '.repeat(Math.max(0, w - cw));
        cell = c.align === 'r' ? fill + text : text + fill;
      } else cell = pad(elide(text, w), w, c.align);
    } else if (c.shrink === 'wrap') return undefined;
    else cell = pad(elide(text, w), w, c.align);
    line = j === 0 ? cell : `${line}${GAP}${cell}`;
  }
  return line.trimEnd();
}

/**
 * The table stacked vertically, for a terminal too narrow for its columns: each row's first cell
 * (an id, often) wrapped on lines of its own, never cut short, then one `header: value` line per
 * other non-empty cell, wrapped to at most CELL_LINES lines.
 */
function stacked(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  width: number,
): string[] {
  // A first column without a header is a marker (the critical path's ●): it heads each card
  // beside the second cell (the id), not on a line of its own.
  const marked = columns.length > 1 && columns[0]!.header === '' && !headerless(columns);
  const fields = marked ? 2 : 1;
  const labelWidth = Math.max(...columns.slice(fields).map((c) => cellWidth(c.header)), 0) + 1;
  const out: string[] = [];
  for (const r of rows) {
    out.push(...wrapCell(marked ? `${r[0] ?? ''} ${r[1] ?? ''}` : (r[0] ?? ''), width));
    columns.forEach((c, i) => {
      const v = r[i] ?? '';
      if (i < fields || stripColor(v).trim() === '') return;
      const label = pad(c.header === '' ? '' : `${c.header}:`, labelWidth);
      const indent = ' '.repeat(Math.min(2 + labelWidth + 1, Math.floor(width / 2)));
      const head = prefixFor(v, width, CELL_LINES);
      const lines = wrapProse(`  ${label} ${head}`, width, indent).split('\n');
      out.push(...atMost(lines, CELL_LINES, width, head !== v));
    });
  }
  return out;
}

/** The columns with each `floor` as its minimum, wrapped; undefined when none has a floor. */
function squeeze(columns: readonly Column[]): Column[] | undefined {
  if (columns.every((c) => c.floor === undefined)) return undefined;
  return columns.map((c) =>
    c.floor === undefined ? c : { ...c, shrink: 'wrap' as const, min: c.floor },
  );
}

/**
 * A table that fits `width` terminal cells: shrinking columns narrow first (elided or wrapped),
 * then detail columns are dropped, lowest `drop` first, then columns with a `floor` narrow to it
 * (wrapped); when even that does not fit, each row is stacked vertically. `width` Infinity (`--wide`) shows every column in full.
 */
export function fitTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  width: number,
): string {
  return fitTableShowing(columns, rows, width).text;
}

/** `fitTable`, and the headers of the columns it shows (a legend explains only those). */
export function fitTableShowing(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  width: number,
): { readonly text: string; readonly shown: ReadonlySet<string> } {
  let keep = columns.map((_, i) => i);
  const measured = columns.map((_, i) => measure(rows, i));
  for (;;) {
    const cols = keep.map((i) => columns[i]!);
    const kept = keep.map((i) => measured[i]!);
    const shown = new Set(cols.map((c) => c.header));
    const widths = fitWidths(cols, kept, width);
    if (widths !== undefined)
      return { text: renderRows(cols, rows, keep, kept, widths).join('\n'), shown };
    const droppable = keep.filter((i) => columns[i]!.drop !== undefined);
    if (droppable.length === 0) {
      const squeezed = squeeze(cols);
      const narrow = squeezed === undefined ? undefined : fitWidths(squeezed, kept, width);
      if (narrow !== undefined)
        return { text: renderRows(squeezed!, rows, keep, kept, narrow).join('\n'), shown };
      const cells = rows.map((r) => keep.map((i) => r[i] ?? ''));
      return { text: stacked(cols, cells, width).join('\n'), shown };
    }
    const first = droppable.reduce((a, b) => (columns[b]!.drop! < columns[a]!.drop! ? b : a));
    keep = keep.filter((i) => i !== first);
  }
}
