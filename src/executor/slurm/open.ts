/**
 * The Slurm backend as the run loop sees it: `--backend slurm` opens it (executor/backends.ts),
 * and `runSlurm` runs the loop with it directly (tests, scripts).
 */
import type { Hardware, Project } from '../../model/project.js';
import { buildActivityGraph } from '../../model/activities.js';
import type { StatePaths } from '../../state/paths.js';
import { newRunId } from '../../state/run-id.js';
import type {
  BackendOptions,
  BackendRefusal,
  BackendStatus,
  CancelReport,
  OpenedBackend,
} from '../backends.js';
import type { RunState } from '../../state/reducer.js';
import { cancelSlurm, hasOpenSlurmAttempts } from './commands.js';
import type { RunEvent, RunOutcome } from '../events.js';
import { runLoop } from '../run-loop.js';
import { SlurmClient } from './client.js';
import type { SlurmRunRecord } from './run.js';
import { openSlurmAttempts } from './reconcile.js';
import { slurmDriver } from './run.js';
import type { PartitionMap } from './sbatch.js';

const HARDWARE: readonly Hardware[] = ['gpu', 'macbook'];

/** `gpu=NAME,macbook=NAME` (either may be left out) → partition per hardware kind. */
export function parsePartitionMap(
  text: string | undefined,
): { ok: true; value: PartitionMap } | { ok: false; error: string } {
  const map: Partial<Record<Hardware, string>> = {};
  if (text === undefined || text.trim() === '') return { ok: true, value: map };
  for (const item of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*([A-Za-z0-9_.-]+)\s*$/.exec(item);
    if (m === null)
      return { ok: false, error: `--partition: expected KIND=NAME, got ${JSON.stringify(item)}` };
    const kind = m[1] as Hardware;
    if (!HARDWARE.includes(kind))
      return {
        ok: false,
        error: `--partition: unknown hardware ${JSON.stringify(m[1])} (expected gpu or macbook)`,
      };
    if (map[kind] !== undefined) return { ok: false, error: `--partition: ${kind} given twice` };
    map[kind] = m[2]!;
  }
  return { ok: true, value: map };
}

/**
 * Opens the Slurm backend: the whole graph goes to Slurm at once (--dependency=afterok), and
 * Slurm assigns the GPUs, so neither --dry-run nor --gpus applies.
 */
export function openSlurm(
  o: BackendOptions,
  client = new SlurmClient(),
): OpenedBackend | BackendRefusal {
  const usage = (message: string): BackendRefusal => ({ ok: false, kind: 'usage', message });
  if (o.dryRun) return usage('--dry-run does not apply to --backend slurm');
  if (o.gpus.kind !== 'none')
    return usage('--gpus does not apply to --backend slurm: Slurm assigns GPUs');
  const partitions = parsePartitionMap(o.partition);
  if (!partitions.ok) return usage(partitions.error);
  return {
    async driver(project) {
      const avail = await client.available();
      if (!avail.ok)
        return {
          ok: false,
          kind: 'unavailable',
          message: `Slurm is not available here (${avail.why}); is this a cluster login node?`,
        };
      return {
        ok: true,
        driver: slurmDriver({ project, partitions: partitions.value, client, follow: o.follow }),
      };
    },
    close: () => undefined,
  };
}

/** `critpath cancel`: scancel every pending or running Slurm job of the project. */
export async function cancelSlurmJobs(
  paths: StatePaths,
  project: () => Promise<Project | undefined>,
  client?: SlurmClient,
): Promise<CancelReport | 'not-loaded' | undefined> {
  if (!hasOpenSlurmAttempts(paths)) return undefined;
  const p = await project();
  if (p === undefined) return 'not-loaded';
  try {
    const r = await cancelSlurm(paths, p.name, client === undefined ? {} : { client });
    return {
      ok: true,
      system: 'Slurm',
      cancelled: r.cancelled.map((c) => ({ id: c.id, externalId: c.jobId })),
    };
  } catch (e) {
    return { ok: false, system: 'Slurm', message: e instanceof Error ? e.message : String(e) };
  }
}

/** Another run holds the project's lock. */
export class RunLockedError extends Error {
  constructor(holder: { pid: number; host: string; runId?: string }) {
    super(
      `another critpath run (pid ${holder.pid} on ${holder.host}${holder.runId === undefined ? '' : `, run ${holder.runId}`}) is active`,
    );
    this.name = 'RunLockedError';
  }
}

export interface SlurmRunOptions {
  readonly project: Project;
  readonly paths: StatePaths;
  readonly partitions: PartitionMap;
  readonly client: SlurmClient;
  readonly targets?: readonly string[];
  readonly only?: Hardware;
  readonly force?: readonly string[];
  readonly keepDownstream?: boolean;
  readonly follow?: boolean;
  readonly pollMs?: number;
  readonly onEvent?: (e: RunEvent) => void;
  readonly signal?: AbortSignal;
}

/** Runs the project on Slurm through the shared run loop, without the CLI. */
export async function runSlurm(
  o: SlurmRunOptions,
): Promise<
  SlurmRunRecord & { readonly runId: string; readonly outcome: RunOutcome | 'submitted' }
> {
  const driver = slurmDriver({
    project: o.project,
    partitions: o.partitions,
    client: o.client,
    ...(o.follow === undefined ? {} : { follow: o.follow }),
    ...(o.pollMs === undefined ? {} : { pollMs: o.pollMs }),
  });
  const r = await runLoop(
    {
      graph: buildActivityGraph(o.project),
      paths: o.paths,
      runId: newRunId(),
      what: 'critpath run --backend slurm',
      targets: o.targets ?? [],
      force: o.force ?? [],
      keepDownstream: o.keepDownstream ?? false,
      only: o.only,
      emit: (e) => o.onEvent?.(e),
      signal: o.signal ?? new AbortController().signal,
    },
    driver,
  );
  if (r.kind === 'locked') throw new RunLockedError(r.holder);
  return { ...driver.record, runId: r.runId, outcome: r.outcome };
}

/** Slurm's part of `status`; its module (squeue, sacct) loads only when a job is open. */
export async function slurmBackendStatus(
  paths: StatePaths,
  project: Project,
  state: RunState,
): Promise<BackendStatus | undefined> {
  if (openSlurmAttempts(state).length === 0) return undefined;
  const { slurmStatusSection } = await import('./status.js');
  const s = await slurmStatusSection(paths, project);
  return {
    live: new Map(
      [...s.live].map(([id, j]) => [id, j.job?.phase === 'running' ? 'running' : 'pending']),
    ),
    lines: s.lines,
  };
}
