import type { StatePaths } from './paths.js';
import type { JournalRead, JournalScan } from './journal-read.js';
import { describeBadLines, scanJournalWith } from './journal-read.js';
import { ownerAlive, readLock } from './lockfile.js';
import { quickRecord } from './record-check.js';
import type { RunInfo, RunState } from './reducer.js';
import { emptyState, orphanedAttempts, reduce, replay } from './reducer.js';

/** The run state of a project as `status` and re-planning see it. */
export interface ProjectRunState extends RunState {
  readonly paths: StatePaths;
  /** The run holding the project lock now, if it is alive. */
  readonly liveRunId: string | undefined;
  /** The last run in the journal. */
  readonly lastRun: RunInfo | undefined;
  readonly tornTail: boolean;
  readonly badLines: number;
  /** One warning per skipped journal line, with its line number. */
  readonly badLineNotes: readonly string[];
}

/**
 * A journal read, replayed. Attempts marked running whose run is not alive are reported as
 * `interrupted` (they re-run on resume). Needs no live `run`.
 */
export function runStateOf(paths: StatePaths, j: JournalRead): ProjectRunState {
  return runStateFrom(paths, replay(j.records), j);
}

/** `runStateOf` of the state the journal's records replay to (`state`, mutated). */
function runStateFrom(paths: StatePaths, state: RunState, j: JournalScan): ProjectRunState {
  const lock = readLock(paths.lock)?.owner;
  const liveRunId = lock !== undefined && ownerAlive(lock) ? lock.runId : undefined;
  for (const { id } of orphanedAttempts(state, liveRunId))
    state.activities.get(id)!.status = 'interrupted';
  return {
    ...state,
    paths,
    liveRunId,
    lastRun: state.runs[state.runs.length - 1],
    tornTail: j.tornTail,
    badLines: j.badLines,
    badLineNotes: describeBadLines(paths.journal, j),
  };
}

/**
 * The run state when every journal line is plainly a record or plainly not JSON (record-check.ts),
 * without loading zod; `undefined` when a line needs its schema (read.ts `readRunState` then).
 */
export function readRunStateQuickly(paths: StatePaths): ProjectRunState | undefined {
  // Replayed as read: no list of the records is kept (nor, on a large journal, its GC cost).
  const state = emptyState();
  const j = scanJournalWith(paths.journal, quickRecord, (r) => reduce(state, r));
  return j === undefined ? undefined : runStateFrom(paths, state, j);
}

/** What a reader of the journal says of lines it skipped, and of a torn last record. */
export function journalNotes(state: ProjectRunState): string[] {
  const notes = state.badLineNotes.map((line) => `warning: ${line}`);
  if (state.tornTail)
    notes.push('note: the journal ends in a torn record (a crash mid-write); it was ignored');
  return notes;
}
