import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/executor/events.js';
import { liveRunReporter } from '../../../src/reporters/run-live.js';
import {
  eventLine,
  fmtPlanned,
  plainRunReporter,
  renderSummary,
  tailLines,
} from '../../../src/reporters/run-plain.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

describe('fmtPlanned', () => {
  it('says hours one way wherever they are shown', () => {
    expect(fmtPlanned(2.5)).toBe('2.5h');
    expect(fmtPlanned(1)).toBe('1h');
    expect(fmtPlanned(0.5)).toBe('30m');
    expect(fmtPlanned(0.075)).toBe('4m30s');
    expect(fmtPlanned(1 / 1200)).toBe('3s');
    const done = {
      type: 'activity-done',
      at: 0,
      id: 'a',
      attempt: 1,
      durationMs: 12,
      estimateHours: 2.5,
    } as const;
    expect(eventLine(done, memoryOutput())).toBe('done  a in 12ms (planned 2.5h)');
  });
});

describe('eventLine', () => {
  it('says which job a submitted activity became, and what a detached run left running', () => {
    const out = memoryOutput();
    const submitted = {
      type: 'activity-submitted',
      at: 0,
      id: 'pair-b',
      attempt: 1,
      system: 'Slurm',
      externalId: '42',
      adopted: false,
    } as const;
    expect(eventLine(submitted, out)).toBe('submitted pair-b as Slurm job 42');
    expect(eventLine({ ...submitted, adopted: true }, out)).toBe(
      'following pair-b as Slurm job 42',
    );
    expect(
      eventLine({ type: 'run-detached', at: 0, runId: 'r', submitted: 3, adopted: 1 }, out),
    ).toBe('submitted 3 job(s), 1 already submitted; follow with: critpath status');
  });

  it('keeps a warning and a block on one line: a project path from a GPU lock cannot add lines', () => {
    // The lock folder is shared by every user: its project name is anyone's text.
    const out = memoryOutput();
    const message = 'waiting for GPU 0, held by pid 7 (project /tmp/we\nird\tname/critpath.yaml)';
    expect(eventLine({ type: 'warning', at: 0, message }, out)).toBe(
      'warning: waiting for GPU 0, held by pid 7 (project /tmp/we\\nird\\tname/critpath.yaml)',
    );
    expect(
      eventLine(
        {
          type: 'activity-blocked',
          at: 0,
          id: 'g',
          reason: { kind: 'gpus', need: 1, have: 0, arrives: undefined },
          text: message,
        },
        out,
      ),
    ).toBe(
      'blocked g: waiting for GPU 0, held by pid 7 (project /tmp/we\\nird\\tname/critpath.yaml)',
    );
  });

  it('says how long a failure took once: a timeout gives its limit, the rest their time', () => {
    const out = memoryOutput();
    const failed = {
      type: 'activity-failed',
      at: 0,
      id: 'slow',
      attempt: 1,
      failure: { reason: 'timeout', seconds: 2 },
      durationMs: 2004,
      log: 'l.log',
      gpus: [],
      stderrTail: [],
    } as const;
    expect(eventLine(failed, out)).toBe('FAIL  slow: timed out after 2s, see l.log');
    expect(eventLine({ ...failed, failure: { reason: 'exit-non-zero', exitCode: 3 } }, out)).toBe(
      'FAIL  slow: exit 3 after 2s, see l.log',
    );
  });
});

describe('run output in an 80-column terminal', () => {
  const id = 'a-very-long-task-identifier-that-goes-on-and-on-and-on-forever-and-ever';
  const events = [
    {
      type: 'run-start',
      at: 0,
      runId: '20261206T180116-613a0c',
      backend: 'local',
      jobs: 4,
      gpus: [0, 1, 2, 3],
      simulatedGpus: true,
      toRun: 12,
      alreadyDone: 0,
      plannedHours: 1,
      doneHours: 0,
    },
    {
      type: 'activity-failed',
      at: 1000,
      id,
      attempt: 1,
      failure: { reason: 'exit-non-zero', exitCode: 1 },
      durationMs: 2000,
      log: `.critpath/logs/long/${id}.log`,
      gpus: [],
      stderrTail: ['boom'],
    },
    {
      type: 'run-end',
      at: 2000,
      runId: '20261206T180116-613a0c',
      outcome: 'failed',
      durationMs: 2000,
      rows: [{ id, status: 'failed', estimateHours: 0.001, actualHours: 0.0005, ranNow: true }],
    },
  ] as const;
  const cells = (text: string): number[] => text.split('\n').map((l) => [...l].length);

  it('the summary table and its note fit; plain lines stay one per event', () => {
    const out = memoryOutput(80);
    const r = plainRunReporter(out);
    for (const e of events) r.onEvent(e as RunEvent);
    r.close();
    const text = out.stdout.join('');
    const summary = text.slice(text.indexOf('activity'));
    expect(Math.max(...cells(summary)), summary).toBeLessThanOrEqual(80);
    expect(summary.replace(/\s+/g, ' ')).toContain(
      'retries included; machine time, not engineer hours',
    );
    expect(text).toContain('12 to run, 0 done before, --jobs 4, GPUs 0,1,2,3 (simulated)\n');
    expect(text).toContain(`exit 1 after 2s, see .critpath/logs/long/${id}.log\n`);
  });

  it('the live view: event lines wrap, and each live line stays one terminal line', () => {
    const out = memoryOutput(80);
    const written: string[] = [];
    const r = liveRunReporter(
      out,
      (s) => void written.push(s),
      () => 80,
    );
    r.onEvent(events[0] as RunEvent);
    r.onEvent({
      type: 'activity-start',
      at: 500,
      id,
      attempt: 1,
      gpus: [0, 1, 2, 3],
      gpuUuids: [],
      log: 'x.log',
      pid: 1,
      estimateHours: 0.002,
    });
    for (const e of events.slice(1)) r.onEvent(e as RunEvent);
    r.close();
    // eslint-disable-next-line no-control-regex -- the view's cursor movements and colours
    const text = written.join('').replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
    expect(Math.max(...cells(text)), text).toBeLessThanOrEqual(80);
  });
});

describe('the run header', () => {
  it('names the backend where a scheduler decides jobs and GPUs, not --jobs 0', () => {
    const start: RunEvent = {
      type: 'run-start',
      at: 0,
      runId: 'r1',
      backend: 'slurm',
      jobs: 0,
      gpus: [],
      simulatedGpus: false,
      toRun: 12,
      alreadyDone: 0,
      plannedHours: 12,
      doneHours: 0,
    };
    const out = memoryOutput(100);
    const r = plainRunReporter(out);
    r.onEvent(start);
    r.close();
    const text = out.stdout.join('');
    expect(text).toContain(
      '12 to run, 0 done before, on slurm, whose scheduler decides jobs and GPUs\n',
    );
    expect(text).not.toMatch(/--jobs 0/);
  });
});

describe('the run summary', () => {
  it('gives a zero-hour activity no actual/plan ratio (it printed millions of percent)', () => {
    const out = memoryOutput(80);
    const text = renderSummary(
      [
        { id: 'gate', status: 'done', estimateHours: 0, actualHours: 0.0675, ranNow: true },
        { id: 'work', status: 'done', estimateHours: 2, actualHours: 1, ranNow: true },
      ],
      out,
    );
    expect(text).toMatch(/^gate +done +0ms +4m03s +—$/m);
    expect(text).toMatch(/^work +done +2h +1h +50%$/m);
  });
});

describe('a failure’s log tail', () => {
  it('expands tabs to the next multiple of 8 columns, so the width it is wrapped to is the width it shows', () => {
    const line = Array.from({ length: 40 }, (_, k) => `${k + 1}\t`).join('');
    const lines = tailLines([line, 'a\tbc\td'], '  ', 80);
    for (const l of lines) {
      expect(l).not.toContain('\t');
      expect(l.length, l).toBeLessThanOrEqual(80);
    }
    expect(lines.at(-1)).toBe('  | a       bc      d');
    // Stops are terminal cells: after two wide characters (4 cells) and after an escaped ESC.
    expect(tailLines(['日本\tX', '\u001b\tX'], '', 80)).toEqual(['| 日本    X', '| \\x1b    X']);
    // Whole columns: each number starts a tab stop, however the line was wrapped.
    const columns = Array.from({ length: 40 }, (_, k) => String(k + 1).padEnd(8)).join('');
    expect(lines[0]).toBe(`  | ${columns.slice(0, 76)}`);
  });
});
