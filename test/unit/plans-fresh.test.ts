import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  PLAN_SOURCE,
  PLAN_TEAMS,
  REPORT_FILE,
  planExact,
  planFileName,
  renderPlanFile,
  renderReportFile,
} from '../../scripts/plan-files.js';
import { loadProjectFile } from '../../src/config/load.js';

describe('committed plans', () => {
  it.each(PLAN_TEAMS)(
    'plans/team-%i.md is up to date (run `npm run plans` if not)',
    async (team) => {
      const project = await loadProjectFile(PLAN_SOURCE);
      if (!project.ok) throw new Error(`${PLAN_SOURCE} does not load`);
      const committed = await readFile(planFileName(team), 'utf8').catch(() => '(missing)');
      expect(committed).toBe(renderPlanFile(project.value, team, await planExact()));
    },
    // The exact stage proves each plan optimal: seconds, more on a loaded machine.
    120_000,
  );

  it('plans/report.html is up to date (run `npm run plans` if not)', async () => {
    const project = await loadProjectFile(PLAN_SOURCE);
    if (!project.ok) throw new Error(`${PLAN_SOURCE} does not load`);
    const committed = await readFile(REPORT_FILE, 'utf8').catch(() => '(missing)');
    expect(committed).toBe(renderReportFile(project.value));
  }, 60_000);
});
