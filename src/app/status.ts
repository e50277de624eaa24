import { hostname } from 'node:os';
import { buildActivityGraph } from '../model/activities.js';
import type { Project } from '../model/project.js';
import type { TeamSpec } from '../model/team-spec.js';
import { defaultTeamSize } from '../planner/project/project-problem.js';
import { BACKENDS, backendsWithOpenAttempts } from '../executor/backends.js';
import type { GpuOverride } from '../gpu/inventory.js';
import { detectInventory } from '../gpu/inventory.js';
import { leftovers } from './leftovers.js';
import { statePaths } from '../state/paths.js';
import type { StatePaths } from '../state/paths.js';
import type { ProjectRunState } from '../state/run-state.js';
import { journalNotes, readRunStateQuickly } from '../state/run-state.js';
import type { StatusModel } from '../state/status.js';
import { computeStatus, teamForecastSkipped } from '../state/status.js';

/** `critpath status`'s options, parsed. */
export interface StatusRequest {
  readonly gpus: GpuOverride;
  /** The forecast's team; default: the file's largest line-up, else its people, else 1. */
  readonly team: TeamSpec | undefined;
  readonly root: string | undefined;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** What `status` prints: the model, notes about the journal, and the backends' own lines. */
export interface StatusView {
  readonly model: StatusModel;
  /** Skipped or corrupt journal lines, a torn tail: for stderr. */
  readonly journalNotes: readonly string[];
  /** What backends with work of their own (Slurm jobs) say, under the table. */
  readonly backendLines: readonly string[];
}

/**
 * The status of a task file's work: the journal replayed, backends asked about the jobs they run
 * on their own (they journal the ended ones, so the journal is read again), and the forecast.
 */
export async function projectStatus(
  file: string,
  project: Project,
  req: StatusRequest,
): Promise<StatusView> {
  const paths = statePaths(file, req.root);
  let state = await readState(file, paths);
  const live = new Map<string, 'pending' | 'running'>();
  const backendLines: string[] = [];
  for (const name of backendsWithOpenAttempts(state)) {
    const entry = await BACKENDS.get(name)?.();
    const s = await entry?.status?.(paths, project, state);
    if (s === undefined) continue;
    state = await readState(file, paths);
    for (const [id, phase] of s.live) live.set(id, phase);
    backendLines.push(...s.lines);
  }
  for (const id of live.keys()) {
    const st = state.activities.get(id);
    if (st !== undefined && st.status === 'interrupted') st.status = 'running';
  }
  // nvidia-smi, when asked, answers while the graph is built.
  const gpus = hostGpus(req.gpus, state);
  const graph = buildActivityGraph(project);
  const cpmModel = computeStatus(project, graph, state, {
    hostGpus: await gpus,
    now: req.now,
    liveRunId: state.liveRunId,
    batchLive: live,
    leftovers: leftovers(state),
  });
  // The planner is loaded only when it plans (up to STATUS_TEAM_FORECAST_MAX activities).
  // A finished project has nothing left to forecast.
  const model =
    (cpmModel.finishedAt !== undefined ? cpmModel : teamForecastSkipped(cpmModel)) ??
    (await import('./status-forecast.js')).withTeamForecast(cpmModel, project, state, {
      team: req.team ?? { kind: 'count', count: defaultTeamSize(project) },
      now: req.now,
    });
  return { model, journalNotes: journalNotes(state), backendLines };
}

/**
 * The journal replayed: read with the quick record check alone when it can tell about every line
 * (zod stays unloaded), else with the records' schemas.
 */
async function readState(file: string, paths: StatePaths): Promise<ProjectRunState> {
  return readRunStateQuickly(paths) ?? (await import('../state/read.js')).readRunState(file, paths);
}

/** GPUs of this host: `--gpus`, else the last run's when it ran here, else nvidia-smi's. */
async function hostGpus(gpus: GpuOverride, state: ProjectRunState): Promise<number> {
  if (
    gpus.kind === 'none' &&
    state.lastRun !== undefined &&
    state.lastRun.start.host === hostname()
  )
    return state.lastRun.start.gpus.length;
  // Only the count: nvidia-smi is not asked for the topology.
  return (await detectInventory(gpus, undefined, undefined, { topology: false })).gpus.length;
}
