import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SCALE_COMMANDS,
  SCALE_FORMATS,
  TARGETS,
  headerLine,
  parseRunLine,
  verdict,
} from '../../bench/scale-report.js';

/** The fenced block(s) of `npm run bench:scale` output quoted under README's "Scale" heading. */
function quotedOutput(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const from = readme.indexOf('### Scale, end to end');
  expect(from).toBeGreaterThan(0);
  const section = readme.slice(from, readme.indexOf('\n## ', from));
  const blocks = [...section.matchAll(/```text\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThan(0);
  return blocks.join('').split('\n');
}

describe("README's scale benchmark quotes bench:scale's output", () => {
  const lines = quotedOutput();
  const runs = lines.flatMap((l) => {
    const r = parseRunLine(l);
    return r === undefined ? [] : [r];
  });

  it('has the header and a row per format and command at 10k and 100k, as the bench prints them', () => {
    expect(lines).toContain(headerLine());
    for (const size of ['10k', '100k'])
      for (const format of SCALE_FORMATS)
        for (const c of SCALE_COMMANDS)
          expect(
            runs.some((r) => r.size === size && r.format === format && r.command.key === c.key),
            `${size} ${format} ${c.label}`,
          ).toBe(true);
    // Every line that starts like a row is one the bench could print.
    for (const l of lines.filter((x) => /^(10k|100k|1M)\s+(yaml|json)\s/.test(x)))
      expect(parseRunLine(l), l).toBeDefined();
  });

  it('marks each row against the targets as the bench does', () => {
    for (const r of runs)
      expect(r.target, `${r.size} ${r.format} ${r.command.label}`).toBe(verdict(r));
    expect(runs.some((r) => r.size === '1M' && r.command.key === 'cpm')).toBe(true);
  });

  it('prints growth lines that agree with the 10k and 100k rows', () => {
    const growth = lines.filter((l) => l.startsWith('growth'));
    expect(growth.length).toBe(SCALE_FORMATS.length * SCALE_COMMANDS.length);
    for (const g of growth) {
      const m = /^growth\s+(yaml|json)\s+(\S.*?)\s+([\d.]+)×\s+10k→100k\s+(ok|MISSED) /.exec(g);
      expect(m, g).not.toBeNull();
      const find = (size: string): number =>
        runs.find((r) => r.size === size && r.format === m![1] && r.command.label === m![2])!.wallS;
      expect(Number(m![3])).toBeCloseTo(find('100k') / find('10k'), 0);
      expect(m![4]).toBe(Number(m![3]) <= TARGETS.growth ? 'ok' : 'MISSED');
    }
  });
});
