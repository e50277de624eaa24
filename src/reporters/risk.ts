import type { Project } from '../model/project.js';
import type { RiskEntry } from '../planner/engine/monte-carlo.js';
import { DEFAULT_RISK_WIDENING } from '../model/project.js';
import { escapeLine } from './escape.js';
import { fmtDate, fmtHours, grouped, yearsDiffer } from './format.js';
import type { Column } from './layout.js';
import { fitTable, wrapProse } from './layout.js';
import type { ProjectRisk, TeamRisk } from '../app/risk.js';
import { dateTimeName } from './team-common.js';
import type { Output } from './terminal.js';

/**
 * The Monte Carlo report: finish percentiles per team with dates, the odds of meeting the
 * deadline, the criticality index per task and the top risk drivers.
 */

/** `0.83` → `83 %`, with `<1 %` and `>99 %` where rounding would claim certainty. */
export function odds(p: number): string {
  if (p <= 0) return '0 %';
  if (p >= 1) return '100 %';
  if (p < 0.01) return '<1 %';
  if (p > 0.99) return '>99 %';
  return `${Math.round(p * 100)} %`;
}

function when(h: { hours: number; at: string }, year: boolean): string {
  return `${dateTimeName(h.at, year)} (${fmtHours(Math.round(h.hours * 10) / 10)} h)`;
}

/** How the durations were sampled, in one sentence. */
export function methodNote(): string {
  const w = DEFAULT_RISK_WIDENING.high;
  return (
    'Durations: triangular over each range (PERT-beta where `likely` is given); ' +
    `risk: high stretches the upper end by ${Math.round(w * 100)} % of the range. ` +
    'Every sample is re-scheduled with engineer and GPU limits.'
  );
}

/**
 * Whether the table's dates fall in more than one year, so that each names its year: the
 * plan's start with every date the table prints (the deadline, each team's ends), as the team
 * table decides by the plan's start and end.
 */
function tableSpansYears(risk: ProjectRisk): boolean {
  return yearsDiffer([
    risk.startDate,
    ...(risk.deadline !== undefined ? [risk.deadline.date] : []),
    ...risk.teams.flatMap((t) => [t.plan.at, t.p50.at, t.p80.at, t.p95.at]),
  ]);
}

export function renderRisk(risk: ProjectRisk, project: Project, out: Output): string {
  const c = out.color;
  const lines: string[] = [];
  lines.push(
    c.bold(
      `${escapeLine(risk.project)}: Monte Carlo, ${grouped(risk.samples)} samples, seed ${risk.seed}`,
    ),
  );
  lines.push(methodNote());
  lines.push('');
  const dl = risk.deadline;
  const year = tableSpansYears(risk);
  const head = ['Team', 'Plan (expected)', 'P50', 'P80', 'P95', 'Mean ± sd'];
  if (dl !== undefined) head.push(`By ${fmtDate(dl.date.slice(0, 10), year)}`);
  const rows: string[][] = [];
  for (const t of risk.teams) {
    const row = [
      t.label,
      when(t.plan, year),
      when(t.p50, year),
      when(t.p80, year),
      when(t.p95, year),
      `${fmtHours(Math.round(t.mean * 10) / 10)} ± ${fmtHours(Math.round(t.stdDev * 10) / 10)} h`,
    ];
    if (dl !== undefined) row.push(odds(t.mc.result.deadline?.probability ?? 0));
    rows.push(row);
  }
  const columns: Column[] = head.map((h, i) =>
    i === 0
      ? { header: h }
      : i <= 4
        ? {
            header: h,
            shrink: 'wrap',
            min: 25,
            ...(i === 1 || i === 4 ? { drop: i === 4 ? 1 : 2 } : {}),
          }
        : { header: h, align: 'r', ...(i === 5 ? { drop: 3 } : {}) },
  );
  lines.push(fitTable(columns, rows, out.columns));
  if (dl !== undefined) {
    const day = fmtDate(dl.date.slice(0, 10), year);
    lines.push(
      dl.hours > 0
        ? `Deadline ${day} = end of working hour ${fmtHours(dl.hours)}; the last column is the share of samples finishing by then.`
        : `Deadline ${day} is before the project's first working day: the last column is the share of samples finishing by then (none with work to do).`,
    );
  }
  lines.push('');
  lines.push(c.bold('Criticality index and risk drivers per task'));
  lines.push(
    'crit: share of samples in which the task is on the critical chain; ρ: Spearman correlation of its hours with the finish.',
  );
  lines.push(criticalityTable(risk.teams, project, out.columns));
  lines.push(
    'The two measure different things: a task that is rarely critical can still move the finish when it runs long (ρ > 0 with crit 0 %: its overrun pushes later work), and an always-critical task with a narrow range barely moves it.',
  );
  lines.push('');
  lines.push(c.bold('Top risk drivers'));
  for (const t of risk.teams) {
    const d = t.mc.result.drivers.map((e) => `${e.id} (ρ ${e.spearman.toFixed(2)})`);
    lines.push(`  team ${t.label}: ${d.length === 0 ? noDrivers(t.mc.result) : d.join(', ')}`);
  }
  return lines.map((l) => wrapProse(l, out.columns, '  ')).join('\n');
}

/**
 * Why a team has no risk driver (no task whose hours rise with the finish): the finish is the
 * same in every sample (no duration varies, or none that moves it), or it varies but no task's
 * hours rank with it.
 */
export function noDrivers(r: { readonly min: number; readonly max: number }): string {
  return r.min === r.max
    ? 'none (the finish is the same in every sample)'
    : "none (no task's hours rise with the finish)";
}

function criticalityTable(teams: readonly TeamRisk[], project: Project, width: number): string {
  const taskById = new Map(project.tasks.map((t) => [t.id, t]));
  const head = [
    'Task',
    'Risk',
    ...teams.flatMap((t) => [`crit ${t.label}`, `ρ ${t.label}`]),
    'Title',
  ];
  const ids = teams[0]?.mc.result.groups.map((g) => g.id) ?? [];
  const byTeam = teams.map((t) => new Map(t.mc.result.groups.map((g) => [g.id, g])));
  const score = (id: string): number => Math.max(...byTeam.map((m) => m.get(id)?.criticality ?? 0));
  const sorted = [...ids].sort((a, b) => score(b) - score(a) || ids.indexOf(a) - ids.indexOf(b));
  const rows: string[][] = [];
  for (const id of sorted) {
    const cells = byTeam.flatMap((m) => {
      const e: RiskEntry | undefined = m.get(id);
      return e === undefined ? ['—', '—'] : [pctCell(e.criticality), e.spearman.toFixed(2)];
    });
    const task = taskById.get(id);
    rows.push([id, task?.risk ?? '', ...cells, escapeLine(task?.title ?? '')]);
  }
  const columns: Column[] = head.map((h, i) =>
    i === 0
      ? { header: h }
      : i === head.length - 1
        ? { header: h, shrink: 'elide', min: 12, drop: 1 }
        : i === 1
          ? { header: h, drop: 2 }
          : { header: h, align: 'r' },
  );
  return fitTable(columns, rows, width);
}

function pctCell(x: number): string {
  return `${Math.round(x * 100)} %`;
}

/** The Monte Carlo results as JSON (no per-sample arrays beyond a histogram). */
export function riskJson(risk: ProjectRisk, bins = 40): Record<string, unknown> {
  return {
    project: risk.project,
    samples: risk.samples,
    seed: risk.seed,
    unit: 'hour',
    startDate: risk.startDate,
    hoursPerDay: risk.hoursPerDay,
    deadline: risk.deadline ?? null,
    teams: risk.teams.map((t) => ({
      team: t.label,
      engineers: t.engineers,
      plan: t.plan,
      p50: t.p50,
      p80: t.p80,
      p95: t.p95,
      mean: round(t.mean),
      stdDev: round(t.stdDev),
      min: round(t.mc.result.min),
      max: round(t.mc.result.max),
      deadlineProbability: t.mc.result.deadline?.probability ?? null,
      histogram: histogram(t.mc.result.sorted, bins),
      tasks: t.mc.result.groups.map(entryJson),
      activities: t.mc.result.activities.map(entryJson),
      drivers: t.mc.result.drivers.map((d) => d.id),
    })),
  };
}

export function renderRiskJson(risk: ProjectRisk): string {
  return JSON.stringify(riskJson(risk), null, 2);
}

function entryJson(e: RiskEntry): Record<string, unknown> {
  return {
    id: e.id,
    criticality: round(e.criticality),
    spearman: round(e.spearman),
    pearson: round(e.pearson),
    meanHours: round(e.meanDuration),
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Equal-width bins over [min, max] of ascending values: `{ from, to, count }`. */
export function histogram(
  sorted: ArrayLike<number>,
  bins: number,
): { from: number; to: number; count: number }[] {
  const n = sorted.length;
  if (n === 0) return [];
  const lo = sorted[0]!;
  const hi = sorted[n - 1]!;
  if (hi - lo < 1e-9) return [{ from: round(lo), to: round(hi), count: n }];
  const w = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const k = Math.min(bins - 1, Math.floor((sorted[i]! - lo) / w));
    counts[k]! += 1;
  }
  return counts.map((count, k) => ({
    from: round(lo + k * w),
    to: round(lo + (k + 1) * w),
    count,
  }));
}
