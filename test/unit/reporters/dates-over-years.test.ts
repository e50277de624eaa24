import { describe, expect, it } from 'vitest';
import type { Forecast } from '../../../src/app/forecast.js';
import type { DatedTeamPlan } from '../../../src/app/plan-team.js';
import { buildTeamPlans } from '../../../src/app/plan-team.js';
import { projectRisk } from '../../../src/app/risk.js';
import type { Project } from '../../../src/model/project.js';
import { loadProjectText } from '../../../src/config/load.js';
import { teamSize } from '../../../src/model/team-spec.js';
import { renderForecast } from '../../../src/reporters/forecast.js';
import { cellWidth } from '../../../src/reporters/layout.js';
import { renderRisk } from '../../../src/reporters/risk.js';
import { renderTeamMarkdown } from '../../../src/reporters/team-markdown.js';
import { renderTeamMatrix, renderTeamTable } from '../../../src/reporters/team-table.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

/** A chain of `n` activities of `hours` each from `start`, loaded. */
function chain(start: string, n: number, hours: number | string): Project {
  const tasks = Array.from(
    { length: n },
    (_, k) => `  - { id: t${k}, hours: ${hours}${k > 0 ? `, deps: [t${k - 1}]` : ''} }`,
  );
  const r = loadProjectText(
    [`project: Years`, `start: ${start}`, 'tasks:', ...tasks, ''].join('\n'),
    'y.yaml',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** The solo plan of `project`. */
function solo(project: Project): DatedTeamPlan {
  const r = buildTeamPlans(project, [teamSize(1)], { now: () => 0, range: false });
  if (!r.ok) throw new Error(r.error);
  return r.value[0]!;
}

/** From 1 June 2026 to spring 2029: 750 working days. */
const threeYears = solo(chain('2026-06-01', 30, 200));
/** From 5 January 2026, ten weeks. */
const oneYear = solo(chain('2026-01-05', 10, 32));

const DAY = /^((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ [A-Z][a-z]{2}(?: \d{4})?)\s/;
/** The day column's labels of a `--days` listing, in order. */
const dayLabels = (text: string): string[] =>
  text.split('\n').flatMap((l) => DAY.exec(l)?.slice(1, 2) ?? []);
const over = (text: string, width: number): string[] =>
  text.split('\n').filter((l) => cellWidth(l) > width);

describe('dates of a plan over several calendar years', () => {
  it('name their year in the day rows and week titles: no two days read the same', () => {
    expect(threeYears.startDate.slice(0, 4)).toBe('2026');
    expect(threeYears.endDate.slice(0, 4)).toBe('2029');
    const text = renderTeamTable(threeYears, memoryOutput(80), { days: true });
    const days = dayLabels(text);
    expect(days).toHaveLength(threeYears.summary.workingDays);
    expect(new Set(days).size).toBe(days.length);
    expect(days[0]).toBe('Mon 1 Jun 2026');
    expect(text).toMatch(/^Week 1 \(Mon 1 Jun 2026 – Fri 5 Jun 2026\)$/m);
    expect(over(text, 80)).toEqual([]);
    const md = renderTeamMarkdown(threeYears);
    expect(md).toContain('### Week 1 (Mon 1 Jun 2026 – Fri 5 Jun 2026)');
    expect(md).toContain('| Mon 1 Jun 2026 | E1 |');
  });

  it("name their year in the summary's week rows and the side-by-side end", () => {
    const text = renderTeamTable(threeYears, memoryOutput(80));
    expect(text).toMatch(/^ {3}1 {2}Mon 1 Jun 2026 – Fri 5 Jun 2026 /m);
    const weeks = [...text.matchAll(/^ *\d+ {2}(\w{3} \d+ \w{3} \d{4}) – /gm)].map((m) => m[1]);
    expect(weeks).toHaveLength(150);
    expect(new Set(weeks).size).toBe(weeks.length);
    expect(over(text, 80)).toEqual([]);
    const matrix = renderTeamMatrix([threeYears, oneYear], memoryOutput(80));
    expect(matrix).toMatch(/^End .*\w{3} \d+ \w{3} 2029 \d\d:\d\d/m);
    expect(matrix).toMatch(/^End .*Fri 27 Feb 2026 17:00/m);
  });

  it('keep the short form in a plan within one year', () => {
    expect(oneYear.endDate.slice(0, 4)).toBe('2026');
    const text = renderTeamTable(oneYear, memoryOutput(80), { days: true });
    const days = dayLabels(text);
    expect(days).toHaveLength(40);
    for (const d of days) expect(d).not.toMatch(/\d{4}$/);
    expect(text).toMatch(/^Week 1 \(Mon 5 Jan – Fri 9 Jan\)$/m);
    expect(renderTeamMatrix([oneYear], memoryOutput(80))).toMatch(/^End +Fri 27 Feb 17:00$/m);
  });
});

/** A forecast of one team: now, the baseline's end and the forecast's, as `YYYY-MM-DDTHH:MM`. */
function forecast(nowAt: string, baselineEnd: string, forecastEnd: string): Forecast {
  const none = { samples: 0, ratio: 1, actualHours: 0, estimatedHours: 0 };
  return {
    team: '2',
    nowAt,
    baselineEnd,
    forecastEnd,
    done: 3,
    running: 1,
    total: 10,
    replan: {
      baseline: 80,
      forecast: 96,
      calibrated: false,
      calibration: { macbook: none, gpu: none },
    },
  } as unknown as Forecast;
}

describe('the forecast table', () => {
  it('names the year when now and the ends fall in different years', () => {
    const text = renderForecast(
      [forecast('2026-12-21T10:00', '2026-12-31T17:00', '2027-01-08T12:00')],
      memoryOutput(80),
    );
    expect(text).toContain('(now: Mon 21 Dec 2026 10:00)');
    expect(text).toMatch(/Thu 31 Dec 2026 17:00 \(80 h\) +Fri 8 Jan 2027 12:00 \(96 h\)/);
    expect(over(text, 80)).toEqual([]);
  });

  it('keeps the short form within one year', () => {
    const text = renderForecast(
      [forecast('2026-11-02T10:00', '2026-11-13T17:00', '2026-11-16T12:00')],
      memoryOutput(80),
    );
    expect(text).toContain('(now: Mon 2 Nov 10:00)');
    expect(text).toMatch(/Fri 13 Nov 17:00 \(80 h\) +Mon 16 Nov 12:00 \(96 h\)/);
  });
});

describe('the risk table', () => {
  it('names the year when the finishes fall in different years, and fits 80 columns', () => {
    const project = chain('2026-11-04', 7, '30-60');
    const risk = projectRisk(project, [teamSize(1)], { samples: 200, seed: 1, now: () => 0 });
    if (!risk.ok) throw new Error(risk.error);
    const t = risk.value.teams[0]!;
    expect(t.plan.at.slice(0, 4)).toBe('2026');
    expect(t.p95.at.slice(0, 4)).toBe('2027');
    const wide = renderRisk(risk.value, project, memoryOutput(200));
    expect(wide).toMatch(/^1 +\w{3} \d+ Dec 2026 \d\d:\d\d \(.*\w{3} \d+ Jan 2027 \d\d:\d\d \(/m);
    expect(over(renderRisk(risk.value, project, memoryOutput(80)), 80)).toEqual([]);
  });

  it('names the year when the plan starts in one year and every finish falls in the next', () => {
    // At least 160 h of work from Mon 14 Dec 2026: every end is in January 2027.
    const project = chain('2026-12-14', 4, '40-60');
    const risk = projectRisk(project, [teamSize(1)], { samples: 200, seed: 1, now: () => 0 });
    if (!risk.ok) throw new Error(risk.error);
    const t = risk.value.teams[0]!;
    for (const at of [t.plan.at, t.p50.at, t.p80.at, t.p95.at]) expect(at.slice(0, 4)).toBe('2027');
    const wide = renderRisk(risk.value, project, memoryOutput(200));
    const row = wide.split('\n').find((l) => l.startsWith('1 '));
    expect([...(row ?? '').matchAll(/\w{3} \d+ Jan 2027 \d\d:\d\d \(/g)]).toHaveLength(4);
    // The team table of the same plan names the years too.
    expect(renderTeamMatrix([solo(project)], memoryOutput(80))).toMatch(/^End .* Jan 2027 /m);
  });
});
