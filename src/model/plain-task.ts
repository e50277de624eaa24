import type { ProjectInput, TaskInput } from './schema.js';
import { DURATION_RE, HOURS_RE, ProjectSchema, TASK_ID_RE, TaskSchema } from './schema.js';

/**
 * A quicker way to the value `ProjectSchema.safeParse` gives a good file, for files of 100k+
 * tasks, where zod's walk of every task costs more than the rest of the check. A plain task
 * (the fields below, none of `phases` or `env`) is checked field by field here; any other task
 * goes through zod's `TaskSchema`. It accepts only what zod accepts, and anything it declines
 * goes to zod: undefined means "not accepted this way", and the caller then takes the full path,
 * which words every problem exactly as before.
 */
export function parseProjectQuick(raw: Record<string, unknown>): ProjectInput | undefined {
  const tasks = raw.tasks;
  if (!Array.isArray(tasks)) return undefined;
  const head = ProjectSchema.safeParse({ ...raw, tasks: [] });
  if (!head.success) return undefined;
  const checked: TaskInput[] = new Array<TaskInput>(tasks.length);
  for (let i = 0; i < tasks.length; i++) {
    const t: unknown = tasks[i];
    if (isPlainTask(t)) {
      checked[i] = t;
      continue;
    }
    const r = TaskSchema.safeParse(t);
    if (!r.success) return undefined;
    checked[i] = r.data;
  }
  return { ...head.data, tasks: checked };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isWhole = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

function isStringList(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x !== 'string') return false;
  return true;
}

/** Each field a plain task may have, and a check that accepts only values zod accepts. */
const PLAIN_FIELDS: Readonly<Record<string, (v: unknown) => boolean>> = {
  id: (v) => isString(v) && TASK_ID_RE.test(v),
  title: isString,
  hours: (v) => (typeof v === 'number' && Number.isFinite(v)) || (isString(v) && HOURS_RE.test(v)),
  hardware: (v) => v === 'macbook' || v === 'gpu',
  gpus: (v) => v === 'all' || isWhole(v),
  deps: isStringList,
  run: (v) => (isString(v) || isStringList(v)) && (v as { length: number }).length > 0,
  risk: (v) => v === 'low' || v === 'medium' || v === 'high',
  skill: isString,
  timeout: (v) => isString(v) && DURATION_RE.test(v),
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
