/**
 * The `local` backend's part of a run: commands run on this host, dispatched by the scheduler
 * (longest remaining critical path first, on free GPUs) through the launchers of
 * local-backend.ts. The GPU inventory is read, and the launchers started, while the project
 * loads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPath } from '../config/field-path.js';
import { positionIn } from '../config/positions.js';
import { argStringLimit } from '../util/arg-limit.js';
import { tooLongArgument } from './arg-length.js';
import type { ActivityGraph } from '../model/activities.js';
import type { Project } from '../model/project.js';
import { GpuAllocator } from '../gpu/allocator.js';
import { GpuHostLocks } from '../gpu/host-locks.js';
import type { Inventory } from '../gpu/inventory.js';
import { detectInventory } from '../gpu/inventory.js';
import { ALIGNED_PAIRS, parseTopology } from '../gpu/topology.js';
import { JournalFollower } from '../state/journal-follow.js';
import type { RunState } from '../state/reducer.js';
import { handHold, orphanedAttempts, reduce } from '../state/reducer.js';
import { crashRecord } from './begin-run.js';
import type { BackendOptions, DryRunPlan, OpenedBackend } from './backends.js';
import { simulate } from './dry-run.js';
import { execute } from './executor.js';
import { liveGroups, localBackend, startLauncher, stopLauncher } from './local-backend.js';
import { sweepOrphans } from './orphans.js';
import { killGroup } from './process-group.js';
import type { RunDriver, RunSession } from './run-loop.js';
import type { BlockReason } from './scheduler.js';
import type { GpuArrivalFor } from '../model/block-reason.js';
import { gpuArrivalFor, needsGpu } from '../model/block-reason.js';
import { todayAt } from '../calendar/calendar.js';
import { formatBlockReason, Scheduler } from './scheduler.js';

/** When GPU hardware with enough for a demand arrives, from today on (the host has none yet). */
function arrivalAhead(project: Project): GpuArrivalFor {
  return gpuArrivalFor(project.gpu, todayAt(Date.now()));
}

/** The scheduler of this run: what is done, what is selected, what the host's GPUs allow. */
function makeScheduler(
  graph: ActivityGraph,
  project: Project,
  state: RunState,
  selected: (index: number) => boolean,
  hostGpus: number,
): Scheduler {
  return new Scheduler({
    graph,
    done: (i) => state.activities.get(graph.activities[i]!.id)?.status === 'done',
    selected,
    held: (i) => handHold(state.activities.get(graph.activities[i]!.id)),
    hostGpus,
    gpuArrives: hostGpus === 0 ? arrivalAhead(project) : undefined,
  });
}

function allocatorFor(inventory: Inventory): GpuAllocator {
  const topology =
    (inventory.topology !== undefined ? parseTopology(inventory.topology) : undefined) ??
    ALIGNED_PAIRS;
  return new GpuAllocator(
    inventory.gpus.map((g) => g.index),
    topology,
  );
}

/** Blocked activities worth a line: short of GPUs, or behind a failure (not merely left out). */
function shownBlocks(
  graph: ActivityGraph,
  sched: Scheduler,
): { index: number; reason: NonNullable<ReturnType<Scheduler['blockReason']>> }[] {
  return graph.activities.flatMap((a) => {
    const r = sched.blockReason(a.index);
    return r !== undefined && (r.kind !== 'dependency' || r.status !== 'excluded')
      ? [{ index: a.index, reason: r }]
      : [];
  });
}

/**
 * The inventory's warnings this run shows: all of its own, and those about GPUs only when some
 * selected activity still to do needs GPUs (a CPU-only run has no GPU work to block).
 */
function warningsFor(inventory: Inventory, graph: ActivityGraph, sched: Scheduler): string[] {
  const gpuWork = graph.activities.some(
    (a) => needsGpu(a.phase) && !['done', 'excluded'].includes(sched.status(a.index)),
  );
  return [...inventory.warnings, ...(gpuWork ? inventory.gpuWarnings : [])];
}

/**
 * Why this host could never start a command of `project` (a string over its one-argument
 * limit), as one line naming the file, line, column and field; undefined when none is, or the
 * limit is not known here.
 */
function tooLongHere(file: string, project: Project): string | undefined {
  const limit = argStringLimit();
  const found = limit === undefined ? undefined : tooLongArgument(project, limit);
  if (found === undefined) return undefined;
  let where = file;
  try {
    const p = positionIn(readFileSync(file, 'utf8'), file, found.path);
    where = `${p.file}:${p.line}:${p.col}`;
  } catch {
    // The file went away since it loaded: the field alone says where.
  }
  return `${where}: ${formatPath(found.path)}: ${found.message}`;
}

/** Opens the local backend: launchers up and the GPU inventory asked for, before the load. */
export function openLocal(o: BackendOptions): OpenedBackend {
  // The spawn launcher starts now, while this process is small, and comes up while the project
  // loads; a process that exits takes it along (its stdin closes).
  if (!o.dryRun) startLauncher(o.jobs);
  const inventory = detectInventory(o.gpus, undefined, o.inventorySignal);
  return {
    async driver(project) {
      const tooLong = tooLongHere(o.file, project);
      if (tooLong !== undefined) return { ok: false, kind: 'usage', message: tooLong };
      return { ok: true, driver: localDriver(o, await inventory, project) };
    },
    async dryRun(project, graph, state, selected): Promise<DryRunPlan> {
      const inv = await inventory;
      const sched = makeScheduler(graph, project, state, selected, inv.gpus.length);
      const blocked = shownBlocks(graph, sched).map((b) => ({
        id: graph.activities[b.index]!.id,
        reason: b.reason,
        text: formatBlockReason(b.reason),
      }));
      // Before the simulation, which marks what it starts done: GPU work it starts still counts.
      const warnings = warningsFor(inv, graph, sched);
      return {
        jobs: o.jobs,
        gpus: inv.gpus.map((g) => g.index),
        starts: simulate(graph, sched, allocatorFor(inv), o.jobs),
        blocked,
        warnings,
      };
    },
    close: stopLauncher,
  };
}

/** SIGKILL to every process group of this run still alive. */
function killAll(): void {
  for (const g of liveGroups()) killGroup(g, 'SIGKILL');
}

function localDriver(o: BackendOptions, inventory: Inventory, project: Project): RunDriver {
  let sched: Scheduler | undefined;
  let orphaned: readonly { readonly id: string }[] = [];
  // A process that exits mid-run takes its commands along.
  process.on('exit', killAll);
  return {
    name: localBackend.name,
    async recover(s) {
      // Leftovers of dead runs of this project: we hold the lock, so every earlier run is dead.
      const dead = new Set(s.state.runs.map((r) => r.start.runId));
      const killed = await sweepOrphans(dead, Math.min(o.graceMs, 5000));
      if (killed.length > 0)
        s.emit({
          type: 'orphans-killed',
          at: Date.now(),
          pids: killed.map((p) => p.pid),
          runIds: [...new Set(killed.map((p) => p.runId))],
        });
      await localBackend.sweep?.(dead);
      const found = orphanedAttempts(s.state, s.runId);
      orphaned = found;
      for (const a of found) {
        const rec = crashRecord(a, Date.now());
        s.journal.appendSync(rec);
        reduce(s.state, { v: 1, ...rec });
      }
    },
    start(s) {
      const sc = makeScheduler(s.graph, project, s.state, s.selected, inventory.gpus.length);
      sched = sc;
      const counts = sc.counts();
      return {
        jobs: o.jobs,
        gpus: inventory.gpus.map((g) => g.index),
        simulatedGpus: inventory.gpus.some((g) => g.simulated),
        toRun: counts.ready + counts.waiting,
        alreadyDone: counts.done,
        done: (i) => sc.status(i) === 'done',
      };
    },
    drive: (s) => drive(s, o, inventory, sched!, orphaned),
    hurry: killAll,
    close() {
      process.off('exit', killAll);
    },
  };
}

/**
 * What a person did by hand, since the run began, to an activity without a command: the hand
 * records appended meanwhile are folded into the run's state as the activity comes up.
 */
function handNowOf(s: RunSession): (id: string) => BlockReason | 'done' | undefined {
  const follower = new JournalFollower(s.paths.journal, s.journalBytes);
  return (id) => {
    for (const rec of follower.poll()) if (rec.t === 'hand') reduce(s.state, rec);
    const a = s.state.activities.get(id);
    return a?.hand?.state === 'done' ? 'done' : handHold(a);
  };
}

async function drive(
  s: RunSession,
  o: BackendOptions,
  inventory: Inventory,
  sched: Scheduler,
  orphaned: readonly { id: string }[],
): Promise<Awaited<ReturnType<RunDriver['drive']>>> {
  for (const w of warningsFor(inventory, s.graph, sched))
    s.emit({ type: 'warning', at: Date.now(), message: w });
  if (orphaned.length > 0)
    s.emit({ type: 'resumed', at: Date.now(), interrupted: orphaned.map((a) => a.id) });
  for (const b of shownBlocks(s.graph, sched))
    s.emit({
      type: 'activity-blocked',
      at: Date.now(),
      id: s.graph.activities[b.index]!.id,
      reason: b.reason,
      text: formatBlockReason(b.reason),
    });
  const result = await execute({
    graph: s.graph,
    scheduler: sched,
    paths: s.paths,
    runId: s.runId,
    jobs: o.jobs,
    failureMode: o.failureMode,
    retryBaseMs: o.retryBaseMs,
    graceMs: o.graceMs,
    gpus: inventory.gpus,
    allocator: allocatorFor(inventory),
    hostLocks:
      inventory.gpus.length > 0
        ? new GpuHostLocks(inventory.gpus, { ...s.owner, project: join(s.paths.root, s.paths.key) })
        : undefined,
    journal: s.journal,
    backend: localBackend,
    emit: s.emit,
    signal: s.signal,
    baseEnv: process.env,
    handNow: handNowOf(s),
  });
  // Stopped for a host fault (a launcher died), a command may run that no launcher told of.
  if (result.hostFault !== undefined)
    await sweepOrphans(new Set([s.runId]), Math.min(o.graceMs, 5000));
  return {
    outcome: result.outcome,
    hostFault: result.hostFault,
    hostRefused: result.hostRefused,
    ranNow: (i) => result.ranNow.has(i),
    rowStatus(i) {
      const st = sched.status(i);
      if (st === 'done') return result.ranNow.has(i) ? 'done' : 'skipped';
      if (st === 'failed' || st === 'blocked' || st === 'excluded') return st;
      return result.interrupted.has(i) ? 'interrupted' : 'not-run';
    },
  };
}
