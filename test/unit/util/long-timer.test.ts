import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, setLongTimeout } from '../../../src/util/long-timer.js';

const DAY = 86_400_000;

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('setLongTimeout', () => {
  it('fires once, when a wait past what setTimeout keeps (30 days) is over', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    setLongTimeout(fn, 30 * DAY);
    vi.advanceTimersByTime(30 * DAY - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(100 * DAY);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('arms no step past MAX_TIMER_MS, and a cleared timer never fires', () => {
    vi.useFakeTimers();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const fn = vi.fn();
    const t = setLongTimeout(fn, 3 * MAX_TIMER_MS + 5);
    vi.advanceTimersByTime(2 * MAX_TIMER_MS);
    t.clear();
    vi.advanceTimersByTime(10 * MAX_TIMER_MS);
    expect(fn).not.toHaveBeenCalled();
    expect(spy.mock.calls.length).toBeGreaterThan(1);
    for (const [, ms] of spy.mock.calls) expect(ms).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it('never fires for an infinite wait, and at once for 0, a negative or NaN', () => {
    vi.useFakeTimers();
    const never = vi.fn();
    setLongTimeout(never, Infinity);
    vi.advanceTimersByTime(1000 * MAX_TIMER_MS);
    expect(never).not.toHaveBeenCalled();
    const soon = vi.fn();
    for (const ms of [0, -5, NaN]) setLongTimeout(soon, ms);
    vi.advanceTimersByTime(0);
    expect(soon).toHaveBeenCalledTimes(3);
    vi.clearAllTimers();
  });

  it('waits on real timers too, with no TimeoutOverflowWarning', async () => {
    // setTimeout itself fires a delay of 2^31 ms after 1 ms, and warns.
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    const fn = vi.fn();
    const t = setLongTimeout(fn, MAX_TIMER_MS + 1);
    await new Promise((r) => setTimeout(r, 50));
    t.clear();
    process.off('warning', onWarning);
    expect(fn).not.toHaveBeenCalled();
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });
});
