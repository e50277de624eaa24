import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// Spawns the built CLI (`npm test` builds first) exactly as a user would.
const run = promisify(execFile);
const BIN = 'bin/critpath.js';

async function critpath(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('node', [BIN, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

beforeAll(() => {
  if (!existsSync('dist/critpath.mjs'))
    throw new Error('dist/ is missing: run `npm run build` first');
});

describe('critpath CLI (built)', () => {
  it('plan prints the Epic 1A critical path', async () => {
    const r = await critpath(['plan'], { NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Critical path (39.5 h): 1a.1 → 1a.2 → 1a.4 → 1a.5 → 1a.8/test');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('plan --json follows the plan contract names', async () => {
    const r = await critpath(['plan', 'tasks/epic-1a.yaml', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      unit: string;
      makespan: number;
      activities: {
        id: string;
        duration: number;
        predecessors: string[];
        start: number;
        end: number;
      }[];
      criticalPath: string[];
    };
    expect(plan.unit).toBe('hour');
    expect(plan.activities).toHaveLength(28);
    const byId = new Map(plan.activities.map((a) => [a.id, a]));
    for (const a of plan.activities) {
      expect(a.end).toBeCloseTo(a.start + a.duration, 9);
      for (const p of a.predecessors) expect(byId.get(p)!.end).toBeLessThanOrEqual(a.start + 1e-9);
    }
    expect(Math.max(...plan.activities.map((a) => a.end))).toBe(plan.makespan);
    expect(plan.criticalPath[0]).toBe('1a.1');
    expect(plan.criticalPath.at(-1)).toBe('1a.17/docs');
  });

  it('validate reports every problem of a bad file as one line each, exit 2, no stack trace', async () => {
    const r = await critpath(['validate', 'test/fixtures/bad/30-several-problems.yaml']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^test\/fixtures\/bad\/30-several-problems\.yaml:\d+:\d+: tasks\[0\]\.hours: bad hour range/,
      ),
      expect.stringMatching(/:\d+:\d+: tasks\[1\]\.deps\[0\]: unknown dependency "x"$/),
      expect.stringMatching(/:\d+:\d+: tasks\[2\]\.gpus: needs 9 GPUs/),
      '3 problems',
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('validate of a file with two separate cycles reports both, each as its loop', async () => {
    const r = await critpath(['validate', 'test/fixtures/bad/26-two-cycles.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/:14:12: tasks\[1\]\.deps\[0\]: dependency cycle: b → a → b$/),
      expect.stringMatching(/:20:12: tasks\[3\]\.deps\[0\]: dependency cycle: d → c → d$/),
      '2 problems',
    ]);
  });

  it('GPU work longer than every stretch of its GPUs: validate says where, plan says why', async () => {
    const bad = 'test/fixtures/bad/52-gpu-work-longer-than-window.yaml';
    const v = await critpath(['validate', bad]);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain(
      `${bad}:16:25: tasks[0].hours: needs every GPU for 7 h, but the GPU count never stays the same`,
    );
    // Fits at the expected hours (validate and the default plan), not at the high ones.
    const tight = 'test/fixtures/gpu-window-high.yaml';
    expect((await critpath(['validate', tight])).code).toBe(0);
    expect((await critpath(['plan', tight, '--team', '1'])).code).toBe(0);
    const high = await critpath(['plan', tight, '--team', '1', '--estimate', 'high']);
    expect(high.code).toBe(2);
    expect(high.stderr).toBe(
      `critpath: ${tight}: b needs every GPU for 10 h, but the GPU count never stays the same for that long (work holding every GPU never runs across a change): the longest stretch is 8 working hours (4 GPUs, from 2026-12-07 09:00 to 2026-12-07 17:00)\n`,
    );
    const mc = await critpath(['plan', tight, '--team', '1', '--monte-carlo', '50']);
    expect(mc.code).toBe(2);
    expect(mc.stderr).toContain(
      `critpath: ${tight}: b needs every GPU for up to 10 h (the longest duration the samples draw), but the GPU count never stays the same`,
    );
    expect(mc.stderr).not.toContain('demand exceeds');
  });

  it("a scenario's GPUs too few for its work: every verb says where, before any plan", async () => {
    const bad = 'test/fixtures/bad/53-scenario-gpu-capacity.yaml';
    const finding = `${bad}:24:7: scenarios.bigger.hardware: in scenario "bigger", b needs 2 GPUs, but the scenario's hardware never has more than 1`;
    for (const args of [
      ['validate', bad],
      ['plan', bad, '--scenario', 'bigger', '--team', '1'],
      ['plan', bad, '--compare'],
    ]) {
      const r = await critpath(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')).toContain(finding);
      expect(r.stderr).toMatch(/^7 problems$/m);
    }
  });

  it('graph --upstream and --downstream list dependencies; an unknown id is one line, exit 2', async () => {
    const up = await critpath(['graph', 'tasks/demo.yaml', '--upstream', 'd.3']);
    expect(up.code).toBe(0);
    expect(up.stdout.trim().split('\n').length).toBeGreaterThan(0);
    const down = await critpath(['graph', 'tasks/demo.yaml', '--downstream', 'd.1']);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/^d\.2/m);
    const bad = await critpath(['graph', 'tasks/demo.yaml', '--upstream', 'd.33']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^critpath: tasks\/demo\.yaml: --upstream: unknown task or activity "d\.33" \(did you mean "d\.3"\?\)\n$/,
    );
  });

  it('a missing file is a one-line error with exit 2', async () => {
    const r = await critpath(['plan', 'no/such.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('no/such.yaml:1:1: cannot read task file: no such file');
  });

  it('usage errors exit 2; --help and --version exit 0', async () => {
    expect((await critpath(['plan', '--bogus'])).code).toBe(2);
    expect((await critpath(['frobnicate'])).code).toBe(2);
    const help = await critpath(['plan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    const v = await critpath(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--json beside another --format is a usage error naming both, not one silently chosen', async () => {
    const r = await critpath(['plan', '--team', '2', '--json', '--format', 'csv']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      'critpath: --json and --format csv ask for two formats: give one of them',
    );
    const same = await critpath(['plan', '--team', '2', '--json', '--format', 'json']);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout).team).toBe(2);
  });

  it('graph prints DOT and Mermaid with critical activities marked', async () => {
    const dot = await critpath(['graph']);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph "Epic 1A" \{/);
    expect(dot.stdout).toContain('"1a.8/prep" -> "1a.8/test";');
    const mm = await critpath(['graph', '--format', 'mermaid']);
    expect(mm.stdout.split('\n')[0]).toBe('flowchart LR');
    expect(mm.stdout).toMatch(/class .*n1a_8_test.* critical/);
  });
});
