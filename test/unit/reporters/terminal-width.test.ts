import { describe, expect, it } from 'vitest';
import { PIPED_COLUMNS, outputColumns } from '../../../src/reporters/terminal.js';

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
