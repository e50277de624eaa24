/**
 * The start-of-run steps both backends share (`critpath run`, local and `--backend slurm`): take
 * the project's run lock, open the journal, build the `run-start` record and the `interrupted`
 * (`crash`) records of attempts a dead run left behind, work out which activities the requested
 * targets need, and total the planned and done hours.
 *
 * What differs between the backends stays with them: the order in which the records are written
 * (local: crash records, reset, then run-start; Slurm: reset, run-start, then crash records for the
 * jobs Slurm has lost), which attempts count as crashed, and how a held lock is reported.
 */
import { dirname, join } from 'node:path';
import type { ActivityGraph } from '../model/activities.js';
import type { Hardware } from '../model/project.js';
import { expectedHours } from '../model/project.js';
import { JournalWriter } from '../state/journal.js';
import { refuseLinkedFolders, refuseOthersState } from '../state/journal-read.js';
import type { LockOwner } from '../state/lockfile.js';
import { selfOwner, tryLock, unlock } from '../state/lockfile.js';
import { describeIoError, EnvironmentError } from '../result.js';
import type { StatePaths } from '../state/paths.js';
import type { Attempt, RunState } from '../state/reducer.js';
import type { InterruptedRecord, RunStartRecord, WithoutVersion } from '../state/records.js';
import { makeStateFolders } from '../state/state-owner.js';

export type BeginRunResult =
  | { readonly ok: true; readonly owner: LockOwner; readonly journal: JournalWriter }
  | { readonly ok: false; readonly holder: LockOwner };

/**
 * Creates the state folders, takes the project's run lock for this process and opens the
 * journal. When another run holds the lock, nothing is opened and the holder comes back: the
 * caller reports it its own way.
 */
export function beginRun(paths: StatePaths, runId: string, what: string): BeginRunResult {
  refuseOthersState(paths.dir);
  const logs = join(paths.dir, 'logs');
  refuseLinkedFolders(logs, paths.logs);
  try {
    makeStateFolders(paths.logs);
    makeStateFolders(dirname(paths.lock));
  } catch (e) {
    throw new EnvironmentError(
      `cannot create the run state folder ${describeIoError(paths.logs, e)}`,
    );
  }
  refuseLinkedFolders(logs, paths.logs);
  const owner = selfOwner({ runId, what });
  const locked = tryLock(paths.lock, owner);
  if (!locked.ok) return { ok: false, holder: locked.holder };
  try {
    return { ok: true, owner, journal: JournalWriter.open(paths.journal) };
  } catch (e) {
    unlock(paths.lock, owner);
    throw e;
  }
}

/** The `run-start` record of a run whose lock `owner` holds. */
export function runStartRecord(
  owner: LockOwner,
  run: {
    readonly at: number;
    readonly runId: string;
    readonly backend: string;
    readonly jobs: number;
    readonly gpus: readonly number[];
    readonly simulatedGpus: boolean;
  },
): WithoutVersion<RunStartRecord> {
  return {
    t: 'run-start',
    at: run.at,
    runId: run.runId,
    pid: owner.pid,
    pidStart: owner.start,
    boot: owner.boot,
    host: owner.host,
    backend: run.backend,
    jobs: run.jobs,
    gpus: run.gpus,
    simulatedGpus: run.simulatedGpus,
  };
}

/** The `interrupted` record for an attempt whose run died under it (no duration known). */
export function crashRecord(
  o: { readonly id: string; readonly attempt: Pick<Attempt, 'runId' | 'attempt'> },
  at: number,
): WithoutVersion<InterruptedRecord> {
  return {
    t: 'interrupted',
    at,
    runId: o.attempt.runId,
    id: o.id,
    attempt: o.attempt.attempt,
    reason: 'crash',
    durationMs: null,
  };
}

/**
 * The activities the `targets` need, by index: the targets plus every predecessor not done in
 * `state`, transitively. Undefined when no targets are named (everything is wanted). Ids not in
 * the graph are passed over.
 */
export function wantedClosure(
  graph: ActivityGraph,
  state: RunState,
  targets: readonly string[] | undefined,
): Uint8Array | undefined {
  if (targets === undefined || targets.length === 0) return undefined;
  const done = (i: number): boolean =>
    state.activities.get(graph.activities[i]!.id)?.status === 'done';
  const wanted = new Uint8Array(graph.activities.length);
  const stack = targets.flatMap((id) => {
    const a = graph.byId.get(id);
    return a === undefined ? [] : [a.index];
  });
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (wanted[v] === 1) continue;
    wanted[v] = 1;
    for (let e = graph.predStart[v]!; e < graph.predStart[v + 1]!; e++)
      if (!done(graph.pred[e]!)) stack.push(graph.pred[e]!);
  }
  return wanted;
}

/**
 * Whether this run should run activity `index`, done or not: the `targets`' closure (all when
 * none is named) narrowed to one kind of hardware (`--only`).
 */
export function selection(
  graph: ActivityGraph,
  state: RunState,
  targets: readonly string[] | undefined,
  only: Hardware | undefined,
): (index: number) => boolean {
  const wanted = wantedClosure(graph, state, targets);
  return (i) =>
    (wanted === undefined || wanted[i] === 1) &&
    (only === undefined || graph.activities[i]!.phase.hardware === only);
}

/** Expected hours of the whole graph, and of the activities `done` says are done. */
export function runHours(
  graph: ActivityGraph,
  done: (index: number) => boolean,
): { plannedHours: number; doneHours: number } {
  let plannedHours = 0;
  let doneHours = 0;
  for (const a of graph.activities) {
    const h = expectedHours(a.phase.estimate);
    plannedHours += h;
    if (done(a.index)) doneHours += h;
  }
  return { plannedHours, doneHours };
}
