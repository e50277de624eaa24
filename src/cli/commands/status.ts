import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { ROOT_OPTION, taskFileArgument } from '../options.js';
import { logsShownFrom, statusWithLogsShown } from '../log-paths.js';
import { loadOrReport, usageError } from '../context.js';
import { parseGpuOption } from '../../gpu/inventory.js';
import { projectStatus } from '../../app/status.js';
import { STATUS_TEAM_FORECAST_MAX } from '../../state/status.js';
import type { TeamSpec } from '../../model/team-spec.js';
import { checkTeamOption, parseTeamOption } from '../team-option.js';
import { ACTUAL_NOTE, clock } from '../../reporters/run-plain.js';
import { renderStatusJson, renderStatusTable } from '../../reporters/status-table.js';
import { statePaths } from '../../state/paths.js';
import type { StatePaths } from '../../state/paths.js';
import { ownerAlive, readLock } from '../../state/lockfile.js';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(
      'Show every task and phase as done, running, ready, blocked, failed or pending, from the journal',
    )
    .addArgument(taskFileArgument(ctx))
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
        // A paragraph is one line: fitHelp wraps it to the width, once.
        [
          'Forecast: the remaining critical path (unlimited people) is always shown. The forecast end',
          "is the planner's: the team plan of `critpath plan --team N`, with done work at its actual",
          'times and the rest re-planned from now (as `plan` prints it when a journal exists).',
          `Over ${STATUS_TEAM_FORECAST_MAX} activities the team forecast is skipped to keep status fast,`,
          "and the forecast end is the remaining critical path's (a note says so).",
        ].join(' '),
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
    // In local time, as run's event lines are (it printed UTC).
    else ctx.out.out(`── ${clock(Date.now())} ──`);
    await show();
    if (ctx.exitCode !== 0) {
      // An editor saving the task file may leave it broken, or gone, for a moment: while the run
      // goes on, say so and look again; once it has ended, the problem is the answer.
      if (!live) return;
      ctx.out.err(
        `critpath: watching on while the run goes on; reading the file again in ${everyMs / 1000} s`,
      );
      ctx.exitCode = 0;
    } else if (!live) {
      ctx.out.out(
        seenLive ? 'the run ended' : 'no run is in progress (start one with critpath run)',
      );
      return;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function showStatus(ctx: CliContext, file: string, opts: StatusOptions): Promise<void> {
  const gpus = parseGpuOption(opts.gpus);
  if (gpus.kind === 'error') return usageError(ctx, gpus.message);
  let team: TeamSpec | undefined;
  if (opts.team !== undefined) {
    const t = parseTeamOption(opts.team);
    if (!t.ok) return usageError(ctx, t.error);
    team = t.value;
  }
  const project = await loadOrReport(ctx, file);
  if (project === undefined) return;
  const named = checkTeamOption(project, team === undefined ? [] : [team]);
  if (!named.ok) return usageError(ctx, named.error);
  const view = await projectStatus(file, project, { gpus, team, root: opts.root, now: Date.now() });
  for (const note of view.journalNotes) ctx.out.err(note);
  const { model } = view;
  if (opts.json === true) ctx.out.out(renderStatusJson(model));
  else {
    const show = logsShownFrom(ctx.cwd, file, opts.root);
    ctx.out.out(renderStatusTable(show ? statusWithLogsShown(model, show) : model, ctx.out));
  }
  if (opts.json !== true && view.backendLines.length > 0) ctx.out.out(view.backendLines.join('\n'));
}
