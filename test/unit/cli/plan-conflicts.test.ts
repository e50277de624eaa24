import { describe, expect, it } from 'vitest';
import type { RiskConflictOptions } from '../../../src/cli/commands/plan-risk.js';
import { htmlSamples, riskConflict } from '../../../src/cli/commands/plan-risk.js';

const base: RiskConflictOptions = {
  seed: '1',
  format: 'table',
  roles: 'declared',
  estimate: 'expected',
};
/** The conflict of these options, `--format`, `--roles` and `--estimate` typed when given here. */
const conflict = (o: Partial<RiskConflictOptions>): string | undefined =>
  riskConflict(
    { ...base, ...o },
    {
      format: o.format !== undefined,
      roles: o.roles !== undefined,
      estimate: o.estimate !== undefined,
    },
  );

describe('plan: options a risk view would ignore', () => {
  it('names both options of a pair the view cannot honour', () => {
    const pairs: [Partial<RiskConflictOptions>, string][] = [
      [{ compare: true, format: 'csv' }, '--compare and --format csv'],
      [{ compare: true, format: 'mermaid' }, '--compare and --format mermaid'],
      [{ compare: true, format: 'ics' }, '--compare and --format ics'],
      [{ compare: true, scenario: 'early-gpu' }, '--compare and --scenario'],
      [{ compare: true, cpm: true }, '--compare and --cpm'],
      [{ compare: true, roles: 'any' }, '--compare and --roles any'],
      [{ monteCarlo: true, format: 'md' }, '--monte-carlo and --format md'],
      [{ monteCarlo: '100', format: 'csv' }, '--monte-carlo and --format csv'],
      [{ monteCarlo: true, format: 'ics' }, '--monte-carlo and --format ics'],
      [{ monteCarlo: true, format: 'mermaid' }, '--monte-carlo and --format mermaid'],
      [{ monteCarlo: true, scenario: 'x' }, '--monte-carlo and --scenario'],
      [{ monteCarlo: true, cpm: true }, '--monte-carlo and --cpm'],
      // --compare prints md, but the Monte Carlo figures beside it do not.
      [{ compare: true, monteCarlo: true, format: 'md' }, '--monte-carlo and --format md'],
      [{ html: 'r.html', format: 'csv' }, '--html and --format csv'],
      [{ html: 'r.html', json: true }, '--html and --json'],
      // Each samples or plans the whole range, and prints no day table.
      [{ monteCarlo: true, estimate: 'high' }, '--monte-carlo and --estimate'],
      [{ compare: true, estimate: 'low' }, '--compare and --estimate'],
      [{ html: 'r.html', estimate: 'expected' }, '--html and --estimate'],
      [{ monteCarlo: true, days: true }, '--monte-carlo and --days'],
      [{ compare: true, days: true }, '--compare and --days'],
      [{ html: 'r.html', days: true }, '--html and --days'],
    ];
    for (const [opts, both] of pairs) {
      const c = conflict(opts);
      expect(c, JSON.stringify(opts)).toMatch(new RegExp(`^${both} do not go together: `));
      expect(c).not.toContain('\n');
    }
  });

  it('takes what each view prints, and options given as their defaults', () => {
    for (const opts of [
      { compare: true, format: 'md' },
      { compare: true, json: true },
      { compare: true, format: 'table' },
      { monteCarlo: true, format: 'json' },
      { monteCarlo: '10', json: true },
      { monteCarlo: true, html: 'r.html' },
      { compare: true, roles: 'declared' },
      { format: 'csv', scenario: 'x' },
      { estimate: 'high', days: true },
    ] as Partial<RiskConflictOptions>[])
      expect(conflict(opts), JSON.stringify(opts)).toBeUndefined();
    // Defaults that were not typed are not asked for.
    expect(
      riskConflict(
        { ...base, compare: true, format: 'csv', roles: 'any', estimate: 'high' },
        { format: false, roles: false, estimate: false },
      ),
    ).toBeUndefined();
  });

  it('refuses --html - and an empty --html name, in words', () => {
    expect(conflict({ html: '-' })).toBe(
      '--html writes a file, not standard output: name one (e.g. --html plans/report.html)',
    );
    expect(conflict({ html: '' })).toBe('--html needs a file name (e.g. --html plans/report.html)');
    expect(conflict({ html: '  ', monteCarlo: true })).toBe(
      '--html needs a file name (e.g. --html plans/report.html)',
    );
  });
});

describe('plan --html without --monte-carlo', () => {
  it('takes 10,000 samples, fewer for a big plan, at least 200', () => {
    expect(htmlSamples(40)).toBe(10_000);
    expect(htmlSamples(500)).toBe(10_000);
    expect(htmlSamples(1000)).toBe(5000);
    expect(htmlSamples(10_000)).toBe(500);
    expect(htmlSamples(1_000_000)).toBe(200);
  });
});
