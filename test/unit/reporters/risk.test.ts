import { describe, expect, it } from 'vitest';
import { esc } from '../../../src/reporters/html.js';
import { histogram, noDrivers, odds } from '../../../src/reporters/risk.js';

describe('risk reporter helpers', () => {
  it('odds never round a near-certainty to certainty', () => {
    expect(odds(0)).toBe('0 %');
    expect(odds(0.004)).toBe('<1 %');
    expect(odds(0.5)).toBe('50 %');
    expect(odds(0.996)).toBe('>99 %');
    expect(odds(1)).toBe('100 %');
  });

  it('histogram bins cover every sample', () => {
    const xs = Float64Array.from({ length: 1000 }, (_, i) => 10 + i / 100).sort();
    const h = histogram(xs, 20);
    expect(h).toHaveLength(20);
    expect(h.reduce((s, b) => s + b.count, 0)).toBe(1000);
    expect(h[0]!.from).toBe(10);
    expect(histogram(Float64Array.of(5, 5, 5), 10)).toEqual([{ from: 5, to: 5, count: 3 }]);
    expect(histogram(new Float64Array(0), 10)).toEqual([]);
  });

  it('says why there is no risk driver: a fixed finish, or no hours that rise with it', () => {
    // It said "no duration varies" when durations varied and only the finish did not.
    expect(noDrivers({ min: 69, max: 69 })).toBe('none (the finish is the same in every sample)');
    expect(noDrivers({ min: 60, max: 70 })).toBe("none (no task's hours rise with the finish)");
  });

  it('escapes HTML', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});
