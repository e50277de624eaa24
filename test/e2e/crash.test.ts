import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, critpath, RECORD, readRecord, tempProject } from '../helpers/cli.js';

/**
 * kill -9 of `critpath run` at random moments, 20 times, resuming each time; then a final run to
 * the end. Every activity is recorded finished exactly once, and no activity starts again after
 * its completion was journaled.
 *
 *   t0 ─► t1 ─► t3 ─► t5 ─► t7 ─► t9
 *    └──► t2 ─► t4 ─► t6 ─► t8 ──┘
 */
const N = 10;
const yaml = [
  'project: crash',
  'start: 2026-01-05',
  'tasks:',
  ...Array.from({ length: N }, (_, i) => {
    const deps = i === 0 ? [] : i <= 2 ? [0] : i === N - 1 ? [N - 2, N - 3] : [i - 2];
    return `  - { id: t${i}, hours: 1, deps: [${deps.map((d) => `t${d}`).join(', ')}], run: "${RECORD} 0.${2 + (i % 4)}" }`;
  }),
].join('\n');

describe('crash safety', () => {
  it('SIGKILL at random moments never loses or repeats a completed activity', async () => {
    const p = tempProject(`${yaml}\n`);
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 20; k++) {
      const child = execa('node', [BIN, 'run', p.file, '--jobs', '2', '--grace', '1'], {
        cwd: p.dir,
        env: p.env,
        reject: false,
      });
      await new Promise((r) => setTimeout(r, 100 + Math.floor(rand() * 700)));
      child.kill('SIGKILL');
      await child;
    }
    const last = await critpath(['run', p.file, '--jobs', '2', '--json'], {
      cwd: p.dir,
      env: p.env,
    });
    expect(last.exitCode, last.all).toBe(0);

    const records = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as { t: string; id?: string; at: number }];
        } catch {
          return []; // a torn last line from a kill: ignored by the reader too
        }
      });
    const finished = new Map<string, number[]>();
    for (const r of records)
      if (r.t === 'finished' && r.id !== undefined)
        finished.set(r.id, [...(finished.get(r.id) ?? []), r.at]);
    for (let i = 0; i < N; i++)
      expect(finished.get(`t${i}`), `t${i} finished exactly once`).toHaveLength(1);
    for (const l of readRecord(p.record)) {
      if (l.kind !== 'start') continue;
      const doneAt = finished.get(l.id)![0]!;
      expect(
        Number(l.ns / 1_000_000n) <= doneAt,
        `${l.id} did not start after its completion was journaled`,
      ).toBe(true);
    }
    const status = await critpath(['status', p.file, '--json'], { cwd: p.dir, env: p.env });
    expect((JSON.parse(status.stdout) as { counts: { done: number } }).counts.done).toBe(N);
  }, 300_000);
});
