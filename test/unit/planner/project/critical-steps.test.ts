import { describe, expect, it } from 'vitest';
import { criticalSteps } from '../../../../src/planner/project/critical-path-plan.js';
import { formatCriticalSteps } from '../../../../src/reporters/status-table.js';

describe('criticalSteps', () => {
  // a (0-2) → b (2-5) and a → c (2-3) → d (3-5), both into e (5-6): b runs beside c → d.
  const es = [0, 2, 2, 3, 5];
  const ef = [2, 5, 3, 5, 6];
  const preds: Record<number, number[]> = { 1: [0], 2: [0], 3: [2], 4: [1, 3] };
  const isPred = (v: number): number[] => preds[v] ?? [];
  const ids = ['a', 'b', 'c', 'd', 'e'];

  it('shows parallel zero-slack branches as branches, not as one chain', () => {
    const steps = criticalSteps([4, 3, 2, 1, 0], es, ef, isPred).map((s) =>
      s.map((b) => b.map((v) => ids[v]!)),
    );
    expect(steps).toEqual([[['a']], [['b'], ['c', 'd']], [['e']]]);
    expect(formatCriticalSteps(steps)).toBe('a → (b | c → d) → e');
  });

  it('keeps a plain chain a chain', () => {
    const steps = criticalSteps([0, 2, 3, 4], es, ef, isPred).map((s) =>
      s.map((b) => b.map((v) => ids[v]!)),
    );
    expect(formatCriticalSteps(steps)).toBe('a → c → d → e');
  });
});
