import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { ROOT_OPTION } from '../options.js';
import { loadOrReport, usageError } from '../context.js';
import { buildActivityGraph } from '../../model/activities.js';
import { detectInventory, parseGpuOption } from '../../gpu/inventory.js';
import { readRunState } from '../../state/read.js';
import {
  computeStatus,
  STATUS_TEAM_FORECAST_MAX,
  teamForecastSkipped,
} from '../../state/status.js';
import { defaultTeamSize } from '../../planner/project/project-problem.js';
import type { TeamSpec } from '../../model/team-spec.js';
import { parseTeamOption } from '../team-option.js';
import { ACTUAL_NOTE } from '../../reporters/run-plain.js';
import { renderStatusJson, renderStatusTable } from '../../reporters/status-table.js';
import type { SlurmStatusSection } from '../../executor/slurm/status.js';
import { openSlurmAttempts } from '../../executor/slurm/reconcile.js';
import { statePaths } from '../../state/paths.js';
import type { StatePaths } from '../../state/paths.js';
import { ownerAlive, readLock } from '../../state/lockfile.js';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(
      'Show every task and phase as done, running, ready, blocked, failed or pending, from the journal',
    )
    .argument('[file]', 'task file', ctx.defaultFile.file)
    .option(...ROOT_OPTION)
    .option('--gpus <spec>', "GPUs this host has (default: the last run's, else nvidia-smi)")
    .option(
      '--team <team>',
      "engineers the forecast plans for: a number (2) or declared people (infra+ml); default: the file's largest line-up (teams), else its declared people, else 1",
    )
    .option('--json', 'print the status as JSON')
    .option(
      '--watch [seconds]',
      'follow a run from another terminal: show the status again every few seconds (default 2) until the run ends',
    )
    .addHelpText(
      'after',
      [
        '',
        'Forecast: the remaining critical path (unlimited people) is always shown. The forecast end',
        "is the planner's: the team plan of `critpath plan --team N`, with done work at its actual",
        'times and the rest re-planned from now (as `plan` prints it when a journal exists).',
        `Over ${STATUS_TEAM_FORECAST_MAX} activities the team forecast is skipped to keep status fast,`,
        "and the forecast end is the remaining critical path's (a note says so).",
        '',
        `Hours: "took" is ${ACTUAL_NOTE.replace(/^actual: /, '')}.`,
        '',
        'Examples:',
        '  critpath status',
        '  critpath status tasks/epic-1a.yaml --team 2',
        '  critpath status tasks/demo.yaml --json',
        '  critpath status tasks/demo.yaml --watch     while `critpath run` goes on elsewhere',
      ].join('\n'),
    )
    .action(async (file: string, opts: StatusOptions) => {
      if (opts.watch === undefined) return showStatus(ctx, file, opts);
      const every = opts.watch === true ? 2 : Number(opts.watch);
      if (!(every > 0 && every <= 3600))
        return usageError(ctx, `--watch expects seconds in (0, 3600], got "${String(opts.watch)}"`);
      await watchStatus(ctx, statePaths(file, opts.root), every * 1000, () =>
        showStatus(ctx, file, opts),
      );
    });
}

interface StatusOptions {
  gpus?: string;
  json?: boolean;
  team?: string;
  watch?: boolean | string;
  root?: string;
}

/**
 * Shows the status again every `everyMs` while a run of the file is live, and once more after
 * it ended: on a terminal each view replaces the last; piped, views follow one another.
 */
async function watchStatus(
  ctx: CliContext,
  paths: StatePaths,
  everyMs: number,
  show: () => Promise<void>,
): Promise<void> {
  let seenLive = false;
  for (;;) {
    const owner = readLock(paths.lock)?.owner;
    const live = owner !== undefined && ownerAlive(owner);
    seenLive ||= live;
    if (ctx.out.isTty) ctx.out.write('\u001b[H\u001b[2J');
    else ctx.out.out(`── ${new Date().toISOString().slice(11, 19)} ──`);
    await show();
    if (ctx.exitCode !== 0) return;
    if (!live) {
      ctx.out.out(
        seenLive ? 'the run ended' : 'no run is in progress (start one with critpath run)',
      );
      return;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function showStatus(ctx: CliContext, file: string, opts: StatusOptions): Promise<void> {
  const gpuOpt = parseGpuOption(opts.gpus);
  if (gpuOpt.kind === 'error') return usageError(ctx, gpuOpt.message);
  let team: TeamSpec | undefined;
  if (opts.team !== undefined) {
    const t = parseTeamOption(opts.team);
    if (!t.ok) return usageError(ctx, t.error);
    team = t.value;
  }
  const project = await loadOrReport(ctx, file);
  if (project === undefined) return;
  const graph = buildActivityGraph(project);
  const paths = statePaths(file, opts.root);
  let state = readRunState(file, paths);
  // Jobs on Slurm outlive the critpath that submitted them: ask Slurm (squeue, sacct); it
  // journals the ended ones, so the journal is read again. Nothing is asked (or loaded) when
  // no Slurm job is open.
  let slurm: SlurmStatusSection = { live: new Map(), lines: [] };
  if (openSlurmAttempts(state).length > 0) {
    const { slurmStatusSection } = await import('../../executor/slurm/status.js');
    slurm = await slurmStatusSection(paths, project);
    state = readRunState(file, paths);
  }
  for (const id of slurm.live.keys()) {
    const st = state.activities.get(id);
    if (st !== undefined && st.status === 'interrupted') st.status = 'running';
  }
  let hostGpus: number;
  if (gpuOpt.kind !== 'none') hostGpus = (await detectInventory(gpuOpt)).gpus.length;
  else if (
    state.lastRun !== undefined &&
    state.lastRun.start.host === (await import('node:os')).hostname()
  )
    hostGpus = state.lastRun.start.gpus.length;
  else hostGpus = (await detectInventory(gpuOpt)).gpus.length;
  const now = Date.now();
  const cpmModel = computeStatus(project, graph, state, {
    hostGpus,
    now,
    liveRunId: state.liveRunId,
    batchLive: new Map(
      [...slurm.live].map(([id, j]) => [id, j.job?.phase === 'running' ? 'running' : 'pending']),
    ),
  });
  // The planner is loaded only when it plans (up to STATUS_TEAM_FORECAST_MAX activities).
  // A finished project has nothing left to forecast.
  const model =
    (cpmModel.finishedAt !== undefined ? cpmModel : teamForecastSkipped(cpmModel)) ??
    (await import('../../app/status-forecast.js')).withTeamForecast(cpmModel, project, state, {
      team: team ?? { kind: 'count', count: defaultTeamSize(project) },
      now,
    });
  for (const line of state.badLineNotes) ctx.out.err(`warning: ${line}`);
  if (state.tornTail)
    ctx.out.err('note: the journal ends in a torn record (a crash mid-write); it was ignored');
  ctx.out.out(opts.json === true ? renderStatusJson(model) : renderStatusTable(model, ctx.out));
  if (opts.json !== true && slurm.lines.length > 0) ctx.out.out(slurm.lines.join('\n'));
}
