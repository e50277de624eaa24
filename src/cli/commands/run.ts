import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { escapeLine } from '../../reporters/escape.js';
import type { CliContext } from '../context.js';
import { EXIT, loadOrReport, runHolds, usageError } from '../context.js';
import type { RunResult } from '../../app/run.js';
import { runProject } from '../../app/run.js';
import type { DryRunPlan } from '../../executor/backends.js';
import type { RunReporter } from '../../executor/events.js';
import type { FailureMode } from '../../executor/executor.js';
import { parseGpuOption } from '../../gpu/inventory.js';
import { fmtPlanned, jsonRunReporter, plainRunReporter } from '../../reporters/run-plain.js';
import { liveRunReporter } from '../../reporters/run-live.js';
import { wrapProse } from '../../reporters/layout.js';
import { outputColumns, outputRows } from '../../reporters/terminal.js';
import { DEFAULT_FILE_HELP, secondsOption, wholeNumber, ROOT_OPTION } from '../options.js';
import type { ShowLog } from '../log-paths.js';
import { eventWithLogsShown, logsShownFrom } from '../log-paths.js';
import { formatBlockReason, withLogsShown } from '../../model/block-reason.js';

export interface RunOptions {
  jobs: string;
  gpus?: string;
  only?: 'macbook' | 'gpu';
  force?: string[];
  keepGoing?: boolean;
  failFast?: boolean;
  dryRun?: boolean;
  json?: boolean;
  grace: string;
  retryDelay: string;
  /** Slurm: partition per hardware kind (`gpu=NAME,macbook=NAME`). */
  partition?: string;
  /** Slurm: false with --no-follow (submit and return). */
  follow: boolean;
  keepDownstream?: boolean;
  /** --root: the project root. */
  root?: string;
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description(
      "Run the project's commands in dependency order, on GPUs, resuming where the last run stopped",
    )
    .argument(
      '[file-and-ids...]',
      `task file (default: ${DEFAULT_FILE_HELP}), then task or activity ids to run with what they need`,
    )
    .option(...ROOT_OPTION)
    .option('-j, --jobs <n>', 'activities to run at once', '4')
    .option(
      '--gpus <spec>',
      'GPUs to use: a count of simulated slots (4) or indices (0,1,2,3; GPU 0 alone: 0,)',
    )
    .addOption(
      new Option('--only <hardware>', 'run only the work for this machine').choices([
        'macbook',
        'gpu',
      ]),
    )
    .option(
      '--force <id>',
      're-run this task or activity even if done (repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--keep-downstream', "with --force: leave the forced activities' dependents done")
    .option('--keep-going', 'after a failure, run everything not downstream of it')
    .option('--fail-fast', 'after a failure, stop running work too')
    .option('--dry-run', 'print what would start, and with which GPUs, without running anything')
    .option('--json', 'stream NDJSON events')
    .option(
      '--grace <seconds>',
      'between SIGTERM and SIGKILL when stopping work (seconds, or 30s, 2m)',
      '10',
    )
    .option(
      '--retry-delay <seconds>',
      'first retry backoff, doubling each retry (seconds, or 30s, 2m)',
      '2',
    )
    .option(
      '--backend <name>',
      'where the commands run: local (this host) or slurm (sbatch jobs)',
      'local',
    )
    .option('--partition <map>', 'slurm: partition per hardware, e.g. gpu=h100,macbook=cpu')
    .option('--no-follow', 'slurm: submit the jobs and return without waiting for them')
    .addHelpText(
      'after',
      '\nExamples:\n  critpath run tasks/demo.yaml --gpus 4\n  critpath run --only macbook\n  critpath run tasks/epic-1a.yaml 1a.9 --dry-run\n  critpath run --force 1a.8/test',
    )
    .action(async (args: string[], opts: RunOptions, cmd: Command) => {
      const backendName = (cmd.opts() as { backend?: string }).backend ?? 'local';
      await runCommand(ctx, args, opts, backendName);
    });
}

/** Splits `[file] [ids…]`: the first argument is the file when it looks like one. */
function splitArgs(args: readonly string[], defaultFile: string): { file: string; ids: string[] } {
  const [first, ...rest] = args;
  if (first !== undefined && (/\.ya?ml$/i.test(first) || existsSync(first)))
    return { file: first, ids: rest };
  return { file: defaultFile, ids: [...args] };
}

async function runCommand(
  ctx: CliContext,
  args: readonly string[],
  opts: RunOptions,
  backend: string,
): Promise<void> {
  const { file, ids } = splitArgs(args, ctx.defaultFile.file);
  const jobs = wholeNumber('--jobs', opts.jobs, 1);
  if (!jobs.ok) return usageError(ctx, jobs.error);
  const grace = secondsOption('--grace', opts.grace);
  if (!grace.ok) return usageError(ctx, grace.error);
  const retry = secondsOption('--retry-delay', opts.retryDelay);
  if (!retry.ok) return usageError(ctx, retry.error);
  if (opts.keepGoing === true && opts.failFast === true)
    return usageError(ctx, '--keep-going and --fail-fast exclude each other');
  const gpus = parseGpuOption(opts.gpus);
  if (gpus.kind === 'error') return usageError(ctx, gpus.message);
  const failureMode: FailureMode =
    opts.failFast === true ? 'kill' : opts.keepGoing === true ? 'continue' : 'no-new';
  let reporter: RunReporter | undefined;
  let result: RunResult;
  try {
    result = await runProject(
      {
        file,
        ids,
        force: opts.force ?? [],
        keepDownstream: opts.keepDownstream === true,
        root: opts.root,
        only: opts.only,
        backend,
        jobs: jobs.value,
        gpus,
        dryRun: opts.dryRun === true,
        failureMode,
        retryBaseMs: retry.value * 1000,
        graceMs: grace.value * 1000,
        partition: opts.partition,
        follow: opts.follow,
      },
      {
        load: () => loadOrReport(ctx, file),
        events: () => {
          const r = makeReporter(ctx, opts.json === true);
          reporter = r;
          // The JSON events keep the journal's paths, relative to the project root.
          const show = opts.json === true ? undefined : logsShownFrom(ctx.cwd, file, opts.root);
          return show === undefined
            ? (e) => r.onEvent(e)
            : (e) => r.onEvent(eventWithLogsShown(e, show));
        },
        where: (paths) => {
          if (opts.json !== true)
            ctx.out.err(
              wrapProse(
                `state: ${relative(ctx.cwd, paths.journal)}  logs: ${relative(ctx.cwd, paths.logs)}/`,
                ctx.out.columns,
                '  ',
              ),
            );
        },
      },
    );
  } finally {
    // The events first: what report() adds comes after them, on a terminal that shows both.
    reporter?.close();
  }
  report(ctx, result, { json: opts.json === true, file, only: opts.only, root: opts.root });
}

/** NDJSON with --json, the live view on a terminal, plain lines otherwise. */
function makeReporter(ctx: CliContext, json: boolean): RunReporter {
  if (json) return jsonRunReporter((l) => ctx.out.out(l));
  if (ctx.out.isTty)
    return liveRunReporter(
      ctx.out,
      (s) => ctx.out.write(s),
      () => outputColumns(process.stdout, process.env),
      () => outputRows(process.stdout, process.env),
    );
  return plainRunReporter(ctx.out);
}

/** Says what the run did, where the event stream did not, and sets the exit code. */
function report(
  ctx: CliContext,
  r: RunResult,
  {
    json,
    file,
    only,
    root,
  }: { json: boolean; file: string; only: string | undefined; root: string | undefined },
): void {
  switch (r.kind) {
    case 'usage':
      return usageError(ctx, r.message);
    case 'unavailable':
      ctx.out.err(`critpath: ${r.message}`);
      ctx.exitCode = EXIT.failed;
      return;
    case 'not-loaded':
      return;
    case 'locked':
      ctx.out.err(`critpath: ${escapeLine(runHolds(file, r.holder))}`);
      ctx.exitCode = EXIT.failed;
      return;
    case 'dry-run':
      return renderDryRun(ctx, r.plan, json, logsShownFrom(ctx.cwd, file, root));
    case 'ran':
      if (r.outcome === 'interrupted')
        ctx.out.err(
          wrapProse(
            `to resume: critpath run ${file} (done work is kept; interrupted activities run again)`,
            ctx.out.columns,
            '  ',
          ),
        );
      ctx.exitCode =
        r.outcome === 'interrupted'
          ? r.signal === 'SIGTERM'
            ? 143
            : r.signal === 'SIGINT'
              ? 130
              : EXIT.failed
          : // Work left blocked is work not done; under --only, work that merely waits on the
            // other hardware's waits by design, but work blocked for its own reason does not.
            r.outcome === 'failed' ||
              (r.outcome === 'blocked' && (only === undefined || r.blockedOwn))
            ? EXIT.failed
            : EXIT.ok;
  }
}

function renderDryRun(
  ctx: CliContext,
  plan: DryRunPlan,
  json: boolean,
  show: ShowLog | undefined,
): void {
  const { jobs, gpus, starts } = plan;
  if (json) {
    const blocked = plan.blocked.map((b) => ({ id: b.id, text: b.text }));
    ctx.out.out(JSON.stringify({ type: 'dry-run', jobs, gpus, starts, blocked }));
    return;
  }
  const blocked = plan.blocked.map((b) =>
    show === undefined ? b : { ...b, text: formatBlockReason(withLogsShown(b.reason, show)) },
  );
  for (const w of plan.warnings) ctx.out.err(`warning: ${w}`);
  // Unlike a run's event lines, kept one per event for grep, the plan wraps to the width.
  const line = (text: string, indent: string): void =>
    ctx.out.out(wrapProse(text, ctx.out.columns, indent));
  line(
    `dry run: ${starts.length} would start with --jobs ${jobs}, GPUs ${gpus.length === 0 ? 'none' : gpus.join(',')}`,
    '  ',
  );
  for (const s of starts)
    line(
      `  +${fmtPlanned(s.atHours).padStart(6)}  start ${s.id}${s.gpus.length > 0 ? `  gpus ${s.gpus.join(',')}` : ''}`,
      ' '.repeat(11),
    );
  for (const b of blocked) line(`  blocked ${b.id}: ${b.text}`, '    ');
}
