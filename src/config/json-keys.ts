/**
 * Whether JSON text holds a duplicate key. JSON.parse keeps the last of two equal keys in one
 * object without a word (`"hours": 2, "hours": 50` reads as 50); a task file must say so
 * instead. Counting is enough: the keys the text writes against the keys its parsed value has.
 * Both counts are one linear pass, and a file with a duplicate then takes the positioned path,
 * which names the key at its line and column.
 */

const BACKSLASH = 92;
const COLON = 58;

/** Keys written in JSON text `text`: strings followed (after whitespace) by a colon. */
export function keysWritten(text: string): number {
  let keys = 0;
  // From quote to quote with indexOf (native), not a character at a time.
  for (let open = text.indexOf('"'); open >= 0;) {
    let close = text.indexOf('"', open + 1);
    while (close > 0 && escapedAt(text, close)) close = text.indexOf('"', close + 1);
    if (close < 0) break;
    let j = close + 1;
    let c = text.charCodeAt(j);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++j);
    if (c === COLON) keys++;
    open = text.indexOf('"', j);
  }
  return keys;
}

/** Whether the quote at `at` is escaped: an odd number of backslashes before it. */
function escapedAt(text: string, at: number): boolean {
  let n = 0;
  while (text.charCodeAt(at - 1 - n) === BACKSLASH) n++;
  return n % 2 === 1;
}

/** Keys of every object in `value`, a parsed JSON value (walked without recursion). */
export function keysParsed(value: unknown): number {
  let keys = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const e: unknown = v[i];
        if (e !== null && typeof e === 'object') stack.push(e);
      }
      continue;
    }
    for (const k in v) {
      keys++;
      const e = (v as Record<string, unknown>)[k];
      if (e !== null && typeof e === 'object') stack.push(e);
    }
  }
  return keys;
}

/** Whether `text`, which JSON.parse read as `value`, wrote some key twice in one object. */
export const hasDuplicateKey = (text: string, value: unknown): boolean =>
  keysWritten(text) !== keysParsed(value);
