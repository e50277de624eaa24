/**
 * `JSON.stringify(value, null, indent)` in pieces: the same text, byte for byte, as a sequence of
 * strings none of which holds more than a batch of a long array's elements. A 100k-activity plan
 * is 87 MB of JSON (indent 2, `--json`); a 1M-task file's project cache entry is 200 MB (indent
 * 0): written in pieces, neither ever exists as one string (nor as one Buffer).
 *
 * Objects and arrays near the top (down to MAX_DEPTH) are walked; anything deeper, and each batch
 * of a long array's elements, is left to JSON.stringify itself, wrapped in arrays so that it comes
 * out at its own depth's indentation. Only plain objects and arrays are walked: anything with a
 * `toJSON`, and every other value, is stringified whole.
 *
 * A batch holds as many elements as make about PIECE_CHARS characters, judged by the batch
 * before it: a piece stays well below the size at which V8 puts a string in its large-object
 * space, where each one costs a mapping of its own (on a 100k plan that took twice as long as
 * stringifying). The pieces differ with the batches; their concatenation never does.
 */
import { MappedList } from './mapped-list.js';

/** Arrays longer than this are written a batch of elements at a time. */
export const JSON_BATCH = 512;
/** About the characters of a long array's batch of elements. */
export const PIECE_CHARS = 1 << 15;
/** Elements in a long array's first batch, before any batch has been measured. */
const FIRST_BATCH = 8;
/** Elements in a batch at most, however short. */
const MAX_BATCH = 4096;
/** Depth down to which objects and arrays are walked rather than stringified whole. */
const MAX_DEPTH = 4;

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

/** The text of one jsonChunks call: its indent and what it writes around values. */
class Layout {
  readonly indent: number;
  /** After an opening bracket and before a closing one: a newline, or nothing when compact. */
  readonly nl: string;
  /** Between a key and its value. */
  readonly colon: string;
  private readonly frames = new Map<number, { head: number; tail: number }>();

  constructor(indent: number) {
    // JSON.stringify's own reading of a numeric `space`.
    this.indent = Math.max(0, Math.min(10, Math.floor(indent)));
    this.nl = this.indent > 0 ? '\n' : '';
    this.colon = this.indent > 0 ? ': ' : ':';
  }

  pad(depth: number): string {
    return ' '.repeat(this.indent * depth);
  }

  stringify(v: unknown): string {
    return JSON.stringify(v, null, this.indent);
  }

  /** What JSON.stringify writes before and after a value inside `depth` wrapping arrays. */
  frameOf(depth: number): { head: number; tail: number } {
    let f = this.frames.get(depth);
    if (f === undefined) {
      const text = this.stringify(wrap(0, depth));
      const at = text.indexOf('0');
      f = { head: at, tail: text.length - at - 1 };
      this.frames.set(depth, f);
    }
    return f;
  }
}

/** `v` stringified as it reads at `depth` (its inner lines indented for that depth). */
function atDepth(o: Layout, v: unknown, depth: number): string {
  if (depth === 0 || o.indent === 0 || v === null || typeof v !== 'object') return o.stringify(v);
  const { head, tail } = o.frameOf(depth);
  const text = o.stringify(wrap(v, depth));
  return text.slice(head, text.length - tail);
}

/** Elements `from`…`to−1` of an array at `depth − 1`, as they read at `depth`, comma-separated. */
function batchAt(
  o: Layout,
  list: readonly unknown[] | MappedList<unknown>,
  from: number,
  to: number,
  depth: number,
): string {
  // A value at depth d inside the batch array reads as the batch's elements do.
  const { head, tail } = o.frameOf(depth - 1);
  const batch = list.slice(from, to);
  const text = o.stringify(wrap(batch, depth - 1));
  // The batch array's own `[` + nl and nl + pad + `]` go with the frame.
  const open = 1 + o.nl.length;
  const close = o.nl.length + o.pad(depth - 1).length + 1;
  return text.slice(head + open, text.length - tail - close);
}

function* chunksAt(o: Layout, v: unknown, depth: number): Generator<string> {
  if (v instanceof MappedList) {
    // Written a batch at a time at any depth: its mapped elements never all exist at once.
    const list = v as MappedList<unknown>;
    if (list.length > JSON_BATCH) {
      yield* longChunks(o, list, list.length, depth);
      return;
    }
    v = list.toJSON();
  }
  if (!walked(v) || depth >= MAX_DEPTH) {
    yield atDepth(o, v, depth);
    return;
  }
  const inner = o.pad(depth + 1);
  const close = `${o.nl}${o.pad(depth)}`;
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield '[]';
      return;
    }
    if (v.length > JSON_BATCH) {
      yield* longChunks(o, v, v.length, depth);
      return;
    }
    yield `[${o.nl}`;
    for (let i = 0; i < v.length; i++) {
      yield i === 0 ? inner : `,${o.nl}${inner}`;
      const e: unknown = v[i];
      yield* chunksAt(o, skipped(e) ? null : e, depth + 1);
    }
    yield `${close}]`;
    return;
  }
  const keys = Object.keys(v).filter((k) => !skipped(v[k]));
  if (keys.length === 0) {
    yield '{}';
    return;
  }
  yield `{${o.nl}`;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    yield `${i === 0 ? '' : `,${o.nl}`}${inner}${JSON.stringify(k)}${o.colon}`;
    yield* chunksAt(o, v[k], depth + 1);
  }
  yield `${close}}`;
}

/** A long array at `depth`, a batch of elements at a time, each batch about PIECE_CHARS long. */
function* longChunks(
  o: Layout,
  list: readonly unknown[] | MappedList<unknown>,
  length: number,
  depth: number,
): Generator<string> {
  yield `[${o.nl}`;
  let size = FIRST_BATCH;
  for (let from = 0; from < length;) {
    const to = Math.min(length, from + size);
    if (from > 0) yield `,${o.nl}`;
    const text = batchAt(o, list, from, to, depth + 1);
    yield text;
    // As many elements as would have made PIECE_CHARS characters of this batch, growing at most
    // eightfold from one batch to the next (a run of short elements may end in long ones).
    const fit = Math.floor((PIECE_CHARS * (to - from)) / Math.max(1, text.length));
    size = Math.max(1, Math.min(8 * (to - from), MAX_BATCH, fit));
    from = to;
  }
  yield `${o.nl}${o.pad(depth)}]`;
}

/**
 * The pieces of `JSON.stringify(value, null, indent)`, in order (value: plain JSON data; indent:
 * spaces per level, 0 for compact JSON).
 */
export function jsonChunks(value: unknown, indent = 2): Iterable<string> {
  return chunksAt(new Layout(indent), value, 0);
}
