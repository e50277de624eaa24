/**
 * Readers of task files of plain tasks straight into columns (model/task-table.ts), for `plan`'s
 * critical path of a huge file: no object per task, no parse of the whole text into values, and
 * ids resolved by hashing their bytes. JSON (./task-table-json.ts) and the plain YAML shape
 * (./task-table-yaml.ts) are read. A reader takes the tasks only where they are plain (the
 * fields of model/plain-project.ts, each with a value the schema accepts, in the forms it reads)
 * and the file passes every check the loader makes; the head (everything but `tasks`) is read by
 * the loader's own parser, schema and rules. Anything else, a problem included, gives undefined:
 * the caller loads the file the usual way, which reports each problem at its line.
 */
import type { GpuDemand, Hardware } from '../model/project.js';
import type { TaskTable } from '../model/task-table.js';
import { successorsOf } from '../model/activities.js';
import { HOURS_RE } from '../model/patterns.js';
import { parseProjectQuick } from '../model/plain-task.js';
import { topoOrder } from '../planner/engine/graph.js';
import { MAX_HOURS, parseHours } from './hours.js';
import { ascii } from './json-scan.js';
import { gpusOf, hardwareOf } from './normalize.js';
import { checkRules, declaredSkills, maxGpuCount } from './rules.js';
import { HintBudget } from '../util/suggest.js';

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
export const FIELDS = NAMES.map(ascii);
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
/** Each field's number, by name. */
export const FIELD = {
  ID,
  TITLE,
  HOURS,
  HARDWARE,
  GPUS,
  DEPS,
  RUN,
  RISK,
  SKILL,
  TIMEOUT,
  RETRIES,
  TAGS,
  NOTES,
} as const;
export const TASKS = ascii('tasks');
export const MACBOOK = ascii('macbook');
export const GPU = ascii('gpu');
export const ALL = ascii('all');
export const RISKS = ['low', 'medium', 'high'].map(ascii);

/** 1 for the bytes of a task id (TASK_ID_RE: letters, digits, `.`, `_`, `-`). */
const ID_BYTES = new Uint8Array(256);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-')
  ID_BYTES[c.charCodeAt(0)] = 1;

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
  /** Three values at once (one check of room). */
  push3(u: number, v: number, w: number): void {
    if (this.size + 3 > this.data.length) {
      const bigger = this.#make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const d = this.data;
    d[this.size] = u;
    d[this.size + 1] = v;
    d[this.size + 2] = w;
    this.size += 3;
  }
}
type Ints = Column<Int32Array>;
type Floats = Column<Float64Array>;
const ints = (): Ints => new Column((n) => new Int32Array(n));
const floats = (): Floats => new Column((n) => new Float64Array(n));

/** What the tasks say, in columns; GPU demand and skills are checked once the head is read. */
export interface Tasks {
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
  /** Each task's deps (CSR: `depStart[i]` … `depStart[i+1]`), each its id's bytes' start, end and hash. */
  readonly depStart: Ints;
  readonly deps: Ints;
  /** Whether any task needs a GPU, the most GPUs one holds, and the skills named. */
  needsGpu: boolean;
  mostGpus: number;
  readonly skills: Set<string>;
  /** Hours strings read, by their bytes packed into a number. */
  readonly hoursSeen: Map<number, readonly [number, number, number]>;
}

/** Empty columns. */
export function newTasks(): Tasks {
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
    deps: ints(),
    needsGpu: false,
    mostGpus: 0,
    skills: new Set(),
    hoursSeen: new Map(),
  };
  t.depStart.push(0);
  return t;
}

/** What one task gave, as its fields are read: those that settle its hardware and GPUs. */
export interface TaskStart {
  /** Bit 1 << field of each field read. */
  seen: number;
  hardware: Hardware | undefined;
  gpus: GpuDemand | undefined;
}

/** Starts a task's row: no title yet. */
export function beginTask(t: Tasks): TaskStart {
  t.titleStart.push(-1);
  t.titleEnd.push(-1);
  return { seen: 0, hardware: undefined, gpus: undefined };
}

/** Marks field `f` read; false when it was already (a duplicate key). */
export function see(w: TaskStart, f: number): boolean {
  if ((w.seen & (1 << f)) !== 0) return false;
  w.seen |= 1 << f;
  return true;
}

/**
 * Ends a task's row: it has an id and hours, and its hardware and GPUs pass the checks that need
 * no head (rules.ts checkWork); false where they do not.
 */
export function endTask(t: Tasks, w: TaskStart): boolean {
  if ((w.seen & (1 << ID)) === 0 || (w.seen & (1 << HOURS)) === 0) return false;
  if ((w.seen & (1 << DEPS)) === 0) endDeps(t);
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

/** The field whose name is bytes ks…ke−1 of `b`, or −1. */
export function fieldOf(b: Uint8Array, ks: number, ke: number): number {
  for (let k = 0; k < FIELDS.length; k++) if (sameAs(b, ks, ke, FIELDS[k]!)) return k;
  return -1;
}

/** Whether bytes s…e−1 of `b` are `lit`. */
export function sameAs(b: Uint8Array, s: number, e: number, lit: Uint8Array): boolean {
  if (e - s !== lit.length) return false;
  for (let k = 0; k < lit.length; k++) if (b[s + k] !== lit[k]) return false;
  return true;
}

/** Records the task's id, bytes from…end−1 of `b`: false where they are not an id. */
export function pushId(t: Tasks, b: Uint8Array, from: number, end: number): boolean {
  const h = idHash(b, from, end);
  if (h === 0) return false;
  t.idStart.push(from);
  t.idEnd.push(end);
  t.idHash.push(h);
  return true;
}

/** Records a dependency of the task, bytes from…end−1 of `b`: false where they are not an id. */
export function pushDep(t: Tasks, b: Uint8Array, from: number, end: number): boolean {
  const h = idHash(b, from, end);
  // A dep that is no id names no task: the loader reports it.
  if (h === 0) return false;
  t.deps.push3(from, end, h);
  return true;
}

/** The end of the run of id bytes in `b` from `from` (at most `limit`). */
export function idBytesEnd(b: Uint8Array, from: number, limit: number): number {
  let p = from;
  while (p < limit && ID_BYTES[b[p]!] === 1) p++;
  return p;
}

/** Ends the task's deps. */
export function endDeps(t: Tasks): void {
  t.depStart.push(t.deps.size / 3);
}

/** Records the task's title, bytes from…end−1 of `b` (`escaped`: JSON-decode them). */
export function setTitle(t: Tasks, from: number, end: number, escaped: boolean): void {
  const last = t.titleStart.size - 1;
  t.titleStart.data[last] = from;
  t.titleEnd.data[last] = end;
  if (escaped) t.titleEscaped.add(last);
}

/** Records the task's hours. */
export function pushHours(t: Tasks, points: readonly [number, number, number]): void {
  t.low.push(points[0]);
  t.likely.push(points[1]);
  t.high.push(points[2]);
}

/**
 * The points of an hours value spelt by bytes from…end−1 of `b` (`kind` tells the spellings of
 * a reader apart), read by `read` once per spelling of up to six bytes.
 */
export function hoursOf(
  t: Tasks,
  b: Uint8Array,
  from: number,
  end: number,
  kind: number,
  read: () => readonly [number, number, number] | undefined,
): readonly [number, number, number] | undefined {
  const key = end - from <= 6 ? packed(b, from, end) * 4 + kind : -1;
  let points = key < 0 ? undefined : t.hoursSeen.get(key);
  if (points === undefined) {
    points = read();
    if (points !== undefined && key >= 0) t.hoursSeen.set(key, points);
  }
  return points;
}

/** Hours given as a number: its points, where the rules accept it. */
export function hoursNumber(v: number): readonly [number, number, number] | undefined {
  return Number.isFinite(v) && v >= 0 && v <= MAX_HOURS ? [v, v, v] : undefined;
}

/** FNV-1a of bytes s…e−1 that are all id bytes; 0 where one is not (or there are none). */
export function idHash(b: Uint8Array, from: number, end: number): number {
  let h = 0x811c9dc5;
  for (let p = from; p < end; p++) {
    const c = b[p]!;
    if (ID_BYTES[c] !== 1) return 0;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return from < end ? h | 1 : 0;
}

/** Up to six bytes as one number (a leading 1 keeps their count). */
function packed(b: Uint8Array, from: number, end: number): number {
  let k = 1;
  for (let p = from; p < end; p++) k = k * 256 + b[p]!;
  return k;
}

/** A `low-high` hours string's points, where the schema and the rules accept it. */
export function hoursRange(text: string): readonly [number, number, number] | undefined {
  if (!HOURS_RE.test(text)) return undefined;
  const h = parseHours(text);
  return h.ok ? [h.estimate.low, h.estimate.likely, h.estimate.high] : undefined;
}

/**
 * The head (the file without its tasks, as the loader's parser reads it: `raw`) checked by the
 * schema and the rules as the loader checks it, and the tasks' GPU demand and skills checked
 * against it: its project name, or undefined.
 */
export function checkHead(raw: unknown, tasks: Tasks): string | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const root = raw as Record<string, unknown>;
  // Scenarios name tasks: their checks need the task list.
  if (root['scenarios'] !== undefined) return undefined;
  const parsed = parseProjectQuick(root);
  if (parsed === undefined) return undefined;
  let problems = 0;
  const { tasks: _none, ...rest } = root;
  checkRules(rest, [], () => problems++, new HintBudget(0));
  if (problems > 0) return undefined;
  const most = maxGpuCount(root);
  if ((tasks.needsGpu && most === 0) || tasks.mostGpus > most) return undefined;
  const skills = declaredSkills(root);
  if (skills !== undefined) for (const k of tasks.skills) if (!skills.has(k)) return undefined;
  return parsed.project;
}

/**
 * Each id's task, in an open-addressing hash table by id bytes: slot k holds, at 4k…4k+3, the
 * task's index (−1: empty), its id's hash, start and end, so that a probe reads one slot and
 * compares bytes only where the hashes agree. Undefined on a duplicate id.
 */
interface IdTable {
  readonly slots: Int32Array;
  readonly mask: number;
}

function idTable(b: Uint8Array, t: Tasks): IdTable | undefined {
  const n = t.idStart.size;
  let cap = 1024;
  while (cap < 2 * n) cap *= 2;
  const slots = new Int32Array(4 * cap).fill(-1);
  const mask = cap - 1;
  const ids: IdTable = { slots, mask };
  const { idStart, idEnd, idHash } = t;
  for (let i = 0; i < n; i++) {
    const h = idHash.data[i]!;
    const s = idStart.data[i]!;
    const e = idEnd.data[i]!;
    if (lookUp(b, ids, h, s, e) >= 0) return undefined;
    let slot = h & mask;
    while (slots[4 * slot] !== -1) slot = (slot + 1) & mask;
    slots[4 * slot] = i;
    slots[4 * slot + 1] = h;
    slots[4 * slot + 2] = s;
    slots[4 * slot + 3] = e;
  }
  return ids;
}

/** The task whose id is bytes s…e−1 (hash h), or −1. */
function lookUp(b: Uint8Array, ids: IdTable, h: number, s: number, e: number): number {
  const { slots, mask } = ids;
  for (let slot = h & mask; ; slot = (slot + 1) & mask) {
    const k = 4 * slot;
    const o = slots[k]!;
    if (o === -1) return -1;
    if (slots[k + 1] === h && sameBytes(b, slots[k + 2]!, slots[k + 3]!, s, e)) return o;
  }
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
  b: Uint8Array,
  t: Tasks,
  ids: IdTable,
): { predStart: Int32Array; pred: Int32Array } | undefined {
  const n = t.idStart.size;
  const depStart = t.depStart.data;
  const deps = t.deps.data;
  const predStart = new Int32Array(n + 1);
  const pred = new Int32Array(t.deps.size / 3);
  // The last task that listed each task: a dep named twice counts once.
  const listedBy = new Int32Array(n).fill(-1);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    for (let q = depStart[i]!; q < depStart[i + 1]!; q++) {
      const found = lookUp(b, ids, deps[3 * q + 2]!, deps[3 * q]!, deps[3 * q + 1]!);
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
export function tableOf(b: Buffer, t: Tasks, project: string): TaskTable | undefined {
  const n = t.idStart.size;
  if (n === 0) return undefined;
  const ids = idTable(b, t);
  const deps = ids === undefined ? undefined : resolveDeps(b, t, ids);
  if (deps === undefined) return undefined;
  const { predStart, pred } = deps;
  const { succStart, succ } = successorsOf(n, predStart, pred);
  const order = topoOrder({ n, succStart, succ, predStart, pred });
  if (order === null) return undefined;
  const { idStart, idEnd, titleStart, titleEnd, hardware, gpus } = t;
  const id = (i: number): string => b.toString('latin1', idStart.data[i]!, idEnd.data[i]!);
  return {
    project,
    size: n,
    id,
    title: (i) => {
      const from = titleStart.data[i]!;
      if (from < 0) return id(i);
      const text = b.toString('utf8', from, titleEnd.data[i]!);
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
    order,
  };
}
