import { describe, expect, it } from 'vitest';
import {
  PIPED_COLUMNS,
  UNKNOWN_ROWS,
  outputColumns,
  outputRows,
} from '../../../src/reporters/terminal.js';

const tty = (columns: number): { isTTY: boolean; columns: number } => ({ isTTY: true, columns });
const pipe = {};

describe('the width views fit', () => {
  it("is the output's terminal, whatever else says", () => {
    expect(outputColumns(tty(120), { COLUMNS: '90' }, tty(80))).toBe(120);
  });

  it('piped, is COLUMNS, else the terminal standard error shows, else 100', () => {
    expect(outputColumns(pipe, { COLUMNS: '90' }, tty(80))).toBe(90);
    // `critpath plan --team 2 | less` in an 80-column terminal: shells do not export COLUMNS.
    expect(outputColumns(pipe, {}, tty(80))).toBe(80);
    expect(outputColumns(pipe, {}, pipe)).toBe(PIPED_COLUMNS);
    expect(outputColumns(pipe, {})).toBe(PIPED_COLUMNS);
  });

  it('is 40 at least', () => {
    expect(outputColumns(pipe, {}, tty(20))).toBe(40);
    expect(outputColumns(pipe, { COLUMNS: '10' })).toBe(40);
  });
});

describe('the height a live view fits', () => {
  it("is the output's terminal, else LINES, else 24", () => {
    expect(outputRows({ isTTY: true, rows: 50 }, { LINES: '30' })).toBe(50);
    expect(outputRows({ isTTY: true, rows: 0 }, { LINES: '30' })).toBe(30);
    expect(outputRows(pipe, {})).toBe(UNKNOWN_ROWS);
    expect(UNKNOWN_ROWS).toBe(24);
  });
});
