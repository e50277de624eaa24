import { join, resolve } from 'node:path';
import { projectRoot } from '../../state/paths.js';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { writeOutputFile } from '../output-file.js';
import { usageError } from '../context.js';
import type { Project } from '../../model/project.js';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import type { TeamSpec } from '../../model/team-spec.js';
import { checkTeamOption, parseTeamListOption } from '../team-option.js';
import type { DatedTeamPlan } from '../../app/plan-team.js';
import { DEFAULT_MAX_SCHEDULES } from '../../app/plan-team.js';
import type { RiskRequest } from '../../app/risk-report.js';
import { riskReport } from '../../app/risk-report.js';
import type { SampleProgress } from '../../app/risk.js';
import type { Forecast } from '../../app/forecast.js';
import { forecastFromState, journalState } from '../../app/forecast.js';
import type { ProjectRunState } from '../../state/run-state.js';
import { journalNotes } from '../../state/run-state.js';
import { renderForecast } from '../../reporters/forecast.js';
import { grouped } from '../../reporters/format.js';
import { renderRisk, renderRiskJson } from '../../reporters/risk.js';
import { HTML_SIGNATURE, renderHtmlReport } from '../../reporters/html.js';
import type { Comparison } from '../../app/compare.js';
import { checkClaims, projectClaims } from '../../app/claims.js';
import type { MarkdownOptions } from '../../reporters/compare.js';
import {
  renderCompare,
  renderCompareJson,
  renderCompareMarkdown,
} from '../../reporters/compare.js';
import { deadlineOption, hoursPerDayOption, wholeNumber } from '../options.js';

/**
 * The risk side of `plan`: `--monte-carlo [N]`, `--deadline`, `--compare` and `--html`.
 * `plan.ts` registers these options (addRiskOptions) and hands over when one is given
 * (runRisk); everything else about `plan` stays there.
 */

/** Samples when `--monte-carlo` is given without a number, or implied by --html/--compare. */
export const DEFAULT_SAMPLES = 10_000;
/** Samples per scenario and team for `--compare` (11 configurations for Epic 1A). */
export const DEFAULT_COMPARE_SAMPLES = 2000;
/**
 * Samples × activities for `--html` alone: each sample re-schedules every activity, so a big
 * plan's report takes fewer (a 10,000-task chain took 85–100 s at 10,000 samples).
 */
export const HTML_SAMPLE_BUDGET = 5_000_000;
/** Samples a report takes at least, however big the plan. */
export const HTML_MIN_SAMPLES = 200;

/**
 * The samples of `--html` without `--monte-carlo`: DEFAULT_SAMPLES, or as many as
 * HTML_SAMPLE_BUDGET allows for `activities` (at least HTML_MIN_SAMPLES). The page says how
 * many; `--monte-carlo N` asks for more.
 */
export function htmlSamples(activities: number): number {
  const fit = Math.floor(HTML_SAMPLE_BUDGET / Math.max(1, activities));
  return Math.max(HTML_MIN_SAMPLES, Math.min(DEFAULT_SAMPLES, fit));
}

export interface RiskCliOptions {
  monteCarlo?: string | boolean;
  deadline?: string;
  compare?: boolean;
  html?: string;
  team?: string;
  json?: boolean;
  format?: string;
  seed: string;
  maxSchedules?: string;
  timeLimit?: string;
  hoursPerDay?: string;
  calibrate?: boolean;
}

/** Adds the risk options to the `plan` command. */
export function addRiskOptions(cmd: Command): Command {
  return cmd
    .option(
      '--monte-carlo [samples]',
      `sample durations and re-schedule each sample (default ${grouped(DEFAULT_SAMPLES)})`,
    )
    .option(
      '--deadline <date>',
      "the date the end and the odds are held against, YYYY-MM-DD (default: the file's deadline)",
    )
    .option('--compare', 'the decision matrix: every scenario and team size, computed')
    .option('--html <file>', 'write a self-contained HTML report (Gantt, GPU use, histogram)')
    .option(
      '--calibrate',
      'with a run journal: scale remaining estimates by the observed actual/estimate ratio per hardware tag',
    );
}

/** True when a risk option was given (then runRisk handles the command). */
export function wantsRisk(opts: RiskCliOptions): boolean {
  return opts.monteCarlo !== undefined || opts.compare === true || opts.html !== undefined;
}

/** The formats each risk view prints in; `--html` alone prints nothing but the file it writes. */
const VIEW_FORMATS: Readonly<Record<string, readonly string[]>> = {
  '--compare': ['table', 'md', 'json'],
  '--monte-carlo': ['table', 'json'],
  '--html': [],
};

/** The plan options that the risk views ignore, and why each does not go with them. */
export interface RiskConflictOptions extends RiskCliOptions {
  scenario?: string;
  cpm?: boolean;
  roles?: string;
  estimate?: string;
  days?: boolean;
}

/**
 * A plan option that the risk views given would ignore, as the one-line error naming both; a
 * `--format`, `--roles` or `--estimate` counts when typed (`typed`), not as its default.
 * Undefined when none.
 */
export function riskConflict(
  opts: RiskConflictOptions,
  typed: { readonly format: boolean; readonly roles: boolean; readonly estimate: boolean },
): string | undefined {
  const views = riskViews(opts);
  const [view] = views;
  if (view === undefined) return undefined;
  return (
    formatConflictOf(views, opts, typed.format) ??
    ignoredBy(view, opts, typed) ??
    htmlNameProblem(opts.html)
  );
}

/** The risk views asked for: `--compare`, `--monte-carlo`, or `--html` alone. */
function riskViews(opts: RiskConflictOptions): string[] {
  const views: string[] = [];
  if (opts.compare === true) views.push('--compare');
  if (opts.monteCarlo !== undefined) views.push('--monte-carlo');
  if (views.length === 0 && opts.html !== undefined) views.push('--html');
  return views;
}

/** A format asked for (`--json`, or `--format` typed) that one of the views does not print in. */
function formatConflictOf(
  views: readonly string[],
  opts: RiskConflictOptions,
  typed: boolean,
): string | undefined {
  const format = opts.json === true ? 'json' : typed ? opts.format : undefined;
  if (format === undefined) return undefined;
  const off = views.find((v) => !VIEW_FORMATS[v]!.includes(format));
  if (off === undefined) return undefined;
  const formats = VIEW_FORMATS[off]!;
  const flag = opts.json === true ? '--json' : `--format ${format}`;
  const why =
    formats.length === 0
      ? `${off} alone prints nothing but the file it writes`
      : `${off} prints ${sayFormats(formats)}`;
  return `${off} and ${flag} do not go together: ${why}`;
}

/** `a table, md or json`: the formats a view prints, for a message. */
function sayFormats(formats: readonly string[]): string {
  const words = formats.map((f) => (f === 'table' ? 'a table' : f));
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/**
 * `--scenario`, `--cpm`, `--roles any`, `--estimate` or `--days` beside a risk view, which plans
 * without them.
 */
function ignoredBy(
  view: string,
  opts: RiskConflictOptions,
  typed: { readonly roles: boolean; readonly estimate: boolean },
): string | undefined {
  if (opts.scenario !== undefined) {
    const why =
      view === '--compare'
        ? 'the decision matrix covers every scenario'
        : `${view} plans the file as written`;
    return `${view} and --scenario do not go together: ${why}; give one of them`;
  }
  if (opts.cpm === true)
    return `${view} and --cpm do not go together: --cpm prints the critical-path table alone; give one of them`;
  if (typed.roles && opts.roles === 'any')
    return `${view} and --roles any do not go together: ${view} plans with the roles the file declares`;
  if (typed.estimate)
    return `${view} and --estimate do not go together: ${view} works from the whole of each hour range, not one point of it; give one of them`;
  if (opts.days === true)
    return `${view} and --days do not go together: --days lists the days of a team plan's table, which ${view} does not print; give one of them`;
  return undefined;
}

/** `--html -` and `--html ""`: the report is a file, and it needs a name. */
function htmlNameProblem(html: string | undefined): string | undefined {
  if (html === undefined) return undefined;
  if (html.trim() === '') return '--html needs a file name (e.g. --html plans/report.html)';
  if (html === '-')
    return '--html writes a file, not standard output: name one (e.g. --html plans/report.html)';
  return undefined;
}

/** The risk options as parsed; what to compute comes from which options were given. */
type Parsed = Omit<RiskRequest, 'compare' | 'odds' | 'graph' | 'now'>;

export function parseRiskOptions(opts: RiskCliOptions): Result<Parsed, string> {
  let samples = opts.compare === true ? DEFAULT_COMPARE_SAMPLES : DEFAULT_SAMPLES;
  if (typeof opts.monteCarlo === 'string') {
    const t = opts.monteCarlo.trim().replace(/_/g, '');
    const n = Number(t);
    if (!/^\d+$/.test(t) || n < 1 || n > 10_000_000) {
      return err(
        `--monte-carlo expects a number of samples from 1 to 10,000,000, got "${opts.monteCarlo}"`,
      );
    }
    samples = n;
  }
  const seed = wholeNumber('--seed', opts.seed, 0);
  if (!seed.ok) return seed;
  const deadline = deadlineOption(opts.deadline);
  if (!deadline.ok) return deadline;
  let teams: TeamSpec[] | undefined;
  if (opts.team !== undefined) {
    const list = parseTeamListOption(opts.team);
    if (!list.ok) return list;
    teams = list.value;
  }
  const maxSchedules = wholeNumber(
    '--max-schedules',
    opts.maxSchedules ?? String(DEFAULT_MAX_SCHEDULES),
    1,
  );
  if (!maxSchedules.ok) return maxSchedules;
  let timeLimitMs: number | undefined;
  if (opts.timeLimit !== undefined) {
    const limit = wholeNumber('--time-limit', opts.timeLimit, 1);
    if (!limit.ok) return limit;
    timeLimitMs = limit.value;
  }
  const hoursPerDay = hoursPerDayOption(opts.hoursPerDay);
  if (!hoursPerDay.ok) return hoursPerDay;
  return ok({
    samples,
    seed: seed.value,
    deadline: deadline.value,
    teams,
    maxSchedules: maxSchedules.value,
    timeLimitMs,
    hoursPerDay: hoursPerDay.value,
  });
}

export async function runRisk(
  ctx: CliContext,
  file: string,
  project: Project,
  opts: RiskCliOptions,
): Promise<void> {
  const parsed = parseRiskOptions(opts);
  if (!parsed.ok) return usageError(ctx, parsed.error);
  const reportOnly = opts.monteCarlo === undefined && opts.compare !== true;
  const activities = project.tasks.reduce((k, t) => k + t.phases.length, 0);
  const p = reportOnly ? { ...parsed.value, samples: htmlSamples(activities) } : parsed.value;
  const named = checkTeamOption(project, p.teams ?? []);
  if (!named.ok) return usageError(ctx, named.error);
  const report = riskReport(project, {
    ...p,
    compare: opts.compare === true,
    odds: opts.monteCarlo !== undefined || opts.html !== undefined,
    graph: opts.html !== undefined,
    now: () => performance.now(),
    progress: sampleProgress(ctx),
  });
  ctx.out.progress(undefined);
  if (!report.ok) return usageError(ctx, `${file}: ${report.error}`);
  const { comparison, plans, risk, graph } = report.value;
  const json = opts.json === true || opts.format === 'json';
  if (comparison !== undefined) {
    ctx.out.out(
      json
        ? renderCompareJson(comparison)
        : opts.format === 'md'
          ? renderCompareMarkdown(comparison, compareMarkdownOptions(project, comparison))
          : renderCompare(comparison, ctx.out, checkClaims(comparison, projectClaims(project))),
    );
  }
  if (risk !== undefined && opts.monteCarlo !== undefined) {
    ctx.out.out(json ? renderRiskJson(risk) : renderRisk(risk, project, ctx.out));
  }
  if (opts.html !== undefined && plans !== undefined && risk !== undefined && graph !== undefined) {
    const html = renderHtmlReport({ project, plans, risk, graph });
    const written = writeOutputFile(resolve(ctx.cwd, opts.html), html, {
      signature: HTML_SIGNATURE,
      stateDir: join(projectRoot(resolve(ctx.cwd, file)), '.critpath'),
    });
    if (!written.ok) return usageError(ctx, `--html: ${written.error}`);
    ctx.out.err(`critpath: wrote ${opts.html}`);
  }
}

/** How often, at most, the progress line changes (ms). */
const PROGRESS_MS = 200;

/**
 * The samples done so far, on the progress line (a terminal's standard error): at 10 million
 * samples a Monte Carlo runs for minutes.
 */
function sampleProgress(ctx: CliContext): SampleProgress {
  let last = -Infinity;
  return (label, done, total) => {
    const t = performance.now();
    if (t - last < PROGRESS_MS && done < total) return;
    last = t;
    const pct = Math.floor((100 * done) / total);
    ctx.out.progress(
      `Monte Carlo, ${label}: ${grouped(done)} of ${grouped(total)} samples (${pct} %)`,
    );
  };
}

/** The command that writes plans/decision-matrix.md (the freshness test runs the same). */
export const DECISION_MATRIX_COMMAND =
  'critpath plan tasks/epic-1a.yaml --compare --format md --time-limit 600000 > plans/decision-matrix.md';

/** The matrix file of Epic 1A, with the design document's claims checked (app/claims.ts). */
export function compareMarkdownOptions(project: Project, cmp: Comparison): MarkdownOptions {
  const claims = projectClaims(project);
  if (claims.length === 0) return {};
  return { checks: checkClaims(cmp, claims), command: DECISION_MATRIX_COMMAND };
}

/**
 * The task file's run journal read as a run state, or undefined when there is none. Read before
 * any plan is printed: a journal that cannot be read (a folder or a FIFO in its place, a state
 * folder that is a file) stops the verb with one line (EnvironmentError) and prints nothing.
 */
export function planJournal(ctx: CliContext, file: string): ProjectRunState | undefined {
  return journalState(resolve(ctx.cwd, file));
}

/**
 * Given the task file's journal state: each team re-planned from it, for the views to show
 * baseline against the current forecast; undefined when there is no journal, or when the re-plan
 * failed (said on standard error). Skipped journal lines are noted with `notes`.
 */
export function journalForecasts(
  ctx: CliContext,
  state: ProjectRunState | undefined,
  project: Project,
  plans: readonly DatedTeamPlan[],
  opts: RiskCliOptions & { readonly notes: boolean },
  nowMs: number = Date.now(),
): Forecast[] | undefined {
  if (state === undefined) return undefined;
  // As status says them: a skipped line is run history the forecast does not know.
  if (opts.notes) for (const note of journalNotes(state)) ctx.out.err(note);
  const forecasts: Forecast[] = [];
  for (const plan of plans) {
    const f = forecastFromState(project, plan, state, {
      nowMs,
      calibrate: opts.calibrate === true,
    });
    if (!f.ok) {
      ctx.out.err(`critpath: cannot re-plan from the journal: ${f.error}`);
      return undefined;
    }
    forecasts.push(f.value);
  }
  return forecasts;
}

/**
 * After a team plan in a view for people (table, md): when the task file has a run journal
 * (`state`), baseline against the current forecast. The caller decides which formats show it.
 */
export function printForecast(
  ctx: CliContext,
  state: ProjectRunState | undefined,
  project: Project,
  plans: readonly DatedTeamPlan[],
  opts: RiskCliOptions,
  nowMs: number = Date.now(),
): void {
  const forecasts = journalForecasts(ctx, state, project, plans, { ...opts, notes: true }, nowMs);
  if (forecasts === undefined) return;
  ctx.out.out('');
  ctx.out.out(renderForecast(forecasts, ctx.out));
}
