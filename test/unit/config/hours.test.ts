import { describe, expect, it } from 'vitest';
import { parseHours } from '../../../src/config/hours.js';

/** How hours text read before it was scanned in place: split on `-`, each part trimmed. */
function bySplit(h: string): ReturnType<typeof parseHours> {
  const parts = h.split('-').map((s) => Number(s.trim()));
  const low = parts[0] ?? NaN;
  const high = parts[1] ?? low;
  if (!Number.isFinite(low) || !Number.isFinite(high))
    return { ok: false, message: `bad hour range "${h}"` };
  if (low > high)
    return { ok: false, message: `bad hour range "${h}": low ${low} is above high ${high}` };
  return { ok: true, estimate: { low, likely: (low + high) / 2, high, likelyGiven: false } };
}

describe('parseHours on text', () => {
  it('reads every form as splitting on "-" did, good or bad', () => {
    const cases = [
      '5-9',
      ' 5 - 9 ',
      '4',
      ' 7.5 ',
      '0-0',
      '9-5',
      '5-',
      '-5',
      '',
      ' ',
      '1-2-3',
      'a-b',
      '1e2-3e2',
      '2 -\t3',
      '0x10-20',
      '3-x',
      '1.5-1.25',
      '-',
      '--',
      '4-4',
    ];
    for (const h of cases) expect(parseHours(h), h).toEqual(bySplit(h));
  });
});

describe('parseHours: the most hours an estimate may have', () => {
  it('takes 100000 h, and refuses more in every form (the planner walks the calendar by them)', () => {
    expect(parseHours(100_000).ok).toBe(true);
    expect(parseHours('1-100000').ok).toBe(true);
    for (const h of [1e12, 1e308, '1-1e12', '100001', { low: 1, high: 1e308 }] as const) {
      const p = parseHours(h);
      expect(p.ok, String(h)).toBe(false);
      if (!p.ok) expect(p.message).toMatch(/^hours must be at most 100000 /);
    }
  });
});
