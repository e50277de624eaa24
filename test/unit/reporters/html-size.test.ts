import { describe, expect, it } from 'vitest';
import { riskReport } from '../../../src/app/risk-report.js';
import { loadProjectText } from '../../../src/config/load.js';
import type { Project } from '../../../src/model/project.js';
import { CRITICALITY_ROWS, renderHtmlReport } from '../../../src/reporters/html.js';
import { MAX_TICKS } from '../../../src/reporters/time-axis.js';
import { chainYaml } from '../../helpers/chain.js';

/**
 * The HTML report's size is bounded by the plan's, whatever its length: a grid line per working
 * day made a 100-task chain at the largest estimates a 76 MB page (1.2 million lines), and a bar,
 * a label and a table row per activity made a 10,000-task chain's page 4 MB. The counts below
 * are timing-free: they fail on the unbounded layout however fast the machine.
 */

/** A chain of `n` MacBook tasks, t{i} after t{i-1}. */
function chain(n: number, hours: string): Project {
  const loaded = loadProjectText(chainYaml(n, hours), 'chain.yaml');
  if (!loaded.ok) throw new Error(loaded.error[0]?.message);
  return loaded.value;
}

function report(project: Project, samples: number): string {
  const r = riskReport(project, {
    samples,
    seed: 1,
    deadline: undefined,
    teams: undefined,
    maxSchedules: 2000,
    timeLimitMs: undefined,
    hoursPerDay: undefined,
    compare: false,
    odds: true,
    graph: true,
    now: () => 0,
  });
  if (!r.ok) throw new Error(r.error);
  const { plans, risk, graph } = r.value;
  return renderHtmlReport({ project, plans: plans!, risk: risk!, graph: graph! });
}

const count = (html: string, re: RegExp): number => (html.match(re) ?? []).length;

/** The SVG element with class `cls` (the first). */
function svg(html: string, cls: string): string {
  const from = html.indexOf(`<svg class="${cls}`);
  return html.slice(from, html.indexOf('</svg>', from));
}

describe('HTML report size', () => {
  it('a 100-task chain at the largest estimates: a bounded grid, a page under 2 MB', () => {
    const html = report(chain(100, '90000-100000'), 200);
    expect(html.length).toBeLessThan(2_000_000);
    // Grid lines: the Gantt's and the histogram's, at most MAX_TICKS each, plus a few marker
    // lines and the histogram's hour ticks.
    const gantt = svg(html, 'gantt');
    expect(count(gantt, /<line class="(grid|week|major)"/g)).toBeLessThanOrEqual(MAX_TICKS);
    expect(count(svg(html, 'histogram'), /<line/g)).toBeLessThanOrEqual(MAX_TICKS + 40);
    expect(count(html, /<line/g)).toBeLessThanOrEqual(3 * MAX_TICKS);
    // The plan runs for thousands of years: the ticks are decades or more, labelled by year.
    expect(gantt).toMatch(/<text x="[\d.]+" y="24">20\d\d<\/text>/);
    expect(html).toContain('Summarised: this plan has 100 activities over');
  });

  it('a 10,000-task chain: a summarised Gantt, a bounded page', () => {
    const html = report(chain(10_000, '1'), 20);
    expect(html.length).toBeLessThan(1_000_000);
    const gantt = svg(html, 'gantt');
    // No bar per activity: a load rectangle per period and lane.
    expect(count(gantt, /<g class="activity"/g)).toBe(0);
    expect(count(gantt, /<rect class="load"/g)).toBeGreaterThan(10);
    expect(count(gantt, /<rect/g)).toBeLessThanOrEqual(3 * MAX_TICKS + 10);
    expect(count(gantt, /<line/g)).toBeLessThanOrEqual(MAX_TICKS + 10);
    expect(html).toContain(
      'Summarised: this plan has 10,000 activities over 250 weeks, and a bar per activity is drawn only for plans of up to 500 activities and 26 weeks',
    );
    expect(html).toContain('The critical chain has 10,000 activities, from t0 to t9999.');
    // The criticality table: the most critical tasks, and what was left out.
    expect(count(html, /<tr><td>t\d+<\/td>/g)).toBe(CRITICALITY_ROWS);
    expect(html).toContain(
      `The ${CRITICALITY_ROWS} most critical of 10,000 tasks; the other 9,800`,
    );
  }, 60_000);

  it('the load of a period is the hours worked in it', () => {
    // 600 one-hour tasks: summarised by their number, 75 working days, so a period a day.
    const html = report(chain(600, '1'), 20);
    const loads = [...svg(html, 'gantt').matchAll(/<rect class="load" data-busy="([\d.]+)"/g)];
    expect(loads).toHaveLength(75);
    // Each day is fully busy: 8 one-hour tasks.
    for (const m of loads) expect(Number(m[1])).toBe(1);
    expect(html).toContain(
      'E1, Mon 7 Dec 2026: 8 of 8 working hours busy (100 %), 8 activities, 8 h on the critical chain',
    );
  }, 60_000);
});
