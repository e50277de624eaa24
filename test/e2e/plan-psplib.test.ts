import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';

// `critpath plan FILE.sm` on the built CLI: PSPLIB instances go through the same engine and come
// out in the plan contract, with periods and R1…R4 instead of hours and engineers.
const run = promisify(execFile);

async function critpath(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('node', ['bin/critpath.js', ...args], {
      env: { ...process.env, ...env },
    });
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

  it('fits 80 columns; the verbs other than plan say it is plan that reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'critpath-psplib-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'an-instance-with-a-name-long-enough-to-need-wrapping.sm');
    copyFileSync('test/fixtures/psplib/tiny.sm', file);
    const r = await critpath(['plan', file], { COLUMNS: '80', NO_COLOR: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('an-instance-with-a-name-long-enough');
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    for (const verb of ['validate', 'graph', 'status', 'run']) {
      const other = await critpath([verb, 'test/fixtures/psplib/tiny.sm']);
      expect(other.code, verb).toBe(2);
      expect(other.stderr).toBe(
        'critpath: test/fixtures/psplib/tiny.sm: a PSPLIB instance, which only plan reads: critpath plan test/fixtures/psplib/tiny.sm\n',
      );
    }
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
