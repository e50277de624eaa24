/**
 * The one run loop of `critpath run`, whatever the backend: take the project's run lock, open
 * the journal, journal the `reset` of forced activities and the `run-start` record, let the
 * backend drive the work, then journal `run-end` and report the summary, built here and only
 * here. Backends (executor/backends.ts) plug in as a `RunDriver`: `local` dispatches ready work
 * itself (executor.ts), `slurm` hands the graph to Slurm with afterok dependencies.
 */
import type { ActivityGraph } from '../model/activities.js';
import type { Hardware } from '../model/project.js';
import { expectedHours } from '../model/project.js';
import type { JournalWriter } from '../state/journal.js';
import { describeBadLines, readJournal } from '../state/journal.js';
import type { LockOwner } from '../state/lockfile.js';
import { holdsLock, unlock } from '../state/lockfile.js';
import type { StatePaths } from '../state/paths.js';
import type { RunState } from '../state/reducer.js';
import { reduce, replay } from '../state/reducer.js';
import { EnvironmentError } from '../result.js';
import { handKept, resetClosure } from '../state/reset.js';
import { beginRun, runHours, runStartRecord, selection } from './begin-run.js';
import type { RunEvent, RunOutcome, SummaryRow } from './events.js';

/** What every run is asked to do, whatever runs it. */
export interface RunInput {
  readonly graph: ActivityGraph;
  readonly paths: StatePaths;
  readonly runId: string;
  /** What the run lock says its holder does (`critpath run FILE`). */
  readonly what: string;
  /** Activity ids to run with what they still need; all when empty. */
  readonly targets: readonly string[];
  /**
   * Activity ids to run again even if done: journaled as a reset first, with every activity
   * downstream of them that has a result (make's rule), unless `keepDownstream`.
   */
  readonly force: readonly string[];
  /** `--keep-downstream`: reset only the forced activities themselves. */
  readonly keepDownstream: boolean;
  /** Only the work for this hardware (`--only`). */
  readonly only: Hardware | undefined;
  readonly emit: (e: RunEvent) => void;
  /**
   * Aborting stops the run (the first Ctrl-C or SIGTERM). Drivers get one that a journal which
   * cannot be written (a full disk) aborts too.
   */
  readonly signal: AbortSignal;
}

/** A run once the loop holds the project's lock: what a backend's driver works with. */
export interface RunSession extends RunInput {
  readonly owner: LockOwner;
  readonly journal: JournalWriter;
  /** The run state, replayed from the journal at the start; drivers keep it current. */
  state: RunState;
  /** The journal's bytes that state was replayed from: what others append begins there. */
  readonly journalBytes: number;
  /** When the run started (epoch ms). */
  readonly startedAt: number;
  /** Whether this run should run the activity (its targets' closure, --only); done or not. */
  selected(index: number): boolean;
}

/** What the run-start record and event say about where the work runs. */
export interface RunStartInfo {
  readonly jobs: number;
  readonly gpus: readonly number[];
  readonly simulatedGpus: boolean;
  /** Activities this run will try. */
  readonly toRun: number;
  readonly alreadyDone: number;
  /** Whether activity `index` is done before this run starts. */
  done(index: number): boolean;
}

/**
 * An activity's place in the summary, as its backend saw it; `excluded`: not part of this run
 * (an activity that ran in it is never excluded).
 */
export type RowStatus = SummaryRow['status'] | 'excluded';

/** How the backend's part of a run ended. */
export interface Driven {
  /** `submitted`: the work runs on without this process (Slurm --no-follow). */
  readonly outcome: RunOutcome | 'submitted';
  rowStatus(index: number): RowStatus;
  /** Whether the activity ran (or was taken over) in this run. */
  ranNow(index: number): boolean;
  /**
   * Why the host stopped the run (a log it could not open or write), if it did: the loop ends
   * the run as interrupted and throws an EnvironmentError saying so, for `run` to exit 2.
   */
  readonly hostFault?: string | undefined;
  /** The hostFault is a start the OS refused: nothing more started, nothing was stopped. */
  readonly hostRefused?: boolean;
}

/** A backend's part of a run. */
export interface RunDriver {
  /** Recorded in the journal's run-start record (`local`, `slurm`). */
  readonly name: string;
  /**
   * Before the run-start record: what dead runs left behind (local: kills their leftovers and
   * journals their attempts as crashed). Journals with `appendSync` and `reduce`s the state.
   */
  recover?(s: RunSession): Promise<void>;
  /** The run-start figures, once the state is final (after recovery and resets). */
  start(s: RunSession): RunStartInfo;
  /** Runs the work until nothing more can start, or the run is stopped. */
  drive(s: RunSession): Promise<Driven>;
  /** A second signal: stop everything now, without the grace period. */
  hurry?(): void;
  /** After the run, whatever it did: frees what the driver holds (launchers). */
  close?(): void;
}

export type RunLoopResult =
  | { readonly kind: 'locked'; readonly holder: LockOwner }
  | { readonly kind: 'ran'; readonly runId: string; readonly outcome: RunOutcome | 'submitted' };

/** Runs `input` with `driver`: the shared start, the backend's work, the shared end. */
export async function runLoop(input: RunInput, driver: RunDriver): Promise<RunLoopResult> {
  const { graph, paths, runId, emit } = input;
  const begun = beginRun(paths, runId, input.what);
  if (!begun.ok) {
    driver.close?.();
    return { kind: 'locked', holder: begun.holder };
  }
  const { owner, journal } = begun;
  const startedAt = Date.now();
  // A journal that cannot be written stops the run; the writer's error says why.
  const journalFailed = new AbortController();
  journal.onFailure = () => journalFailed.abort();
  const watch = watchPlace(journal, paths.lock, owner);
  try {
    let selected: (index: number) => boolean = () => true;
    const read = readJournal(paths.journal);
    const session: RunSession = {
      ...input,
      signal: AbortSignal.any([input.signal, journalFailed.signal]),
      owner,
      journal,
      state: replay(read.records),
      journalBytes: read.bytes,
      startedAt,
      selected: (i) => selected(i),
    };
    // What recovery reports (leftovers killed) is told after the run's first line, in time order.
    const recovered: RunEvent[] = [];
    await driver.recover?.({ ...session, emit: (e) => void recovered.push(e) });
    const forced = forceReset(session);
    selected = selection(graph, session.state, input.targets, input.only);
    const info = driver.start(session);
    journal.appendSync(
      runStartRecord(owner, {
        at: startedAt,
        runId,
        backend: driver.name,
        jobs: info.jobs,
        gpus: info.gpus,
        simulatedGpus: info.simulatedGpus,
      }),
    );
    emit({
      type: 'run-start',
      at: startedAt,
      runId,
      backend: driver.name,
      jobs: info.jobs,
      gpus: info.gpus,
      simulatedGpus: info.simulatedGpus,
      toRun: info.toRun,
      alreadyDone: info.alreadyDone,
      ...runHours(graph, info.done),
    });
    for (const e of recovered) emit(e);
    for (const message of describeBadLines(paths.journal, read))
      emit({ type: 'warning', at: Date.now(), message });
    if (forced !== undefined) emit(forced);
    const driven = await driver.drive(session);
    if (journal.failure !== undefined) throw journal.failure;
    await journal.flush();
    if (driven.outcome !== 'submitted') {
      const end = Date.now();
      journal.appendSync({ t: 'run-end', at: end, runId, outcome: driven.outcome });
      if (driven.hostFault !== undefined)
        throw new EnvironmentError(
          driven.hostRefused === true
            ? `${driven.hostFault}; the run started nothing more, and what it did not start will run again`
            : `${driven.hostFault}; the run stopped, and the work it stopped will run again`,
        );
      emit({
        type: 'run-end',
        at: end,
        runId,
        outcome: driven.outcome,
        durationMs: end - startedAt,
        rows: summaryRows(graph, replay(readJournal(paths.journal).records), driven),
      });
    }
    return { kind: 'ran', runId, outcome: driven.outcome };
  } finally {
    clearInterval(watch);
    driver.close?.();
    try {
      await journal.flush();
    } finally {
      journal.close();
      unlock(paths.lock, owner);
    }
  }
}

/** How often a run makes sure its journal and lock are still where others look for them. */
export const PLACE_CHECK_MS = 1000;

/**
 * Stops the run (through its journal, as a failed write would) once its journal is no longer at
 * its path, or its lock is gone or another's: the state folder removed mid-run, say. Records
 * would go to a deleted file, and a second run could start beside this one. Between records,
 * work may run for hours: the check runs on a timer too, not only with each record. The lock
 * counts as lost when two checks in a row find it so: a read can fail for a moment (no file
 * descriptor left), and another process reclaiming a lock it took for stale moves it aside for
 * a few milliseconds before it puts it back.
 */
function watchPlace(journal: JournalWriter, lock: string, owner: LockOwner): NodeJS.Timeout {
  let missed = 0;
  const timer = setInterval(() => {
    journal.checkPlace();
    missed = holdsLock(lock, owner) ? 0 : missed + 1;
    if (journal.failure === undefined && missed >= 2)
      journal.stop(`the run lock ${lock} was removed or taken by another process during the run`);
  }, PLACE_CHECK_MS);
  timer.unref();
  return timer;
}

/**
 * Journals the reset of `--force`d activities and of what ran downstream of them; the event
 * that says which, or undefined when nothing was forced.
 */
function forceReset(s: RunSession): Extract<RunEvent, { type: 'forced' }> | undefined {
  if (s.force.length === 0) return undefined;
  const downstream = s.keepDownstream ? [] : resetClosure(s.graph, s.state, s.force).downstream;
  const ids = [...s.force, ...downstream];
  // What people recorded by hand stays: such an activity does not run again.
  const kept = new Set(handKept(s.state, ids).map((k) => k.id));
  const rec = { t: 'reset', at: Date.now(), ids, hand: 'kept' } as const;
  s.journal.appendSync(rec);
  reduce(s.state, { v: 1, ...rec });
  return {
    type: 'forced',
    at: rec.at,
    ids: s.force.filter((id) => !kept.has(id)),
    downstream: downstream.filter((id) => !kept.has(id)),
  };
}

/** The end summary: one row per activity that is part of the run. */
export function summaryRows(
  graph: ActivityGraph,
  after: RunState,
  driven: Pick<Driven, 'rowStatus' | 'ranNow'>,
): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const a of graph.activities) {
    const status = driven.rowStatus(a.index);
    if (status === 'excluded') continue;
    rows.push({
      id: a.id,
      status,
      estimateHours: expectedHours(a.phase.estimate),
      actualHours: after.activities.get(a.id)?.actualHours,
      ranNow: driven.ranNow(a.index),
    });
  }
  return rows;
}
