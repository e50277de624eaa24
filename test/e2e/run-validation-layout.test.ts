import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RECORD, critpath, readRecord, tempProject } from '../helpers/cli.js';

// tasks/validation.yaml's graph, its commands swapped for an instrumented sleep, on 4 simulated
// GPUs. This is the layout the design document asks for and that a one-GPU host cannot show:
//
//   gpu-check (all) ──▶ ddp-check (2 GPUs) ───────┐
//                   └─▶ inference-check (2 GPUs) ──┴─▶ stress-sample (all)
//
// DDP and inference must run at the same time on disjoint pairs, the `all` steps alone.
describe('tasks/validation.yaml on 4 simulated GPUs', () => {
  it('runs DDP and inference side by side on pairs 0,1 and 2,3; the exclusive steps alone', async () => {
    const seconds: Record<string, number> = { 'ddp-check': 3, 'inference-check': 3 };
    let yaml = readFileSync('tasks/validation.yaml', 'utf8');
    let current = '';
    yaml = yaml
      .split('\n')
      .map((line) => {
        const id = /^\s+- id: (\S+)/.exec(line);
        if (id) current = id[1]!;
        return /^\s+run: /.test(line) ? `    run: "sh ${RECORD} ${seconds[current] ?? 0.2}"` : line;
      })
      .join('\n');
    const p = tempProject(yaml);
    const r = await critpath(['run', p.file, '--gpus', '4'], {
      cwd: p.dir,
      env: p.env,
    });
    expect(r.exitCode, r.all).toBe(0);

    const rec = readRecord(p.record);
    const span = (id: string): { start: bigint; end: bigint; gpus: readonly number[] | 'none' } => {
      const s = rec.find((l) => l.kind === 'start' && l.id === id);
      const e = rec.find((l) => l.kind === 'end' && l.id === id);
      if (!s || !e) throw new Error(`no record for ${id}`);
      return { start: s.ns, end: e.ns, gpus: s.gpus };
    };
    const ddp = span('ddp-check');
    const inf = span('inference-check');
    const check = span('gpu-check');
    const stress = span('stress-sample');

    expect([ddp.gpus, inf.gpus].map((g) => (g === 'none' ? g : [...g].sort()))).toEqual([
      [0, 1],
      [2, 3],
    ]);
    // They overlap in time: each starts before the other ends.
    expect(ddp.start < inf.end && inf.start < ddp.end).toBe(true);
    expect(check.gpus).toEqual([0, 1, 2, 3]);
    expect(stress.gpus).toEqual([0, 1, 2, 3]);
    expect(check.end <= ddp.start && check.end <= inf.start).toBe(true);
    expect(stress.start >= ddp.end && stress.start >= inf.end).toBe(true);
  });
});
