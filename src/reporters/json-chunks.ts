import { MappedList } from '../util/mapped-list.js';

/**
 * `JSON.stringify(value, null, 2)` in pieces: the same text, byte for byte, as a sequence of
 * strings none of which holds more than a batch of a long array's elements. A 100k-activity plan
 * is 87 MB of JSON; printed in pieces it never exists as one string (nor as one Buffer).
 *
 * Objects and arrays near the top (down to MAX_DEPTH) are walked; anything deeper, and each batch
 * of a long array's elements, is left to JSON.stringify itself, wrapped in arrays so that it comes
 * out at its own depth's indentation. Only plain objects and arrays are walked: anything with a
 * `toJSON`, and every other value, is stringified whole.
 */

/** Elements of a long array stringified at once. */
export const JSON_BATCH = 512;
/** Depth down to which objects and arrays are walked rather than stringified whole. */
const MAX_DEPTH = 3;

const indent = (depth: number): string => ' '.repeat(2 * depth);

/** Whether `v` is walked: a plain object or an array, without toJSON. */
function walked(v: unknown): v is Record<string, unknown> | unknown[] {
  if (v === null || typeof v !== 'object') return false;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A value JSON.stringify leaves out of an object (and writes as null in an array). */
const skipped = (v: unknown): boolean =>
  v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** `depth` arrays around `v`, so that stringifying it indents `v` as at that depth. */
function wrap(v: unknown, depth: number): unknown {
  let w = v;
  for (let d = 0; d < depth; d++) w = [w];
  return w;
}

/** What JSON.stringify writes before and after a value at `depth` inside `depth` wrapping arrays. */
const frames = new Map<number, { head: number; tail: number }>();
function frameOf(depth: number): { head: number; tail: number } {
  let f = frames.get(depth);
  if (f === undefined) {
    const text = JSON.stringify(wrap(0, depth), null, 2);
    const at = text.indexOf('0');
    f = { head: at, tail: text.length - at - 1 };
    frames.set(depth, f);
  }
  return f;
}

/** `v` stringified as it reads at `depth` (its inner lines indented for that depth). */
function atDepth(v: unknown, depth: number): string {
  if (depth === 0 || v === null || typeof v !== 'object') return JSON.stringify(v, null, 2);
  const { head, tail } = frameOf(depth);
  const text = JSON.stringify(wrap(v, depth), null, 2);
  return text.slice(head, text.length - tail);
}

/** Elements `from`…`to−1` of an array at `depth − 1`, as they read at `depth`, comma-separated. */
function batchAt(
  list: readonly unknown[] | MappedList<unknown>,
  from: number,
  to: number,
  depth: number,
): string {
  // A value at depth d inside the batch array reads as the batch's elements do.
  const { head, tail } = frameOf(depth - 1);
  const batch = list.slice(from, to);
  const text = JSON.stringify(wrap(batch, depth - 1), null, 2);
  // The batch array's own `[\n` and `\n<indent>]` go with the frame.
  return text.slice(head + 2, text.length - tail - 1 - indent(depth - 1).length - 1);
}

function* chunksAt(v: unknown, depth: number): Generator<string> {
  if (v instanceof MappedList) {
    const list = v as MappedList<unknown>;
    if (list.length > JSON_BATCH && depth < MAX_DEPTH) {
      yield* longChunks(list, list.length, depth);
      return;
    }
    v = list.toJSON();
  }
  if (!walked(v) || depth >= MAX_DEPTH) {
    yield atDepth(v, depth);
    return;
  }
  const inner = indent(depth + 1);
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield '[]';
      return;
    }
    if (v.length > JSON_BATCH) {
      yield* longChunks(v, v.length, depth);
      return;
    }
    yield '[\n';
    for (let i = 0; i < v.length; i++) {
      yield i === 0 ? inner : `,\n${inner}`;
      const e: unknown = v[i];
      yield* chunksAt(skipped(e) ? null : e, depth + 1);
    }
    yield `\n${indent(depth)}]`;
    return;
  }
  const keys = Object.keys(v).filter((k) => !skipped(v[k]));
  if (keys.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    yield `${i === 0 ? '' : ',\n'}${inner}${JSON.stringify(k)}: `;
    yield* chunksAt(v[k], depth + 1);
  }
  yield `\n${indent(depth)}}`;
}

/** A long array at `depth`, a batch of elements at a time. */
function* longChunks(
  list: readonly unknown[] | MappedList<unknown>,
  length: number,
  depth: number,
): Generator<string> {
  yield '[\n';
  for (let from = 0; from < length; from += JSON_BATCH) {
    if (from > 0) yield ',\n';
    yield batchAt(list, from, Math.min(length, from + JSON_BATCH), depth + 1);
  }
  yield `\n${indent(depth)}]`;
}

/** The pieces of `JSON.stringify(value, null, 2)`, in order (value: plain JSON data). */
export function jsonChunks(value: unknown): Iterable<string> {
  return chunksAt(value, 0);
}
