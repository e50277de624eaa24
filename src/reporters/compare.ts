import type { Comparison, CompareRow } from '../app/compare.js';
import type { ClaimCheck } from '../app/claims.js';
import { escapeLine } from './escape.js';
import { fmtHours, grouped } from './format.js';
import type { Column } from './layout.js';
import { fitTableShowing, wrapProse } from './layout.js';
import { odds } from './risk.js';
import { dateTimeName } from './team-common.js';
import type { Output } from './terminal.js';

/**
 * The decision matrix (`plan --compare`): per scenario and team, the calendar end (P50/P80),
 * the effort per engineer, the cost and the time saved against the baseline; and, for a project
 * with a design document, where the computed result agrees or not with what the document claims.
 */

function days(d: number | undefined): string {
  if (d === undefined) return '—';
  const r = Math.round(d * 10) / 10;
  if (Math.abs(r) < 0.05) return '0 d';
  return `${r > 0 ? '' : '−'}${fmtHours(Math.abs(r))} d`;
}

function money(x: number): string {
  return x === 0 ? '$0' : `$${grouped(x)}`;
}

function perEngineer(r: CompareRow): string {
  return r.hoursByEngineer.map((h) => fmtHours(Math.round(h * 10) / 10)).join(' / ') + ' h';
}

function end(iso: string, week: number): string {
  return `${dateTimeName(iso)} (wk ${week})`;
}

export function matrixHeader(withDeadline: boolean): string[] {
  const h = [
    'Scenario',
    'Team',
    'Cost',
    'Plan end',
    'P50 end',
    'P80 end',
    'Effort per engineer',
    'Saved vs baseline, same team (P50)',
    'Odds it saves time',
    'Saved vs baseline solo (P50)',
  ];
  if (withDeadline) h.push('On time');
  return h;
}

export function matrixCells(r: CompareRow, withDeadline: boolean): string[] {
  const cells = [
    escapeLine(r.scenario),
    r.team,
    money(r.cost),
    dateTimeName(r.planEnd),
    end(r.p50End, r.p50Week),
    end(r.p80End, r.p80Week),
    perEngineer(r),
    days(r.savedVsSameTeam),
    r.savedOdds === undefined ? '—' : odds(r.savedOdds),
    days(r.savedVsSolo),
  ];
  if (withDeadline)
    cells.push(r.deadlineProbability === undefined ? '—' : odds(r.deadlineProbability));
  return cells;
}

export function renderCompare(
  cmp: Comparison,
  out: Output,
  checks: readonly ClaimCheck[] = [],
): string {
  const c = out.color;
  const withDeadline = cmp.deadline !== undefined;
  const rows = cmp.rows.map((r) => matrixCells(r, withDeadline));
  const width = out.columns;
  const columns = withDeadline ? TERMINAL_COLUMNS : TERMINAL_COLUMNS.slice(0, -1);
  const table = fitTableShowing(columns, rows, width);
  const lines = [
    c.bold(
      `${escapeLine(cmp.project)}: decision matrix, ${grouped(cmp.samples)} samples per row, seed ${cmp.seed}`,
    ),
    '',
    table.text,
    '',
    ...legendLines(cmp, table.shown),
    '',
    c.bold('Findings'),
    ...findings(cmp).map((f) => `  - ${f}`),
  ];
  if (checks.length > 0) {
    lines.push('', c.bold('Against the design document'));
    for (const n of claimNotes(cmp, checks)) lines.push(`  - ${n}`);
  }
  return lines.map((l) => wrapProse(l, width, l.startsWith('  - ') ? '    ' : '')).join('\n');
}

/**
 * The matrix's columns on a terminal, in matrixHeader's order with shorter headers (the legend
 * says what "Saved" measures): the plan end, the effort split and the saving against solo give
 * way on a narrow terminal, and the P50/P80 ends wrap their week onto a second line.
 */
const TERMINAL_COLUMNS: readonly Column[] = [
  { header: 'Scenario' },
  { header: 'Team' },
  { header: 'Cost', align: 'r' },
  { header: 'Plan end', drop: 1 },
  { header: 'P50 end', shrink: 'wrap', min: 16 },
  { header: 'P80 end', shrink: 'wrap', min: 16 },
  { header: 'Effort/engineer', align: 'r', drop: 2 },
  { header: 'Saved', align: 'r' },
  { header: 'Odds', align: 'r', drop: 4 },
  { header: 'Saved vs solo', align: 'r', drop: 3 },
  { header: 'On time', align: 'r' },
];

/** What the columns shown (`shown`, their headers) measure. */
function legendLines(cmp: Comparison, shown: ReadonlySet<string>): string[] {
  return [
    `Ends are dates of the working day (09:00 start); wk = project week. Saved = working days gained at the P50 finish against the baseline with the same team${shown.has('Saved vs solo') ? ' (vs solo: against the baseline with one engineer)' : ''}.`,
    ...(shown.has('Odds')
      ? [
          'Odds: share of samples finishing earlier than the same sample of the baseline with the same team.',
        ]
      : []),
    'Every row uses the same seed, so each sample draws the same task hours in every row (common random numbers).',
    ...(cmp.deadline === undefined
      ? []
      : [`On time: share of samples finishing by the end of ${cmp.deadline}.`]),
  ];
}

/** Plain statements the numbers support, computed (no claims from elsewhere). */
export function findings(cmp: Comparison): string[] {
  const out: string[] = [];
  const row = (s: string, t: string): CompareRow | undefined =>
    cmp.rows.find((r) => r.scenario === s && r.team === t);
  for (const r of cmp.rows) {
    if (r.scenario === 'baseline' || r.teamOnly || r.savedVsSameTeam === undefined) continue;
    const b = row('baseline', r.team);
    if (b === undefined) continue;
    const p80 = b.p80Hours / b.hoursPerDay - r.p80Hours / r.hoursPerDay;
    out.push(
      `${escapeLine(r.scenario)} with team ${r.team} ${effect(r.savedVsSameTeam)} at P50 against baseline with the same team` +
        ` (${effect(p80)} at P80), for ${money(r.cost)}.`,
    );
  }
  const teams = cmp.rows.filter((r) => r.scenario === 'baseline');
  for (let k = 1; k < teams.length; k++) {
    const a = teams[k - 1]!;
    const b = teams[k]!;
    const earlier = a.p50Hours / a.hoursPerDay - b.p50Hours / b.hoursPerDay;
    const moved =
      Math.abs(earlier) < 0.05
        ? 'leaves the P50 end where it is'
        : `brings the P50 end ${days(Math.abs(earlier))} ${earlier > 0 ? 'earlier' : 'later'}`;
    out.push(`baseline: going from team ${a.team} to team ${b.team} ${moved}.`);
  }
  return out;
}

/** What working days saved (negative: lost) do, in words: `saves 1.5 d`, `costs 1.1 d`. */
function effect(saved: number): string {
  if (Math.abs(saved) < 0.05) return 'changes nothing';
  return saved > 0 ? `saves ${days(saved)}` : `costs ${days(-saved)}`;
}

// ---- Markdown, with the design document's claims ----

function wk(x: number): string {
  return `${(Math.round(x * 10) / 10).toFixed(1)} wk`;
}

/** A computed amount in a claim's unit. */
function claimAmount(c: ClaimCheck, x: number): string {
  if (Number.isNaN(x)) return '—';
  if (c.claim.kind === 'saved-hours')
    return `${x < 0 ? '−' : ''}${fmtHours(Math.round(Math.abs(x) * 10) / 10)} h saved`;
  return `${wk(x)}${c.claim.kind === 'saved-weeks' ? ' saved' : ''}`;
}

function mdTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  if (head === undefined) return '';
  const line = (r: readonly string[]): string =>
    `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), `|${head.map(() => '---').join('|')}|`, ...body.map(line)].join('\n');
}

export interface MarkdownOptions {
  /** The design document's claims, checked against the matrix (app/claims.ts). */
  readonly checks?: readonly ClaimCheck[];
  /** The command that regenerates the file, shown at the top. */
  readonly command?: string;
}

export function renderCompareMarkdown(cmp: Comparison, opts: MarkdownOptions = {}): string {
  const withDeadline = cmp.deadline !== undefined;
  const out: string[] = [];
  out.push(`# ${escapeLine(cmp.project)}: decision matrix (computed)`);
  out.push('');
  if (opts.command !== undefined) {
    out.push(`Generated by \`${opts.command}\`; a test regenerates it and fails when it is stale.`);
    out.push('');
  }
  out.push(
    `Every row is a team plan on expected hours plus ${grouped(cmp.samples)} Monte Carlo samples (seed ${cmp.seed}): ` +
      'each sample draws every task from its range (triangular; PERT-beta where `likely` is given; `risk: high` stretches the upper end by 50 % of the range) ' +
      'and is re-scheduled with the engineer and GPU limits. Rows share the seed, so sample s draws the same hours in every row.',
  );
  out.push('');
  out.push(
    mdTable([matrixHeader(withDeadline), ...cmp.rows.map((r) => matrixCells(r, withDeadline))]),
  );
  out.push('');
  out.push(
    'Ends are the working day and time at which the work ends (days start 09:00); wk = project week (week 1 holds the start). ' +
      '"Saved" is the working days gained at the P50 finish; a negative value is a loss.' +
      (withDeadline
        ? ` "On time" is the share of samples finishing by the end of ${cmp.deadline}.`
        : ''),
  );
  out.push('');
  out.push('## What the numbers say');
  out.push('');
  for (const f of findings(cmp)) out.push(`- ${f}`);
  const checks = opts.checks ?? [];
  if (checks.length > 0) {
    out.push('');
    out.push('## Against the design document');
    out.push('');
    out.push(
      mdTable([
        ['Claim', 'Row', 'Computed P50', 'Computed P80', 'Odds it saves time', 'Verdict'],
        ...checks.map((c) => [
          c.claim.source,
          `${c.claim.scenario}, team ${c.claim.team}${c.claim.against ? ` vs ${c.claim.against.scenario}, team ${c.claim.against.team}` : ''}`,
          claimAmount(c, c.p50),
          claimAmount(c, c.p80),
          c.odds === undefined ? '—' : odds(c.odds),
          c.verdict === 'optimistic' || c.verdict === 'pessimistic'
            ? `**${c.verdict}**`
            : c.verdict,
        ]),
      ]),
    );
    out.push('');
    out.push(
      'Weeks here are working time (5 working days of the project calendar) from the start to the end, hours are working hours; ' +
        'a claim within about a day of the computed P50 (or between P50 and P80) counts as agreeing. ' +
        '"Odds it saves time" is the share of samples finishing earlier than the same sample of the row it is compared with.',
    );
    out.push('');
    out.push('## Reading the numbers');
    out.push('');
    for (const n of claimNotes(cmp, checks)) out.push(`- ${n}`);
  }
  return `${out.join('\n')}\n`;
}

export function renderCompareJson(cmp: Comparison): string {
  return JSON.stringify(
    {
      project: cmp.project,
      samples: cmp.samples,
      seed: cmp.seed,
      deadline: cmp.deadline ?? null,
      rows: cmp.rows.map((r) => ({
        scenario: r.scenario,
        description: r.description ?? null,
        team: r.team,
        engineers: r.engineers,
        cost: r.cost,
        plan: { hours: r.planHours, end: r.planEnd },
        p50: { hours: round(r.p50Hours), end: r.p50End, week: r.p50Week, workingDays: r.p50Days },
        p80: { hours: round(r.p80Hours), end: r.p80End, week: r.p80Week, workingDays: r.p80Days },
        hoursByEngineer: r.hoursByEngineer,
        effort: r.effort,
        savedVsSameTeamDays: r.savedVsSameTeam === undefined ? null : round(r.savedVsSameTeam),
        savedVsSoloDays: r.savedVsSolo === undefined ? null : round(r.savedVsSolo),
        deadlineProbability: r.deadlineProbability ?? null,
        drivers: r.drivers,
      })),
    },
    null,
    2,
  );
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/**
 * The reading of the matrix against the claims, computed: one sentence per claim saying what the
 * numbers show, then what specialisation costs (rows with `roles: any` against the same team).
 */
export function claimNotes(cmp: Comparison, checks: readonly ClaimCheck[]): string[] {
  const out: string[] = [];
  for (const c of checks) {
    const row = `${c.claim.scenario} (team ${c.claim.team})`;
    if (c.verdict === 'no data') {
      out.push(`${row}: not in the matrix, so the claim ${c.claim.source} is not checked.`);
      continue;
    }
    const computed = `computed P50 ${claimAmount(c, c.p50)}, P80 ${claimAmount(c, c.p80)}`;
    const chance =
      c.odds === undefined ? '' : `; it finishes earlier in ${odds(c.odds)} of samples`;
    const against = c.claim.against === undefined ? '' : ` against ${c.claim.against.scenario}`;
    const what =
      c.verdict === 'agrees'
        ? 'agrees with the document'
        : c.verdict === 'no figure'
          ? 'the document gives no figure'
          : `the document is ${c.verdict}`;
    out.push(`${row}${against}: ${computed}${chance}; ${what}.`);
  }
  for (const r of cmp.rows) {
    const withRoles = cmp.rows.find(
      (b) => b !== r && b.team === r.team && b.teamOnly && r.scenario.startsWith(`${b.scenario}-`),
    );
    if (withRoles === undefined || r.teamOnly) continue;
    const cost = withRoles.p50Hours / withRoles.hoursPerDay - r.p50Hours / r.hoursPerDay;
    const verdict =
      Math.abs(cost) < 0.05
        ? 'roles cost nothing'
        : cost > 0
          ? `specialisation costs ${days(cost)}`
          : `specialisation saves ${days(-cost)}`;
    out.push(
      `Specialisation, team ${r.team}: ${escapeLine(withRoles.scenario)} (each task to its role) against ${escapeLine(r.scenario)} (anyone does anything): ${verdict} at P50.`,
    );
  }
  return out;
}
