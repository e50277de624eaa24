import type { GpuArrival, GpuDemand, Phase } from './project.js';

/**
 * Why an activity cannot run now, as data; `formatBlockReason` gives the line people read. `run`
 * (the executor's dispatch) and `status` (from the journal) both say it.
 */

/** Why an activity cannot run in this run. */
export type BlockReason =
  /** The host has fewer GPUs than the activity needs (`need` 0 with hardware: gpu means "the GPU host"). */
  | {
      readonly kind: 'gpus';
      readonly need: GpuDemand;
      readonly have: number;
      readonly arrives: string | undefined;
    }
  /** A predecessor failed, is blocked itself, or is left out of this run (`--only`). */
  | {
      readonly kind: 'dependency';
      readonly on: string;
      readonly status: 'failed' | 'blocked' | 'excluded';
      /** The failed predecessor's log, relative to the project root. */
      readonly log: string | undefined;
      /** For `blocked`: the reason the predecessor is blocked. */
      readonly cause: BlockReason | undefined;
    }
  /** Someone recorded it blocked by hand (`critpath block ID --reason TEXT`). */
  | { readonly kind: 'hand'; readonly reason: string; readonly by: string | undefined }
  /** Someone started it by hand (`critpath start ID`) and has not recorded it done: theirs. */
  | { readonly kind: 'in-progress'; readonly by: string | undefined };

/** Whether a phase needs the GPU host. */
export function needsGpu(p: Phase): boolean {
  return p.hardware === 'gpu' || p.gpus === 'all' || p.gpus > 0;
}

/** When GPU hardware with enough for a demand arrives: a date ahead, or undefined. */
export type GpuArrivalFor = (need: GpuDemand) => string | undefined;

/**
 * The first date from which the project's GPU hardware holds what `need` takes (one GPU at
 * least: the host itself), when that is after `today`; a first delivery of too few is no arrival
 * for it.
 */
export function gpuArrivalFor(gpu: readonly GpuArrival[], today: string): GpuArrivalFor {
  return (need) => {
    const least = need === 'all' ? 1 : Math.max(need, 1);
    const step = gpu.find((a) => a.count >= least);
    return step !== undefined && step.from > today ? step.from : undefined;
  };
}

/** Hardware gating: why the host cannot run this phase, or undefined when it can. */
export function hardwareBlock(
  p: Phase,
  hostGpus: number,
  arrives: GpuArrivalFor | undefined,
): BlockReason | undefined {
  if (!needsGpu(p)) return undefined;
  const need = p.gpus;
  if (hostGpus === 0) return { kind: 'gpus', need, have: 0, arrives: arrives?.(need) };
  if (typeof need === 'number' && need > hostGpus)
    return { kind: 'gpus', need, have: hostGpus, arrives: undefined };
  return undefined;
}

/**
 * The reason with each log it names (a failed predecessor's, relative to the project root) as
 * `show` gives it: relative to the folder a command was typed in, say.
 */
export function withLogsShown(r: BlockReason, show: (log: string) => string): BlockReason {
  if (r.kind !== 'dependency') return r;
  return {
    ...r,
    log: r.log === undefined ? undefined : show(r.log),
    cause: r.cause === undefined ? undefined : withLogsShown(r.cause, show),
  };
}

/**
 * Whether the block is only a wait on work this run leaves out (`--only`): the reason, followed
 * down the chain of blocked predecessors, ends at an excluded activity, not at a reason of its own.
 */
export function waitsOnlyOutsideRun(r: BlockReason): boolean {
  let at: BlockReason | undefined = r;
  while (at?.kind === 'dependency' && at.status === 'blocked') at = at.cause;
  return at?.kind === 'dependency' && at.status === 'excluded';
}

/** One line for people: "needs 4 GPUs, this host has 0", "waits for 1a.8 (failed, see …)". */
export function formatBlockReason(r: BlockReason): string {
  if (r.kind === 'gpus') {
    if (r.arrives !== undefined) return `GPU hardware arrives ${r.arrives}`;
    const what =
      r.need === 'all'
        ? 'all GPUs'
        : r.need === 0
          ? 'the GPU host'
          : `${r.need} GPU${r.need === 1 ? '' : 's'}`;
    return `needs ${what}, this host has ${r.have}`;
  }
  if (r.kind === 'hand') return `${r.reason}${r.by !== undefined ? ` (says ${r.by})` : ''}`;
  if (r.kind === 'in-progress') return `${inProgress(r.by)} (by hand)`;
  if (r.status === 'failed')
    return `waits for ${r.on} (failed${r.log !== undefined ? `, see ${r.log}` : ''})`;
  if (r.status === 'excluded') return `waits for ${r.on} (not part of this run)`;
  if (r.cause?.kind === 'in-progress')
    return `waits for ${r.on} (${inProgress(r.cause.by)}, by hand)`;
  return `waits for ${r.on} (blocked: ${r.cause !== undefined ? formatBlockReason(r.cause) : 'blocked'})`;
}

/** `in progress by ann`: work a person started by hand and has not finished. */
function inProgress(by: string | undefined): string {
  return `in progress${by !== undefined ? ` by ${by}` : ''}`;
}
