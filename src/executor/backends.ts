/**
 * Where `critpath run` can run the work, by `--backend` name. A backend is a folder under
 * src/executor/ (slurm/; local is this folder's local-*.ts) that exports an `open` function, plus
 * one line in BACKENDS below. The run loop (run-loop.ts) is shared: the lock, the journal's
 * run-start and run-end records, signals, the event stream and the summary are the same for all.
 */
import type { ActivityGraph } from '../model/activities.js';
import type { Project } from '../model/project.js';
import type { GpuOverride } from '../gpu/inventory.js';
import type { StatePaths } from '../state/paths.js';
import type { RunState } from '../state/reducer.js';
import type { DryStart } from './dry-run.js';
import type { BlockReason } from '../model/block-reason.js';
import type { FailureMode } from './executor.js';
import type { RunDriver } from './run-loop.js';
/** The run's options as the CLI parsed them, for whichever backend runs it. */
export interface BackendOptions {
  /** The project file, as given. */
  readonly file: string;
  readonly jobs: number;
  /** `--gpus` (kind `none` when not given). */
  readonly gpus: GpuOverride;
  readonly dryRun: boolean;
  readonly failureMode: FailureMode;
  readonly retryBaseMs: number;
  /** Between SIGTERM and SIGKILL when stopping work. */
  readonly graceMs: number;
  /** `--partition` (Slurm). */
  readonly partition: string | undefined;
  /** False with `--no-follow` (Slurm: submit and return). */
  readonly follow: boolean;
  /** Aborted when the command ends: stops work begun before the project loaded. */
  readonly inventorySignal: AbortSignal;
}

/** What `--dry-run` shows: what would start, in which order, with which GPUs. */
export interface DryRunPlan {
  readonly jobs: number;
  readonly gpus: readonly number[];
  readonly starts: readonly DryStart[];
  readonly blocked: readonly {
    readonly id: string;
    readonly reason: BlockReason;
    readonly text: string;
  }[];
  readonly warnings: readonly string[];
}

/** Why a backend cannot run: bad options (exit 2), or the backend is not reachable (exit 1). */
export interface BackendRefusal {
  readonly ok: false;
  readonly kind: 'usage' | 'unavailable';
  readonly message: string;
}

/** A backend opened for one run, before the project is loaded. */
export interface OpenedBackend {
  /** Once the project is loaded: the run's driver, or why this backend cannot run here. */
  driver(
    project: Project,
    graph: ActivityGraph,
  ): Promise<{ readonly ok: true; readonly driver: RunDriver } | BackendRefusal>;
  /** `--dry-run`, for backends that dispatch the work themselves. */
  dryRun?(
    project: Project,
    graph: ActivityGraph,
    state: RunState,
    selected: (index: number) => boolean,
  ): Promise<DryRunPlan>;
  /** Frees what `open` started, whether the run happened or not. */
  close(): void;
}

/** Opens a backend for a run, or refuses options that do not apply to it. */
export type OpenBackend = (o: BackendOptions) => OpenedBackend | BackendRefusal;

/** What `critpath cancel` stopped of a backend's work that runs on without a critpath. */
export type CancelReport =
  | {
      readonly ok: true;
      /** Who runs the work, for people (`Slurm`). */
      readonly system: string;
      readonly cancelled: readonly { readonly id: string; readonly externalId: string }[];
    }
  | { readonly ok: false; readonly system: string; readonly message: string };

/**
 * What `critpath status` shows of a backend's work that runs on without a critpath (submitted
 * jobs): the activities still pending or running there, and lines to print under the table.
 */
export interface BackendStatus {
  readonly live: ReadonlyMap<string, 'pending' | 'running'>;
  readonly lines: readonly string[];
}

export interface BackendEntry {
  readonly open: OpenBackend;
  /**
   * `critpath status`: asks the backend about the journal's open attempts on it, journals the
   * ones that ended, and says which are live; undefined when the journal shows none open.
   */
  readonly status?: (
    paths: StatePaths,
    project: Project,
    state: RunState,
  ) => Promise<BackendStatus | undefined>;
  /**
   * `critpath cancel`: stops the work this backend runs on its own (submitted jobs); undefined
   * when the journal shows none. `project` loads the task file (undefined: not loaded, reported).
   */
  readonly cancel?: (
    paths: StatePaths,
    project: () => Promise<Project | undefined>,
  ) => Promise<CancelReport | 'not-loaded' | undefined>;
}

/**
 * `--backend NAME` → its entry, loaded on first use: a backend's modules and their packages
 * (execa, the Slurm client) load only when a command needs that backend. A new backend is one
 * folder under src/executor/ and one line here.
 */
export const BACKENDS: ReadonlyMap<string, () => Promise<BackendEntry>> = new Map<
  string,
  () => Promise<BackendEntry>
>([
  ['local', async () => ({ open: (await import('./local-run.js')).openLocal })],
  [
    'slurm',
    async () => {
      const m = await import('./slurm/open.js');
      return { open: m.openSlurm, cancel: m.cancelSlurmJobs, status: m.slurmBackendStatus };
    },
  ],
]);

/** The backends with attempts the journal shows as still running: those `status` asks. */
export function backendsWithOpenAttempts(state: RunState): string[] {
  const names = new Set<string>();
  for (const a of state.activities.values()) {
    const last = a.attempts[a.attempts.length - 1];
    if (last !== undefined && last.outcome === 'running') names.add(last.backend);
  }
  return [...names].sort();
}
