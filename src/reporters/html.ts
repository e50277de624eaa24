import type { DatedActivity, DatedTeamPlan } from '../app/plan-team.js';
import { workingDate } from '../calendar/calendar.js';
import type { Project } from '../model/project.js';
import { fmtHours } from './format.js';
import { histogram, methodNote, odds } from './risk.js';
import type { ProjectRisk, TeamRisk } from '../app/risk.js';
import { dateTimeName, dayName } from './team-common.js';

/**
 * The HTML report: one self-contained file (inline CSS and SVG; no scripts, fonts or network).
 * Per team: a Gantt chart with one lane per engineer and a GPU lane shaded by the share of GPUs
 * in use, the critical chain highlighted, GPU arrivals and the deadline marked; then the
 * histogram of the Monte Carlo finish with its P50/P80/P95 lines. The output depends only on
 * its inputs (no timestamps), so a committed report stays byte-stable for a seed.
 */

export interface HtmlReportInput {
  readonly project: Project;
  readonly plans: readonly DatedTeamPlan[];
  readonly risk: ProjectRisk;
  /** Extra sections (already HTML), e.g. the decision matrix. */
  readonly extra?: string;
}

export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Numbers in SVG attributes: short and locale-free. */
function n(x: number): string {
  return String(Math.round(x * 100) / 100);
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1240px; padding: 0 16px; color: #1d2330; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d8dce4; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.note { color: #5a6375; margin: 4px 0 10px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e6e9ef; text-align: left; vertical-align: top; }
th { background: #f4f6f9; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg { display: block; margin: 6px 0 14px; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #1d2330; }
svg .axis text { fill: #5a6375; }
svg .grid { stroke: #e6e9ef; stroke-width: 1; }
svg .week { stroke: #aab2c0; stroke-width: 1.5; }
svg .lane-bg { fill: #fafbfc; stroke: #e6e9ef; }
svg .bar { stroke: #ffffff; stroke-width: 1; }
svg .bar.macbook { fill: #7aa6d8; }
svg .bar.gpu { fill: #8fc79a; }
svg .bar.critical { stroke: #c0392b; stroke-width: 2.5; }
svg .bar.critical.macbook { fill: #e8846f; }
svg .bar.critical.gpu { fill: #e0a458; }
svg .bar-label { font-size: 10px; fill: #10141c; pointer-events: none; }
svg .gpu-none { fill: url(#nogpu); }
svg .gpu-usage { fill: #2e8b57; }
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
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin-right: 4px; border-radius: 2px; }
`;

/** Renders the report. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { project, plans, risk } = input;
  const parts: string[] = [];
  parts.push('<!DOCTYPE html>');
  parts.push('<html lang="en">');
  parts.push('<head>');
  parts.push('<meta charset="utf-8">');
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push(
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
  );
  parts.push(`<title>${esc(project.name)}: plan and schedule risk</title>`);
  parts.push(`<style>${CSS}</style>`);
  parts.push('</head>');
  parts.push('<body>');
  parts.push(`<h1>${esc(project.name)}: plan and schedule risk</h1>`);
  if (project.description !== undefined)
    parts.push(`<p class="note">${esc(project.description)}</p>`);
  parts.push(
    `<p class="note">Start ${esc(dayName(risk.startDate))} · ${fmtHours(risk.hoursPerDay)} working hours a day` +
      (risk.deadline === undefined ? '' : ` · deadline ${esc(dayName(risk.deadline.date))}`) +
      ` · Monte Carlo: ${risk.samples.toLocaleString('en-US')} samples, seed ${risk.seed}.</p>`,
  );
  parts.push(`<p class="note">${esc(methodNote())}</p>`);
  parts.push(summaryTable(risk));
  if (input.extra !== undefined) parts.push(input.extra);
  for (const [k, t] of risk.teams.entries()) {
    const plan = plans[k];
    parts.push(`<section class="team" id="team-${esc(t.label)}" data-team="${esc(t.label)}">`);
    parts.push(`<h2>Team ${esc(t.label)}: ${esc(t.engineers.join(', '))}</h2>`);
    if (plan !== undefined) {
      parts.push(`<h3>Plan on expected hours: ends ${esc(dateTimeName(t.plan.at))}</h3>`);
      parts.push(legend());
      parts.push(gantt(plan, risk, t));
    }
    parts.push(
      `<h3>Finish over ${risk.samples.toLocaleString('en-US')} samples: P50 ${esc(dateTimeName(t.p50.at))}, ` +
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

/** Day gridlines with dates, thicker lines where a week starts. */
function dayAxis(risk: ProjectRisk, ax: Axis, top: number, bottom: number): string {
  const H = risk.hoursPerDay;
  const days = Math.ceil(ax.max / H);
  const out: string[] = ['<g class="axis">'];
  const every = days > 40 ? 5 : days > 20 ? 2 : 1;
  let prevWeek = '';
  for (let d = 0; d <= days; d++) {
    const x = ax.x(d * H);
    const date = workingDate(risk.calendar, d);
    const week = weekKey(date);
    const cls = d > 0 && week !== prevWeek ? 'week' : 'grid';
    prevWeek = week;
    out.push(`<line class="${cls}" x1="${n(x)}" y1="${n(top)}" x2="${n(x)}" y2="${n(bottom)}"/>`);
    if (d < days && d % every === 0) {
      out.push(
        `<text x="${n(x + 3)}" y="${n(top - 6)}">${esc(d === 0 ? dayName(date) : shortDay(date))}</text>`,
      );
    }
  }
  out.push('</g>');
  return out.join('');
}

/** `Mon 30`: weekday and day of the month (the month is in the titles). */
function shortDay(date: string): string {
  return dayName(date).split(' ').slice(0, 2).join(' ');
}

/** The Monday of a date's week, as a key. */
function weekKey(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - dow);
  return d.toISOString().slice(0, 10);
}

const LANE = 34;
const LEFT = 150;
const WIDTH = 1040;

function gantt(plan: DatedTeamPlan, risk: ProjectRisk, t: TeamRisk): string {
  const max = Math.max(plan.makespan, t.p95.hours, risk.deadline?.hours ?? 0) * 1.02 || 1;
  const ax = axisFor(max, LEFT, WIDTH - LEFT - 10);
  const top = 30;
  const lanes = plan.engineers.length + 1;
  const height = top + lanes * LANE + 30;
  const out: string[] = [];
  out.push(
    `<svg class="gantt" data-team="${esc(t.label)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Gantt chart for team ${esc(t.label)}">`,
  );
  out.push(
    '<defs><pattern id="nogpu" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
      '<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c8ccd4" stroke-width="3"/></pattern></defs>',
  );
  out.push(dayAxis(risk, ax, top, top + lanes * LANE));
  plan.engineers.forEach((m, k) => {
    const y = top + k * LANE;
    out.push(`<g class="lane" data-engineer="${esc(m.id)}">`);
    out.push(
      `<rect class="lane-bg" x="${LEFT}" y="${n(y)}" width="${n(ax.width)}" height="${LANE}"/>`,
    );
    out.push(
      `<text x="6" y="${n(y + LANE / 2 + 4)}">${esc(m.id)}${m.name !== m.id ? ` · ${esc(short(m.name, 18))}` : ''}</text>`,
    );
    for (const a of plan.activities.filter((x) => x.assignee === m.id)) out.push(bar(a, ax, y));
    out.push('</g>');
  });
  out.push(gpuLane(plan, risk, ax, top + plan.engineers.length * LANE));
  // Markers: GPU arrivals and the deadline, over every lane.
  const bottom = top + lanes * LANE;
  for (const s of risk.gpu) {
    if (s.from <= 0 || s.from > max) continue;
    const x = ax.x(s.from);
    out.push(
      `<line class="arrival" data-gpus="${s.capacity}" x1="${n(x)}" y1="${n(top - 2)}" x2="${n(x)}" y2="${n(bottom + 4)}"/>` +
        `<text class="arrival-label" x="${n(x + 4)}" y="${n(bottom + 16)}">${s.capacity} GPU${s.capacity === 1 ? '' : 's'} from here</text>`,
    );
  }
  const early = risk.gpu.find((s) => s.from <= 0 && s.capacity > 0);
  if (early !== undefined) {
    out.push(
      `<text class="arrival-label" x="${LEFT + 4}" y="${n(bottom + 16)}">${early.capacity} GPU${early.capacity === 1 ? '' : 's'} from day 1</text>`,
    );
  }
  if (risk.deadline !== undefined && risk.deadline.hours <= max) {
    const x = ax.x(risk.deadline.hours);
    out.push(
      `<line class="deadline" x1="${n(x)}" y1="${n(top - 2)}" x2="${n(x)}" y2="${n(bottom + 4)}"/>` +
        `<text class="deadline-label" x="${n(x - 4)}" y="${n(bottom + 28)}" text-anchor="end">deadline</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

function short(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function bar(a: DatedActivity, ax: Axis, y: number): string {
  const x1 = ax.x(a.start);
  const x2 = ax.x(a.end);
  const w = Math.max(1, x2 - x1);
  const cls = `bar ${a.hardware}${a.critical ? ' critical' : ''}`;
  const tip = `${a.id}: ${a.title}\n${dateTimeName(a.startDate)} → ${dateTimeName(a.endDate)} (${fmtHours(a.duration)} h)${a.critical ? '\ncritical chain' : ''}`;
  const label =
    w > a.id.length * 6 + 4
      ? `<text class="bar-label" x="${n(x1 + 3)}" y="${n(y + LANE / 2 + 4)}">${esc(a.id)}</text>`
      : '';
  return (
    `<g class="activity" data-id="${esc(a.id)}"><rect class="${cls}" x="${n(x1)}" y="${n(y + 5)}" width="${n(w)}" height="${LANE - 10}" rx="3">` +
    `<title>${esc(tip)}</title></rect>${label}</g>`
  );
}

/** The GPU lane: hatched where the host has no GPU, green with opacity = GPUs in use / GPUs there. */
function gpuLane(plan: DatedTeamPlan, risk: ProjectRisk, ax: Axis, y: number): string {
  const out: string[] = [`<g class="lane gpu-lane" data-engineer="gpu">`];
  out.push(
    `<rect class="lane-bg" x="${LEFT}" y="${n(y)}" width="${n(ax.width)}" height="${LANE}"/>`,
  );
  out.push(`<text x="6" y="${n(y + LANE / 2 + 4)}">GPUs in use</text>`);
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
  const capAt = (t: number): number => {
    let c = 0;
    for (const s of risk.gpu) if (s.from <= t + 1e-9) c = s.capacity;
    return c;
  };
  for (let k = 0; k + 1 < ts.length; k++) {
    const a = ts[k]!;
    const b = ts[k + 1]!;
    if (b - a < 1e-9) continue;
    const mid = (a + b) / 2;
    const cap = capAt(mid);
    const x = ax.x(a);
    const w = ax.x(b) - x;
    if (cap <= 0) {
      out.push(
        `<rect class="gpu-none" x="${n(x)}" y="${n(y + 4)}" width="${n(w)}" height="${LANE - 8}"><title>no GPU on the host</title></rect>`,
      );
      continue;
    }
    let used = 0;
    const who: string[] = [];
    for (const u of uses) {
      if (u.a.start <= mid && mid < u.a.end) {
        used += u.g;
        who.push(u.a.id);
      }
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

function histogramSvg(risk: ProjectRisk, t: TeamRisk): string {
  const r = t.mc.result;
  const bins = histogram(r.sorted, 40);
  const height = 220;
  const top = 30;
  const base = height - 40;
  // The axis spans the samples and the plan; a deadline far off is named at the edge instead.
  const lo = Math.min(r.min, t.plan.hours);
  const hi = Math.max(r.max, t.plan.hours);
  const pad = Math.max(1, (hi - lo) * 0.08);
  const from = Math.max(0, lo - pad);
  const to = hi + pad;
  const ax = { x: (h: number) => LEFT + ((h - from) / (to - from)) * (WIDTH - LEFT - 10) };
  const most = Math.max(1, ...bins.map((b) => b.count));
  const out: string[] = [];
  out.push(
    `<svg class="histogram" data-team="${esc(t.label)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Finish-date histogram for team ${esc(t.label)}">`,
  );
  // Day gridlines with dates.
  const H = risk.hoursPerDay;
  out.push('<g class="axis">');
  const d0 = Math.floor(from / H);
  const d1 = Math.ceil(to / H);
  const step = d1 - d0 > 20 ? Math.ceil((d1 - d0) / 20) : 1;
  for (let d = d0; d <= d1; d += step) {
    const x = ax.x(d * H);
    if (x < LEFT - 1 || x > WIDTH) continue;
    out.push(`<line class="grid" x1="${n(x)}" y1="${top}" x2="${n(x)}" y2="${base}"/>`);
    out.push(
      `<text x="${n(x + 3)}" y="${base + 14}">${esc(dayName(workingDate(risk.calendar, d)))}</text>`,
    );
  }
  const span = to - from;
  const tick = [0.25, 0.5, 1, 2, 4, 8, 16, 40, 80].find((st) => span / st <= 14) ?? 160;
  for (let h = Math.ceil(from / tick) * tick; h <= to; h += tick) {
    const x = ax.x(h);
    out.push(`<line class="grid" x1="${n(x)}" y1="${base}" x2="${n(x)}" y2="${base + 4}"/>`);
    out.push(`<text x="${n(x)}" y="${base + 28}" text-anchor="middle">${fmtHours(h)} h</text>`);
  }
  out.push(`<text x="6" y="${base}">samples</text>`);
  out.push(`<text x="6" y="${top + 10}">${most}</text>`);
  out.push('</g>');
  for (const b of bins) {
    const x = ax.x(b.from);
    const w = Math.max(1, ax.x(b.to) - x - 1);
    const h = ((base - top) * b.count) / most;
    out.push(
      `<rect class="hist-bar" x="${n(x)}" y="${n(base - h)}" width="${n(w)}" height="${n(h)}"><title>${esc(`${fmtHours(Math.round(b.from * 10) / 10)}–${fmtHours(Math.round(b.to * 10) / 10)} h: ${b.count} samples`)}</title></rect>`,
    );
  }
  const mark = (cls: string, h: number, label: string, row: number): void => {
    const x = ax.x(h);
    out.push(
      `<line class="${cls}" x1="${n(x)}" y1="${top - 4}" x2="${n(x)}" y2="${base}"/>` +
        `<text x="${n(x + 3)}" y="${top - 8 + row * 12}" class="${cls}-label">${esc(label)}</text>`,
    );
  };
  mark('plan-line', t.plan.hours, 'plan', 0);
  mark('pline p50', t.p50.hours, `P50 ${dateTimeName(t.p50.at)}`, 1);
  mark('pline p80', t.p80.hours, `P80 ${dateTimeName(t.p80.at)}`, 2);
  mark('pline p95', t.p95.hours, `P95 ${dateTimeName(t.p95.at)}`, 3);
  if (risk.deadline !== undefined) {
    const p = r.deadline?.probability ?? 0;
    const label = `deadline ${dayName(risk.deadline.date)}: ${odds(p)} of samples on time`;
    if (risk.deadline.hours >= from && risk.deadline.hours <= to) {
      mark('deadline', risk.deadline.hours, label, 0);
    } else {
      const right = risk.deadline.hours > to;
      out.push(
        `<text class="deadline-label" x="${right ? WIDTH - 12 : LEFT + 4}" y="${top - 8}" text-anchor="${right ? 'end' : 'start'}">` +
          `${esc(right ? `${label} →` : `← ${label}`)}</text>`,
      );
    }
  }
  out.push('</svg>');
  return out.join('\n');
}

function criticalityTable(t: TeamRisk, project: Project): string {
  const title = new Map(project.tasks.map((x) => [x.id, x]));
  const rows = [...t.mc.result.groups]
    .sort((a, b) => b.criticality - a.criticality || b.spearman - a.spearman)
    .map((g) => {
      const task = title.get(g.id);
      return (
        `<tr><td>${esc(g.id)}</td><td>${esc(task?.title ?? '')}</td><td>${esc(task?.risk ?? '')}</td>` +
        `<td class="num">${Math.round(g.criticality * 100)} %</td><td class="num">${g.spearman.toFixed(2)}</td>` +
        `<td class="num">${fmtHours(Math.round(g.meanDuration * 10) / 10)}</td></tr>`
      );
    });
  return [
    `<table class="criticality" data-team="${esc(t.label)}">`,
    '<thead><tr><th>Task</th><th>Title</th><th>Risk</th><th>Critical in</th><th>ρ with finish</th><th>Mean h</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody>`,
    '</table>',
  ].join('\n');
}
