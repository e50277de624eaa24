import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT, loadOrReport } from '../context.js';
import { slurmCancelCommand } from '../../executor/slurm/cli.js';
import { hasOpenSlurmAttempts } from '../../executor/slurm/commands.js';
import { statePaths } from '../../state/paths.js';
import { liveRun } from './run.js';

export function registerCancel(program: Command, ctx: CliContext): void {
  program
    .command('cancel')
    .description(
      "Stop the project's running `critpath run` as Ctrl-C would (SIGTERM, then SIGKILL after its grace), and scancel its Slurm jobs",
    )
    .argument('[file]', 'task file', ctx.defaultFile.file)
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
    .action(async (file: string) => {
      const paths = statePaths(file);
      const live = liveRun(paths);
      // Jobs submitted to Slurm: scancel them, whether a critpath still follows them or not.
      if (hasOpenSlurmAttempts(paths)) {
        const project = await loadOrReport(ctx, file);
        if (project === undefined) return;
        ctx.exitCode = await slurmCancelCommand(ctx.out, project, paths);
      }
      if (live === undefined) {
        if (!hasOpenSlurmAttempts(paths)) ctx.out.out('no run is in progress');
        return;
      }
      try {
        process.kill(live.pid, 'SIGTERM');
        ctx.out.out(`sent SIGTERM to run ${live.runId ?? '?'} (pid ${live.pid})`);
      } catch (e) {
        ctx.out.err(`critpath: cannot signal pid ${live.pid}: ${(e as Error).message}`);
        ctx.exitCode = EXIT.failed;
      }
    });
}
