import { describe, expect, it } from 'vitest';
import { liveRunReporter } from '../../../src/reporters/run-live.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

describe('live run view', () => {
  it("shows the whole run's progress and ETA, running, queued and blocked, in minutes and seconds", () => {
    const out = memoryOutput();
    const written: string[] = [];
    const r = liveRunReporter(out, (s) => void written.push(s));
    const t0 = Date.now() - 20_000;
    r.onEvent({
      type: 'run-start',
      at: t0,
      runId: 'r1',
      jobs: 2,
      gpus: [],
      simulatedGpus: false,
      toRun: 5,
      alreadyDone: 0,
      plannedHours: 0.01, // 36 s
      doneHours: 0,
    });
    const start = (id: string, at: number) =>
      r.onEvent({
        type: 'activity-start',
        at,
        id,
        attempt: 1,
        gpus: [],
        gpuUuids: [],
        log: `${id}.log`,
        pid: 1,
        estimateHours: 0.002,
      });
    start('a', t0);
    let last = written.at(-1)!;
    expect(last).toContain('ETA: after the first activity finishes');
    expect(last).toContain('1 running, 4 queued, 0 blocked');
    r.onEvent({
      type: 'activity-done',
      at: t0 + 10_000,
      id: 'a',
      attempt: 1,
      durationMs: 10_000,
      estimateHours: 0.002,
    });
    start('b', t0 + 10_000);
    r.onEvent({
      type: 'activity-blocked',
      at: t0 + 10_000,
      id: 'c',
      reason: { kind: 'failed-upstream', upstream: 'x' } as never,
      text: 'waits for x',
    });
    last = written.at(-1)!;
    expect(last).toContain('1 running, 2 queued, 1 blocked');
    expect(last).toMatch(/ETA \d+(m\d\ds|s) for the run/);
    expect(last).toContain('7s of 36s planned');
    expect(last).not.toMatch(/0\.0\d/);
    r.close();
  });
});
