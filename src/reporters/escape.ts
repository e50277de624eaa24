import { cellWidth } from './layout.js';
/**
 * Control characters in terminal output. A task title, an id or a command's output can hold
 * escape sequences that move the cursor, retitle the terminal, hide text or ring the bell. What
 * critpath prints (Output's out and err, the live view) passes here, so they are shown as
 * visible escapes (`\x1b`, `\x07`), never acted on; only `critpath logs` prints a log as it was
 * written, as cat would. DEL, the C1 controls and the bidirectional overrides (which reorder what
 * a line shows) are written as JSON writes escapes (`\u009b`, `\u202e`): JSON text, where
 * JSON.stringify left them raw, stays valid JSON meaning the same string, and plain text shows
 * them as plainly. Newlines, tabs and CRLF line ends (CSV, ICS) stay.
 *
 * User data (titles, project and person names, log tails) is escaped where a view takes it,
 * with every ESC made visible, colour sequences included, before it is measured, laid out or
 * coloured: a view then measures what the terminal shows, and an ESC left in a line is one
 * critpath's own colours wrote. `keepColour` is for those: Output passes it while colour is on,
 * so the colour sequences that only colour text (KEPT_SGR) stay; one that hides text (8:
 * concealed, a background, a 256-colour or RGB pair that may match the foreground), blinks or
 * inverts it is shown as an escape even then. With colour off nothing is kept.
 */
/** Shown as `\u` escapes: DEL, the C1 controls and the bidirectional overrides (a class's body). */
const WIDE = '\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';

const CONTROL = new RegExp(
  `(\\u001b\\[([0-9;]*)m)|[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f${WIDE}]|\\r(?!\\n)`,
  'g',
);

/**
 * SGR parameters kept with `keepColour`: reset, bold, dim, italic, underline and their ends, and
 * the foreground colours but black and white (chalk's bold, dim, red, green, yellow and cyan
 * are among them). Empty is a reset.
 */
const KEPT_SGR = /^(|0|1|2|3|4|22|23|24|3[1-6]|39|9[0-6])$/;

/** Whether every parameter of an SGR sequence only colours text. */
const onlyColours = (params: string): boolean => params.split(';').every((p) => KEPT_SGR.test(p));

const visible = (ch: string): string => {
  const c = ch.charCodeAt(0);
  return c < 0x7f
    ? `\\x${c.toString(16).padStart(2, '0')}`
    : `\\u${c.toString(16).padStart(4, '0')}`;
};

/** Any character that CONTROL might match: text without one is returned as it is. */
const MAYBE_CONTROL = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f${WIDE}]`);

export function escapeTerminal(text: string, keepColour = false): string {
  // A plan's JSON runs to tens of megabytes: one quick scan instead of the replacing one.
  if (!MAYBE_CONTROL.test(text)) return text;
  return text.replace(CONTROL, (m: string, sgr: string | undefined, params: string | undefined) =>
    sgr === undefined
      ? visible(m)
      : keepColour && onlyColours(params!)
        ? m
        : `${visible(m[0]!)}${m.slice(1)}`,
  );
}

/**
 * `line` with each tab replaced by the spaces to the next multiple of 8 columns, as a terminal
 * shows a program's output: a view then measures the width it prints (a tab counted as one
 * column let a log line of 115 characters fill 320). Columns are terminal cells (a CJK character
 * takes two), so `line` should already be escaped (escapeTerminal widens control characters).
 */
export function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  let column = 0;
  for (const ch of line) {
    if (ch === '\t') {
      const pad = 8 - (column % 8);
      out += ' '.repeat(pad);
      column += pad;
    } else {
      out += ch;
      column += cellWidth(ch);
    }
  }
  return out;
}

/** Line breaks and tabs, shown by escapeLine. */
const BREAKS = /\r\n|[\n\t]/g;
const BREAK_TEXT: Readonly<Record<string, string>> = { '\r\n': '\\r\\n', '\n': '\\n', '\t': '\\t' };

/**
 * User data that a view shows on one line (a table cell, a title, a name): escapeTerminal, and
 * its line breaks and tabs shown as `\n`, `\r\n` and `\t` too. A title can then neither start a
 * row of its own in a table nor push one past the width (a tab's width is the terminal's to
 * choose). Views for other programs that keep line breaks as data (CSV) take escapeTerminal.
 */
export function escapeLine(text: string): string {
  const s = escapeTerminal(text);
  return s.includes('\n') || s.includes('\t') ? s.replace(BREAKS, (m) => BREAK_TEXT[m]!) : s;
}

/**
 * Characters a terminal shows as nothing or as a plain space: the no-break and other spaces, the
 * zero-width ones, the word joiner and invisible operators, the soft hyphen, the Arabic letter
 * mark, the Hangul fillers, the line and paragraph separators, the byte-order mark and the tag
 * characters. The joiners and the grapheme joiner stand outside the class, since they combine.
 * In a title they are the writer's; in a message that quotes a value (`unknown dependency "a b"`)
 * they hide the very difference the message is about.
 */
const INVISIBLE =
  /\u034f|\u17b4|\u17b5|\u200c|\u200d|[\u00a0\u00ad\u061c\u115f\u1160\u180e\u2000-\u200b\u2028\u2029\u202f\u205f-\u2064\u206a-\u206f\u3000\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

/**
 * A message (an error, a problem found in a file, a warning), after escapeTerminal: its
 * invisible characters written as `\u` escapes (`\u200b`, `\u{e0041}`), so a value it quotes
 * reads as it is.
 */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (ch) => {
    const c = ch.codePointAt(0)!;
    return c > 0xffff ? `\\u{${c.toString(16)}}` : `\\u${c.toString(16).padStart(4, '0')}`;
  });
}
