import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CELL_LINES,
  cellWidth,
  elide,
  fitTable,
  wrap,
  wrapCell,
  wrapProse,
} from '../../../src/reporters/layout.js';
import { fmtDate, fmtDatesIn } from '../../../src/reporters/format.js';
import { dayNameBeside } from '../../../src/reporters/team-common.js';

describe('cellWidth', () => {
  it('counts terminal cells, not bytes or UTF-16 units', () => {
    expect(cellWidth('→ … ✓')).toBe(5);
    expect(cellWidth('日本語')).toBe(6);
    expect(cellWidth('\u001b[1mbold\u001b[22m')).toBe(4);
    expect(cellWidth('e\u0301')).toBe(1);
    expect(cellWidth('🚀')).toBe(2);
    // A soft hyphen is drawn (xterm, VTE; wcwidth 1): a title full of them overflowed tables.
    expect(cellWidth('word\u00adbreak')).toBe(10);
    expect(cellWidth('a\u200bb')).toBe(2);
  });
});

describe('elide and wrap', () => {
  it('cut with an ellipsis, keeping wide characters whole', () => {
    expect(elide('Packer template (Ubuntu 24.04)', 10)).toBe('Packer te…');
    expect(elide('日本語テキスト', 6)).toBe('日本…');
    expect(cellWidth(elide('日本語テキスト', 6))).toBeLessThanOrEqual(6);
    expect(elide('short', 10)).toBe('short');
  });
  it('wraps at spaces and keeps a leading indent', () => {
    expect(wrap('finish 1a.4, 1a.5, start 1a.6', 20)).toEqual(['finish 1a.4, 1a.5,', 'start 1a.6']);
    expect(wrapProse('  - one two three four', 12, '    ')).toBe(
      '  - one two\n    three\n    four',
    );
  });
  it('a word too long for a line is cut, never split by a space when the rest is rewrapped', () => {
    expect(wrapProse('see logs/a-very-long-name-that-goes-on.log now', 20, '  ')).toBe(
      'see\n  logs/a-very-long-n\n  ame-that-goes-on.l\n  og now',
    );
  });
  it('never gives a line wider than asked (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.integer({ min: 4, max: 40 }),
        (s, w) => {
          // eslint-disable-next-line no-control-regex
          const clean = s.replace(/[\u0000-\u001f\u007f]/g, '');
          for (const l of wrap(clean, w)) expect(cellWidth(l)).toBeLessThanOrEqual(w);
          expect(cellWidth(elide(clean, w))).toBeLessThanOrEqual(w);
        },
      ),
    );
  });
});

describe('fitTable', () => {
  const columns = [
    { header: 'id' },
    { header: 'hours', align: 'r' as const },
    { header: 'latest', align: 'r' as const, drop: 1 },
    { header: 'title', shrink: 'elide' as const, min: 8 },
  ];
  const rows = [
    ['1a.1', '2.5', '17', 'Dev environment with a long title'],
    ['1a.2', '1', '3', '日本語のタイトル'],
  ];
  it('shows every column in full when there is room', () => {
    const t = fitTable(columns, rows, Infinity);
    expect(t).toContain('latest');
    expect(t).toContain('Dev environment with a long title');
  });
  it('elides the shrinking column, then drops detail, then stacks', () => {
    const narrow = fitTable(columns, rows, 30);
    for (const l of narrow.split('\n')) expect(cellWidth(l)).toBeLessThanOrEqual(30);
    expect(narrow).toContain('…');
    const narrower = fitTable(columns, rows, 24);
    expect(narrower).not.toContain('latest');
    for (const l of narrower.split('\n')) expect(cellWidth(l)).toBeLessThanOrEqual(24);
    const stacked = fitTable(
      [{ header: 'id' }, { header: 'a long header' }],
      [['x', 'y'.repeat(30)]],
      12,
    );
    expect(stacked.split('\n')[0]).toBe('x');
    for (const l of stacked.split('\n')) expect(cellWidth(l)).toBeLessThanOrEqual(12);
  });
  it('narrows a column with a floor, wrapped, before stacking; a marker heads each card', () => {
    // validation.yaml's plan at 80 columns: a card per activity, each headed by a lone "●".
    const cols = [
      { header: '' },
      { header: 'id' },
      { header: 'title', shrink: 'elide' as const, min: 30, floor: 10 },
    ];
    const rows = [['●', 'inference-check', 'inference on the other pair (vLLM, or a fallback)']];
    expect(fitTable(cols, rows, 40).split('\n')).toEqual([
      '   id               title',
      '─  ───────────────  ────────────────────',
      '●  inference-check  inference on the',
      '                    other pair (vLLM, or',
      '                    a fallback)',
    ]);
    // Without the floor, or narrower than it: cards, the marker beside the id.
    const cards = [
      '● inference-check',
      '  title: inference on the other pair',
      '         (vLLM, or a fallback)',
    ];
    expect(fitTable(cols.slice(0, 2).concat({ header: 'title' }), rows, 40).split('\n')).toEqual(
      cards,
    );
    expect(fitTable(cols, rows, 28).split('\n')[0]).toBe('● inference-check');
  });

  it('stacks a first cell wider than the terminal whole, wrapped, not cut with "…"', () => {
    // status printed a 126-character id as 79 characters and "…": it could not be copied.
    const id = `${'x'.repeat(100)}.${'y'.repeat(25)}`;
    const lines = fitTable(
      [{ header: 'activity' }, { header: 'status' }],
      [[id, 'ready']],
      80,
    ).split('\n');
    expect(lines.slice(0, 2)).toEqual([id.slice(0, 80), id.slice(80)]);
    expect(lines[2]).toBe('  status: ready');
  });
});

describe('a long cell', () => {
  // A title of megabytes was wrapped in full: tens of thousands of lines at 40 columns.
  const title = 'word '.repeat(200_000);
  it('wraps to at most CELL_LINES lines, the last ending in "…"', () => {
    const lines = wrapCell(title, 20);
    expect(lines).toHaveLength(CELL_LINES);
    expect(lines.at(-1)!.endsWith('…')).toBe(true);
    for (const l of lines) expect(cellWidth(l)).toBeLessThanOrEqual(20);
    // A text that fits is as wrap makes it; one word too long is cut, and marked too.
    expect(wrapCell('a b c', 3)).toEqual(wrap('a b c', 3));
    const word = wrapCell('x'.repeat(1000), 10, 3);
    expect(word).toEqual(['x'.repeat(10), 'x'.repeat(10), `${'x'.repeat(9)}…`]);
  });
  it('in a wrapping column and in a stacked table', () => {
    const t = fitTable(
      [{ header: 'id' }, { header: 'title', shrink: 'wrap' as const, min: 8 }],
      [['a', title]],
      40,
    );
    expect(t.split('\n')).toHaveLength(2 + CELL_LINES);
    const stacked = fitTable([{ header: 'id' }, { header: 'title' }], [['a', title]], 30);
    const lines = stacked.split('\n');
    expect(lines).toHaveLength(1 + CELL_LINES);
    expect(lines.at(-1)!.endsWith('…')).toBe(true);
    for (const l of lines) expect(cellWidth(l)).toBeLessThanOrEqual(30);
  });
});

describe('dates', () => {
  it('one style for dates and times', () => {
    expect(fmtDate('2026-12-07')).toBe('Mon 7 Dec');
    expect(fmtDate('2026-12-10T12:30')).toBe('Thu 10 Dec 12:30');
    expect(fmtDate('2026-12-10', true)).toBe('Thu 10 Dec 2026');
    expect(fmtDatesIn('GPU hardware arrives 2026-12-07')).toBe('GPU hardware arrives Mon 7 Dec');
  });

  it('the years 1 to 99 are not read as 1901 to 1999', () => {
    // 0001-01-01 was a Monday (proleptic Gregorian); 1901-01-01 a Tuesday.
    expect(fmtDate('0001-01-01', true)).toBe('Mon 1 Jan 0001');
    expect(fmtDate('0099-12-31', true)).toBe('Thu 31 Dec 0099');
  });

  it('a deadline of another year than the date beside it shows its year', () => {
    expect(dayNameBeside('2027-12-10', '2026-11-30T17:00')).toBe('Fri 10 Dec 2027');
    expect(dayNameBeside('2026-12-10', '2026-11-30T17:00')).toBe('Thu 10 Dec');
  });
});
