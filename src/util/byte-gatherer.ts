/** Bytes gathered before they are handed on. */
const GATHER_BYTES = 1 << 20;

/**
 * Texts encoded (UTF-8, or Latin-1 for text known to be ASCII) into buffers of about a megabyte,
 * each handed to `write` when full, and the last at `end`; a buffer handed on is never written
 * again. A stream may hold what it is given until the event loop turns (standard output to a pipe
 * whose reader lags holds all of a plan's 87 MB of JSON): held as buffers, outside the JavaScript
 * heap, that costs the garbage collector nothing, where as strings it would be copied on every
 * collection. Each text is encoded on its own, as `stream.write(text)` would encode it.
 */
export function byteGatherer(
  write: (bytes: Uint8Array) => void,
  encoding: 'utf8' | 'latin1' = 'utf8',
): { add: (text: string) => void; end: () => void } {
  let buf = Buffer.allocUnsafeSlow(GATHER_BYTES);
  let used = 0;
  // A UTF-16 code unit is at most 3 bytes of UTF-8.
  const perUnit = encoding === 'utf8' ? 3 : 1;
  const flush = (): void => {
    if (used === 0) return;
    write(buf.subarray(0, used));
    buf = Buffer.allocUnsafeSlow(GATHER_BYTES);
    used = 0;
  };
  return {
    add: (text) => {
      // Room for the text's longest encoding, or a buffer of its own.
      const most = perUnit * text.length;
      if (used + most > buf.length) flush();
      if (most > buf.length) write(Buffer.from(text, encoding));
      else used += buf.write(text, used, encoding);
    },
    end: flush,
  };
}
