import { existsSync } from 'node:fs';
import { Option } from 'commander';
import type { Command } from 'commander';
import { newRunId } from '../../state/run-id.js';
import type { CliContext } from '../context.js';
import { EXIT, loadOrReport, usageError } from '../context.js';
import type { ActivityGraph } from '../../model/activities.js';
import { buildActivityGraph } from '../../model/activities.js';
import type { Project } from '../../model/project.js';
import { expectedHours } from '../../model/project.js';
import { GpuAllocator } from '../../gpu/allocator.js';
import { GpuHostLocks } from '../../gpu/host-locks.js';
import type { Inventory } from '../../gpu/inventory.js';
import { detectInventory, parseGpuOption } from '../../gpu/inventory.js';
import { ALIGNED_PAIRS, parseTopology } from '../../gpu/topology.js';
import type { Backend } from '../../executor/backend.js';
import { simulate } from '../../executor/dry-run.js';
import type { RunEvent, RunReporter, SummaryRow } from '../../executor/events.js';
import type { FailureMode } from '../../executor/executor.js';
import { execute } from '../../executor/executor.js';
import {
  liveGroups,
  localBackend,
  startLauncher,
  stopLauncher,
} from '../../executor/local-backend.js';
import {
  beginRun,
  crashRecord,
  runHours,
  runStartRecord,
  wantedClosure,
} from '../../executor/begin-run.js';
import { sweepOrphans } from '../../executor/orphans.js';
import { killGroup } from '../../executor/process-group.js';
import { formatBlockReason, Scheduler } from '../../executor/scheduler.js';
import { readJournal } from '../../state/journal.js';
import { ownerAlive, readLock, unlock } from '../../state/lockfile.js';
import type { StatePaths } from '../../state/paths.js';
import { statePaths } from '../../state/paths.js';
import { orphanedAttempts, reduce, replay } from '../../state/reducer.js';
import type { RunState } from '../../state/reducer.js';
import { fmtPlanned, jsonRunReporter, plainRunReporter } from '../../reporters/run-plain.js';
import { liveRunReporter } from '../../reporters/run-live.js';
import { slurmRunCommand } from '../../executor/slurm/cli.js';
import { wholeNumber } from '../options.js';

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
}

/** Other backends (Slurm) register here; `--backend NAME` picks one. */
export const BACKENDS = new Map<string, () => Backend | Promise<Backend>>([
  ['local', () => localBackend],
]);

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description(
      "Run the project's commands in dependency order, on GPUs, resuming where the last run stopped",
    )
    .argument(
      '[file-and-ids...]',
      'task file (default tasks/epic-1a.yaml), then task or activity ids to run with what they need',
    )
    .option('-j, --jobs <n>', 'activities to run at once', '4')
    .option('--gpus <spec>', 'GPUs to use: a count of simulated slots (4) or indices (0,1,2,3)')
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
    .option('--keep-going', 'after a failure, run everything not downstream of it')
    .option('--fail-fast', 'after a failure, stop running work too')
    .option('--dry-run', 'print what would start, and with which GPUs, without running anything')
    .option('--json', 'stream NDJSON events')
    .option('--grace <seconds>', 'between SIGTERM and SIGKILL when stopping work', '10')
    .option('--retry-delay <seconds>', 'first retry backoff (doubles each retry)', '2')
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

/** Activity ids named by a task id or an activity id. */
function resolveIds(
  graph: ActivityGraph,
  project: Project,
  ids: readonly string[],
): { ok: string[]; unknown: string[] } {
  const ok: string[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const task = project.tasks.find((t) => t.id === id);
    if (task !== undefined) ok.push(...task.phases.map((p) => p.activityId));
    else if (graph.byId.has(id)) ok.push(id);
    else unknown.push(id);
  }
  return { ok, unknown };
}

/** The first GPU arrival date still ahead of today, when the host has no GPUs yet. */
function arrivalAhead(project: Project): string | undefined {
  const today = new Date().toISOString().slice(0, 10);
  const first = project.gpu.find((a) => a.count > 0);
  return first !== undefined && first.from > today ? first.from : undefined;
}

/** Builds the scheduler for this run: what is done, what is selected. */
function makeScheduler(
  graph: ActivityGraph,
  project: Project,
  state: RunState,
  opts: RunOptions,
  targets: readonly string[],
  hostGpus: number,
): Scheduler {
  const done = (i: number): boolean =>
    state.activities.get(graph.activities[i]!.id)?.status === 'done';
  const wanted = wantedClosure(graph, state, targets);
  const selected = (i: number): boolean =>
    (wanted === undefined || wanted[i] === 1) &&
    (opts.only === undefined || graph.activities[i]!.phase.hardware === opts.only);
  return new Scheduler({
    graph,
    done,
    selected,
    hostGpus,
    gpuArrives: hostGpus === 0 ? arrivalAhead(project) : undefined,
  });
}

async function runCommand(
  ctx: CliContext,
  args: readonly string[],
  opts: RunOptions,
  backendName: string,
): Promise<void> {
  // nvidia-smi is asked while the project loads; a command that ends early does not wait for it.
  const inventory = new AbortController();
  // A terminal that hangs up (an ssh session that drops) does not stop hours of work: the run
  // goes on without output, `critpath status` follows it, `critpath cancel` stops it. (Node 20
  // then aborts at exit, restoring the terminal it no longer has: nodejs/node#51519. The work and
  // the journal are complete by then.)
  const onHup = (): void => undefined;
  process.on('SIGHUP', onHup);
  try {
    await runCommandWith(ctx, args, opts, backendName, inventory.signal);
  } finally {
    inventory.abort();
    process.off('SIGHUP', onHup);
  }
}

async function runCommandWith(
  ctx: CliContext,
  args: readonly string[],
  opts: RunOptions,
  backendName: string,
  inventorySignal: AbortSignal,
): Promise<void> {
  const { file, ids } = splitArgs(args, ctx.defaultFile.file);
  const jobsOpt = wholeNumber('--jobs', opts.jobs, 1);
  if (!jobsOpt.ok) return usageError(ctx, jobsOpt.error);
  const jobs = jobsOpt.value;
  const grace = Number(opts.grace);
  const retryDelay = Number(opts.retryDelay);
  if (!(grace >= 0) || !(retryDelay >= 0))
    return usageError(ctx, 'expected --grace and --retry-delay as seconds ≥ 0');
  if (opts.keepGoing === true && opts.failFast === true)
    return usageError(ctx, '--keep-going and --fail-fast exclude each other');
  const gpuOpt = parseGpuOption(opts.gpus);
  if (gpuOpt.kind === 'error') return usageError(ctx, gpuOpt.message);
  const makeBackend = BACKENDS.get(backendName);
  if (makeBackend === undefined && backendName !== 'slurm')
    return usageError(
      ctx,
      `unknown backend "${backendName}" (known: ${[...BACKENDS.keys(), 'slurm'].join(', ')})`,
    );

  // The spawn launcher starts now, while this process is small, and comes up while the project
  // loads; a process that exits takes it along (its stdin closes).
  if (backendName === 'local' && opts.dryRun !== true) startLauncher(jobs);
  // The GPU inventory (nvidia-smi) is read while the project loads; Slurm assigns GPUs itself.
  const inventoryRead =
    backendName === 'slurm' ? undefined : detectInventory(gpuOpt, undefined, inventorySignal);
  const project = await loadOrReport(ctx, file);
  if (project === undefined) return;
  const graph = buildActivityGraph(project);
  const named = resolveIds(graph, project, ids);
  const forced = resolveIds(graph, project, opts.force ?? []);
  const unknown = [...named.unknown, ...forced.unknown];
  if (unknown.length > 0) return usageError(ctx, `unknown task or activity: ${unknown.join(', ')}`);

  const paths = statePaths(file);
  if (backendName === 'slurm') {
    // The whole graph goes to Slurm at once (--dependency=afterok); Slurm assigns the GPUs.
    if (opts.dryRun === true) return usageError(ctx, '--dry-run does not apply to --backend slurm');
    if (opts.gpus !== undefined)
      return usageError(ctx, '--gpus does not apply to --backend slurm: Slurm assigns GPUs');
    const reporter: RunReporter =
      opts.json === true ? jsonRunReporter((l) => ctx.out.out(l)) : plainRunReporter(ctx.out);
    try {
      ctx.exitCode = await slurmRunCommand(ctx.out, project, paths, {
        ...(opts.partition === undefined ? {} : { partition: opts.partition }),
        follow: opts.follow,
        targets: named.ok,
        force: forced.ok,
        ...(opts.only === undefined ? {} : { only: opts.only }),
        onEvent: (e) => reporter.onEvent(e),
      });
    } finally {
      reporter.close();
    }
    return;
  }
  const inventory = await (inventoryRead ?? detectInventory(gpuOpt));
  const topology =
    (inventory.topology !== undefined ? parseTopology(inventory.topology) : undefined) ??
    ALIGNED_PAIRS;
  const gpuIdx = inventory.gpus.map((g) => g.index);

  if (opts.dryRun === true) {
    const state = replay(readJournal(paths.journal).records);
    for (const id of forced.ok) state.activities.delete(id);
    dryRun(
      ctx,
      graph,
      project,
      state,
      opts,
      named.ok,
      inventory,
      new GpuAllocator(gpuIdx, topology),
      jobs,
    );
    return;
  }

  const reporter: RunReporter =
    opts.json === true
      ? jsonRunReporter((l) => ctx.out.out(l))
      : ctx.out.isTty
        ? liveRunReporter(
            ctx.out,
            (s) => ctx.out.write(s),
            () => process.stdout.columns ?? 100,
          )
        : plainRunReporter(ctx.out);
  const emit = (e: RunEvent): void => reporter.onEvent(e);

  const runId = newRunId();
  const begun = beginRun(paths, runId, `critpath run ${file}`);
  if (!begun.ok) {
    ctx.out.err(
      `critpath: another run holds this project (pid ${begun.holder.pid}${begun.holder.runId !== undefined ? `, run ${begun.holder.runId}` : ''}); see critpath status, or critpath cancel`,
    );
    ctx.exitCode = EXIT.failed;
    return;
  }
  const { owner, journal } = begun;
  const started = Date.now();
  let exitBackstop: (() => void) | undefined;
  const abort = new AbortController();
  const signals: NodeJS.Signals[] = [];
  const onSignal = (sig: NodeJS.Signals): void => {
    signals.push(sig);
    if (signals.length === 1) abort.abort();
    else for (const g of liveGroups()) killGroup(g, 'SIGKILL'); // second Ctrl-C: no more grace
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    exitBackstop = () => {
      for (const g of liveGroups()) killGroup(g, 'SIGKILL');
    };
    process.on('exit', exitBackstop);
    const state = replay(readJournal(paths.journal).records);
    const backend = await makeBackend!();

    // Leftovers of dead runs of this project: we hold the lock, so every earlier run is dead.
    const dead = new Set(state.runs.map((r) => r.start.runId));
    const killed = await sweepOrphans(dead, Math.min(grace * 1000, 5000));
    if (killed.length > 0)
      emit({
        type: 'orphans-killed',
        at: Date.now(),
        pids: killed.map((p) => p.pid),
        runIds: [...new Set(killed.map((p) => p.runId))],
      });
    if (backend.sweep !== undefined) await backend.sweep(dead);
    const orphaned = orphanedAttempts(state, runId);
    for (const o of orphaned) {
      const rec = crashRecord(o, Date.now());
      journal.appendSync(rec);
      reduce(state, { v: 1, ...rec });
    }
    if (forced.ok.length > 0) {
      const rec = { t: 'reset', at: Date.now(), ids: forced.ok } as const;
      journal.appendSync(rec);
      reduce(state, { v: 1, ...rec });
    }
    const hostLocks =
      inventory.gpus.length > 0 ? new GpuHostLocks(inventory.gpus, owner) : undefined;
    const allocator = new GpuAllocator(gpuIdx, topology);
    const sched = makeScheduler(graph, project, state, opts, named.ok, inventory.gpus.length);
    const simulated = inventory.gpus.some((g) => g.simulated);
    journal.appendSync(
      runStartRecord(owner, {
        at: started,
        runId,
        backend: backend.name,
        jobs,
        gpus: gpuIdx,
        simulatedGpus: simulated,
      }),
    );
    const counts = sched.counts();
    const { plannedHours, doneHours } = runHours(graph, (i) => sched.status(i) === 'done');
    emit({
      type: 'run-start',
      at: started,
      runId,
      jobs,
      gpus: gpuIdx,
      simulatedGpus: simulated,
      toRun: counts.ready + counts.waiting,
      alreadyDone: counts.done,
      plannedHours,
      doneHours,
    });
    for (const w of inventory.warnings) emit({ type: 'warning', at: Date.now(), message: w });
    if (orphaned.length > 0)
      emit({ type: 'resumed', at: Date.now(), interrupted: orphaned.map((o) => o.id) });
    for (const a of graph.activities) {
      const r = sched.blockReason(a.index);
      if (r !== undefined && (r.kind === 'gpus' || r.status !== 'excluded'))
        emit({
          type: 'activity-blocked',
          at: Date.now(),
          id: a.id,
          reason: r,
          text: formatBlockReason(r),
        });
    }

    const failureMode: FailureMode =
      opts.failFast === true ? 'kill' : opts.keepGoing === true ? 'continue' : 'no-new';
    const result = await execute({
      graph,
      scheduler: sched,
      paths,
      runId,
      jobs,
      failureMode,
      retryBaseMs: retryDelay * 1000,
      graceMs: grace * 1000,
      gpus: inventory.gpus,
      allocator,
      hostLocks,
      journal,
      backend,
      emit,
      signal: abort.signal,
      baseEnv: process.env,
    });
    await journal.flush();
    const end = Date.now();
    journal.appendSync({ t: 'run-end', at: end, runId, outcome: result.outcome });
    const after = replay(readJournal(paths.journal).records);
    const rows: SummaryRow[] = graph.activities
      .filter((a) => sched.status(a.index) !== 'excluded' || result.ranNow.has(a.index))
      .map((a) => {
        const s = sched.status(a.index);
        const st = after.activities.get(a.id);
        const status: SummaryRow['status'] =
          s === 'done'
            ? result.ranNow.has(a.index)
              ? 'done'
              : 'skipped'
            : s === 'failed'
              ? 'failed'
              : s === 'blocked'
                ? 'blocked'
                : result.interrupted.has(a.index)
                  ? 'interrupted'
                  : 'not-run';
        return {
          id: a.id,
          status,
          estimateHours: expectedHours(a.phase.estimate),
          actualHours: st?.actualHours,
          ranNow: result.ranNow.has(a.index),
        };
      });
    emit({
      type: 'run-end',
      at: end,
      runId,
      outcome: result.outcome,
      durationMs: end - started,
      rows,
    });
    if (result.outcome === 'interrupted')
      ctx.out.err(
        `to resume: critpath run ${file} (done work is kept; interrupted activities run again)`,
      );
    ctx.exitCode =
      result.outcome === 'interrupted'
        ? signals[0] === 'SIGTERM'
          ? 143
          : 130
        : result.outcome === 'failed'
          ? EXIT.failed
          : EXIT.ok;
  } finally {
    stopLauncher();
    reporter.close();
    journal.close();
    unlock(paths.lock, owner);
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    if (exitBackstop !== undefined) process.off('exit', exitBackstop);
  }
}

function dryRun(
  ctx: CliContext,
  graph: ActivityGraph,
  project: Project,
  state: RunState,
  opts: RunOptions,
  targets: readonly string[],
  inventory: Inventory,
  alloc: GpuAllocator,
  jobs: number,
): void {
  const sched = makeScheduler(graph, project, state, opts, targets, inventory.gpus.length);
  const blocked = graph.activities.flatMap((a) => {
    const r = sched.blockReason(a.index);
    return r !== undefined && (r.kind === 'gpus' || r.status !== 'excluded')
      ? [{ id: a.id, text: formatBlockReason(r) }]
      : [];
  });
  const starts = simulate(graph, sched, alloc, jobs);
  if (opts.json === true) {
    ctx.out.out(
      JSON.stringify({
        type: 'dry-run',
        jobs,
        gpus: inventory.gpus.map((g) => g.index),
        starts,
        blocked,
      }),
    );
    return;
  }
  for (const w of inventory.warnings) ctx.out.err(`warning: ${w}`);
  ctx.out.out(
    `dry run: ${starts.length} would start with --jobs ${jobs}, GPUs ${inventory.gpus.length === 0 ? 'none' : inventory.gpus.map((g) => g.index).join(',')}`,
  );
  for (const s of starts)
    ctx.out.out(
      `  +${fmtPlanned(s.atHours).padStart(6)}  start ${s.id}${s.gpus.length > 0 ? `  gpus ${s.gpus.join(',')}` : ''}`,
    );
  for (const b of blocked) ctx.out.out(`  blocked ${b.id}: ${b.text}`);
}

/** Whether a run of this project is alive now, and its pid. */
export function liveRun(paths: StatePaths): { pid: number; runId: string | undefined } | undefined {
  const o = readLock(paths.lock)?.owner;
  return o !== undefined && ownerAlive(o) ? { pid: o.pid, runId: o.runId } : undefined;
}
