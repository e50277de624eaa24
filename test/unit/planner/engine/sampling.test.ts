import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Estimate } from '../../../../src/model/project.js';
import { Rng } from '../../../../src/planner/engine/rng.js';
import {
  distributionOf,
  meanOf,
  sample,
  sampleBeta,
  sampleGamma,
  sampleNormal,
  triangular,
  varianceOf,
} from '../../../../src/planner/engine/sampling.js';

const range = (low: number, high: number): Estimate => ({
  low,
  likely: (low + high) / 2,
  high,
  likelyGiven: false,
});
const pert = (low: number, likely: number, high: number): Estimate => ({
  low,
  likely,
  high,
  likelyGiven: true,
});

function moments(
  draw: () => number,
  n: number,
): { mean: number; variance: number; min: number; max: number } {
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sq += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / n;
  return { mean, variance: sq / n - mean * mean, min, max };
}

/** Kolmogorov–Smirnov statistic of `xs` against `cdf`. */
function ks(xs: number[], cdf: (x: number) => number): number {
  const s = [...xs].sort((a, b) => a - b);
  let d = 0;
  s.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs(f - i / s.length), Math.abs(f - (i + 1) / s.length));
  });
  return d;
}

const N = 100_000;

describe('distributionOf', () => {
  it('a plain number is fixed, whatever the risk', () => {
    for (const risk of ['low', 'medium', 'high'] as const) {
      const d = distributionOf(range(5, 5), risk);
      expect(d.kind).toBe('fixed');
      expect(sample(d, new Rng(1))).toBe(5);
      expect(varianceOf(d)).toBe(0);
    }
  });

  it('a range is triangular at the midpoint; an explicit likely is PERT-beta', () => {
    expect(distributionOf(range(6, 10))).toMatchObject({
      kind: 'triangular',
      low: 6,
      mode: 8,
      high: 10,
    });
    const p = distributionOf(pert(2, 3, 8));
    expect(p).toMatchObject({ kind: 'pert', low: 2, mode: 3, high: 8 });
    expect(p.alpha + p.beta).toBeCloseTo(6, 12);
    // PERT's classic mean (a + 4m + b) / 6.
    expect(meanOf(p)).toBeCloseTo((2 + 4 * 3 + 8) / 6, 12);
  });

  it('risk high stretches the high end by half the range and keeps the mode', () => {
    const d = distributionOf(range(6, 10), 'high');
    expect(d).toMatchObject({ low: 6, mode: 8, high: 12 });
    expect(meanOf(d)).toBeGreaterThan(meanOf(distributionOf(range(6, 10), 'medium')));
    expect(distributionOf(range(6, 10), 'low').high).toBe(10);
    expect(
      distributionOf(range(6, 10), 'high', { riskWidening: { low: 0, medium: 0, high: 1 } }).high,
    ).toBe(14);
  });

  it('draws stay inside the (widened) range', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        fc.constantFrom('low', 'medium', 'high'),
        fc.integer(),
        (low, width, at, given, risk, seed) => {
          const e = { low, likely: low + at * width, high: low + width, likelyGiven: given };
          const d = distributionOf(e, risk);
          const rng = new Rng(seed);
          for (let i = 0; i < 50; i++) {
            const x = sample(d, rng);
            expect(x).toBeGreaterThanOrEqual(d.low - 1e-9);
            expect(x).toBeLessThanOrEqual(d.high + 1e-9);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('triangular sampling', () => {
  it('matches the triangular CDF (KS) and its moments', () => {
    const [a, c, b] = [2, 3, 10];
    const d = distributionOf({ low: a, likely: c, high: b, likelyGiven: false });
    const rng = new Rng(42);
    const xs = Array.from({ length: 20_000 }, () => sample(d, rng));
    const cdf = (x: number): number =>
      x <= c
        ? ((x - a) * (x - a)) / ((b - a) * (c - a))
        : 1 - ((b - x) * (b - x)) / ((b - a) * (b - c));
    // Critical value at α = 0.001 is 1.95 / √n.
    expect(ks(xs, cdf)).toBeLessThan(1.95 / Math.sqrt(xs.length));
    const m = moments(() => sample(d, rng), N);
    expect(m.mean).toBeCloseTo(meanOf(d), 1);
    expect(Math.abs(m.variance / varianceOf(d) - 1)).toBeLessThan(0.03);
  });

  it('the inverse CDF hits the ends and the mode', () => {
    expect(triangular(1, 2, 5, 0)).toBe(1);
    expect(triangular(1, 2, 5, 0.25)).toBeCloseTo(2, 12);
    expect(triangular(1, 2, 5, 1)).toBe(5);
    expect(triangular(4, 4, 4, 0.7)).toBe(4);
  });
});

describe('gamma, beta and PERT sampling', () => {
  it('normal draws have mean 0 and variance 1', () => {
    const rng = new Rng(7);
    const m = moments(() => sampleNormal(rng), N);
    expect(Math.abs(m.mean)).toBeLessThan(0.02);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.03);
  });

  it.each([0.5, 1, 2.5, 9])('Gamma(%d) has mean k and variance k', (k) => {
    const rng = new Rng(11);
    const m = moments(() => sampleGamma(k, rng), N);
    expect(Math.abs(m.mean / k - 1)).toBeLessThan(0.02);
    expect(Math.abs(m.variance / k - 1)).toBeLessThan(0.05);
    expect(m.min).toBeGreaterThanOrEqual(0);
  });

  it.each([
    [1, 1],
    [2, 5],
    [4.2, 1.8],
  ])('Beta(%d, %d) has the right mean and variance', (a, b) => {
    const rng = new Rng(13);
    const m = moments(() => sampleBeta(a, b, rng), N);
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(m.mean - mean)).toBeLessThan(0.005);
    expect(Math.abs(m.variance / variance - 1)).toBeLessThan(0.04);
  });

  it('Beta(1, 1) is uniform (KS)', () => {
    const rng = new Rng(17);
    const xs = Array.from({ length: 20_000 }, () => sampleBeta(1, 1, rng));
    expect(ks(xs, (x) => x)).toBeLessThan(1.95 / Math.sqrt(xs.length));
  });

  it('PERT draws match the PERT mean and variance', () => {
    const d = distributionOf(pert(4, 5, 12), 'medium');
    const rng = new Rng(19);
    const m = moments(() => sample(d, rng), N);
    expect(Math.abs(m.mean - meanOf(d))).toBeLessThan(0.02);
    expect(Math.abs(m.variance / varianceOf(d) - 1)).toBeLessThan(0.04);
    expect(m.min).toBeGreaterThanOrEqual(4);
    expect(m.max).toBeLessThanOrEqual(12);
  });

  it('is deterministic for a seed', () => {
    const d = distributionOf(pert(1, 2, 9), 'high');
    const a = new Rng(99);
    const b = new Rng(99);
    for (let i = 0; i < 1000; i++) expect(sample(d, a)).toBe(sample(d, b));
  });
});
