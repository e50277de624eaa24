import type { ProjectInput, TaskInput } from './schema.js';
import { ProjectSchema, TaskSchema } from './schema.js';
import { isPlainTask } from './plain-project.js';

export { isPlainTask };

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
