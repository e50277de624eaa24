import { beforeAll, describe, expect, it } from 'vitest';
import type { DatedTeamPlan } from '../../../src/app/plan-team.js';
import { buildTeamPlans } from '../../../src/app/plan-team.js';
import { loadProjectText } from '../../../src/config/load.js';
import { renderTeamJson } from '../../../src/reporters/team-json.js';
import { dayName } from '../../../src/reporters/team-common.js';
import {
  SUMMARY_ACTIVITIES,
  renderTeamTable,
  summarises,
} from '../../../src/reporters/team-table.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';
import { teamSize } from '../../../src/model/team-spec.js';
import { generateProject, toYaml } from '../../../bench/project-generator.js';

interface JsonPlan {
  activities: { id: string; duration: number; assignee: string; endDate: string }[];
  criticalPath: string[];
  handoffs: unknown[];
  hoursByEngineer: Record<string, number>;
  startDate: string;
  endDate: string;
  summary: { effort: number };
}

let plan: DatedTeamPlan;
let json: JsonPlan;
let text: string;
beforeAll(() => {
  const loaded = loadProjectText(toYaml(generateProject(SUMMARY_ACTIVITIES + 100, 7)), 'big.yaml');
  if (!loaded.ok) throw new Error(loaded.error[0]?.message);
  const r = buildTeamPlans(loaded.value, [teamSize(3)], { now: () => 0, range: false });
  if (!r.ok) throw new Error(r.error);
  plan = r.value[0]!;
  json = JSON.parse(renderTeamJson(plan)) as JsonPlan;
  text = renderTeamTable(plan, memoryOutput(Infinity));
});

/**
 * The summary's week rows: week, first and last day (with the year: the plan runs over a year's
 * end), hours, busy %, activities finished.
 */
function weekRows(): {
  week: number;
  first: string;
  last: string;
  hours: number;
  finished: number;
}[] {
  const lines = text.split('\n');
  const from = lines.indexOf('Week by week') + 2;
  const rows = [];
  for (let i = from; lines[i] !== ''; i++) {
    if (/^[─\s]+$/.test(lines[i]!)) continue;
    const m =
      /^\s*(\d+)\s+(\w{3} \d+ \w{3} \d{4}) – (\w{3} \d+ \w{3} \d{4})\s+([\d.]+)\s+\d+ %\s+(\d+)$/.exec(
        lines[i]!,
      );
    if (m === null) throw new Error(`not a week row: ${lines[i]}`);
    rows.push({ week: +m[1]!, first: m[2]!, last: m[3]!, hours: +m[4]!, finished: +m[5]! });
  }
  return rows;
}

describe('the table view of a long plan', () => {
  it('summarises by week by default, with no day rows, and says --days lists them', () => {
    expect(summarises(plan)).toBe(true);
    expect(text).toContain('Week by week');
    expect(text).not.toMatch(/^Day\s+Engineer\s+Tasks/m);
    expect(text).not.toMatch(/^Week 1 \(/m);
    expect(text).toMatch(/--days lists every day/);
    expect(text.split('\n').length).toBeLessThan(weekRows().length + 40);
  });

  it("week rows add up to the JSON plan: every activity finished once, hours = effort, dates = the plan's", () => {
    const rows = weekRows();
    expect(rows.map((r) => r.week)).toEqual(rows.map((_, k) => k + 1));
    expect(rows.reduce((s, r) => s + r.finished, 0)).toBe(json.activities.length);
    const effort = json.activities.reduce((s, a) => s + a.duration, 0);
    expect(rows.reduce((s, r) => s + r.hours, 0)).toBeCloseTo(effort, 0);
    expect(json.summary.effort).toBeCloseTo(effort, 6);
    // The plan runs from November to May: each date names its year.
    expect(json.startDate.slice(0, 4)).not.toBe(json.endDate.slice(0, 4));
    expect(rows[0]!.first).toBe(dayName(json.startDate, true));
    expect(rows[rows.length - 1]!.last).toBe(dayName(json.endDate, true));
    // Activities that end on the last row's last day are counted in it.
    const lastDay = json.endDate.slice(0, 10);
    const endingLast = json.activities.filter((a) => a.endDate.slice(0, 10) === lastDay).length;
    expect(rows[rows.length - 1]!.finished).toBeGreaterThanOrEqual(endingLast);
  });

  it('totals per engineer, handoffs and the critical chain agree with the JSON plan', () => {
    for (const [who, hours] of Object.entries(json.hoursByEngineer)) {
      const count = json.activities.filter((a) => a.assignee === who).length;
      expect(text).toMatch(new RegExp(`^${who}\\s+${who}\\s+${hours}\\s+${count}\\s+\\d+ %$`, 'm'));
    }
    expect(text).toContain(`Handoffs: ${json.handoffs.length}\n`);
    expect(text).toContain(`(resource-constrained, ${plan.criticalChain.length} activities)`);
    const last = json.criticalPath[json.criticalPath.length - 1]!;
    expect(text).toMatch(new RegExp(`→ ${last.replace('.', '\\.')} \\(\\w+\\)\\n`));
  });

  it('--days lists every day of the same plan', () => {
    const full = renderTeamTable(plan, memoryOutput(Infinity), { days: true });
    expect(full).toMatch(/^Day\s+Engineer\s+Tasks\s+Hours\s+Focus$/m);
    expect(full).toMatch(/^Week 1 \(/m);
    expect(full).not.toContain('Week by week');
  });
});
