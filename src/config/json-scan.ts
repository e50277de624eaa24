/**
 * A JSON scanner over the bytes of a file, for readers that take values straight into columns
 * (./task-table.ts). It accepts only what JSON.parse accepts, in the forms it reads; where it is
 * not sure, it says so (false, -1, undefined), and the reader declines the file.
 */

/** Bytes of `s`, an ASCII literal. */
export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const QUOTE = 34;
const BACKSLASH = 92;

/** 1 for a byte that may follow `\` in a JSON string (`u` is read apart). */
const SIMPLE_ESCAPE = new Uint8Array(128);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;

const isHex = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

export class JsonScan {
  readonly b: Buffer;
  /** The position: the next byte to read. */
  p = 0;
  /** Whether the last string anyString read held an escape. */
  escaped = false;

  constructor(b: Buffer) {
    this.b = b;
  }

  /** Skips whitespace; the byte then at p (-1 at the end). */
  ws(): number {
    const b = this.b;
    let p = this.p;
    let c = p < b.length ? b[p]! : -1;
    while (c === 32 || c === 10 || c === 13 || c === 9) c = ++p < b.length ? b[p]! : -1;
    this.p = p;
    return c;
  }

  /** At `c` after whitespace: steps over it, or false. */
  expect(c: number): boolean {
    if (this.ws() !== c) return false;
    this.p++;
    return true;
  }

  /**
   * At a `"`: a string without escapes, as its content's end (the closing quote, p after it);
   * -1 for anything else (an escape, a control character, no closing quote).
   */
  plainString(): number {
    const b = this.b;
    let p = this.p;
    if (b[p] !== QUOTE) return -1;
    p++;
    for (;;) {
      if (p >= b.length) return -1;
      const c = b[p]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 32) return -1;
      p++;
    }
    this.p = p + 1;
    return p;
  }

  /** At a `"`: steps over a valid JSON string of any content (escaped: whether it has an escape). */
  anyString(): boolean {
    const b = this.b;
    let p = this.p;
    if (b[p] !== QUOTE) return false;
    p++;
    this.escaped = false;
    for (;;) {
      if (p >= b.length) return false;
      const c = b[p]!;
      if (c === QUOTE) break;
      if (c < 32) return false;
      if (c === BACKSLASH) {
        this.escaped = true;
        const e = b[p + 1] ?? 0;
        if (e === 117) {
          for (let k = 2; k < 6; k++) if (!isHex(b[p + k] ?? 0)) return false;
          p += 6;
          continue;
        }
        if (e >= 128 || SIMPLE_ESCAPE[e] !== 1) return false;
        p += 2;
        continue;
      }
      p++;
    }
    this.p = p + 1;
    return true;
  }

  /** A JSON number at p (its exact grammar), or undefined. */
  number(): number | undefined {
    const b = this.b;
    const start = this.p;
    let p = start;
    if (b[p] === 45) p++;
    if (b[p] === 48) p++;
    else if (isDigit(b[p] ?? 0)) while (isDigit(b[p] ?? 0)) p++;
    else return undefined;
    if (b[p] === 46) {
      p++;
      if (!isDigit(b[p] ?? 0)) return undefined;
      while (isDigit(b[p] ?? 0)) p++;
    }
    if (b[p] === 101 || b[p] === 69) {
      p++;
      if (b[p] === 43 || b[p] === 45) p++;
      if (!isDigit(b[p] ?? 0)) return undefined;
      while (isDigit(b[p] ?? 0)) p++;
    }
    this.p = p;
    return Number(this.latin1(start, p));
  }

  /**
   * Steps over one value of any kind, nested to any depth (a count, not recursion), checking
   * strings but not the structure: the caller parses what it skipped with JSON.parse.
   */
  skipValue(): boolean {
    const b = this.b;
    let depth = 0;
    for (;;) {
      const c = this.ws();
      if (c === -1) return false;
      if (c === QUOTE) {
        if (!this.anyString()) return false;
      } else if (c === 123 || c === 91) {
        depth++;
        this.p++;
      } else if (c === 125 || c === 93) {
        if (depth === 0) return false;
        depth--;
        this.p++;
      } else if (c === 44 || c === 58) {
        if (depth === 0) return false;
        this.p++;
      } else {
        let p = this.p;
        while (p < b.length && !isEnd(b[p]!)) p++;
        this.p = p;
      }
      if (depth === 0) return true;
    }
  }

  /** The bytes s…e−1 as Latin-1 text (ASCII, for the values read here). */
  latin1(s: number, e: number): string {
    return this.b.toString('latin1', s, e);
  }

  /** The bytes s…e−1 as UTF-8 text, as reading the whole file as UTF-8 would give them. */
  utf8(s: number, e: number): string {
    return this.b.toString('utf8', s, e);
  }
}

/** A byte that ends a scalar other than a string: whitespace or structure. */
function isEnd(c: number): boolean {
  return (
    c === 44 || c === 93 || c === 125 || c === 58 || c === 32 || c === 10 || c === 13 || c === 9
  );
}
