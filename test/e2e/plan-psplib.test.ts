import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `critpath plan FILE.sm` on the built CLI: PSPLIB instances go through the same engine and come
// out in the plan contract, with periods and R1…R4 instead of hours and engineers.
const run = promisify(execFile);

async function critpath(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('node', ['bin/critpath.js', ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

interface Plan {
  makespan: number;
  unit: string;
  resources: { id: string; profile: { from: number; capacity: number }[] }[];
  activities: {
    id: string;
    duration: number;
    predecessors: string[];
    demand: Record<string, number>;
    start: number;
    end: number;
  }[];
  lowerBound: number;
}

describe('critpath plan FILE.sm', () => {
  it('gives a feasible plan in the plan contract, deterministic for a seed', async () => {
    const a = await critpath(['plan', 'test/fixtures/psplib/tiny.sm', '--json', '--seed', '3']);
    expect(a.code).toBe(0);
    const plan = JSON.parse(a.stdout) as Plan;
    expect(plan.unit).toBe('period');
    expect(plan.resources.map((r) => r.id)).toEqual(['R1', 'R2', 'R3', 'R4']);
    expect(plan.activities.every((x) => !('engineer' in x.demand))).toBe(true);
    const byId = new Map(plan.activities.map((x) => [x.id, x]));
    for (const x of plan.activities) {
      for (const p of x.predecessors) expect(byId.get(p)!.end).toBeLessThanOrEqual(x.start);
    }
    // Capacity at every start instant (usage only changes at starts).
    for (const t of new Set(plan.activities.map((x) => x.start))) {
      for (const r of plan.resources) {
        const used = plan.activities
          .filter((x) => x.start <= t && t < x.end)
          .reduce((s, x) => s + (x.demand[r.id] ?? 0), 0);
        expect(used).toBeLessThanOrEqual(r.profile[0]!.capacity);
      }
    }
    expect(plan.makespan).toBe(Math.max(...plan.activities.map((x) => x.end)));
    expect(plan.makespan).toBeGreaterThanOrEqual(plan.lowerBound);
    const b = await critpath(['plan', 'test/fixtures/psplib/tiny.sm', '--json', '--seed', '3']);
    expect(b.stdout).toBe(a.stdout);
  });

  it('reports a malformed .sm file as one positioned line, exit 2', async () => {
    const r = await critpath(['plan', 'test/fixtures/psplib/bad-duration.sm']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toMatch(
      /^test\/fixtures\/psplib\/bad-duration\.sm:\d+:\d+: /,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses the options a PSPLIB instance has no use for, rather than ignoring them', async () => {
    const sm = 'test/fixtures/psplib/tiny.sm';
    for (const [args, says] of [
      [['--team', '2'], '--team has no meaning for a PSPLIB instance'],
      [['--hours-per-day', '6'], '--hours-per-day has no meaning for a PSPLIB instance'],
      [['--format', 'md'], '--format md has no meaning for a PSPLIB instance'],
      [['--estimate', 'high'], '--estimate has no meaning for a PSPLIB instance'],
      [['--max-schedules', '5'], "a PSPLIB instance's schedule budget is --schedules"],
    ] as const) {
      const r = await critpath(['plan', sm, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(says);
      expect(r.stdout).toBe('');
    }
    const engine = ['--seed', '2', '--time-limit', '50', '--schedules', '100', '--format', 'json'];
    expect((await critpath(['plan', sm, ...engine])).code).toBe(0);
  });
});
