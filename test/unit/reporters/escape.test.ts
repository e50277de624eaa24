import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeInvisible, escapeTerminal } from '../../../src/reporters/escape.js';
import { cellWidth, stripColor } from '../../../src/reporters/layout.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

describe('escapeTerminal', () => {
  it('shows ESC, OSC, BEL, C1 and a lone CR as visible escapes', () => {
    expect(escapeTerminal('a\u001b]0;pwned\u0007b')).toBe('a\\x1b]0;pwned\\x07b');
    expect(escapeTerminal('\u001b[2J\u009b1A')).toBe('\\x1b[2J\\u009b1A');
    expect(escapeTerminal('over\rwrite')).toBe('over\\x0dwrite');
    expect(escapeTerminal('\u0000\u007f')).toBe('\\x00\\u007f');
  });

  it('shows the bidirectional overrides, which reorder what a line shows', () => {
    expect(escapeTerminal('a\u202eb\u2066c\u2069d\u200e')).toBe('a\\u202eb\\u2066c\\u2069d\\u200e');
    expect(escapeTerminal('→ … ≤ ©')).toBe('→ … ≤ ©');
  });

  it('keeps JSON text JSON, meaning the same value (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(JSON.parse(escapeTerminal(JSON.stringify(s), true))).toBe(s);
        expect(JSON.parse(escapeTerminal(JSON.stringify({ s }, null, 2), false))).toEqual({ s });
      }),
    );
  });

  it('keeps newlines, tabs and CRLF line ends; colours only when asked', () => {
    expect(escapeTerminal('a\tb\nc\r\n')).toBe('a\tb\nc\r\n');
    expect(escapeTerminal('\u001b[31mred\u001b[39m', true)).toBe('\u001b[31mred\u001b[39m');
    expect(escapeTerminal('\u001b[31mred', false)).toBe('\\x1b[31mred');
    // A cursor movement is no colour, whatever keepColour says.
    expect(escapeTerminal('\u001b[3Fup', true)).toBe('\\x1b[3Fup');
  });

  it('shows every colour sequence of user data (the default), harmless ones included', () => {
    expect(escapeTerminal('\u001b[1;31mbold\u001b[m')).toBe('\\x1b[1;31mbold\\x1b[m');
    expect(escapeTerminal('\u001b[0m\u001b[36mx\u001b[39m')).toBe('\\x1b[0m\\x1b[36mx\\x1b[39m');
  });

  it("keeps critpath's own colours when asked, not the sequences that hide, blink or invert text", () => {
    const chalk = '\u001b[1m\u001b[2m\u001b[22m\u001b[36m\u001b[39m\u001b[0m\u001b[m';
    expect(escapeTerminal(chalk, true)).toBe(chalk);
    expect(escapeTerminal('a\u001b[8mhidden', true)).toBe('a\\x1b[8mhidden');
    expect(escapeTerminal('\u001b[1;8mx', true)).toBe('\\x1b[1;8mx');
    expect(escapeTerminal('\u001b[30;40mx', true)).toBe('\\x1b[30;40mx');
    expect(escapeTerminal('\u001b[38;5;16mx', true)).toBe('\\x1b[38;5;16mx');
    expect(escapeTerminal('\u001b[5m\u001b[7mx', true)).toBe('\\x1b[5m\\x1b[7mx');
  });

  it('leaves no control character but newline, tab, CRLF and colours (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = escapeTerminal(s, true)
          // eslint-disable-next-line no-control-regex -- control characters are what it is about
          .replace(/\u001b\[[0-9;]*m/g, '')
          .replace(/\r\n/g, '');
        expect(out).not.toMatch(
          // eslint-disable-next-line no-control-regex -- control characters are what it is about
          /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
        );
      }),
    );
  });

  it('leaves user data no ESC and nothing a view measures as zero-width colour (property)', () => {
    // Hostile strings: colour and other sequences among ordinary and wide text.
    const piece = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom(
        '\u001b[31m',
        '\u001b[1;31m',
        '\u001b[m',
        '\u001b[0m',
        '\u001b]0;t\u0007',
        '漢',
      ),
    );
    fc.assert(
      fc.property(fc.array(piece), (pieces) => {
        const s = pieces.join('');
        const shown = escapeTerminal(s);
        expect(shown).not.toContain('\u001b');
        expect(stripColor(shown)).toBe(shown);
        // No control character that layout measures as no cell: it measures what a terminal shows.
        const line = shown.replace(/\r\n|\n|\t/g, ' ');
        expect(line).not.toMatch(/\p{Cc}/u);
        expect(cellWidth(line)).toBe(cellWidth(line.replace(/\\x1b/g, '....')));
        expect(escapeTerminal(shown)).toBe(shown);
      }),
    );
  });

  it('is what Output prints: colour off (memoryOutput, NO_COLOR, a pipe), nothing is kept', () => {
    const o = memoryOutput();
    o.out('title \u001b]8;;http://x\u0007link \u001b[31mred\u001b[39m');
    o.err('\u001b[1Aup');
    expect(o.stdout).toEqual(['title \\x1b]8;;http://x\\x07link \\x1b[31mred\\x1b[39m']);
    expect(o.stderr).toEqual(['\\x1b[1Aup']);
  });
});

describe('escapeInvisible', () => {
  it('writes the characters a terminal shows as nothing or a plain space as escapes', () => {
    expect(escapeInvisible('a\u200bb c\u00a0d\u2060e\ufeff\u{e0041}\u2028')).toBe(
      'a\\u200bb c\\u00a0d\\u2060e\\ufeff\\u{e0041}\\u2028',
    );
    expect(escapeInvisible('plain → ≤ é 漢 😀')).toBe('plain → ≤ é 漢 😀');
  });

  it('is what Output prints of a message, and only of a message', () => {
    const o = memoryOutput();
    o.err('unknown dependency "a\u200bb"');
    o.out('title a\u00a0b');
    expect(o.stderr).toEqual(['unknown dependency "a\\u200bb"']);
    expect(o.stdout).toEqual(['title a\u00a0b']);
  });
});
