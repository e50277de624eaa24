/** The task file's patterns, apart from the zod schemas (schema.ts) so a check can use them without zod. */

/** A task id: what `deps` name. */
export const TASK_ID_RE = /^[A-Za-z0-9._-]+$/;
export const HOURS_RE = /^\s*\d+(\.\d+)?\s*(-\s*\d+(\.\d+)?\s*)?$/;
/** An ISO calendar date, `YYYY-MM-DD`. */
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `text` is `YYYY-MM-DD` and a day the calendar has (not 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  if (!DATE_RE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}
export const DURATION_RE = /^\s*\d+(\.\d+)?\s*(s|m|h|d)\s*$/;
