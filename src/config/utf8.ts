import { isUtf8 } from 'node:buffer';
import type { Diagnostic } from '../result.js';

/**
 * The diagnostic of a task file that is not UTF-8 text, at its first byte that is not; undefined
 * for UTF-8. Decoding such bytes would turn them into U+FFFD silently, and an id or a command
 * would differ from the file's without a word.
 */
export function notUtf8(bytes: Uint8Array, file: string): Diagnostic | undefined {
  if (isUtf8(bytes)) return undefined;
  const at = firstBadChar(bytes);
  let lineStart = 0;
  let line = 1;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const col = Buffer.from(bytes.buffer, bytes.byteOffset + lineStart, at - lineStart).toString(
    'utf8',
  ).length;
  const utf16 =
    (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const hex = `0x${bytes[at]!.toString(16).padStart(2, '0')}`;
  return {
    reason: 'encoding',
    message: utf16
      ? 'the file is UTF-16 text: save it as UTF-8'
      : `the file is not UTF-8 text: byte ${hex} here begins no UTF-8 character (save it as UTF-8)`,
    position: { file, line, col: col + 1 },
  };
}

/** The offset of the first byte that does not begin a well-formed UTF-8 character (RFC 3629). */
export function firstBadChar(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const more =
      c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (more === 0) return i;
    // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    const c1 = b[i + 1];
    if (c1 === undefined || c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= more; k++) {
      const ck = b[i + k];
      if (ck === undefined || (ck & 0xc0) !== 0x80) return i;
    }
    i += more + 1;
  }
  return b.length;
}
