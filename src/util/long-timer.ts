/**
 * The longest delay Node's setTimeout keeps, about 24.8 days: a longer one fires after 1 ms
 * (with a TimeoutOverflowWarning), so a task's `timeout: 30d` would end its command at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer from setLongTimeout; `clear` stops it from firing. */
export interface LongTimer {
  clear(): void;
}

/**
 * Calls `fn` once, `ms` milliseconds from now, however long that is: the wait is armed in steps
 * of at most MAX_TIMER_MS. An infinite `ms` never fires; zero, a negative or NaN fires at once
 * (on a later turn of the event loop), as setTimeout does.
 */
export function setLongTimeout(fn: () => void, ms: number): LongTimer {
  let left = ms > 0 ? ms : 0;
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const step = Math.min(left, MAX_TIMER_MS);
    left -= step;
    timer = setTimeout(left > 0 ? arm : fn, step);
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}
