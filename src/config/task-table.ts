/**
 * A reader of JSON task files of plain tasks straight into columns (model/task-table.ts), for
 * `plan`'s critical path of a huge file: no object per task, no JSON.parse of the whole text, and
 * ids resolved by hashing their bytes. It reads the tasks only where they are plain (the fields
 * of model/plain-project.ts, each with a value the schema accepts, as JSON without escapes
 * where a value must be matched) and the file passes every check the loader makes; the head
 * (everything but `tasks`) goes through JSON.parse, the schema and the rules as the loader reads
 * it. Anything else, a problem included, returns undefined: the caller loads the file the usual
 * way, which reports each problem at its line.
 */
import { readFileSync, statSync } from 'node:fs';
import type { GpuDemand, Hardware } from '../model/project.js';
import type { TaskTable } from '../model/task-table.js';
import { successorsOf } from '../model/activities.js';
import { DURATION_RE, HOURS_RE } from '../model/patterns.js';
import { parseProjectQuick } from '../model/plain-task.js';
import { topoOrder } from '../planner/engine/graph.js';
import { parseHours } from './hours.js';
import { ascii, JsonScan } from './json-scan.js';
import { gpusOf, hardwareOf } from './normalize.js';
import { checkRules, declaredSkills, maxGpuCount } from './rules.js';

/** The fields of a plain task, by number (bit 1 << k in a task's `seen`). */
const NAMES = [
  'id',
  'title',
  'hours',
  'hardware',
  'gpus',
  'deps',
  'run',
  'risk',
  'skill',
  'timeout',
  'retries',
  'tags',
  'notes',
] as const;
const FIELDS = NAMES.map(ascii);
const field = (name: (typeof NAMES)[number]): number => NAMES.indexOf(name);
const ID = field('id');
const TITLE = field('title');
const HOURS = field('hours');
const HARDWARE = field('hardware');
const GPUS = field('gpus');
const DEPS = field('deps');
const RUN = field('run');
const RISK = field('risk');
const SKILL = field('skill');
const TIMEOUT = field('timeout');
const RETRIES = field('retries');
const TAGS = field('tags');
const NOTES = field('notes');
const TASKS = ascii('tasks');
const MACBOOK = ascii('macbook');
const GPU = ascii('gpu');
const ALL = ascii('all');
const RISKS = ['low', 'medium', 'high'].map(ascii);

/** 1 for the bytes of a task id (TASK_ID_RE: letters, digits, `.`, `_`, `-`). */
const ID_BYTE = new Uint8Array(256);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-')
  ID_BYTE[c.charCodeAt(0)] = 1;

/** A column that grows as tasks are read. */
class Column<A extends Int32Array | Float64Array> {
  data: A;
  size = 0;
  readonly #make: (n: number) => A;
  constructor(make: (n: number) => A) {
    this.#make = make;
    this.data = make(1024);
  }
  push(v: number): void {
    if (this.size === this.data.length) {
      const bigger = this.#make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = v;
  }
}
type Ints = Column<Int32Array>;
type Floats = Column<Float64Array>;
const ints = (): Ints => new Column((n) => new Int32Array(n));
const floats = (): Floats => new Column((n) => new Float64Array(n));

/** What the tasks say, in columns; GPU demand and skills are checked once the head is read. */
interface Tasks {
  /** Byte ranges of ids and titles (title start −1: none; `titleEscaped`: JSON-decode it). */
  readonly idStart: Ints;
  readonly idEnd: Ints;
  readonly idHash: Ints;
  readonly titleStart: Ints;
  readonly titleEnd: Ints;
  readonly titleEscaped: Set<number>;
  readonly low: Floats;
  readonly likely: Floats;
  readonly high: Floats;
  /** 1: gpu, 0: macbook. */
  readonly hardware: Ints;
  /** −1: all. */
  readonly gpus: Ints;
  /** Each task's deps (CSR over byte ranges): `depStart[i]` … `depStart[i+1]`. */
  readonly depStart: Ints;
  readonly depFrom: Ints;
  readonly depTo: Ints;
  readonly depHash: Ints;
  /** Whether any task needs a GPU, the most GPUs one holds, and the skills named. */
  needsGpu: boolean;
  mostGpus: number;
  readonly skills: Set<string>;
  /** Hours strings read, by their bytes packed into a number. */
  readonly hoursSeen: Map<number, readonly [number, number, number]>;
}

/**
 * Task files smaller than this (about 20k generated tasks) are loaded the usual way: it is fast
 * enough there, and it keeps their project cache entry.
 */
export const TABLE_MIN_BYTES = 4 * 1024 * 1024;

/**
 * The project of task file `file` as a table, when it is a regular file of at least `minBytes`
 * that readTaskTableJson reads; else undefined (a file that cannot be read included: the usual
 * load then reports it).
 */
export function loadTaskTable(file: string, minBytes = TABLE_MIN_BYTES): TaskTable | undefined {
  let bytes: Buffer;
  try {
    // One read: the promise API reads a large file 512 KiB at a time, each through the pool.
    const st = statSync(file);
    if (!st.isFile() || st.size < minBytes) return undefined;
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  return readTaskTableJson(bytes);
}

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
    if (s.is(ks, ke, TASKS)) {
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
  return head === undefined ? undefined : tableOf(s, tasks, head);
}

/**
 * The head: the file without its tasks, read by JSON.parse, the schema and the rules as the
 * loader reads it, and the tasks' GPU demand and skills checked against it. Its project name.
 */
function headOf(bytes: Buffer, range: readonly [number, number], tasks: Tasks): string | undefined {
  const text = `${bytes.toString('utf8', 0, range[0])}[]${bytes.toString('utf8', range[1])}`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const root = raw as Record<string, unknown>;
  // Scenarios name tasks: their checks need the task list.
  if (root['scenarios'] !== undefined) return undefined;
  const parsed = parseProjectQuick(root);
  if (parsed === undefined) return undefined;
  let problems = 0;
  const { tasks: _none, ...rest } = root;
  checkRules(rest, [], () => problems++);
  if (problems > 0) return undefined;
  const most = maxGpuCount(root);
  if ((tasks.needsGpu && most === 0) || tasks.mostGpus > most) return undefined;
  const skills = declaredSkills(root);
  if (skills !== undefined) for (const k of tasks.skills) if (!skills.has(k)) return undefined;
  return parsed.project;
}

/** At the tasks' `[`: every task, or undefined where one is not plain. */
function readTasks(s: JsonScan): Tasks | undefined {
  const t: Tasks = {
    idStart: ints(),
    idEnd: ints(),
    idHash: ints(),
    titleStart: ints(),
    titleEnd: ints(),
    titleEscaped: new Set(),
    low: floats(),
    likely: floats(),
    high: floats(),
    hardware: ints(),
    gpus: ints(),
    depStart: ints(),
    depFrom: ints(),
    depTo: ints(),
    depHash: ints(),
    needsGpu: false,
    mostGpus: 0,
    skills: new Set(),
    hoursSeen: new Map(),
  };
  if (!s.expect(91)) return undefined;
  t.depStart.push(0);
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

/** What one task gave, before its hardware and GPUs are settled. */
interface Work {
  hardware: Hardware | undefined;
  gpus: GpuDemand | undefined;
}

/** After a task's `{`: its fields, to its `}`; false where it is not plain. */
function readTask(s: JsonScan, t: Tasks): boolean {
  let seen = 0;
  const work: Work = { hardware: undefined, gpus: undefined };
  t.titleStart.push(-1);
  t.titleEnd.push(-1);
  if (s.ws() === 125) return false;
  for (;;) {
    s.ws();
    const ks = s.p + 1;
    const ke = s.plainString();
    if (ke < 0 || !s.expect(58)) return false;
    const f = fieldOf(s, ks, ke);
    if (f < 0 || (seen & (1 << f)) !== 0) return false;
    seen |= 1 << f;
    s.ws();
    if (!readField(s, t, f, work)) return false;
    const c = s.ws();
    s.p++;
    if (c === 125) break;
    if (c !== 44) return false;
  }
  if ((seen & (1 << ID)) === 0 || (seen & (1 << HOURS)) === 0) return false;
  if ((seen & (1 << DEPS)) === 0) t.depStart.push(t.depFrom.size);
  return settleWork(t, work);
}

/** The field whose name is bytes ks…ke−1, or −1. */
function fieldOf(s: JsonScan, ks: number, ke: number): number {
  for (let k = 0; k < FIELDS.length; k++) if (s.is(ks, ke, FIELDS[k]!)) return k;
  return -1;
}

/** The checks of a task's hardware and GPUs that need no head (rules.ts checkWork), and their values. */
function settleWork(t: Tasks, w: Work): boolean {
  const holds = w.gpus === 'all' || (typeof w.gpus === 'number' && w.gpus > 0);
  if (w.hardware === 'macbook' && holds) return false;
  const hardware = hardwareOf(w.hardware, w.gpus);
  const gpus = gpusOf(hardware, w.gpus);
  if (w.hardware === 'gpu' || holds) t.needsGpu = true;
  if (typeof w.gpus === 'number' && w.gpus > t.mostGpus) t.mostGpus = w.gpus;
  t.hardware.push(hardware === 'gpu' ? 1 : 0);
  t.gpus.push(gpus === 'all' ? -1 : gpus);
  return true;
}

/** One field's value, at its first byte; false where it is not what a plain task holds. */
function readField(s: JsonScan, t: Tasks, f: number, w: Work): boolean {
  switch (f) {
    case ID:
      return readId(s, t);
    case TITLE: {
      const from = s.p + 1;
      if (!s.anyString()) return false;
      const last = t.titleStart.size - 1;
      t.titleStart.data[last] = from;
      t.titleEnd.data[last] = s.p - 1;
      if (s.escaped) t.titleEscaped.add(last);
      return true;
    }
    case HOURS:
      return readHours(s, t);
    case HARDWARE: {
      const from = s.p + 1;
      const end = s.plainString();
      w.hardware = s.is(from, end, MACBOOK) ? 'macbook' : s.is(from, end, GPU) ? 'gpu' : undefined;
      return w.hardware !== undefined;
    }
    case GPUS:
      return readGpus(s, w);
    case DEPS:
      return readDeps(s, t);
    case RUN:
      return readRun(s);
    case RISK: {
      const from = s.p + 1;
      const end = s.plainString();
      return end >= 0 && RISKS.some((r) => s.is(from, end, r));
    }
    case SKILL:
    case TIMEOUT: {
      const text = plainText(s);
      if (text === undefined) return false;
      if (f === SKILL) t.skills.add(text);
      return f === SKILL || DURATION_RE.test(text);
    }
    case RETRIES: {
      const v = s.number();
      return v !== undefined && Number.isSafeInteger(v) && v >= 0;
    }
    case TAGS:
      return stringList(s, 0);
    case NOTES:
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

/** `run`: a non-empty string, or a non-empty list of strings. */
function readRun(s: JsonScan): boolean {
  if (s.b[s.p] !== 34) return stringList(s, 1);
  const from = s.p;
  return s.anyString() && s.p - from > 2;
}

/** FNV-1a of bytes s…e−1 that are all id bytes; 0 where one is not (or there are none). */
function idHash(s: JsonScan, from: number, end: number): number {
  const b = s.b;
  let h = 0x811c9dc5;
  for (let p = from; p < end; p++) {
    const c = b[p]!;
    if (ID_BYTE[c] !== 1) return 0;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return from < end ? h | 1 : 0;
}

function readId(s: JsonScan, t: Tasks): boolean {
  const from = s.p + 1;
  const end = s.plainString();
  const h = end < 0 ? 0 : idHash(s, from, end);
  if (h === 0) return false;
  t.idStart.push(from);
  t.idEnd.push(end);
  t.idHash.push(h);
  return true;
}

function readDeps(s: JsonScan, t: Tasks): boolean {
  if (!s.expect(91)) return false;
  let c = s.ws();
  if (c === 93) s.p++;
  else
    for (;;) {
      const from = s.p + 1;
      const end = s.plainString();
      const h = end < 0 ? 0 : idHash(s, from, end);
      // A dep that is no id names no task: the loader reports it.
      if (h === 0) return false;
      t.depFrom.push(from);
      t.depTo.push(end);
      t.depHash.push(h);
      c = s.ws();
      s.p++;
      if (c === 93) break;
      if (c !== 44) return false;
      s.ws();
    }
  t.depStart.push(t.depFrom.size);
  return true;
}

function readGpus(s: JsonScan, w: Work): boolean {
  if (s.b[s.p] === 34) {
    const from = s.p + 1;
    const end = s.plainString();
    w.gpus = 'all';
    return s.is(from, end, ALL);
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
    if (v === undefined || !Number.isFinite(v) || v < 0) return false;
    points = [v, v, v];
  } else {
    const from = s.p + 1;
    const end = s.plainString();
    if (end < 0) return false;
    const key = end - from <= 6 ? packed(s.b, from, end) : -1;
    points = key < 0 ? undefined : t.hoursSeen.get(key);
    if (points === undefined) {
      points = hoursRange(s.utf8(from, end));
      if (points === undefined) return false;
      if (key >= 0) t.hoursSeen.set(key, points);
    }
  }
  t.low.push(points[0]);
  t.likely.push(points[1]);
  t.high.push(points[2]);
  return true;
}

/** Up to six bytes as one number (a leading 1 keeps their count). */
function packed(b: Uint8Array, from: number, end: number): number {
  let k = 1;
  for (let p = from; p < end; p++) k = k * 256 + b[p]!;
  return k;
}

/** A `low-high` hours string's points, where the schema and the rules accept it. */
function hoursRange(text: string): readonly [number, number, number] | undefined {
  if (!HOURS_RE.test(text)) return undefined;
  const h = parseHours(text);
  return h.ok ? [h.estimate.low, h.estimate.likely, h.estimate.high] : undefined;
}

/** Each id's task, in a hash table of task indices by id bytes; undefined on a duplicate id. */
function idTable(s: JsonScan, t: Tasks): { slots: Int32Array; mask: number } | undefined {
  const n = t.idStart.size;
  let cap = 1024;
  while (cap < 2 * n) cap *= 2;
  const slots = new Int32Array(cap).fill(-1);
  const mask = cap - 1;
  const { idStart, idEnd, idHash } = t;
  for (let i = 0; i < n; i++) {
    let slot = idHash.data[i]! & mask;
    for (let o = slots[slot]!; o !== -1; o = slots[slot]!) {
      if (sameBytes(s.b, idStart.data[o]!, idEnd.data[o]!, idStart.data[i]!, idEnd.data[i]!))
        return undefined;
      slot = (slot + 1) & mask;
    }
    slots[slot] = i;
  }
  return { slots, mask };
}

function sameBytes(b: Uint8Array, a: number, ae: number, c: number, ce: number): boolean {
  if (ae - a !== ce - c) return false;
  for (let k = 0; k < ae - a; k++) if (b[a + k] !== b[c + k]) return false;
  return true;
}

/**
 * Each task's deps as task indices, once each (CSR); undefined where one names no task or the
 * task itself.
 */
function resolveDeps(
  s: JsonScan,
  t: Tasks,
  ids: { slots: Int32Array; mask: number },
): { predStart: Int32Array; pred: Int32Array } | undefined {
  const n = t.idStart.size;
  const { slots, mask } = ids;
  const idStart = t.idStart.data;
  const idEnd = t.idEnd.data;
  const depStart = t.depStart.data;
  const from = t.depFrom.data;
  const to = t.depTo.data;
  const hash = t.depHash.data;
  const predStart = new Int32Array(n + 1);
  const pred = new Int32Array(t.depFrom.size);
  // The last task that listed each task: a dep named twice counts once.
  const listedBy = new Int32Array(n).fill(-1);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    for (let q = depStart[i]!; q < depStart[i + 1]!; q++) {
      let slot = hash[q]! & mask;
      let found = -1;
      for (let o = slots[slot]!; o !== -1; o = slots[slot]!) {
        if (sameBytes(s.b, idStart[o]!, idEnd[o]!, from[q]!, to[q]!)) {
          found = o;
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (found < 0 || found === i) return undefined;
      if (listedBy[found] === i) continue;
      listedBy[found] = i;
      pred[edges++] = found;
    }
    predStart[i + 1] = edges;
  }
  return { predStart, pred: pred.subarray(0, edges) };
}

/** The table of checked tasks: ids unique, deps known, no cycle, at least one task. */
function tableOf(s: JsonScan, t: Tasks, project: string): TaskTable | undefined {
  const n = t.idStart.size;
  if (n === 0) return undefined;
  const ids = idTable(s, t);
  const deps = ids === undefined ? undefined : resolveDeps(s, t, ids);
  if (deps === undefined) return undefined;
  const { predStart, pred } = deps;
  const { succStart, succ } = successorsOf(n, predStart, pred);
  if (topoOrder({ n, succStart, succ, predStart, pred }) === null) return undefined;
  const { idStart, idEnd, titleStart, titleEnd, hardware, gpus } = t;
  const id = (i: number): string => s.latin1(idStart.data[i]!, idEnd.data[i]!);
  return {
    project,
    size: n,
    id,
    title: (i) => {
      const from = titleStart.data[i]!;
      if (from < 0) return id(i);
      const text = s.utf8(from, titleEnd.data[i]!);
      return t.titleEscaped.has(i) ? (JSON.parse(`"${text}"`) as string) : text;
    },
    low: t.low.data.subarray(0, n),
    likely: t.likely.data.subarray(0, n),
    high: t.high.data.subarray(0, n),
    hardware: (i) => (hardware.data[i] === 1 ? 'gpu' : 'macbook'),
    gpus: (i) => (gpus.data[i] === -1 ? 'all' : gpus.data[i]!),
    predStart,
    pred,
    succStart,
    succ,
  };
}
