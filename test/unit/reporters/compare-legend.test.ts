import { describe, expect, it } from 'vitest';
import { compareScenarios } from '../../../src/app/compare.js';
import { loadProjectFile } from '../../../src/config/load.js';
import { renderCompare } from '../../../src/reporters/compare.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

describe('the decision matrix on a terminal', () => {
  it('explains the columns it shows, and no column it dropped for the width', async () => {
    const loaded = await loadProjectFile('tasks/epic-1a.yaml');
    if (!loaded.ok) throw new Error('epic-1a.yaml does not load');
    const cmp = compareScenarios(loaded.value, {
      samples: 50,
      seed: 1,
      now: () => 0,
      timeLimitMs: 600_000,
    });
    if (!cmp.ok) throw new Error(cmp.error);
    const narrow = renderCompare(cmp.value, memoryOutput(80));
    const wide = renderCompare(cmp.value, memoryOutput(Infinity));
    expect(wide).toMatch(/^Odds: share of samples/m);
    expect(wide).toContain('(vs solo: against the baseline with one engineer)');
    // In 80 columns the rows are cards without the Odds and vs-solo figures, and so is the legend.
    expect(narrow).not.toMatch(/^ {2}Odds:/m);
    expect(narrow).not.toMatch(/^Odds:/m);
    expect(narrow.replace(/\n/g, ' ')).not.toContain('vs solo');
    for (const line of narrow.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  }, 60_000);
});
