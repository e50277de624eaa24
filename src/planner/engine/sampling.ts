import type { Estimate, Task } from '../../model/project.js';
import { DEFAULT_RISK_WIDENING } from '../../model/project.js';
import type { Rng } from './rng.js';

/**
 * Duration distributions for Monte Carlo. A plain range (`6-10`, or `{low, high}`) is
 * triangular with its mode at the midpoint; a range with an explicit `likely` is PERT-beta
 * (λ = 4); a plain number is fixed. `risk: high` stretches the upper end of the range, so the
 * right tail (overruns) gets longer while the most likely value stays where it was.
 *
 * Everything here takes its randomness from a seeded `Rng`: the same seed, the same numbers.
 */

/** A uniform source in [0, 1): the seeded `Rng`, or anything with the same `next`. */
export type Uniform = Pick<Rng, 'next'>;

export type DistributionKind = 'fixed' | 'triangular' | 'pert';

export interface Distribution {
  readonly kind: DistributionKind;
  readonly low: number;
  readonly mode: number;
  readonly high: number;
  /** PERT-beta shape parameters (1 + 4·(mode − low)/(high − low), …); 0 for other kinds. */
  readonly alpha: number;
  readonly beta: number;
}

export type Risk = Task['risk'];

export interface SamplingOptions {
  readonly riskWidening?: Readonly<Record<Risk, number>>;
}

/** The distribution an estimate samples from, after risk widening. */
export function distributionOf(
  e: Estimate,
  risk: Risk = 'medium',
  opts: SamplingOptions = {},
): Distribution {
  const w = (opts.riskWidening ?? DEFAULT_RISK_WIDENING)[risk];
  const low = e.low;
  const width = e.high - e.low;
  if (!(width > 0)) return { kind: 'fixed', low, mode: low, high: low, alpha: 0, beta: 0 };
  const high = e.high + w * width;
  const mode = Math.min(Math.max(e.likely, low), high);
  if (!e.likelyGiven) return { kind: 'triangular', low, mode, high, alpha: 0, beta: 0 };
  const span = high - low;
  return {
    kind: 'pert',
    low,
    mode,
    high,
    alpha: 1 + (4 * (mode - low)) / span,
    beta: 1 + (4 * (high - mode)) / span,
  };
}

/** One draw. */
export function sample(d: Distribution, rng: Uniform): number {
  switch (d.kind) {
    case 'fixed':
      return d.low;
    case 'triangular':
      return triangular(d.low, d.mode, d.high, rng.next());
    case 'pert':
      return d.low + (d.high - d.low) * sampleBeta(d.alpha, d.beta, rng);
  }
}

/** The triangular inverse CDF at u ∈ [0, 1). */
export function triangular(low: number, mode: number, high: number, u: number): number {
  const span = high - low;
  if (span <= 0) return low;
  const f = (mode - low) / span;
  if (u < f) return low + Math.sqrt(u * span * (mode - low));
  return high - Math.sqrt((1 - u) * span * (high - mode));
}

/** The mean of a distribution, in closed form. */
export function meanOf(d: Distribution): number {
  switch (d.kind) {
    case 'fixed':
      return d.low;
    case 'triangular':
      return (d.low + d.mode + d.high) / 3;
    case 'pert':
      return d.low + ((d.high - d.low) * d.alpha) / (d.alpha + d.beta);
  }
}

/** The variance of a distribution, in closed form. */
export function varianceOf(d: Distribution): number {
  const { low: a, mode: c, high: b } = d;
  switch (d.kind) {
    case 'fixed':
      return 0;
    case 'triangular':
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18;
    case 'pert': {
      const s = d.alpha + d.beta;
      return ((b - a) * (b - a) * d.alpha * d.beta) / (s * s * (s + 1));
    }
  }
}

/** A standard normal draw (Marsaglia's polar method). */
export function sampleNormal(rng: Uniform): number {
  for (;;) {
    const x = 2 * rng.next() - 1;
    const y = 2 * rng.next() - 1;
    const s = x * x + y * y;
    if (s > 0 && s < 1) return x * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** A Gamma(shape, 1) draw: Marsaglia and Tsang (2000), boosted for shape < 1. */
export function sampleGamma(shape: number, rng: Uniform): number {
  if (!(shape > 0)) throw new RangeError(`gamma shape must be positive, got ${shape}`);
  if (shape < 1) {
    const u = 1 - rng.next(); // (0, 1]
    return sampleGamma(shape + 1, rng) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next(); // (0, 1]
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(alpha, beta) draw on [0, 1], as X / (X + Y) of two gamma draws. */
export function sampleBeta(alpha: number, beta: number, rng: Uniform): number {
  const x = sampleGamma(alpha, rng);
  const y = sampleGamma(beta, rng);
  const s = x + y;
  return s > 0 ? x / s : alpha / (alpha + beta);
}
