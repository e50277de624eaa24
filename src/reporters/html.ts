import type { DatedActivity, DatedTeamPlan } from '../app/plan-team.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import { weekOf } from '../calendar/calendar.js';
import type { Project } from '../model/project.js';
import { fmtHours, grouped } from './format.js';
import { histogram, methodNote, odds } from './risk.js';
import type { ProjectRisk, TeamRisk } from '../app/risk.js';
import { dateTimeName, dayName } from './team-common.js';
import { esc, n, placeInRows, textWidth } from './svg-text.js';
import { SUMMARY_ACTIVITIES, SUMMARY_WEEKS } from './team-table.js';
import type { AxisTick, AxisTicks, TickUnit } from './time-axis.js';
import { axisTicks } from './time-axis.js';
import type { TaskGraphView } from './task-graph-svg.js';
import { TASK_GRAPH_CSS, renderTaskGraph, taskGraphLegend } from './task-graph-svg.js';

/**
 * The HTML report: one self-contained file (inline CSS and SVG; no scripts, fonts or network).
 * Per team: a Gantt chart with one lane per engineer and a GPU lane shaded by the share of GPUs
 * in use, the critical chain highlighted, GPU arrivals and the deadline marked; then the
 * histogram of the Monte Carlo finish with its P50/P80/P95 lines. The output depends only on
 * its inputs (no timestamps), so a committed report stays byte-stable for a seed.
 *
 * Its size is bounded by the plan's, whatever its length: the time axes have at most
 * MAX_TICKS grid lines (days, else weeks, months, quarters or years; see time-axis.ts); a plan
 * the terminal table would summarise (over SUMMARY_WEEKS weeks or SUMMARY_ACTIVITIES
 * activities) gets a Gantt of each engineer's load per axis period instead of a bar per
 * activity, and the criticality table lists the CRITICALITY_ROWS most critical tasks. Every
 * step is linear or n log n in the activities.
 */

export interface HtmlReportInput {
  readonly project: Project;
  readonly plans: readonly DatedTeamPlan[];
  readonly risk: ProjectRisk;
  /** The task graph, for its picture. */
  readonly graph: TaskGraphView;
  /** Extra sections (already HTML), e.g. the decision matrix. */
  readonly extra?: string;
}

export { esc };

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1600px; padding: 0 16px; color: #1d2330; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d8dce4; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.note { color: #5a6375; margin: 4px 0 10px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e6e9ef; text-align: left; vertical-align: top; }
th { background: #f4f6f9; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg { display: block; margin: 6px 0 14px; width: 100%; height: auto; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #1d2330; }
svg .axis text { fill: #5a6375; }
svg .grid { stroke: #e6e9ef; stroke-width: 1; }
svg .week, svg .major { stroke: #aab2c0; stroke-width: 1.5; }
svg .lane-bg { fill: #fafbfc; stroke: #e6e9ef; }
svg .bar { stroke: #ffffff; stroke-width: 1; }
svg .bar.macbook { fill: #7aa6d8; }
svg .bar.gpu { fill: #8fc79a; }
svg .bar.critical { stroke: #c0392b; stroke-width: 2.5; }
svg .bar.critical.macbook { fill: #e8846f; }
svg .bar.critical.gpu { fill: #e0a458; }
svg .bar-label { font-size: 10px; fill: #10141c; pointer-events: none; }
svg .bar-label.under { fill: #3a4254; }
svg .lane-id { font-weight: 600; }
svg .lane-name { font-size: 10px; fill: #5a6375; }
svg .gpu-none { fill: url(#nogpu); }
svg .gpu-usage { fill: #2e8b57; }
svg .load { fill: #3f6fb0; }
svg .load-critical { fill: #c0392b; }
svg .arrival { stroke: #6c3fb5; stroke-width: 2; stroke-dasharray: 6 3; }
svg .arrival-label { fill: #6c3fb5; font-weight: 600; }
svg .deadline { stroke: #c0392b; stroke-width: 2; stroke-dasharray: 2 3; }
svg .deadline-label { fill: #c0392b; font-weight: 600; }
svg .hist-bar { fill: #7aa6d8; }
svg .pline { stroke-width: 2; }
svg .pline.p50 { stroke: #1f6f3f; }
svg .pline.p80 { stroke: #b8860b; }
svg .pline.p95 { stroke: #a03020; }
svg .plan-line { stroke: #1d2330; stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .p50-label { fill: #1f6f3f; font-weight: 600; }
svg .p80-label { fill: #8a6408; font-weight: 600; }
svg .p95-label { fill: #a03020; font-weight: 600; }
svg .plan-line-label { font-weight: 600; }
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin-right: 4px; border-radius: 2px; }
`;

/** How a report's text begins: what a file must begin with for `--html` to replace it. */
export const HTML_SIGNATURE = '<!DOCTYPE html>';

/** Renders the report. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { project, plans, risk } = input;
  const parts: string[] = [];
  parts.push(HTML_SIGNATURE);
  parts.push('<html lang="en">');
  parts.push('<head>');
  parts.push('<meta charset="utf-8">');
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push(
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
  );
  parts.push(`<title>${esc(project.name)}: plan and schedule risk</title>`);
  parts.push(`<style>${CSS}${TASK_GRAPH_CSS}</style>`);
  parts.push('</head>');
  parts.push('<body>');
  parts.push(`<h1>${esc(project.name)}: plan and schedule risk</h1>`);
  if (project.description !== undefined)
    parts.push(`<p class="note">${esc(project.description)}</p>`);
  parts.push(
    `<p class="note">Start ${esc(dayName(risk.startDate))} · ${fmtHours(risk.hoursPerDay)} working hours a day` +
      (risk.deadline === undefined ? '' : ` · deadline ${esc(dayName(risk.deadline.date))}`) +
      ` · Monte Carlo: ${grouped(risk.samples)} samples, seed ${risk.seed}.</p>`,
  );
  parts.push(`<p class="note">${esc(methodNote())}</p>`);
  parts.push(summaryTable(risk));
  if (input.extra !== undefined) parts.push(input.extra);
  parts.push(taskGraphSection(input.graph));
  for (const [k, t] of risk.teams.entries()) {
    const plan = plans[k];
    parts.push(`<section class="team" id="team-${esc(t.label)}" data-team="${esc(t.label)}">`);
    parts.push(`<h2>Team ${esc(t.label)}: ${esc(t.engineers.join(', '))}</h2>`);
    if (plan !== undefined) {
      parts.push(`<h3>Plan on expected hours: ends ${esc(dateTimeName(t.plan.at))}</h3>`);
      parts.push(gantt(plan, risk, t));
    }
    parts.push(
      `<h3>Finish over ${grouped(risk.samples)} samples: P50 ${esc(dateTimeName(t.p50.at))}, ` +
        `P80 ${esc(dateTimeName(t.p80.at))}, P95 ${esc(dateTimeName(t.p95.at))}</h3>`,
    );
    parts.push(histogramSvg(risk, t));
    parts.push(criticalityTable(t, project));
    parts.push('</section>');
  }
  parts.push('</body>');
  parts.push('</html>');
  return `${parts.join('\n')}\n`;
}

function taskGraphSection(graph: TaskGraphView): string {
  return [
    '<section class="graph" id="task-graph">',
    '<h2>Task graph</h2>',
    `<p class="note">Every activity and what it waits for, laid out by dagre. The critical path (red) is the longest chain of dependencies on expected hours, ${fmtHours(graph.criticalHours)} h, before any team or GPU limit; the charts below show each team's own critical chain.</p>`,
    taskGraphLegend(),
    renderTaskGraph(graph),
    '</section>',
  ].join('\n');
}

function summaryTable(risk: ProjectRisk): string {
  const dl = risk.deadline;
  const rows = risk.teams.map(
    (t) =>
      `<tr><td>${esc(t.label)}</td><td>${esc(dateTimeName(t.plan.at))}</td>` +
      `<td>${esc(dateTimeName(t.p50.at))}</td><td>${esc(dateTimeName(t.p80.at))}</td>` +
      `<td>${esc(dateTimeName(t.p95.at))}</td>` +
      (dl === undefined
        ? ''
        : `<td class="num">${esc(odds(t.mc.result.deadline?.probability ?? 0))}</td>`) +
      `<td>${esc(
        t.mc.result.drivers
          .slice(0, 3)
          .map((d) => d.id)
          .join(', ') || '—',
      )}</td></tr>`,
  );
  return [
    '<table class="summary">',
    '<thead><tr><th>Team</th><th>Plan (expected hours)</th><th>P50</th><th>P80</th><th>P95</th>' +
      (dl === undefined ? '' : `<th>By ${esc(dayName(dl.date))}</th>`) +
      '<th>Top risk drivers</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody>`,
    '</table>',
  ].join('\n');
}

function legend(): string {
  return (
    '<p class="legend">' +
    '<span><i style="background:#7aa6d8"></i>MacBook work</span>' +
    '<span><i style="background:#8fc79a"></i>GPU work</span>' +
    '<span><i style="background:#e8846f;outline:2px solid #c0392b"></i>critical chain</span>' +
    '<span><i style="background:#2e8b57"></i>GPU lane: darker = more GPUs in use</span>' +
    '<span><i style="background:repeating-linear-gradient(45deg,#ccc 0 2px,#fff 2px 5px)"></i>no GPU yet</span>' +
    '</p>'
  );
}

interface Axis {
  readonly x0: number;
  readonly width: number;
  readonly max: number;
  x(h: number): number;
}

function axisFor(max: number, x0: number, width: number): Axis {
  return { x0, width, max, x: (h: number) => x0 + (Math.max(0, h) / max) * width };
}

/** The viewBox width of every chart; CSS scales it to the page. */
const WIDTH = 1400;
/** Bars, their labels under them, and the padding of a lane. */
const BAR = 22;
const LABEL_ROW = 13;
/** A row of 11 px chart labels (markers, percentiles). */
const MARK_ROW = 15;
const PAD = 6;
/** Font sizes (px) of the chart texts: see CSS. */
const FONT = 11;
const BAR_FONT = 10;

/**
 * The Gantt's grid lines with dates: a line a working day, thicker where a week starts, or, on a
 * long plan, a line a week, month, quarter or year (thicker where the month or year changes; see
 * axisTicks). Labels that would run into the previous one are left out; a day's label names the
 * month, a coarser one the year, when it is the first shown or it changed.
 */
function ganttAxis(axis: AxisTicks, ax: Axis, H: number, top: number, bottom: number): string {
  const out: string[] = ['<g class="axis">'];
  let lastRight = -Infinity;
  let lastKey = '';
  const day = axis.unit === 'day';
  for (const tick of axis.ticks) {
    const x = ax.x(tick.day * H);
    const cls = tick.major ? (day ? 'week' : 'major') : 'grid';
    out.push(`<line class="${cls}" x1="${n(x)}" y1="${n(top)}" x2="${n(x)}" y2="${n(bottom)}"/>`);
    const key = day ? tick.date.slice(0, 7) : tick.year;
    const label = day
      ? key === lastKey
        ? shortDay(tick.date)
        : dayName(tick.date)
      : key === lastKey
        ? tick.short
        : tick.long;
    const left = x + 3;
    const right = left + textWidth(label, FONT);
    if (left >= lastRight + 8 && right <= ax.x0 + ax.width) {
      out.push(`<text x="${n(left)}" y="${n(top - 6)}">${esc(label)}</text>`);
      lastRight = right;
      lastKey = key;
    }
  }
  out.push('</g>');
  return out.join('');
}

/** `Mon 30`: weekday and day of the month. */
function shortDay(date: string): string {
  return dayName(date).split(' ').slice(0, 2).join(' ');
}

/** Where an activity's id goes: inside its bar, or under it in a label row. */
interface BarLabel {
  readonly a: DatedActivity;
  readonly left: number;
  /** -1: inside the bar. */
  readonly row: number;
}

/** One engineer's lane: its bars' labels and its height. */
interface LaneLayout {
  readonly labels: readonly BarLabel[];
  readonly height: number;
}

function laneLayout(mine: readonly DatedActivity[], ax: Axis): LaneLayout {
  const inside: BarLabel[] = [];
  const under: { a: DatedActivity; left: number; right: number }[] = [];
  for (const a of mine) {
    const x1 = ax.x(a.start);
    const w = ax.x(a.end) - x1;
    const lw = textWidth(a.id, BAR_FONT);
    if (lw + 6 <= w) {
      inside.push({ a, left: x1 + 3, row: -1 });
      continue;
    }
    const centre = x1 + w / 2;
    const left = Math.min(Math.max(centre - lw / 2, ax.x0), ax.x0 + ax.width - lw);
    under.push({ a, left, right: left + lw });
  }
  under.sort((p, q) => p.left - q.left);
  const rows = placeInRows(under, 5);
  const labels = [...inside, ...under.map((u, k) => ({ a: u.a, left: u.left, row: rows[k]!.row }))];
  const used = rows.reduce((m, r) => Math.max(m, r.row + 1), 0);
  return { labels, height: Math.max(36, PAD + BAR + used * LABEL_ROW + (used > 0 ? 3 : 0) + PAD) };
}

/** Width of the lane names: the longest engineer id or name, never cut. */
function laneNameWidth(plan: DatedTeamPlan): number {
  let w = textWidth('GPUs in use', FONT);
  for (const m of plan.engineers) {
    w = Math.max(w, textWidth(m.id, FONT, true), textWidth(m.name, BAR_FONT));
  }
  return Math.ceil(w) + 18;
}

/** The Gantt's time axis: the plan, and the deadline when it is near enough to be useful. */
function ganttMax(plan: DatedTeamPlan, risk: ProjectRisk): number {
  const end = Math.max(plan.makespan, 1);
  const dl = risk.deadline?.hours;
  return (dl !== undefined && dl <= end * 1.25 ? Math.max(end, dl) : end) * 1.02;
}

/**
 * Whether the Gantt of `plan` shows each engineer's load per axis period instead of a bar per
 * activity: when the terminal table would summarise it (over SUMMARY_WEEKS weeks or
 * SUMMARY_ACTIVITIES activities), where bars would be too thin to see and their labels would
 * stack into hundreds of rows.
 */
export function ganttSummarises(plan: DatedTeamPlan, cal: WorkCalendar): boolean {
  return (
    plan.activities.length > SUMMARY_ACTIVITIES ||
    weekOf(cal, plan.endDate.slice(0, 10)) > SUMMARY_WEEKS
  );
}

/** Each engineer's activities, in plan order: one pass over the plan. */
function byEngineer(plan: DatedTeamPlan): Map<string, DatedActivity[]> {
  const mine = new Map<string, DatedActivity[]>(plan.engineers.map((m) => [m.id, []]));
  for (const a of plan.activities) mine.get(a.assignee)?.push(a);
  return mine;
}

function gantt(plan: DatedTeamPlan, risk: ProjectRisk, t: TeamRisk): string {
  const left = laneNameWidth(plan);
  const ax = axisFor(ganttMax(plan, risk), left, WIDTH - left - 10);
  const H = risk.hoursPerDay;
  const ticks = axisTicks(risk.calendar, 0, Math.floor(ax.max / H + 1e-9), true);
  const summary = ganttSummarises(plan, risk.calendar);
  const top = 30;
  const mine = byEngineer(plan);
  const lanes = plan.engineers.map((m) => ({ m, mine: mine.get(m.id) ?? [] }));
  const layouts = lanes.map((l) =>
    summary ? { labels: [], height: SUMMARY_LANE } : laneLayout(l.mine, ax),
  );
  const gpuY = top + layouts.reduce((s, l) => s + l.height, 0);
  const bottom = gpuY + 34;
  const markers = ganttMarkers(risk, ax, top, bottom);
  const height = bottom + markers.rows * MARK_ROW + 12;
  const periods = summary ? periodsOf(ticks, H, ax.max) : [];
  const out: string[] = [];
  if (summary) {
    out.push(summaryNote(plan, risk.calendar, ticks.unit));
    out.push(summaryLegend());
  } else {
    out.push(legend());
  }
  out.push(
    `<svg class="gantt${summary ? ' summary' : ''}" data-team="${esc(t.label)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Gantt chart for team ${esc(t.label)}">`,
  );
  out.push(
    '<defs><pattern id="nogpu" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
      '<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c8ccd4" stroke-width="3"/></pattern></defs>',
  );
  out.push(ganttAxis(ticks, ax, H, top, bottom));
  let y = top;
  lanes.forEach(({ m, mine }, k) => {
    const layout = layouts[k]!;
    out.push(`<g class="lane" data-engineer="${esc(m.id)}">`);
    out.push(
      `<rect class="lane-bg" x="${left}" y="${n(y)}" width="${n(ax.width)}" height="${layout.height}"/>`,
    );
    const named = m.name !== m.id;
    out.push(
      `<text class="lane-id" x="6" y="${n(y + (named ? 15 : 19))}">${esc(m.id)}</text>` +
        (named ? `<text class="lane-name" x="6" y="${n(y + 28)}">${esc(m.name)}</text>` : ''),
    );
    if (summary) out.push(loadBars(m.id, mine, periods, ax, y));
    else for (const l of layout.labels) out.push(bar(l, ax, y));
    out.push('</g>');
    y += layout.height;
  });
  out.push(summary ? gpuLoadLane(plan, risk, periods, ax, gpuY) : gpuLane(plan, risk, ax, gpuY));
  out.push(markers.svg);
  out.push('</svg>');
  return out.join('\n');
}

/** The height of an engineer's lane in a summarised Gantt. */
const SUMMARY_LANE = 36;

/** A period of a summarised Gantt: axis hours [from, to) and the tick that opens it. */
interface Period {
  readonly from: number;
  readonly to: number;
  readonly tick: AxisTick;
}

/** The periods between the axis ticks, the last one up to the axis' end. */
function periodsOf(axis: AxisTicks, H: number, max: number): Period[] {
  const out: Period[] = [];
  axis.ticks.forEach((tick, k) => {
    const from = tick.day * H;
    const next = axis.ticks[k + 1];
    const to = Math.min(next === undefined ? max : next.day * H, max);
    if (to > from) out.push({ from, to, tick });
  });
  return out;
}

const UNIT_WORDS: Record<string, string> = {
  day: 'working day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
};

function unitWord(unit: TickUnit): string {
  return UNIT_WORDS[unit] ?? `period of ${unit}`;
}

/** What a summarised Gantt shows, and what it leaves out. */
function summaryNote(plan: DatedTeamPlan, cal: WorkCalendar, unit: TickUnit): string {
  const weeks = weekOf(cal, plan.endDate.slice(0, 10));
  const chain = plan.criticalPath;
  const ends =
    chain.length === 0
      ? ''
      : ` The critical chain has ${grouped(chain.length)} activit${chain.length === 1 ? 'y' : 'ies'}, from ${esc(chain[0]!)} to ${esc(chain[chain.length - 1]!)}.`;
  return (
    `<p class="note summary-note">Summarised: this plan has ${grouped(plan.activities.length)} activities over ${grouped(weeks)} weeks, ` +
    `and a bar per activity is drawn only for plans of up to ${SUMMARY_ACTIVITIES} activities and ${SUMMARY_WEEKS} weeks (as the terminal table summarises them). ` +
    `Each lane shows, per ${unitWord(unit)}, the share of the engineer's working hours that are busy (darker = busier) and, in red beneath, the hours on the critical chain; ` +
    `the GPU lane shows the share of the GPU-hours in use. Hover a period for its figures; \`critpath plan --team N --json\` lists every activity.${ends}</p>`
  );
}

function summaryLegend(): string {
  return (
    '<p class="legend">' +
    '<span><i style="background:#3f6fb0"></i>engineer busy: darker = more of the period</span>' +
    '<span><i style="background:#c0392b"></i>hours on the critical chain</span>' +
    '<span><i style="background:#2e8b57"></i>GPU lane: darker = more GPU-hours in use</span>' +
    '<span><i style="background:repeating-linear-gradient(45deg,#ccc 0 2px,#fff 2px 5px)"></i>no GPU yet</span>' +
    '</p>'
  );
}

/**
 * Time spent inside intervals, weighted: `before(t)` is the sum over intervals of weight ×
 * their time before t, by two binary searches over the sorted starts and ends with prefix
 * sums, so the load of any period costs O(log n).
 */
class Load {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  /** Prefix sums (k first) of weight × start, weight, weight × end, weight. */
  private readonly sx: Float64Array;
  private readonly sw: Float64Array;
  private readonly ex: Float64Array;
  private readonly ew: Float64Array;

  constructor(items: readonly { start: number; end: number; weight: number }[]) {
    const byStart = [...items].sort((p, q) => p.start - q.start);
    const byEnd = [...items].sort((p, q) => p.end - q.end);
    this.starts = Float64Array.from(byStart, (i) => i.start);
    this.ends = Float64Array.from(byEnd, (i) => i.end);
    this.sx = prefix(byStart, (i) => i.weight * i.start);
    this.sw = prefix(byStart, (i) => i.weight);
    this.ex = prefix(byEnd, (i) => i.weight * i.end);
    this.ew = prefix(byEnd, (i) => i.weight);
  }

  /** Σ weight × (min(end, t) − min(start, t)). */
  before(t: number): number {
    const k = below(this.starts, t);
    const j = below(this.ends, t);
    const total = this.sw[this.sw.length - 1]!;
    const starts = this.sx[k]! + t * (total - this.sw[k]!);
    const ends = this.ex[j]! + t * (total - this.ew[j]!);
    return ends - starts;
  }

  /** How many intervals overlap [from, to): those starting before `to`, less those ended by `from`. */
  count(from: number, to: number): number {
    return below(this.starts, to) - atOrBelow(this.ends, from);
  }
}

function prefix<T>(items: readonly T[], f: (item: T) => number): Float64Array {
  const out = new Float64Array(items.length + 1);
  items.forEach((item, k) => (out[k + 1] = out[k]! + f(item)));
  return out;
}

/** How many of the sorted `xs` are below `t`. */
function below(xs: Float64Array, t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the sorted `xs` are at or below `t`. */
function atOrBelow(xs: Float64Array, t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Hours rounded to a tenth, for tooltips. */
const tenth = (h: number): string => fmtHours(Math.round(h * 10) / 10);

/** An engineer's busy share per period, and the hours on the critical chain beneath it. */
function loadBars(
  engineer: string,
  mine: readonly DatedActivity[],
  periods: readonly Period[],
  ax: Axis,
  laneTop: number,
): string {
  const busy = new Load(mine.map((a) => ({ start: a.start, end: a.end, weight: 1 })));
  const critical = new Load(
    mine.filter((a) => a.critical).map((a) => ({ start: a.start, end: a.end, weight: 1 })),
  );
  const out: string[] = [];
  const barTop = laneTop + PAD;
  for (const p of periods) {
    const hours = busy.before(p.to) - busy.before(p.from);
    const count = busy.count(p.from, p.to);
    if (hours <= 1e-9 && count === 0) continue;
    const length = p.to - p.from;
    const share = Math.min(1, Math.max(0, hours) / length);
    const crit = critical.before(p.to) - critical.before(p.from);
    const x = ax.x(p.from);
    const w = Math.max(1, ax.x(p.to) - x);
    const tip =
      `${engineer}, ${p.tick.name}: ${tenth(hours)} of ${tenth(length)} working hours busy (${Math.round(share * 100)} %), ` +
      `${grouped(count)} activit${count === 1 ? 'y' : 'ies'}` +
      (crit > 1e-9 ? `, ${tenth(crit)} h on the critical chain` : '');
    out.push(
      `<rect class="load" data-busy="${n(share)}" x="${n(x)}" y="${n(barTop)}" width="${n(w)}" height="${BAR - 6}" fill-opacity="${n(0.15 + 0.85 * share)}">` +
        `<title>${esc(tip)}</title></rect>`,
    );
    if (crit > 1e-9) {
      out.push(
        `<rect class="load-critical" x="${n(x)}" y="${n(barTop + BAR - 4)}" width="${n(w)}" height="4" fill-opacity="${n(0.3 + 0.7 * Math.min(1, crit / length))}"/>`,
      );
    }
  }
  return out.join('');
}

/** GPU-hours the host has over [0, t): the integral of the capacity steps. */
function capacityHours(
  steps: readonly { from: number; capacity: number }[],
): (t: number) => number {
  const sorted = [...steps].sort((p, q) => p.from - q.from);
  const at = Float64Array.from(sorted, (s) => Math.max(0, s.from));
  // Integral up to each step's start.
  const acc = new Float64Array(sorted.length);
  for (let k = 1; k < sorted.length; k++)
    acc[k] = acc[k - 1]! + sorted[k - 1]!.capacity * (at[k]! - at[k - 1]!);
  return (t: number): number => {
    const k = atOrBelow(at, t) - 1;
    if (k < 0) return 0;
    return acc[k]! + sorted[k]!.capacity * (t - at[k]!);
  };
}

/** The GPU lane of a summarised Gantt: GPU-hours in use per period, of those the host has. */
function gpuLoadLane(
  plan: DatedTeamPlan,
  risk: ProjectRisk,
  periods: readonly Period[],
  ax: Axis,
  y: number,
): string {
  const LANE = 34;
  const out: string[] = [`<g class="lane gpu-lane" data-engineer="gpu">`];
  out.push(
    `<rect class="lane-bg" x="${n(ax.x0)}" y="${n(y)}" width="${n(ax.width)}" height="${LANE}"/>`,
  );
  out.push(`<text class="lane-id" x="6" y="${n(y + LANE / 2 + 4)}">GPUs in use</text>`);
  const used = new Load(
    plan.activities
      .map((a) => ({ start: a.start, end: a.end, weight: a.demand['gpu'] ?? 0 }))
      .filter((u) => u.weight > 0 && u.end > u.start),
  );
  const have = capacityHours(risk.gpu);
  for (const p of periods) {
    const x = ax.x(p.from);
    const w = ax.x(p.to) - x;
    const cap = have(p.to) - have(p.from);
    if (cap <= 1e-9) {
      out.push(
        `<rect class="gpu-none" x="${n(x)}" y="${n(y + 4)}" width="${n(w)}" height="${LANE - 8}"><title>${esc(`${p.tick.name}: no GPU on the host`)}</title></rect>`,
      );
      continue;
    }
    const gpuHours = used.before(p.to) - used.before(p.from);
    if (gpuHours <= 1e-9) continue;
    const share = Math.min(1, gpuHours / cap);
    out.push(
      `<rect class="gpu-usage" data-share="${n(share)}" x="${n(x)}" y="${n(y + 4)}" width="${n(w)}" height="${LANE - 8}" fill-opacity="${n(0.2 + 0.8 * share)}">` +
        `<title>${esc(`${p.tick.name}: ${tenth(gpuHours)} of ${tenth(cap)} GPU-hours in use (${Math.round(share * 100)} %)`)}</title></rect>`,
    );
  }
  out.push('</g>');
  return out.join('');
}

/** GPU arrivals and the deadline over every lane, their labels in rows under the chart. */
function ganttMarkers(
  risk: ProjectRisk,
  ax: Axis,
  top: number,
  bottom: number,
): { svg: string; rows: number } {
  const lines: string[] = [];
  const labels: { cls: string; text: string; left: number; right: number }[] = [];
  const label = (cls: string, text: string, x: number, anchorEnd: boolean): void => {
    const w = textWidth(text, FONT, true);
    const l = anchorEnd ? x - w : x;
    labels.push({ cls, text, left: l, right: l + w });
  };
  const gpus = (c: number): string => `${c} GPU${c === 1 ? '' : 's'}`;
  for (const s of risk.gpu) {
    if (s.from <= 0 || s.from > ax.max) continue;
    const x = ax.x(s.from);
    lines.push(
      `<line class="arrival" data-gpus="${s.capacity}" x1="${n(x)}" y1="${n(top - 2)}" x2="${n(x)}" y2="${n(bottom + 4)}"/>`,
    );
    label('arrival-label', `${gpus(s.capacity)} from here`, x + 4, false);
  }
  const early = risk.gpu.find((s) => s.from <= 0 && s.capacity > 0);
  if (early !== undefined)
    label('arrival-label', `${gpus(early.capacity)} from day 1`, ax.x0 + 4, false);
  if (risk.deadline !== undefined) {
    const dl = risk.deadline;
    if (dl.hours <= ax.max) {
      const x = ax.x(dl.hours);
      lines.push(
        `<line class="deadline" x1="${n(x)}" y1="${n(top - 2)}" x2="${n(x)}" y2="${n(bottom + 4)}"/>`,
      );
      label('deadline-label', 'deadline', x - 4, true);
    } else {
      label('deadline-label', `deadline ${dayName(dl.date)} →`, ax.x0 + ax.width, true);
    }
  }
  labels.sort((p, q) => p.left - q.left);
  const rows = placeInRows(labels, 8);
  const texts = labels.map(
    (l, k) =>
      `<text class="${l.cls}" x="${n(l.left)}" y="${n(bottom + 16 + rows[k]!.row * MARK_ROW)}">${esc(l.text)}</text>`,
  );
  const used = rows.reduce((m, r) => Math.max(m, r.row + 1), 0);
  return { svg: [...lines, ...texts].join(''), rows: used };
}

function bar(l: BarLabel, ax: Axis, laneTop: number): string {
  const a = l.a;
  const x1 = ax.x(a.start);
  const w = Math.max(1, ax.x(a.end) - x1);
  const cls = `bar ${a.hardware}${a.critical ? ' critical' : ''}`;
  const tip = `${a.id}: ${a.title}\n${dateTimeName(a.startDate)} → ${dateTimeName(a.endDate)} (${fmtHours(a.duration)} h)${a.critical ? '\ncritical chain' : ''}`;
  const barTop = laneTop + PAD;
  const y = l.row < 0 ? barTop + BAR / 2 + 3.5 : barTop + BAR + 3 + (l.row + 1) * LABEL_ROW - 3;
  return (
    `<g class="activity" data-id="${esc(a.id)}"><rect class="${cls}" x="${n(x1)}" y="${n(barTop)}" width="${n(w)}" height="${BAR}" rx="3">` +
    `<title>${esc(tip)}</title></rect>` +
    `<text class="bar-label${l.row < 0 ? '' : ' under'}" x="${n(l.left)}" y="${n(y)}">${esc(a.id)}</text></g>`
  );
}

/** The GPU lane: hatched where the host has no GPU, green with opacity = GPUs in use / GPUs there. */
function gpuLane(plan: DatedTeamPlan, risk: ProjectRisk, ax: Axis, y: number): string {
  const LANE = 34;
  const out: string[] = [`<g class="lane gpu-lane" data-engineer="gpu">`];
  out.push(
    `<rect class="lane-bg" x="${n(ax.x0)}" y="${n(y)}" width="${n(ax.width)}" height="${LANE}"/>`,
  );
  out.push(`<text class="lane-id" x="6" y="${n(y + LANE / 2 + 4)}">GPUs in use</text>`);
  const uses = plan.activities
    .map((a) => ({ a, g: a.demand['gpu'] ?? 0 }))
    .filter((u) => u.g > 0 && u.a.end > u.a.start);
  const points = new Set<number>([0, ax.max]);
  for (const s of risk.gpu) if (s.from < ax.max) points.add(Math.max(0, s.from));
  for (const { a } of uses) {
    points.add(a.start);
    points.add(a.end);
  }
  const ts = [...points].filter((t) => t <= ax.max).sort((p, q) => p - q);
  // One sweep over the points: the capacity step and the uses running, each use added where it
  // starts and dropped where it ends (every start and end is a point, so a use runs over
  // [a, b) exactly when it started by a and has not ended by a).
  const steps = [...risk.gpu].sort((p, q) => p.from - q.from);
  const byStart = uses.map((_, k) => k).sort((p, q) => uses[p]!.a.start - uses[q]!.a.start);
  const byEnd = uses.map((_, k) => k).sort((p, q) => uses[p]!.a.end - uses[q]!.a.end);
  const running = new Set<number>();
  let step = 0;
  let cap = 0;
  let started = 0;
  let ended = 0;
  for (let k = 0; k + 1 < ts.length; k++) {
    const a = ts[k]!;
    const b = ts[k + 1]!;
    while (started < byStart.length && uses[byStart[started]!]!.a.start <= a)
      running.add(byStart[started++]!);
    while (ended < byEnd.length && uses[byEnd[ended]!]!.a.end <= a) running.delete(byEnd[ended++]!);
    if (b - a < 1e-9) continue;
    const mid = (a + b) / 2;
    while (step < steps.length && steps[step]!.from <= mid + 1e-9) cap = steps[step++]!.capacity;
    const x = ax.x(a);
    const w = ax.x(b) - x;
    if (cap <= 0) {
      out.push(
        `<rect class="gpu-none" x="${n(x)}" y="${n(y + 4)}" width="${n(w)}" height="${LANE - 8}"><title>no GPU on the host</title></rect>`,
      );
      continue;
    }
    // In plan order, as the tooltip always listed them.
    const now = [...running].sort((p, q) => p - q);
    let used = 0;
    const who: string[] = [];
    for (const i of now) {
      used += uses[i]!.g;
      who.push(uses[i]!.a.id);
    }
    if (used <= 0) continue;
    const share = Math.min(1, used / cap);
    out.push(
      `<rect class="gpu-usage" data-used="${used}" data-capacity="${cap}" x="${n(x)}" y="${n(y + 4)}" width="${n(w)}" height="${LANE - 8}" fill-opacity="${n(0.2 + 0.8 * share)}">` +
        `<title>${esc(`${used} of ${cap} GPUs: ${who.join(', ')}`)}</title></rect>`,
    );
  }
  out.push('</g>');
  return out.join('');
}

/** A line across the histogram (plan, percentile, deadline) and its label. */
interface Mark {
  readonly cls: string;
  readonly hours: number;
  readonly label: string;
}

/**
 * Rows for the histogram's marker labels, above the plot, one label a row: labels that read to
 * the right of their line take rows from the plot up in order of decreasing position, so a line
 * rising to its label passes only labels that start right of it; labels that would leave the
 * chart read to the left of their line, in rows above those, in order of increasing position.
 */
function markRows(marks: readonly Mark[], x: (h: number) => number, right: number) {
  const placed = marks.map((m) => {
    const at = x(m.hours);
    const w = textWidth(m.label, FONT, true);
    const toLeft = at + 3 + w > right;
    return { m, at, toLeft, left: toLeft ? at - 3 - w : at + 3 };
  });
  const rightward = placed.filter((p) => !p.toLeft).sort((p, q) => q.at - p.at);
  const leftward = placed.filter((p) => p.toLeft).sort((p, q) => p.at - q.at);
  return [...rightward, ...leftward].map((p, row) => ({ ...p, row }));
}

function histogramSvg(risk: ProjectRisk, t: TeamRisk): string {
  const r = t.mc.result;
  const bins = histogram(r.sorted, 40);
  const left = 60;
  // The axis spans the samples and the plan; a deadline far off is named at the edge instead.
  const lo = Math.min(r.min, t.plan.hours);
  const hi = Math.max(r.max, t.plan.hours);
  const pad = Math.max(1, (hi - lo) * 0.08);
  const from = Math.max(0, lo - pad);
  const to = hi + pad;
  const ax = { x: (h: number) => left + ((h - from) / (to - from)) * (WIDTH - left - 10) };
  const marks: Mark[] = [
    { cls: 'plan-line', hours: t.plan.hours, label: 'plan' },
    { cls: 'pline p50', hours: t.p50.hours, label: `P50 ${dateTimeName(t.p50.at)}` },
    { cls: 'pline p80', hours: t.p80.hours, label: `P80 ${dateTimeName(t.p80.at)}` },
    { cls: 'pline p95', hours: t.p95.hours, label: `P95 ${dateTimeName(t.p95.at)}` },
  ];
  let edge = '';
  if (risk.deadline !== undefined) {
    const p = r.deadline?.probability ?? 0;
    const label = `deadline ${dayName(risk.deadline.date)}: ${odds(p)} of samples on time`;
    if (risk.deadline.hours >= from && risk.deadline.hours <= to) {
      marks.push({ cls: 'deadline', hours: risk.deadline.hours, label });
    } else {
      edge = risk.deadline.hours > to ? `${label} →` : `← ${label}`;
    }
  }
  const rows = markRows(marks, ax.x, WIDTH - 6);
  const band = (rows.length + (edge === '' ? 0 : 1)) * MARK_ROW + 6;
  const top = band + 8;
  const base = top + 150;
  const height = base + 40;
  const most = Math.max(1, ...bins.map((b) => b.count));
  const out: string[] = [];
  out.push(
    `<svg class="histogram" data-team="${esc(t.label)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Finish-date histogram for team ${esc(t.label)}">`,
  );
  out.push(histogramAxis(risk, ax.x, from, to, top, base));
  out.push(`<text x="6" y="${base}">samples</text>`);
  out.push(`<text x="6" y="${top + 10}">${most}</text>`);
  for (const b of bins) {
    const x = ax.x(b.from);
    const w = Math.max(1, ax.x(b.to) - x - 1);
    const h = ((base - top) * b.count) / most;
    out.push(
      `<rect class="hist-bar" x="${n(x)}" y="${n(base - h)}" width="${n(w)}" height="${n(h)}"><title>${esc(`${fmtHours(Math.round(b.from * 10) / 10)}–${fmtHours(Math.round(b.to * 10) / 10)} h: ${b.count} samples`)}</title></rect>`,
    );
  }
  // Row 0 sits just above the plot; later rows stack upwards.
  const rowY = (row: number): number => top - 6 - row * MARK_ROW;
  for (const p of rows) {
    out.push(
      `<line class="${p.m.cls}" x1="${n(p.at)}" y1="${n(rowY(p.row) - 9)}" x2="${n(p.at)}" y2="${base}"/>` +
        `<text x="${n(p.left)}" y="${n(rowY(p.row))}" class="${p.m.cls.split(' ').pop()!}-label">${esc(p.m.label)}</text>`,
    );
  }
  if (edge !== '') {
    const right = edge.endsWith('→');
    out.push(
      `<text class="deadline-label" x="${right ? WIDTH - 12 : left + 4}" y="${n(rowY(rows.length))}" text-anchor="${right ? 'end' : 'start'}">` +
        `${esc(edge)}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

/**
 * The histogram's gridlines with dates (a line a working day, or a week, month, quarter or year
 * on a wide spread: see axisTicks), and its hour ticks, at most 14 of them.
 */
function histogramAxis(
  risk: ProjectRisk,
  x: (h: number) => number,
  from: number,
  to: number,
  top: number,
  base: number,
): string {
  const H = risk.hoursPerDay;
  const out: string[] = ['<g class="axis">'];
  let lastRight = -Infinity;
  let lastYear = '';
  // Working days d with from <= d·H <= to.
  const lo = Math.ceil(from / H);
  let hi = Math.floor(to / H);
  if ((hi + 1) * H <= to) hi++;
  if (hi * H > to) hi--;
  const axis = axisTicks(risk.calendar, lo, hi, false);
  for (const t of axis.ticks) {
    const at = x(t.day * H);
    out.push(`<line class="grid" x1="${n(at)}" y1="${top}" x2="${n(at)}" y2="${base}"/>`);
    const label = axis.unit === 'day' ? dayName(t.date) : t.year === lastYear ? t.short : t.long;
    if (at + 3 < lastRight + 8 || at + 3 + textWidth(label, FONT) > WIDTH) continue;
    out.push(`<text x="${n(at + 3)}" y="${base + 14}">${esc(label)}</text>`);
    lastRight = at + 3 + textWidth(label, FONT);
    lastYear = t.year;
  }
  const span = to - from;
  const tick = hourStep(span);
  for (let h = Math.ceil(from / tick) * tick; h <= to; h += tick) {
    const at = x(h);
    out.push(`<line class="grid" x1="${n(at)}" y1="${base}" x2="${n(at)}" y2="${base + 4}"/>`);
    // A label that would leave the chart (a wide number at its edge) is left out.
    const label = `${fmtHours(h)} h`;
    const half = textWidth(label, FONT) / 2;
    if (at - half < 0 || at + half > WIDTH) continue;
    out.push(`<text x="${n(at)}" y="${base + 28}" text-anchor="middle">${label}</text>`);
  }
  out.push('</g>');
  return out.join('');
}

/**
 * The histogram's hour step: the first of 0.25, 0.5, 1, 2, 4, 8, 16, 40, 80, then 160, 400,
 * 800 and on by tens, that gives at most 14 ticks over `span` hours.
 */
function hourStep(span: number): number {
  const small = [0.25, 0.5, 1, 2, 4, 8, 16, 40, 80].find((st) => span / st <= 14);
  if (small !== undefined) return small;
  for (let scale = 10; ; scale *= 10) {
    for (const m of [16, 40, 80]) if (span / (m * scale) <= 14) return m * scale;
  }
}

/** Rows of the criticality table at most: the most critical tasks; the page says how many more. */
export const CRITICALITY_ROWS = 200;

function criticalityTable(t: TeamRisk, project: Project): string {
  const title = new Map(project.tasks.map((x) => [x.id, x]));
  const sorted = [...t.mc.result.groups].sort(
    (a, b) => b.criticality - a.criticality || b.spearman - a.spearman,
  );
  const rest = sorted.length - CRITICALITY_ROWS;
  const rows = sorted.slice(0, CRITICALITY_ROWS).map((g) => {
    const task = title.get(g.id);
    return (
      `<tr><td>${esc(g.id)}</td><td>${esc(task?.title ?? '')}</td><td>${esc(task?.risk ?? '')}</td>` +
      `<td class="num">${Math.round(g.criticality * 100)} %</td><td class="num">${g.spearman.toFixed(2)}</td>` +
      `<td class="num">${fmtHours(Math.round(g.meanDuration * 10) / 10)}</td></tr>`
    );
  });
  const note =
    rest > 0
      ? [
          `<p class="note criticality-note">The ${CRITICALITY_ROWS} most critical of ${grouped(sorted.length)} tasks; ` +
            `the other ${grouped(rest)} rank below them, each critical in at most ${Math.round(sorted[CRITICALITY_ROWS]!.criticality * 100)} % of samples ` +
            '(`critpath plan --monte-carlo --json` lists them all).</p>',
        ]
      : [];
  return [
    ...note,
    `<table class="criticality" data-team="${esc(t.label)}">`,
    '<thead><tr><th>Task</th><th>Title</th><th>Risk</th><th>Critical in</th><th>ρ with finish</th><th>Mean h</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody>`,
    '</table>',
  ].join('\n');
}
