import { describe, expect, it } from 'vitest';
import { BACKENDS, backendsWithOpenAttempts } from '../../../src/executor/backends.js';
import { replay } from '../../../src/state/reducer.js';
import type { JournalRecord } from '../../../src/state/records.js';

function started(id: string, backend: string, attempt = 1): JournalRecord {
  return { v: 1, runId: 'r1', t: 'started', at: 1, id, attempt, backend, gpus: [], log: `l/${id}` };
}

describe('backend registry', () => {
  it('asks only the backends whose last attempt of some activity is still open', () => {
    const finished: JournalRecord = {
      v: 1,
      runId: 'r1',
      t: 'finished',
      at: 2,
      id: 'a',
      attempt: 1,
      exitCode: 0,
      durationMs: 1,
    };
    expect(backendsWithOpenAttempts(replay([]))).toEqual([]);
    expect(backendsWithOpenAttempts(replay([started('a', 'slurm'), finished]))).toEqual([]);
    expect(
      backendsWithOpenAttempts(replay([started('a', 'slurm'), started('b', 'local')])),
    ).toEqual(['local', 'slurm']);
  });

  it('every entry loads, and only Slurm answers status and cancel', async () => {
    expect([...BACKENDS.keys()]).toEqual(['local', 'slurm']);
    const local = await BACKENDS.get('local')!();
    const slurm = await BACKENDS.get('slurm')!();
    expect(typeof local.open).toBe('function');
    expect(local.status).toBeUndefined();
    expect([typeof slurm.open, typeof slurm.status, typeof slurm.cancel]).toEqual([
      'function',
      'function',
      'function',
    ]);
  });
});
