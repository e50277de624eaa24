import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../../src/executor/slurm/parse.js';
import { outcomeRecord } from '../../../../src/executor/slurm/reconcile.js';
import type { Attempt } from '../../../../src/state/reducer.js';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const attempt = (log: string): Attempt => ({
  runId: 'r1',
  attempt: 2,
  backend: 'slurm',
  startedAt: 1_000,
  endedAt: undefined,
  outcome: 'running',
  exitCode: null,
  signal: null,
  failure: undefined,
  message: undefined,
  stderrTail: [],
  interrupt: undefined,
  durationMs: null,
  gpus: [],
  log,
  pid: undefined,
  externalId: '42',
});

/** A job that scontrol reports ended, with whole-second times (start = end: under a second). */
const ended = (phase: 'succeeded' | 'failed'): JobInfo => ({
  jobId: '42',
  state: phase === 'succeeded' ? 'COMPLETED' : 'FAILED',
  phase,
  reason: undefined,
  name: 'x',
  comment: undefined,
  exitCode: phase === 'succeeded' ? 0 : 3,
  signal: 0,
  start: 1_796_000_000_000,
  end: 1_796_000_000_000,
  gpus: undefined,
  source: 'scontrol',
});

describe('outcomeRecord', () => {
  it('times a job by its own marks to the millisecond, the last attempt’s job only', () => {
    dir = mkdtempSync(join(tmpdir(), 'critpath-reconcile-'));
    writeFileSync(
      join(dir, 'a.log'),
      [
        'critpath-slurm: start job=41 host=n1 at_ms=1000 cuda_visible_devices=unset gpus_on_node=0',
        'first try',
        'critpath-slurm: end job=41 exit=1 at_ms=9000',
        'critpath-slurm: start job=42 host=n1 at_ms=20000 cuda_visible_devices=unset gpus_on_node=0',
        'second try',
        'critpath-slurm: end job=42 exit=0 at_ms=20350',
        '',
      ].join('\n'),
    );
    const done = outcomeRecord('a', attempt('a.log'), ended('succeeded'), 5, dir);
    expect(done).toMatchObject({ t: 'finished', durationMs: 350 });
    const failed = outcomeRecord('a', attempt('a.log'), ended('failed'), 5, dir);
    expect(failed).toMatchObject({ t: 'failed', durationMs: 350 });
  });

  it('without marks (a log that is gone), Slurm’s own times', () => {
    dir = mkdtempSync(join(tmpdir(), 'critpath-reconcile-'));
    const job = { ...ended('succeeded'), end: 1_796_000_002_000 };
    expect(outcomeRecord('a', attempt('gone.log'), job, 5, dir)).toMatchObject({
      durationMs: 2000,
    });
  });
});
