import type { StatePaths } from './paths.js';
import { statePaths } from './paths.js';
import { readJournal } from './journal.js';
import type { ProjectRunState } from './run-state.js';
import { runStateOf } from './run-state.js';

export type { ProjectRunState } from './run-state.js';

/**
 * Reads a project's journal and replays it. Attempts marked running whose run is not alive are
 * reported as `interrupted` (they re-run on resume). Needs no live `run`.
 */
export function readRunState(
  taskFile: string,
  paths: StatePaths = statePaths(taskFile),
): ProjectRunState {
  return runStateOf(paths, readJournal(paths.journal));
}
