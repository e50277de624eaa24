import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { DEFAULT_TASK_FILE, EXIT } from '../context.js';
import { statePaths } from '../../state/paths.js';
import { liveRun } from './run.js';

export function registerCancel(program: Command, ctx: CliContext): void {
  program
    .command('cancel')
    .description(
      "Stop the project's running `critpath run` as Ctrl-C would (SIGTERM, then SIGKILL after its grace)",
    )
    .argument('[file]', 'task file', DEFAULT_TASK_FILE)
    .action((file: string) => {
      const live = liveRun(statePaths(file));
      if (live === undefined) {
        ctx.out.out('no run is in progress');
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
