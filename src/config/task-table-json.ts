/**
 * The JSON reader of ./task-table.ts: a file whose tasks are JSON objects of plain fields, read
 * by a byte scanner (./json-scan.ts) that accepts only what JSON.parse accepts. Values that must
 * be matched (ids, deps, hardware, hours…) are read only without escapes; titles and other text
 * may hold any.
 */
import type { TaskTable } from '../model/task-table.js';
import { isTimeout } from '../model/patterns.js';
import { JsonScan } from './json-scan.js';
import type { TaskStart, Tasks } from './task-table.js';
import {
  FIELD,
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
  idBytesEnd,
  pushDep,
  pushHours,
  pushId,
  sameAs,
  see,
  setTitle,
  tableOf,
} from './task-table.js';

/**
 * The project of `bytes` (a task file's JSON text) as a table, when it is a file of plain tasks
 * that passes every check; else undefined.
 */
export function readTaskTableJson(bytes: Buffer): TaskTable | undefined {
  const s = new JsonScan(bytes);
  if (!s.expect(123)) return undefined;
  let tasks: Tasks | undefined;
  let range: readonly [number, number] | undefined;
  for (let first = true; ; first = false) {
    const c = s.ws();
    if (c === 125 && first) break;
    const ks = s.p + 1;
    const ke = s.plainString();
    if (ke < 0 || !s.expect(58)) return undefined;
    if (sameAs(s.b, ks, ke, TASKS)) {
      if (tasks !== undefined) return undefined;
      const from = (s.ws(), s.p);
      tasks = readTasks(s);
      if (tasks === undefined) return undefined;
      range = [from, s.p];
    } else if (!s.skipValue()) return undefined;
    const next = s.ws();
    s.p++;
    if (next === 125) break;
    if (next !== 44) return undefined;
  }
  if (s.ws() !== -1 || tasks === undefined || range === undefined) return undefined;
  const head = headOf(bytes, range, tasks);
  return head === undefined ? undefined : tableOf(bytes, tasks, head);
}

/** The head: the file without its tasks, read by JSON.parse; checked as checkHead checks it. */
function headOf(bytes: Buffer, range: readonly [number, number], tasks: Tasks): string | undefined {
  const text = `${bytes.toString('utf8', 0, range[0])}[]${bytes.toString('utf8', range[1])}`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  return checkHead(raw, tasks);
}

/** At the tasks' `[`: every task, or undefined where one is not plain. */
function readTasks(s: JsonScan): Tasks | undefined {
  const t = newTasks();
  if (!s.expect(91)) return undefined;
  if (s.ws() === 93) {
    s.p++;
    return t;
  }
  for (;;) {
    if (!s.expect(123) || !readTask(s, t)) return undefined;
    const c = s.ws();
    s.p++;
    if (c === 93) return t;
    if (c !== 44) return undefined;
  }
}

/** After a task's `{`: its fields, to its `}`; false where it is not plain. */
function readTask(s: JsonScan, t: Tasks): boolean {
  const work = beginTask(t);
  if (s.ws() === 125) return false;
  for (;;) {
    s.ws();
    const ks = s.p + 1;
    const ke = s.plainString();
    if (ke < 0 || !s.expect(58)) return false;
    const f = fieldOf(s.b, ks, ke);
    if (f < 0 || !see(work, f)) return false;
    s.ws();
    if (!readField(s, t, f, work)) return false;
    const c = s.ws();
    s.p++;
    if (c === 125) break;
    if (c !== 44) return false;
  }
  return endTask(t, work);
}

/** One field's value, at its first byte; false where it is not what a plain task holds. */
function readField(s: JsonScan, t: Tasks, f: number, w: TaskStart): boolean {
  switch (f) {
    case FIELD.ID:
      return readId(s, t);
    case FIELD.TITLE: {
      const from = s.p + 1;
      if (!s.anyString()) return false;
      setTitle(t, from, s.p - 1, s.escaped);
      return true;
    }
    case FIELD.HOURS:
      return readHours(s, t);
    case FIELD.HARDWARE: {
      const from = s.p + 1;
      const end = s.plainString();
      w.hardware = sameAs(s.b, from, end, MACBOOK)
        ? 'macbook'
        : sameAs(s.b, from, end, GPU)
          ? 'gpu'
          : undefined;
      return w.hardware !== undefined;
    }
    case FIELD.GPUS:
      return readGpus(s, w);
    case FIELD.DEPS:
      return readDeps(s, t);
    case FIELD.RUN:
      return readRun(s);
    case FIELD.RISK: {
      const from = s.p + 1;
      const end = s.plainString();
      return end >= 0 && RISKS.some((r) => sameAs(s.b, from, end, r));
    }
    case FIELD.SKILL:
    case FIELD.TIMEOUT: {
      const text = plainText(s);
      if (text === undefined) return false;
      if (f === FIELD.SKILL) t.skills.add(text);
      return f === FIELD.SKILL || isTimeout(text);
    }
    case FIELD.RETRIES: {
      const v = s.number();
      return v !== undefined && Number.isSafeInteger(v) && v >= 0;
    }
    case FIELD.TAGS:
      return stringList(s, 0);
    case FIELD.NOTES:
      return s.anyString();
  }
  return false;
}

/** A string without escapes, as text. */
function plainText(s: JsonScan): string | undefined {
  const from = s.p + 1;
  const end = s.plainString();
  return end < 0 ? undefined : s.utf8(from, end);
}

/** A list of at least `least` strings of any content. */
function stringList(s: JsonScan, least: number): boolean {
  if (!s.expect(91)) return false;
  if (s.ws() === 93) {
    s.p++;
    return least === 0;
  }
  for (;;) {
    s.ws();
    if (!s.anyString()) return false;
    const c = s.ws();
    s.p++;
    if (c === 93) return true;
    if (c !== 44) return false;
  }
}

/**
 * `run`: a non-empty string, or a list of strings whose first (the program) is not empty, none of
 * them holding a NUL (a string with a `\u0000` escape is declined): the rules refuse the rest.
 * A command string that may be blank (its first byte a blank, an escape or past ASCII) and a
 * program that may hold white space are declined too: the rules judge those.
 */
function readRun(s: JsonScan): boolean {
  if (s.b[s.p] === 34) {
    const from = s.p + 1;
    return commandString(s, 1) && !unsureByte(s.b[from]!);
  }
  if (!s.expect(91)) return false;
  for (let least = 1; ; least = 0) {
    s.ws();
    const from = s.p + 1;
    if (!commandString(s, least)) return false;
    if (least === 1) for (let i = from; i < s.p - 1; i++) if (unsureByte(s.b[i]!)) return false;
    const c = s.ws();
    s.p++;
    if (c === 93) return true;
    if (c !== 44) return false;
  }
}

/** A blank, a control character, an escape's backslash or a byte past ASCII. */
const unsureByte = (c: number): boolean => c <= 32 || c === 92 || c >= 127;

/** A string of at least `least` bytes between its quotes, without a `\u0000` escape. */
function commandString(s: JsonScan, least: number): boolean {
  const from = s.p;
  if (!s.anyString() || s.p - from - 2 < least) return false;
  return !s.escaped || !s.latin1(from, s.p).includes('\\u0000');
}

function readId(s: JsonScan, t: Tasks): boolean {
  const from = s.p + 1;
  const end = s.plainString();
  return end >= 0 && pushId(t, s.b, from, end);
}

function readDeps(s: JsonScan, t: Tasks): boolean {
  if (!s.expect(91)) return false;
  let c = s.ws();
  if (c === 93) s.p++;
  else
    for (;;) {
      if (!readDep(s, t)) return false;
      c = s.ws();
      s.p++;
      if (c === 93) break;
      if (c !== 44) return false;
      s.ws();
    }
  endDeps(t);
  return true;
}

/**
 * A dep: a string of id bytes. Any other string (an escape included) is declined: a dep that is no id names no task, which the loader reports.
 */
function readDep(s: JsonScan, t: Tasks): boolean {
  const b = s.b;
  if (b[s.p] !== 34) return false;
  const from = s.p + 1;
  const end = idBytesEnd(b, from, b.length);
  if (end === from || b[end] !== 34) return false;
  s.p = end + 1;
  return pushDep(t, b, from, end);
}

function readGpus(s: JsonScan, w: TaskStart): boolean {
  if (s.b[s.p] === 34) {
    const from = s.p + 1;
    const end = s.plainString();
    w.gpus = 'all';
    return sameAs(s.b, from, end, ALL);
  }
  const v = s.number();
  if (v === undefined || !Number.isSafeInteger(v) || v < 0 || v > 0x7fffffff) return false;
  w.gpus = v;
  return true;
}

/** Hours: a number ≥ 0, or a `low-high` string the loader accepts (read once per spelling). */
function readHours(s: JsonScan, t: Tasks): boolean {
  let points: readonly [number, number, number] | undefined;
  if (s.b[s.p] !== 34) {
    const v = s.number();
    points = v === undefined ? undefined : hoursNumber(v);
  } else {
    const from = s.p + 1;
    const end = s.plainString();
    if (end < 0) return false;
    points = hoursOf(t, s.b, from, end, 0, () => hoursRange(s.utf8(from, end)));
  }
  if (points === undefined) return false;
  pushHours(t, points);
  return true;
}
