/**
 * Control characters in terminal output. A task title, an id or a command's output can hold
 * escape sequences that move the cursor, retitle the terminal, hide text or ring the bell. What
 * critpath prints (Output's out and err, the live view) passes here, so they are shown as
 * visible escapes (`\x1b`, `\x07`, `\x9b`), never acted on; only `critpath logs` prints a log as
 * it was written, as cat would. Newlines, tabs and CRLF line ends (CSV, ICS) stay. With
 * `keepColour`, colour sequences (SGR: ESC [ digits m, what chalk writes) stay too: they only
 * colour text.
 */
const CONTROL =
  // eslint-disable-next-line no-control-regex -- control characters are what it is about
  /(\u001b\[[0-9;]*m)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/g;

const visible = (ch: string): string => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** Any character that CONTROL might match: text without one is returned as it is. */
// eslint-disable-next-line no-control-regex -- as above
const MAYBE_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export function escapeTerminal(text: string, keepColour = false): string {
  // A plan's JSON runs to tens of megabytes: one quick scan instead of the replacing one.
  if (!MAYBE_CONTROL.test(text)) return text;
  return text.replace(CONTROL, (m: string, sgr: string | undefined) =>
    sgr === undefined ? visible(m) : keepColour ? m : `${visible(m[0]!)}${m.slice(1)}`,
  );
}
