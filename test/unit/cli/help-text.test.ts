import { describe, expect, it } from 'vitest';
import { fitHelp } from '../../../src/cli/help-text.js';
import { cellWidth } from '../../../src/reporters/layout.js';

describe('fitHelp', () => {
  it('wraps an example under its description, a note under its own indent', () => {
    const example =
      '  critpath plan --compare               the decision matrix over scenarios and team sizes';
    expect(fitHelp(example, 80).split('\n')).toEqual([
      '  critpath plan --compare               the decision matrix over scenarios and',
      '                                        team sizes',
    ]);
    const note = `Hours: "took" is wall-clock time from the first attempt (in the run that finished it) to success.`;
    const lines = fitHelp(note, 60).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(cellWidth(l)).toBeLessThanOrEqual(60);
    expect(lines.join(' ')).toBe(note);
  });

  it('leaves lines that fit, and everything with an infinite width (--wide)', () => {
    const text = 'Usage: critpath plan [options] [file]\n\n  short line';
    expect(fitHelp(text, 80)).toBe(text);
    const long = 'x '.repeat(100).trimEnd();
    expect(fitHelp(long, Infinity)).toBe(long);
  });
});
