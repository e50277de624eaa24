/** The part of an activity's log written by its last attempt (each starts with a `=== ` header). */
export function lastAttempt(log: string): string {
  const at = log.lastIndexOf('\n=== ');
  if (at >= 0) return log.slice(at + 1);
  return log;
}
