/**
 * The YAML reader of ./task-table.ts, for the plain shape the loader's own reader takes
 * (./simple-yaml.ts), with the values it gives: `tasks:` at the top, then a block sequence of
 * block mappings, one `key: value` a line, each value on its key's line: a plain scalar, a
 * quoted one without escapes (`"…"` without `\`, `'…'` without `''`), or a one-line flow
 * sequence of plain scalars (`deps: [a, b]`). A plain scalar that might not be a string is
 * resolved by simple-yaml's own `plain`. Anything else (flow mappings as tasks, block values,
 * tabs, bytes it does not judge) is declined, and so is the file.
 */
import type { TaskTable } from '../model/task-table.js';
import { isTimeout } from '../model/patterns.js';
import { plain, readSimpleYaml } from './simple-yaml.js';
import type { TaskStart, Tasks } from './task-table.js';
import {
  FIELD,
  idBytesEnd,
  ALL,
  GPU,
  MACBOOK,
  RISKS,
  TASKS,
  beginTask,
  checkHead,
  endDeps,
  endTask,
  fieldOf,
  hoursNumber,
  hoursOf,
  hoursRange,
  newTasks,
  pushDep,
  pushHours,
  pushId,
  sameAs,
  see,
  setTitle,
  tableOf,
} from './task-table.js';

const SPACE = 32;
const TAB = 9;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/** A scalar read: a string (bytes from…to−1 are its value) or a number. */
interface Scalar {
  kind: 'string' | 'number';
  from: number;
  to: number;
  num: number;
  /** Whether it was quoted (an hours spelling differs by it). */
  quoted: boolean;
}

/** Where the tasks are: the `tasks:` line and the block's first line. */
interface Block {
  readonly keyLine: number;
  readonly start: number;
  /** The items' dash column. */
  readonly indent: number;
}

/** A line: its start, the end of its content (before `\r\n`), its next line, its indent. */
interface Line {
  start: number;
  end: number;
  next: number;
  indent: number;
}

function lineAt(b: Uint8Array, at: number, line: Line): Line {
  // A loop, not Buffer#indexOf: lines are short, and a native call per line costs more.
  const n = b.length;
  let i = at;
  while (i < n && b[i] === SPACE) i++;
  let eol = i;
  while (eol < n && b[eol] !== 10) eol++;
  let end = eol;
  if (end > at && b[end - 1] === 13) end--;
  line.start = at;
  line.end = end;
  line.next = eol + 1;
  line.indent = Math.min(i, end) - at;
  return line;
}

/** Blank, or a comment (the loader skips them). */
const skipped = (b: Uint8Array, l: Line): boolean =>
  l.start + l.indent === l.end || b[l.start + l.indent] === HASH;

const isDashLine = (b: Uint8Array, l: Line): boolean => {
  const i = l.start + l.indent;
  return b[i] === DASH && (i + 1 === l.end || b[i + 1] === SPACE);
};

/** The first `tasks:` line at the top, and the dash column of the first line under it. */
function tasksBlock(b: Buffer): Block | undefined {
  const l: Line = { start: 0, end: 0, next: 0, indent: 0 };
  let at = 0;
  for (; at < b.length; at = l.next) {
    lineAt(b, at, l);
    if (l.indent === 0 && l.end - at >= 6 && sameAs(b, at, at + 5, TASKS) && b[at + 5] === COLON)
      break;
  }
  if (at >= b.length || !restIsEmpty(b, at + 6, l.end) || (at + 6 < l.end && b[at + 6] !== SPACE))
    return undefined;
  const keyLine = at;
  const start = l.next;
  for (at = start; at < b.length; at = l.next) {
    lineAt(b, at, l);
    if (skipped(b, l)) continue;
    return isDashLine(b, l) ? { keyLine, start, indent: l.indent } : undefined;
  }
  return undefined;
}

/**
 * Nothing, or a comment after blanks, from `i` to `end`: simple-yaml's restIsEmpty
 * (`/^\s*(?:#.*)?$/`), less what it might read otherwise (other blanks; a comment holding a
 * line break that `.` stops at: CR, U+2028, U+2029).
 */
function restIsEmpty(b: Uint8Array, i: number, end: number): boolean {
  while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
  if (i === end) return true;
  if (b[i] !== HASH) return false;
  for (let k = i; k < end; k++) {
    const c = b[k]!;
    if (c === 13 || (c === 0xe2 && b[k + 1] === 0x80 && (b[k + 2]! & 0xfe) === 0xa8)) return false;
  }
  return true;
}

/**
 * The project of `bytes` (a task file's YAML text) as a table, when it is a file of plain tasks
 * in the shape read here that passes every check; else undefined.
 */
export function readTaskTableYaml(bytes: Buffer): TaskTable | undefined {
  const block = tasksBlock(bytes);
  if (block === undefined) return undefined;
  const t = newTasks();
  const end = readItems(bytes, block, t);
  if (end < 0) return undefined;
  const head = readSimpleYaml(
    `${bytes.toString('utf8', 0, block.keyLine)}tasks: []\n${bytes.toString('utf8', end)}`,
  );
  const project = head === undefined ? undefined : checkHead(head, t);
  return project === undefined ? undefined : tableOf(bytes, t, project);
}

/**
 * Every item of the block, each a task, to the first line of the top level after it: that
 * line's start (or the text's end); −1 where an item is not read here.
 */
function readItems(b: Buffer, block: Block, t: Tasks): number {
  const l: Line = { start: 0, end: 0, next: 0, indent: 0 };
  const sc: Scalar = { kind: 'string', from: 0, to: 0, num: 0, quoted: false };
  let task: TaskStart | undefined;
  let column = -1;
  let at = block.start;
  for (; at < b.length; at = l.next) {
    lineAt(b, at, l);
    if (skipped(b, l)) continue;
    let p = l.start + l.indent;
    if (b[p] === TAB) return -1;
    const item = l.indent === block.indent && isDashLine(b, l);
    if (l.indent === 0 && !item) break;
    if (item) {
      if (task !== undefined && !endTask(t, task)) return -1;
      task = beginTask(t);
      p++;
      while (p < l.end && b[p] === SPACE) p++;
      if (p === l.end || !startsPlainly(b, p, l.end)) return -1;
      column = p - l.start;
    } else if (task === undefined || l.indent !== column) return -1;
    if (!readEntry(b, p, l.end, t, task, sc)) return -1;
  }
  return task !== undefined && endTask(t, task) ? Math.min(at, b.length) : -1;
}

/** Whether the text at `p` starts as simple-yaml trims it (no tab or other blank left there). */
function startsPlainly(b: Buffer, p: number, end: number): boolean {
  const c = b[p]!;
  if (c === TAB || c < 32) return false;
  return c < 0x80 || !/^\s/u.test(b.toString('utf8', p, Math.min(end, p + 4)));
}

/** `key: value` from `p` to `end`, into the task. */
function readEntry(b: Buffer, p: number, end: number, t: Tasks, w: TaskStart, sc: Scalar): boolean {
  let colon = p;
  while (colon < end && b[colon] !== COLON) colon++;
  if (colon === p || colon === end) return false;
  if (colon + 1 < end && b[colon + 1] !== SPACE) return false;
  const f = fieldOf(b, p, colon);
  if (f < 0 || !see(w, f)) return false;
  let v = colon + 1;
  while (v < end && (b[v] === SPACE || b[v] === TAB)) v++;
  // A value on the next lines (or none): not read here.
  if (v === end || b[v] === HASH || !startsPlainly(b, v, end)) return false;
  return readField(b, v, end, f, t, w, sc);
}

/** One field's value, from `v` to the line's `end`. */
function readField(
  b: Buffer,
  v: number,
  end: number,
  f: number,
  t: Tasks,
  w: TaskStart,
  sc: Scalar,
): boolean {
  const c = b[v];
  if (c === 91)
    return f === FIELD.DEPS || f === FIELD.TAGS || f === FIELD.RUN
      ? readList(b, v, end, f, t)
      : false;
  if (f === FIELD.HOURS) return readHours(b, v, end, t, sc);
  if (!scalarAt(b, v, end, sc)) return false;
  if (f === FIELD.GPUS || f === FIELD.RETRIES) {
    if (sc.kind === 'string') {
      w.gpus = 'all';
      return f === FIELD.GPUS && sameAs(b, sc.from, sc.to, ALL);
    }
    const n = sc.num;
    if (!Number.isSafeInteger(n) || n < 0 || n > 0x7fffffff) return false;
    if (f === FIELD.GPUS) w.gpus = n;
    return true;
  }
  if (sc.kind !== 'string') return false;
  const { from, to } = sc;
  switch (f) {
    case FIELD.ID:
      return pushId(t, b, from, to);
    case FIELD.TITLE:
      setTitle(t, from, to, false);
      return true;
    case FIELD.HARDWARE:
      w.hardware = sameAs(b, from, to, MACBOOK)
        ? 'macbook'
        : sameAs(b, from, to, GPU)
          ? 'gpu'
          : undefined;
      return w.hardware !== undefined;
    case FIELD.RISK:
      return RISKS.some((r) => sameAs(b, from, to, r));
    case FIELD.RUN:
      // Not empty, and no NUL (a single-quoted scalar may hold one raw): the rules refuse both.
      // One that may be blank (a quoted one starting with a blank, or past ASCII) is theirs too.
      return to > from && !holdsNul(b, from, to) && b[from]! > 32 && b[from]! < 127;
    case FIELD.SKILL:
      t.skills.add(b.toString('utf8', from, to));
      return true;
    case FIELD.TIMEOUT:
      return isTimeout(b.toString('utf8', from, to));
    case FIELD.NOTES:
      return true;
  }
  return false;
}

/** Whether bytes from…to−1 of `b` hold a space or a tab. */
function holdsBlank(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] === SPACE || b[i] === TAB) return true;
  return false;
}

/** Whether bytes from…to−1 of `b` hold a NUL. */
function holdsNul(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] === 0) return true;
  return false;
}

/**
 * Hours: a number ≥ 0, or a `low-high` string the loader accepts, read once per spelling (a
 * plain spelling before it is resolved).
 */
function readHours(b: Buffer, v: number, end: number, t: Tasks, sc: Scalar): boolean {
  const quoted = b[v] === 34 || b[v] === 39;
  let points: readonly [number, number, number] | undefined;
  if (quoted) {
    if (!scalarAt(b, v, end, sc) || sc.kind !== 'string') return false;
    const { from, to } = sc;
    points = hoursOf(t, b, from, to, 2, () => hoursRange(b.toString('utf8', from, to)));
  } else {
    const e = cutComment(b, v, end);
    points = hoursOf(t, b, v, e, 1, () => {
      if (!plainAt(b, v, e, sc)) return undefined;
      return sc.kind === 'number' ? hoursNumber(sc.num) : hoursRange(b.toString('utf8', v, e));
    });
  }
  if (points === undefined) return false;
  pushHours(t, points);
  return true;
}

/**
 * A scalar value from `v` to the line's `end`, into `sc`: a quoted string without escapes, or a
 * plain scalar that resolves to a string or a number. False for anything else.
 */
function scalarAt(b: Buffer, v: number, end: number, sc: Scalar): boolean {
  const q = b[v];
  if (q === 34 || q === 39) {
    let i = v + 1;
    while (i < end && b[i] !== q && b[i] !== 92) i++;
    if (i === end || b[i] !== q) return q === 39 && i < end ? plainQuoteEnd(b, v, end, sc) : false;
    if (q === 39 && b[i + 1] === 39) return false;
    sc.kind = 'string';
    sc.from = v + 1;
    sc.to = i;
    sc.quoted = true;
    return restIsEmpty(b, i + 1, end);
  }
  sc.quoted = false;
  return plainAt(b, v, cutComment(b, v, end), sc);
}

/** A single-quoted scalar holding a backslash (no escape there): up to its closing quote. */
function plainQuoteEnd(b: Buffer, v: number, end: number, sc: Scalar): boolean {
  const i = b.indexOf(39, v + 1);
  if (i < 0 || i >= end || b[i + 1] === 39) return false;
  sc.kind = 'string';
  sc.from = v + 1;
  sc.to = i;
  sc.quoted = true;
  return restIsEmpty(b, i + 1, end);
}

/** Where a plain scalar from `v` ends: before a comment (a blank, then `#`), less trailing blanks. */
function cutComment(b: Uint8Array, v: number, end: number): number {
  let e = end;
  for (let i = v + 1; i < end; i++)
    if (b[i] === HASH && (b[i - 1] === SPACE || b[i - 1] === TAB)) {
      e = i;
      break;
    }
  while (e > v && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  return e;
}

/** Bytes that start a plain scalar simple-yaml's `plain` might read as other than a string. */
const UNSURE_START = new Uint8Array(128);
for (const c of '0123456789+-.~?:,[]{}#&*!|>\'"%@`') UNSURE_START[c.charCodeAt(0)] = 1;
/** The words `plain` reads as null or a boolean that start with a letter. */
const WORDS = ['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE'].map((w) =>
  Uint8Array.from(w, (c) => c.charCodeAt(0)),
);

/**
 * The plain scalar at bytes v…e−1: a string where its bytes are printable ASCII, it is none of
 * the null and boolean words, starts with none of the bytes that could make it a number or an
 * indicator, and holds no `: `; else as simple-yaml's `plain` reads its text.
 */
function plainAt(b: Buffer, v: number, e: number, sc: Scalar): boolean {
  let sure =
    v < e &&
    UNSURE_START[b[v]!] !== 1 &&
    !((e - v === 4 || e - v === 5) && WORDS.some((w) => sameAs(b, v, e, w)));
  for (let i = v; i < e && sure; i++) {
    const c = b[i]!;
    if (c < 32 || c > 126 || (c === COLON && (i + 1 === e || b[i + 1] === SPACE))) sure = false;
  }
  sc.from = v;
  sc.to = e;
  if (sure) {
    sc.kind = 'string';
    return true;
  }
  for (let i = v; i < e; i++) if ((b[i]! < 32 && b[i] !== TAB) || b[i] === 127) return false;
  const text = b.toString('utf8', v, e);
  // The loader trims all blanks (a non-ASCII one too): bytes v…e−1 must be the text it reads.
  if (text.trim() !== text) return false;
  const x = plain(text);
  if (typeof x === 'string') sc.kind = 'string';
  else if (typeof x === 'number') {
    sc.kind = 'number';
    sc.num = x;
  } else return false;
  return true;
}

/** A one-line flow sequence of plain scalars, each a string: deps, tags or run. */
function readList(b: Buffer, v: number, end: number, f: number, t: Tasks): boolean {
  let i = v + 1;
  let count = 0;
  const sc: Scalar = { kind: 'string', from: 0, to: 0, num: 0, quoted: false };
  while (i < end && b[i] === SPACE) i++;
  if (b[i] !== 93)
    for (;;) {
      while (i < end && b[i] === SPACE) i++;
      if (f === FIELD.DEPS) {
        const j = plainDep(b, i, end, t);
        if (j > 0) {
          count++;
          i = j;
          if (b[i] === 93) break;
          i++;
          continue;
        }
      }
      let j = i;
      while (j < end && !isFlowStop(b[j]!)) j++;
      if (j === end) return false;
      let s = i;
      let e = j;
      while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
      while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
      if (s === e || hasFlowUnsafe(b, s, e) || !plainAt(b, s, e, sc) || sc.kind !== 'string')
        return false;
      // A program with blanks in it is the rules' to judge (`[python3 -c, x]`).
      if (f === FIELD.RUN && count === 0 && holdsBlank(b, s, e)) return false;
      if (f === FIELD.DEPS && !pushDep(t, b, s, e)) return false;
      count++;
      i = j;
      if (b[i] === 93) break;
      if (b[i] !== 44) return false;
      i++;
    }
  if (f === FIELD.DEPS) endDeps(t);
  return (f !== FIELD.RUN || count > 0) && restIsEmpty(b, i + 1, end);
}

/**
 * A dep of id bytes that is surely a string (as plainAt judges: it starts with a letter or `_`
 * and is no null or boolean word), up to the blanks before the `,` or `]` after it: recorded;
 * the index of that `,` or `]`. −1 for anything else, which readList then
 * reads the general way.
 */
function plainDep(b: Buffer, i: number, end: number, t: Tasks): number {
  const c0 = b[i]!;
  if (i >= end || c0 >= 128 || UNSURE_START[c0] === 1) return -1;
  const p = idBytesEnd(b, i, end);
  let q = p;
  while (q < end && (b[q] === SPACE || b[q] === TAB)) q++;
  if (p === i || (b[q] !== 44 && b[q] !== 93)) return -1;
  if ((p - i === 4 || p - i === 5) && WORDS.some((w) => sameAs(b, i, p, w))) return -1;
  pushDep(t, b, i, p);
  return q;
}

/** The bytes that end a flow scalar. */
const isFlowStop = (c: number): boolean =>
  c === 44 || c === 91 || c === 93 || c === 123 || c === 125;

/** A flow scalar holding `:`, `#` or a quote, or a byte past ASCII: simple-yaml declines it. */
function hasFlowUnsafe(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c === COLON || c === HASH || c === 34 || c === 39 || c > 126) return true;
  }
  return false;
}
