/** Bytes gathered before they are handed on. */
const GATHER_BYTES = 1 << 20;

/**
 * Texts encoded (UTF-8, or Latin-1 for text known to be ASCII) into buffers of about a megabyte,
 * each handed to `write` when full, and the last at `end`. Each text is encoded on its own, as
 * `stream.write(text)` would encode it. A stream may hold what it is given until the event loop
 * turns (standard output to a pipe whose reader lags would hold all of a plan's 87 MB of JSON):
 * held as buffers, outside the JavaScript heap, that costs the garbage collector nothing, where
 * as strings it would be copied on every collection. The buffer handed on is filled again only
 * when `done` says that `write` is finished with it (the write was synchronous); else the next
 * megabyte goes into a new one. A new megabyte costs the first touch of each of its pages.
 */
export function byteGatherer(
  write: (bytes: Uint8Array) => void,
  encoding: 'utf8' | 'latin1' = 'utf8',
  done: () => boolean = () => false,
): ByteSink & { end: () => void } {
  let buf = Buffer.allocUnsafeSlow(GATHER_BYTES);
  let used = 0;
  // A UTF-16 code unit is at most 3 bytes of UTF-8.
  const perUnit = encoding === 'utf8' ? 3 : 1;
  const flush = (): void => {
    if (used === 0) return;
    write(buf.subarray(0, used));
    if (!done()) buf = Buffer.allocUnsafeSlow(GATHER_BYTES);
    used = 0;
  };
  const addIf = (text: string, keep: (bytes: Buffer) => boolean): boolean => {
    // Room for the text's longest encoding, or a buffer of its own.
    const most = perUnit * text.length;
    if (used + most > buf.length) flush();
    if (most > buf.length) {
      const own = Buffer.from(text, encoding);
      if (!keep(own)) return false;
      write(own);
      return true;
    }
    const size = buf.write(text, used, encoding);
    if (!keep(buf.subarray(used, used + size))) return false;
    used += size;
    return true;
  };
  return { add: (text) => void addIf(text, () => true), addIf, end: flush };
}

/** Where text goes as bytes. */
export interface ByteSink {
  add(text: string): void;
  /** Adds `text` if its bytes pass `keep` (they are dropped otherwise); says whether it did. */
  addIf(text: string, keep: (bytes: Buffer) => boolean): boolean;
}
