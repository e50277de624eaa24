import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { J120_LIKE, J60_LIKE } from '../../bench/gen/psplib-like.js';

/** README's "Larger instances" section. */
function section(): string {
  const readme = readFileSync('README.md', 'utf8');
  const from = readme.indexOf('### Larger instances');
  expect(from).toBeGreaterThan(0);
  return readme.slice(from, readme.indexOf('\n### ', from + 1));
}

describe("README's larger-instance benchmark", () => {
  it("quotes bench:large's lines with a gap that is default minus reference", () => {
    const lines = [...section().matchAll(/^ {2}mean deviation over .*$/gm)].map((m) => m[0]);
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      const m = /default ([\d.]+) %, reference ([\d.]+) %, gap ([\d.-]+) points/.exec(l);
      expect(m, l).not.toBeNull();
      expect(Number(m![3])).toBeCloseTo(Number(m![1]) - Number(m![2]), 1);
    }
  });

  it("names the generator's parameter grid as the source has it", () => {
    const s = section().replace(/\s+/g, ' ');
    expect(s).toContain(
      `network complexity ${J60_LIKE.nc.join(', ').replace(/, (?=[^,]*$)/, ' or ')}`,
    );
    expect(J60_LIKE.nc).toEqual(J120_LIKE.nc);
    expect(s).toContain(`resource strength ${J60_LIKE.rs.join('/')} (J60)`);
    expect(s).toContain(`or ${J120_LIKE.rs[0]}–${J120_LIKE.rs[J120_LIKE.rs.length - 1]} (J120)`);
    expect(J120_LIKE.rs.every((v, k) => k === 0 || v > J120_LIKE.rs[k - 1]!)).toBe(true);
  });
});
