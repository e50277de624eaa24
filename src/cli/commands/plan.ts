import { Option } from 'commander';
import { EXACT_GUARD_MS, exactOptions } from '../../app/highs-solver.js';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { isPsplibFile, loadOrReport, usageError } from '../context.js';
import type { EstimateMode } from '../../model/project.js';
import { chooseScenario } from '../../app/choose-scenario.js';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import type { CpmPlan } from '../../planner/project/critical-path-plan.js';
import {
  criticalPathPlan,
  criticalPathPlanOfTable,
} from '../../planner/project/critical-path-plan.js';
import { loadTaskTable } from '../../config/load-table.js';
import type { TeamSpec } from '../../model/team-spec.js';
import { checkTeamOption, parseTeamListOption } from '../team-option.js';
import type { DatedTeamPlan, DayRows } from '../../app/plan-team.js';
import {
  DEFAULT_MAX_SCHEDULES,
  DEFAULT_PSPLIB_SCHEDULES,
  DEFAULT_TIME_LIMIT_MS,
  buildTeamPlans,
} from '../../app/plan-team.js';
import { cpmJsonChunks, renderCpmTable } from '../../reporters/cpm.js';
import { teamJsonChunks, teamsJsonChunks } from '../../reporters/team-json.js';
import {
  renderTeamGantt,
  renderTeamMarkdown,
  renderTeamsMarkdown,
} from '../../reporters/team-markdown.js';
import { isLongPlan, renderTeamMatrix, renderTeamTable } from '../../reporters/team-table.js';
import { renderTeamCsv } from '../../reporters/csv.js';
import { renderTeamIcs } from '../../reporters/ics.js';
import type { RiskCliOptions } from './plan-risk.js';
import {
  addRiskOptions,
  journalForecasts,
  planJournal,
  printForecast,
  riskConflict,
  runRisk,
  wantsRisk,
} from './plan-risk.js';
import type { Forecast } from '../../app/forecast.js';
import { planPsplib } from './plan-psplib.js';
import { deadlineOption, hoursPerDayOption, taskFileArgument, wholeNumber } from '../options.js';

/** Output formats of `plan`. */
export type PlanFormat = 'table' | 'md' | 'json' | 'mermaid' | 'csv' | 'ics';

export interface PlanOptions extends RiskCliOptions {
  json?: boolean;
  cpm?: boolean;
  team?: string;
  format: PlanFormat;
  estimate: EstimateMode;
  seed: string;
  timeLimit: string;
  maxSchedules: string;
  schedules?: string;
  hoursPerDay?: string;
  days?: boolean;
  scenario?: string;
  roles: 'declared' | 'any';
}

/** `--json` beside a `--format` given on the command line that is not json: the two disagree. */
function formatConflict(opts: PlanOptions, source: string | undefined): string | undefined {
  if (opts.json !== true || source !== 'cli' || opts.format === 'json') return undefined;
  return `--json and --format ${opts.format} ask for two formats: give one of them`;
}

/** Options given together that cannot both be honoured: the one-line error, else undefined. */
function optionConflict(opts: PlanOptions, command: Command): string | undefined {
  const typed = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
  return (
    formatConflict(opts, command.getOptionValueSource('format')) ??
    riskConflict(opts, {
      format: typed('format'),
      roles: typed('roles'),
      estimate: typed('estimate'),
    })
  );
}

/** What `plan FILE.sm` reads besides the file: the engine's options, and JSON or the table. */
const PSPLIB_OPTIONS = new Set(['seed', 'timeLimit', 'schedules', 'json', 'format']);

/** The first option typed for a PSPLIB instance that it has no use for (`--team`), if any. */
function psplibStray(opts: PlanOptions, command: Command): string | undefined {
  if (opts.format !== 'table' && opts.format !== 'json') return `--format ${opts.format}`;
  for (const o of command.options) {
    const key = o.attributeName();
    if (!PSPLIB_OPTIONS.has(key) && command.getOptionValueSource(key) === 'cli') return o.long;
  }
  return undefined;
}

/** The parsed, checked options of a team plan: what `buildTeamPlans` and the reporters need. */
export interface TeamPlanRequest {
  readonly teams: readonly TeamSpec[];
  readonly format: PlanFormat;
  readonly estimate: EstimateMode;
  readonly seed: number;
  readonly timeLimitMs: number;
  readonly maxSchedules: number;
  readonly hoursPerDay: number | undefined;
  /** `--deadline`: the date the plan's end is held against instead of the file's deadline. */
  readonly deadline: string | undefined;
  /** The table lists every day even of a long plan (which it summarises by default). */
  readonly days: boolean;
}

/** `plan --help`'s examples. */
const PLAN_EXAMPLES = [
  '',
  'Examples:',
  '  critpath plan                         critical path, no resource limits',
  '  critpath plan --team 2                day-by-day plan for two engineers',
  '  critpath plan --team 1,2,3            team sizes side by side',
  '  critpath plan --team infra+ml --format md > plan.md',
  '  critpath plan --team 2 --json         the JSON plan contract',
  '  critpath plan --team 2 --format csv > plan.csv   one row per activity, for spreadsheets',
  '  critpath plan --team 2 --format ics > plan.ics   one calendar event per activity',
  '  critpath plan --monte-carlo 10000 --team 1,2,3   finish-date odds, criticality, risk drivers',
  '  critpath plan --compare               the decision matrix over scenarios and team sizes',
  '  critpath plan --scenario early-gpu --team 2   the plan of one scenario',
  '  critpath plan --team 2 --roles any    the same team without roles',
  '  critpath plan --html plans/report.html          Gantt, GPU use and finish histogram',
  '  critpath plan j30/j301_1.sm --json    a PSPLIB RCPSP instance, same engine',
].join('\n');

export function registerPlan(program: Command, ctx: CliContext): void {
  addRiskOptions(program.command('plan'))
    .description('Plan a task file: the critical path, or a team schedule with --team')
    .addArgument(taskFileArgument(ctx))
    .option(
      '--team <team>',
      'engineers: a number (2), a list to compare (1,2,3), or declared people (infra+ml)',
    )
    .addOption(
      new Option('--format <format>', 'output format for a team plan')
        .choices(['table', 'md', 'json', 'mermaid', 'csv', 'ics'])
        .default('table'),
    )
    .option('--json', 'print the plan as JSON (same as --format json)')
    .option('--cpm', 'print the critical-path table (no resource limits), even with --team')
    .addOption(
      new Option('--estimate <point>', 'which point of each hour range to plan with')
        .choices(['low', 'expected', 'high'])
        .default('expected'),
    )
    .option('--seed <n>', 'seed of the schedule search', '1')
    .option(
      '--time-limit <ms>',
      "the schedule search's budget, in milliseconds read as passes (750 activities a ms), never from the clock (the exact stage ends on its node budget; for a .sm file, on this limit again)",
      String(DEFAULT_TIME_LIMIT_MS),
    )
    .option(
      '--max-schedules <n>',
      'schedules each solve evaluates at most (keeps plans machine-independent)',
      String(DEFAULT_MAX_SCHEDULES),
    )
    .option(
      '--schedules <n>',
      `schedule budget for a PSPLIB .sm file (default ${DEFAULT_PSPLIB_SCHEDULES})`,
    )
    .option(
      '--hours-per-day <h>',
      "working hours per day of a team plan (default: the file's hoursPerDay)",
    )
    .option(
      '--days',
      'the table lists every day, handoff and critical activity even of a long plan (over 26 weeks or 500 activities), which it summarises by week by default; without --team, every activity of the critical-path table',
    )
    .option(
      '--scenario <name>',
      "the day-by-day plan of one of the file's scenarios (its team, else --team, else 1)",
    )
    .addOption(
      new Option('--roles <roles>', 'declared: tasks go to people with their skill; any: to anyone')
        .choices(['declared', 'any'])
        .default('declared'),
    )
    .addHelpText('after', PLAN_EXAMPLES)
    .action(async (file: string, opts: PlanOptions, command: Command) => {
      const conflict = optionConflict(opts, command);
      if (conflict !== undefined) return usageError(ctx, conflict);
      if (isPsplibFile(file)) {
        // PSPLIB instances have no calendar or team: only the engine's options apply.
        const stray = psplibStray(opts, command);
        if (stray === '--max-schedules')
          return usageError(ctx, "a PSPLIB instance's schedule budget is --schedules");
        if (stray !== undefined)
          return usageError(
            ctx,
            `${stray} has no meaning for a PSPLIB instance (no calendar, team or scenarios): leave it out`,
          );
        const seed = wholeNumber('--seed', opts.seed, 0);
        const limit = wholeNumber('--time-limit', opts.timeLimit, 1);
        const budget = wholeNumber(
          '--schedules',
          opts.schedules ?? String(DEFAULT_PSPLIB_SCHEDULES),
          1,
        );
        if (!seed.ok || !limit.ok || !budget.ok) {
          usageError(ctx, [seed, limit, budget].flatMap((r) => (r.ok ? [] : [r.error]))[0]!);
          return;
        }
        await planPsplib(ctx, file, {
          json: opts.json === true || opts.format === 'json',
          seed: seed.value,
          timeLimitMs: limit.value,
          maxSchedules: budget.value,
        });
        return;
      }
      if (wantsRisk(opts)) {
        const project = await loadOrReport(ctx, file);
        if (project !== undefined) await runRisk(ctx, file, project, opts);
        return;
      }
      if (opts.scenario === undefined && printTableCpm(ctx, file, opts)) return;
      const loaded = await loadOrReport(ctx, file);
      if (loaded === undefined) return;
      const chosen = chooseScenario(loaded, opts);
      if (!chosen.ok) {
        usageError(ctx, chosen.error);
        return;
      }
      const { team } = chosen.value;
      const request = parseRequest({ ...opts, ...(team === undefined ? {} : { team }) });
      if (!request.ok) {
        usageError(ctx, request.error);
        return;
      }
      const req = request.value;
      const project =
        req !== 'cpm' && req.deadline !== undefined
          ? { ...chosen.value.project, deadline: req.deadline }
          : chosen.value.project;
      const named = req === 'cpm' ? request : checkTeamOption(project, req.teams);
      if (!named.ok) {
        usageError(ctx, named.error);
        return;
      }
      if (req === 'cpm') {
        printCpm(ctx, criticalPathPlan(project, opts.estimate), opts);
        return;
      }
      // The re-plan from the run journal: JSON carries it in each plan, the table and Markdown
      // print it after; csv, ics and mermaid have no place for it, and do not read the journal.
      const replan = req.format === 'json' || req.format === 'table' || req.format === 'md';
      const journal = replan ? planJournal(ctx, file) : undefined;
      const activities = project.tasks.reduce((k, t) => k + t.phases.length, 0);
      const exact = await exactOptions(Math.max(EXACT_GUARD_MS, req.timeLimitMs), activities);
      const plans = buildTeamPlans(project, req.teams, {
        ...(exact === undefined ? {} : { exact }),
        estimate: req.estimate,
        seed: req.seed,
        timeLimitMs: req.timeLimitMs,
        maxSchedules: req.maxSchedules,
        days: dayRows(req),
        ...(req.hoursPerDay === undefined ? {} : { hoursPerDay: req.hoursPerDay }),
      });
      if (!plans.ok) {
        usageError(ctx, `${file}: ${plans.error}`);
        return;
      }
      const forecasts =
        req.format === 'json'
          ? journalForecasts(ctx, journal, project, plans.value, { ...opts, notes: false })
          : undefined;
      printPlans(plans.value, req, ctx, forecasts);
      if (replan && req.format !== 'json') printForecast(ctx, journal, project, plans.value, opts);
    });
}

/**
 * Which plans need their day rows: the Markdown report's, and the table's where it lists every
 * day (a long plan's table is a summary by week, made without them).
 */
function dayRows(req: TeamPlanRequest): DayRows {
  if (req.format === 'md') return true;
  if (req.format !== 'table') return false;
  return req.days ? true : (weeks, activities) => !isLongPlan(weeks, activities);
}

function printCpm(ctx: CliContext, plan: CpmPlan, opts: PlanOptions): void {
  if (opts.json === true || opts.format === 'json') ctx.out.outJson(cpmJsonChunks(plan));
  else ctx.out.out(renderCpmTable(plan, ctx.out, { days: opts.days === true }));
}

/**
 * The critical path of a huge task file of plain tasks, read into columns
 * (config/task-table.ts): false where the file is not read that way, for the usual load.
 */
function printTableCpm(ctx: CliContext, file: string, opts: PlanOptions): boolean {
  const request = parseRequest(opts);
  if (!request.ok || request.value !== 'cpm') return false;
  const table = loadTaskTable(file);
  if (table === undefined) return false;
  printCpm(ctx, criticalPathPlanOfTable(table, opts.estimate), opts);
  return true;
}

/**
 * Prints the plans: JSON in pieces (tens of megabytes for a huge project, never one string). CSV
 * going to a file or a program is written as it is: its fields hold user data's control
 * characters escaped already, but for a carriage return, which a quoted field keeps (RFC 4180);
 * on a terminal that too is shown as an escape, not obeyed.
 */
function printPlans(
  plans: readonly DatedTeamPlan[],
  req: TeamPlanRequest,
  ctx: CliContext,
  forecasts: readonly Forecast[] | undefined,
): void {
  const [only] = plans;
  const { format } = req;
  if (format === 'csv' && !ctx.out.terminal) ctx.out.write(renderTeamCsv(plans));
  else if (format !== 'json') ctx.out.out(renderPlans(plans, format, req.days, ctx));
  else if (plans.length === 1 && only !== undefined)
    ctx.out.outJson(teamJsonChunks(only, forecasts?.[0]));
  else ctx.out.outJson(teamsJsonChunks(plans, forecasts));
}

/** Every format but JSON, which printPlans writes in pieces. */
function renderPlans(
  plans: readonly DatedTeamPlan[],
  format: Exclude<PlanFormat, 'json'>,
  days: boolean,
  ctx: CliContext,
): string {
  const [only] = plans;
  if (plans.length === 1 && only !== undefined) {
    switch (format) {
      case 'table':
        return renderTeamTable(only, ctx.out, { days });
      case 'md':
        return renderTeamMarkdown(only);
      case 'mermaid':
        return renderTeamGantt(only);
      case 'csv':
        return renderTeamCsv(plans);
      case 'ics':
        return renderTeamIcs(only);
    }
  }
  switch (format) {
    case 'table':
      return renderTeamMatrix(plans, ctx.out);
    case 'md':
      return [renderTeamsMarkdown(plans), ...plans.map((p) => renderTeamMarkdown(p))].join('\n');
    case 'csv':
      return renderTeamCsv(plans);
    case 'mermaid':
    case 'ics':
      throw new Error(
        `Internal error: --format ${format} with several teams passed the option checks`,
      );
  }
}

/** Checks the options; `cpm` when the critical-path view is wanted. One-line errors (exit 2). */
export function parseRequest(opts: PlanOptions): Result<TeamPlanRequest | 'cpm', string> {
  const format: PlanFormat = opts.json === true ? 'json' : opts.format;
  const deadline = deadlineOption(opts.deadline);
  if (!deadline.ok) return deadline;
  // The search's options are checked even where no search runs: a bad value is never ignored.
  const seed = wholeNumber('--seed', opts.seed, 0);
  if (!seed.ok) return seed;
  const timeLimitMs = wholeNumber('--time-limit', opts.timeLimit, 1);
  if (!timeLimitMs.ok) return timeLimitMs;
  const maxSchedules = wholeNumber('--max-schedules', opts.maxSchedules, 1);
  if (!maxSchedules.ok) return maxSchedules;
  const hoursPerDay = hoursPerDayOption(opts.hoursPerDay);
  if (!hoursPerDay.ok) return hoursPerDay;
  if (opts.cpm === true || opts.team === undefined) {
    if (format !== 'table' && format !== 'json')
      return err(`--format ${format} needs --team (e.g. --team 2)`);
    // The critical-path view has no dates to hold against one, nor days to count.
    const give = opts.cpm === true ? 'not with --cpm' : 'give --team (e.g. --team 2)';
    if (deadline.value !== undefined)
      return err(`--deadline holds a team plan against a date: ${give}`);
    if (hoursPerDay.value !== undefined) return err(`--hours-per-day dates a team plan: ${give}`);
    return ok('cpm');
  }
  const teams = parseTeamListOption(opts.team);
  if (!teams.ok) return teams;
  if ((format === 'ics' || format === 'mermaid') && teams.value.length > 1) {
    const what = format === 'ics' ? 'one calendar' : 'one Gantt chart';
    return err(
      `--format ${format} makes ${what} for one team: give one team (e.g. --team 2), not ${teams.value.length} teams`,
    );
  }
  return ok({
    teams: teams.value,
    format,
    estimate: opts.estimate,
    seed: seed.value,
    timeLimitMs: timeLimitMs.value,
    maxSchedules: maxSchedules.value,
    hoursPerDay: hoursPerDay.value,
    deadline: deadline.value,
    days: opts.days === true,
  });
}
