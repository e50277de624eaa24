/**
 * Task files that need no zod to read back: plain tasks (isPlainTask, for plain-task.ts's quick
 * path) and, for the project cache's hit path, whole files of plain tasks under a plain head
 * (parsePlainProject). Each accepts only what the zod schemas accept, with the value they give;
 * anything else is declined (undefined or false), for zod to decide.
 */
import type { ProjectInput, TaskInput } from './schema.js';
import {
  DATE_RE,
  HOURS_RE,
  MAX_ID_LENGTH,
  MIN_HOURS_PER_DAY,
  TASK_ID_RE,
  isTimeout,
} from './patterns.js';

const isString = (v: unknown): v is string => typeof v === 'string';
const isWhole = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

function isStringList(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  // Indexed: a cache hit checks every task's lists once, in code not yet compiled.
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}

/** Each field a plain task may have, and a check that accepts only values zod accepts. */
const PLAIN_FIELDS: Readonly<Record<string, (v: unknown) => boolean>> = {
  id: (v) => isString(v) && v.length <= MAX_ID_LENGTH && TASK_ID_RE.test(v),
  title: isString,
  hours: (v) => (typeof v === 'number' && Number.isFinite(v)) || (isString(v) && HOURS_RE.test(v)),
  hardware: (v) => v === 'macbook' || v === 'gpu',
  gpus: (v) => v === 'all' || isWhole(v),
  deps: isStringList,
  run: (v) => (isString(v) || isStringList(v)) && (v as { length: number }).length > 0,
  risk: (v) => v === 'low' || v === 'medium' || v === 'high',
  skill: isString,
  timeout: (v) => isString(v) && isTimeout(v),
  retries: isWhole,
  tags: isStringList,
  notes: isString,
};

/** A task made only of PLAIN_FIELDS, each holding a value the schema accepts, and an id. */
export function isPlainTask(t: unknown): t is TaskInput {
  if (t === null || typeof t !== 'object' || Array.isArray(t)) return false;
  if (Object.getPrototypeOf(t) !== Object.prototype) return false;
  const o = t as Record<string, unknown>;
  if (!Object.hasOwn(o, 'id')) return false;
  for (const k in o) {
    if (!Object.hasOwn(PLAIN_FIELDS, k)) return false;
    if (!PLAIN_FIELDS[k]!(o[k])) return false;
  }
  return true;
}

const isDate = (v: unknown): boolean => isString(v) && DATE_RE.test(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.getPrototypeOf(v) === Object.prototype;

/** A GPU arrival, `{ count, from }`, exactly. */
function isGpuArrival(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  let keys = 0;
  for (const k in v) if (Object.hasOwn(v, k)) keys++;
  return keys === 2 && isWhole(v['count']) && isDate(v['from']);
}

/** Each field a plain head may have (ProjectSchema's, without people, line-ups or scenarios). */
const PLAIN_HEAD: Readonly<Record<string, (v: unknown) => boolean>> = {
  project: (v) => isString(v) && v.length > 0,
  description: isString,
  start: isDate,
  hoursPerDay: (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= MIN_HOURS_PER_DAY && v <= 24,
  holidays: (v) => Array.isArray(v) && v.every(isDate),
  deadline: isDate,
  hardware: (v) => {
    if (!isPlainObject(v)) return false;
    for (const k in v) {
      if (k === 'gpu' && Array.isArray(v[k]) && v[k].every(isGpuArrival)) continue;
      if (k === 'gpuModel' && isString(v[k])) continue;
      return false;
    }
    return true;
  },
  tasks: (v) => Array.isArray(v) && v.every(isPlainTask),
};

/**
 * The value `ProjectSchema` gives a file of plain tasks under a plain head: the file's own value
 * (the schema would copy it, field for field). Undefined for anything else.
 */
export function parsePlainProject(raw: unknown): ProjectInput | undefined {
  if (!isPlainObject(raw)) return undefined;
  if (!Object.hasOwn(raw, 'project') || !Object.hasOwn(raw, 'start')) return undefined;
  if (!Object.hasOwn(raw, 'tasks')) return undefined;
  for (const k in raw) {
    if (!Object.hasOwn(PLAIN_HEAD, k)) return undefined;
    if (!PLAIN_HEAD[k]!(raw[k])) return undefined;
  }
  return raw as unknown as ProjectInput;
}
