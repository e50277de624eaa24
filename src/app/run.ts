/**
 * `critpath run`: the use case. Opens the backend the options name (executor/backends.ts) so it
 * can start what it may while the project loads, resolves the task and activity ids, and runs
 * the shared run loop with the backend's driver, or simulates it for --dry-run. Returns what
 * happened as data: the CLI renders it and sets the exit code.
 */
import type { ActivityGraph } from '../model/activities.js';
import { buildActivityGraph } from '../model/activities.js';
import { waitsOnlyOutsideRun } from '../model/block-reason.js';
import type { Hardware, Project } from '../model/project.js';
import { readJournal } from '../state/journal.js';
import type { LockOwner } from '../state/lockfile.js';
import type { StatePaths } from '../state/paths.js';
import { statePaths } from '../state/paths.js';
import { reduce, replay } from '../state/reducer.js';
import { handKept, resetClosure } from '../state/reset.js';
import { newRunId } from '../state/run-id.js';
import type { BackendOptions, DryRunPlan, OpenedBackend } from '../executor/backends.js';
import { BACKENDS } from '../executor/backends.js';
import { selection } from '../executor/begin-run.js';
import type { RunEvent, RunOutcome } from '../executor/events.js';
import { runLoop } from '../executor/run-loop.js';
import { liveRun } from './cancel.js';
import { resolveIds, unknownIdsText, withHints } from './resolve-ids.js';
import { catchRunSignals, ignoreHangup } from '../executor/run-signals.js';

export interface RunRequest extends Omit<BackendOptions, 'inventorySignal'> {
  readonly file: string;
  /** Task or activity ids to run, with what they still need; all when empty. */
  readonly ids: readonly string[];
  /** Task or activity ids to run again even if done, with what ran downstream of them. */
  readonly force: readonly string[];
  /** `--keep-downstream`: reset only the forced activities themselves. */
  readonly keepDownstream: boolean;
  /** `--root`: the project root (default: the git repository holding the file, else its folder). */
  readonly root: string | undefined;
  readonly only: Hardware | undefined;
  /** `--backend`. */
  readonly backend: string;
}

export interface RunIo {
  /** Loads the task file, reporting its errors; undefined when it could not be loaded. */
  load(): Promise<Project | undefined>;
  /** Called once, as the run begins: where its events go. */
  events(): (e: RunEvent) => void;
  /** Called once before a run (not a dry run) takes the project's lock: where its state lives. */
  where?(paths: StatePaths): void;
}

export type RunResult =
  | { readonly kind: 'usage'; readonly message: string }
  /** The backend cannot be reached from here (exit 1). */
  | { readonly kind: 'unavailable'; readonly message: string }
  /** The task file could not be loaded (already reported). */
  | { readonly kind: 'not-loaded' }
  | { readonly kind: 'locked'; readonly holder: LockOwner }
  | { readonly kind: 'dry-run'; readonly plan: DryRunPlan }
  | {
      readonly kind: 'ran';
      readonly outcome: RunOutcome | 'submitted';
      /**
       * Whether work of this run was blocked for a reason of its own (short of GPUs, behind a
       * failure), not merely waiting on work the run leaves out (`--only`).
       */
      readonly blockedOwn: boolean;
      /** The signal that stopped the run, if one did. */
      readonly signal: NodeJS.Signals | undefined;
    };

export async function runProject(req: RunRequest, io: RunIo): Promise<RunResult> {
  const open = (await BACKENDS.get(req.backend)?.())?.open;
  if (open === undefined)
    return {
      kind: 'usage',
      message: `unknown backend "${req.backend}" (known: ${[...BACKENDS.keys()].join(', ')})`,
    };
  // Work the backend starts before the project loads (nvidia-smi) stops when the command ends.
  const early = new AbortController();
  const restoreHangup = ignoreHangup();
  const opened = open({ ...req, inventorySignal: early.signal });
  if ('ok' in opened) {
    restoreHangup();
    return { kind: opened.kind, message: opened.message };
  }
  try {
    return await withBackend(req, io, opened);
  } finally {
    opened.close();
    early.abort();
    restoreHangup();
  }
}

async function withBackend(req: RunRequest, io: RunIo, opened: OpenedBackend): Promise<RunResult> {
  const project = await io.load();
  if (project === undefined) return { kind: 'not-loaded' };
  const graph = buildActivityGraph(project);
  const named = resolveIds(graph, project, req.ids);
  const forced = resolveIds(graph, project, req.force);
  const unknown = [...named.unknown, ...forced.unknown];
  if (unknown.length > 0)
    return {
      kind: 'usage',
      message: `${req.file}: ${unknownIdsText(withHints(graph, project, unknown))}`,
    };
  const paths = statePaths(req.file, req.root);
  const handForced = forcedByHand(paths, forced.ok, req.file);
  if (handForced !== undefined) return { kind: 'usage', message: handForced };
  if (req.dryRun) {
    if (opened.dryRun === undefined)
      return { kind: 'usage', message: `--dry-run does not apply to --backend ${req.backend}` };
    return {
      kind: 'dry-run',
      plan: await dryRun(req, paths, project, graph, named.ok, forced.ok, opened),
    };
  }
  const made = await opened.driver(project, graph);
  if (!made.ok) return { kind: made.kind, message: made.message };
  io.where?.(paths);
  const events = io.events();
  let blockedOwn = false;
  const emit = (e: RunEvent): void => {
    if (e.type === 'activity-blocked' && !waitsOnlyOutsideRun(e.reason)) blockedOwn = true;
    events(e);
  };
  const signals = catchRunSignals();
  try {
    signals.onSecond(() => made.driver.hurry?.());
    const r = await runLoop(
      {
        graph,
        paths,
        runId: newRunId(),
        what: `critpath run ${req.file}`,
        targets: named.ok,
        force: forced.ok,
        keepDownstream: req.keepDownstream,
        only: req.only,
        emit,
        signal: signals.signal,
      },
      made.driver,
    );
    if (r.kind === 'locked') return r;
    return { kind: 'ran', outcome: r.outcome, signal: signals.first(), blockedOwn };
  } finally {
    signals.release();
  }
}

/**
 * What would start, with the journal as it is and the forced activities not done, nor what ran
 * downstream of them (unless --keep-downstream).
 */
async function dryRun(
  req: RunRequest,
  paths: StatePaths,
  project: Project,
  graph: ActivityGraph,
  targets: readonly string[],
  forced: readonly string[],
  opened: OpenedBackend,
): Promise<DryRunPlan> {
  const state = replay(readJournal(paths.journal).records);
  const downstream = req.keepDownstream ? [] : resetClosure(graph, state, forced).downstream;
  const ids = [...forced, ...downstream];
  // What a live run runs now is in the journal as running, which a new run starts again.
  const live = liveRun(paths);
  const running =
    live === undefined
      ? []
      : [...state.activities].filter(([, a]) => a.status === 'running').map(([id]) => id);
  reduce(state, { v: 1, t: 'reset', at: Date.now(), ids, hand: 'kept' });
  const plan = await opened.dryRun!(
    project,
    graph,
    state,
    selection(graph, state, targets, req.only),
  );
  if (live === undefined) return plan;
  return { ...plan, warnings: [...plan.warnings, liveRunWarning(live, running)] };
}

/** What a dry run says while another run holds the project: it plans for after that one. */
function liveRunWarning(
  live: { readonly pid: number; readonly runId: string | undefined },
  running: readonly string[],
): string {
  const who = live.runId === undefined ? 'a run' : `run ${live.runId}`;
  const named =
    running.length > 10
      ? `${running.slice(0, 10).join(', ')} and ${running.length - 10} more`
      : running.join(', ');
  const now =
    running.length === 0
      ? ''
      : `; what it runs now (${named}) is shown starting again, as if it stopped unfinished`;
  return `${who} (pid ${live.pid}) is in progress: a run started now is refused, and this is what one would start once it ends${now}`;
}

/**
 * Why `--force` cannot re-run what it names, when one has hand records: a run's reset keeps
 * them (they are people's), so it would not run again. Undefined when none has.
 */
function forcedByHand(
  paths: StatePaths,
  forced: readonly string[],
  file: string,
): string | undefined {
  if (forced.length === 0) return undefined;
  const k = handKept(replay(readJournal(paths.journal).records), forced)[0];
  if (k === undefined) return undefined;
  const undo = `critpath undo ${file} ${k.id}`;
  return `--force ${k.id}: ${k.state} by hand${k.by !== undefined ? ` (${k.by})` : ''}; take ${k.records === 1 ? `its hand record back first (${undo})` : `its ${k.records} hand records back first (${undo}, once each)`}`;
}
