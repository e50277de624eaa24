import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveRunReporter } from '../../../src/reporters/run-live.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

/** A live view writing into `written`, on an output of the default width. */
function live(rows?: number): { r: ReturnType<typeof liveRunReporter>; written: string[] } {
  const written: string[] = [];
  const r = liveRunReporter(
    memoryOutput(),
    (s) => void written.push(s),
    () => 80,
    rows === undefined ? undefined : () => rows,
  );
  return { r, written };
}

/**
 * A run of `n` activities all running on a terminal of `rows` lines, and the lines of each block
 * it drew (each write after the first begins by moving up over the block before it).
 */
function crowdedRun(n: number, rows: number): { blocks: number[]; last: string[] } {
  vi.useFakeTimers({ now: 1_000_000 });
  const { r, written } = live(rows);
  const t0 = Date.now();
  r.onEvent({
    type: 'run-start',
    at: t0,
    runId: 'r1',
    backend: 'local',
    jobs: n,
    gpus: [],
    simulatedGpus: false,
    toRun: n,
    alreadyDone: 0,
    plannedHours: n,
    doneHours: 0,
  });
  for (let k = 0; k < n; k++)
    r.onEvent({
      type: 'activity-start',
      at: t0,
      id: `t${String(k).padStart(2, '0')}`,
      attempt: 1,
      gpus: [k % 8],
      gpuUuids: [],
      log: 't.log',
      pid: 1,
      // The last to start is the first planned to end: it is over plan after 10 s.
      estimateHours: k === n - 1 ? 0.001 : 1,
    });
  vi.advanceTimersByTime(10_000);
  // eslint-disable-next-line no-control-regex -- the view's own cursor movements
  const move = /^\u001b\[(\d+)F\u001b\[J/;
  const moves = written.slice(1).map((w) => Number(move.exec(w)?.[1] ?? 0));
  // The last write is a redraw alone: the block, nothing above it.
  const last = written.at(-1)!.replace(move, '').split('\n').slice(0, -1);
  r.close();
  return { blocks: [...moves, last.length], last };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('live run view', () => {
  it("shows the whole run's progress and ETA, running, queued and blocked, in minutes and seconds", () => {
    const { r, written } = live();
    const t0 = Date.now() - 20_000;
    r.onEvent({
      type: 'run-start',
      at: t0,
      runId: 'r1',
      backend: 'local',
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

  it('prints a failure with its exit, GPUs and the end of its log, escaped, above the live block', () => {
    const { r, written } = live();
    r.onEvent({
      type: 'activity-start',
      at: Date.now(),
      id: 'b\u001b[2J',
      attempt: 1,
      gpus: [0, 1],
      gpuUuids: [],
      log: 'b.log',
      pid: 1,
      estimateHours: 1,
    });
    r.onEvent({
      type: 'activity-failed',
      at: Date.now(),
      id: 'b',
      attempt: 1,
      failure: { reason: 'exit-non-zero', exitCode: 3 },
      durationMs: 2000,
      log: '.critpath/logs/p/b.log',
      gpus: [0, 1],
      stderrTail: ['step one', 'error: \u001b]0;pwned\u0007 it broke'],
    });
    const text = written.join('');
    expect(text).toMatch(
      /FAIL {2}b: exit 3 after 2s on GPUs 0,1, see \.critpath\/logs\/p\/b\.log\n {6}\| step one\n {6}\| error: \\x1b\]0;pwned\\x07 it broke\n/,
    );
    // Only the view's own cursor movements are raw escapes.
    // eslint-disable-next-line no-control-regex -- control characters are what it is about
    expect(text.replace(/\u001b\[\d+F\u001b\[J/g, '')).not.toContain('\u001b');
    r.close();
  });

  it('erases its live block when the run ends: the summary is not left under a stale ETA', () => {
    const { r, written } = live();
    r.onEvent({
      type: 'run-start',
      at: 0,
      runId: 'r1',
      backend: 'local',
      jobs: 1,
      gpus: [],
      simulatedGpus: false,
      toRun: 2,
      alreadyDone: 0,
      plannedHours: 2,
      doneHours: 0,
    });
    // The block: the progress line and the ETA line under the run's first line.
    expect(written.at(-1)).toMatch(/\n {2}\[.*\] 0%.*\n {2}ETA.*\n$/);
    const drawn = 2;
    r.onEvent({
      type: 'run-end',
      at: 180,
      runId: 'r1',
      outcome: 'failed',
      durationMs: 180,
      rows: [{ id: 'a', status: 'failed', estimateHours: 1, actualHours: 0.0001, ranNow: true }],
    });
    const after = written.slice(-2).join('');
    // Up over the block, erase to the end of the screen, and no block drawn again.
    expect(after.startsWith(`\u001b[${drawn}F\u001b[J`)).toBe(true);
    expect(after).not.toContain('ETA');
    expect(after).not.toContain('░');
    r.close();
  });

  it('fits a 24-line terminal with 40 activities running: the first planned to end, and a count of the rest', () => {
    const { blocks, last } = crowdedRun(40, 24);
    // The block and the cursor line under it stay on the screen, so the redraw reaches its top;
    // a quarter of the screen is left to the event lines above it.
    for (const lines of blocks) expect(lines).toBeLessThanOrEqual(17);
    expect(last).toHaveLength(17);
    expect(last[0]).toMatch(/^ {2}▶ t39 .*over plan by/);
    expect(last.filter((l) => l.includes('▶'))).toHaveLength(14);
    expect(last[14]).toBe('  … and 26 more running');
    expect(last[15]).toMatch(/^ {2}\[░+\] 0%/);
    expect(last[16]).toContain('40 running, 0 queued, 0 blocked');
    for (const l of last) expect(l.length).toBeLessThan(80);
  });

  it('shows every running activity while they fit', () => {
    const { last } = crowdedRun(15, 24);
    expect(last).toHaveLength(17);
    expect(last.filter((l) => l.includes('▶'))).toHaveLength(15);
    expect(last.join('\n')).not.toContain('more running');
  });

  it('keeps the run-wide lines on a tiny terminal, and draws nothing on a one-line one', () => {
    const three = crowdedRun(40, 3);
    for (const lines of three.blocks) expect(lines).toBeLessThanOrEqual(2);
    expect(three.last[0]).toMatch(/^ {2}\[░+\] 0%/);
    expect(three.last[1]).toContain('40 running');
    expect(crowdedRun(40, 5).last[0]).toBe('  … 40 more running');
    expect(crowdedRun(40, 1).blocks.every((n) => n === 0)).toBe(true);
  });
});
