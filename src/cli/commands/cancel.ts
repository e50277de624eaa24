import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { ROOT_OPTION, taskFileArgument } from '../options.js';
import {
  EXIT,
  defaultFileProblem,
  loadOrReport,
  taskFileReadable,
  usageError,
} from '../context.js';
import { cancelRun, liveRun } from '../../app/cancel.js';
import { statePaths } from '../../state/paths.js';

export function registerCancel(program: Command, ctx: CliContext): void {
  program
    .command('cancel')
    .description(
      "Stop the project's running `critpath run` as Ctrl-C would (SIGTERM, then SIGKILL after its grace), and scancel its Slurm jobs",
    )
    .addArgument(taskFileArgument(ctx))
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  critpath cancel                   stop the run of the default task file',
        '  critpath cancel tasks/demo.yaml   stop the run started from another terminal',
        '  critpath run tasks/demo.yaml      then resume: done work is kept, the rest runs',
      ].join('\n'),
    )
    .option(...ROOT_OPTION)
    .action(async (file: string, opts: { root?: string }) => {
      // Not another file's run where the default file cannot be known: cancel may not load it.
      const problem = defaultFileProblem(ctx, file);
      if (problem !== undefined) return usageError(ctx, problem);
      // A run of this file is stopped even if the file went away meanwhile; else a file that
      // cannot be read (a typo, no default file) is said, not taken for "no run is in progress".
      const live = liveRun(statePaths(file, opts.root)) !== undefined;
      if (!live && !taskFileReadable(ctx, file)) return;
      const r = await cancelRun(file, () => loadOrReport(ctx, file), opts.root);
      if (r.kind === 'not-loaded') return;
      for (const b of r.backends) {
        if (!b.ok) {
          ctx.out.err(`critpath: cannot cancel the ${b.system} jobs: ${b.message}`);
          ctx.exitCode = EXIT.failed;
          continue;
        }
        if (b.cancelled.length === 0) ctx.out.out(`no pending or running ${b.system} jobs`);
        for (const c of b.cancelled)
          ctx.out.out(`cancelled ${c.id} (${b.system} job ${c.externalId})`);
      }
      if (r.run === undefined) {
        if (r.backends.length === 0) ctx.out.out('no run is in progress');
        return;
      }
      if (r.run.error !== undefined) {
        ctx.out.err(`critpath: cannot signal pid ${r.run.pid}: ${r.run.error}`);
        ctx.exitCode = EXIT.failed;
        return;
      }
      ctx.out.out(`sent SIGTERM to run ${r.run.runId ?? '?'} (pid ${r.run.pid})`);
    });
}
