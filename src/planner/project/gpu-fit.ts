import type { GpuDemand } from '../../model/project.js';
import type { Stretch } from '../engine/capacity.js';
import { longestFit } from '../engine/capacity.js';
import type { CapacityStep } from '../engine/problem.js';
import { ALL } from '../engine/problem.js';
import { TIME_EPS } from '../engine/profile.js';
import type { DateOf } from './project-problem.js';

/**
 * Whether GPU work can ever run on the host's GPU profile, by the planner's rules: work holding
 * n GPUs needs n all along (it never runs across a drop below n), work holding every GPU needs
 * one count that does not change while it runs, and work on the host without GPUs needs some.
 * Shared by the loader's check (what `validate` says) and the project problem (what `plan` says).
 */
export type GpuMisfit =
  /** The host never has a GPU. */
  | { readonly kind: 'no-gpus' }
  /** The work holds more GPUs than the host ever has. */
  | { readonly kind: 'count'; readonly max: number }
  /** It fits, but never for as long as the work takes: `longest` is the longest stretch. */
  | { readonly kind: 'window'; readonly longest: Stretch };

/** The most GPUs a profile ever gives. */
export function mostGpus(steps: readonly CapacityStep[]): number {
  let max = 0;
  for (const s of steps) max = Math.max(max, s.capacity);
  return max;
}

/**
 * Why work on the GPU host holding `gpus` (0: the host, no GPU) for `hours` can never be
 * scheduled on `steps` (a normalized profile on the working-time axis); undefined when it can.
 */
export function gpuMisfit(
  steps: readonly CapacityStep[],
  gpus: GpuDemand,
  hours: number,
  max: number = mostGpus(steps),
): GpuMisfit | undefined {
  if (max <= 0) return { kind: 'no-gpus' };
  if (gpus !== 'all' && gpus > max) return { kind: 'count', max };
  if (!(hours > 0)) return undefined;
  const longest = longestFit(steps, gpus === 'all' ? ALL : gpus);
  if (longest === undefined) return { kind: 'count', max };
  return hours > longest.to - longest.from + TIME_EPS ? { kind: 'window', longest } : undefined;
}

/**
 * A window misfit in words, after the activity's id or field: `needs 4 GPUs for 10 h, but the
 * host never has 4 for that long: the longest stretch is 8 working hours (from … to …)`.
 * `hours` is the duration as the caller words it (`10 h`, `up to 20 h (…)`); `dateOf` gives
 * the stretch's ends as dates, when there is a calendar.
 */
export function windowWords(
  gpus: GpuDemand,
  hours: string,
  longest: Stretch,
  dateOf?: DateOf,
): string {
  const length = round(longest.to - longest.from);
  const span =
    dateOf === undefined
      ? `working hours ${round(longest.from)} to ${round(longest.to)}`
      : `${shown(dateOf(longest.from, 'start'))} to ${shown(dateOf(longest.to, 'end'))}`;
  const stretch = `the longest stretch is ${length} working hours`;
  if (gpus === 'all')
    return (
      `needs every GPU for ${hours}, but the GPU count never stays the same for that long ` +
      `(work holding every GPU never runs across a change): ${stretch} ` +
      `(${longest.capacity} GPUs, from ${span})`
    );
  if (gpus === 0)
    return `needs the GPU host for ${hours}, but the host never has GPUs for that long: ${stretch} (from ${span})`;
  const n = `${gpus} GPU${gpus === 1 ? '' : 's'}`;
  return `needs ${n} for ${hours}, but the host never has ${gpus} for that long: ${stretch} (from ${span})`;
}

/** `2026-12-07T09:00` as `2026-12-07 09:00`. */
function shown(iso: string): string {
  return iso.replace(/T(?=\d\d:\d\d$)/, ' ');
}

/** Hours for people: at most two decimals. */
function round(h: number): string {
  return String(Math.round(h * 100) / 100);
}
