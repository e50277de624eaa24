import type { Failure, RunEvent, RunReporter, SummaryRow } from '../executor/events.js';
import type { Output } from './terminal.js';
import { escapeLine, escapeTerminal, expandTabs } from './escape.js';
import { fmtHours } from './format.js';
import type { Column } from './layout.js';
import { fitTable, wrap, wrapProse } from './layout.js';

/** `14:03:07` in local time. */
export function clock(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

/** A duration for people: `850ms`, `42s`, `3m12s`, `2h05m`. */
export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function fmtFailure(f: Failure): string {
  switch (f.reason) {
    case 'exit-non-zero':
      return `exit ${f.exitCode}`;
    case 'signal':
      return `killed by ${f.signal}`;
    case 'timeout':
      return `timed out after ${fmtDuration(f.seconds * 1000)}`;
    case 'spawn-error':
      return `could not start: ${escapeTerminal(f.message)}`;
  }
}

/** ` on GPUs 0,1` for an attempt that held GPUs; empty for one that held none. */
export const onGpus = (gpus: readonly number[]): string =>
  gpus.length === 0 ? '' : ` on GPU${gpus.length === 1 ? '' : 's'} ${gpus.join(',')}`;

/**
 * The last lines of a failed attempt's log under its failure line, control characters escaped
 * (and the line breaks a line may not hold), then tabs expanded. With a `width` (status), a log line longer than it
 * is wrapped, its continuation under its text; without (a run's event lines), one line each.
 */
export function tailLines(tail: readonly string[], indent = '      ', width = Infinity): string[] {
  const bar = `${indent}| `;
  const under = ' '.repeat(bar.length);
  return tail.flatMap((l) =>
    wrap(expandTabs(escapeTerminal(l)), Math.max(width - bar.length, 1)).map(
      (part, k) => `${k === 0 ? bar : under}${part}`,
    ),
  );
}

/** One line per event, without the time stamp; undefined for events that print nothing. */
export function eventLine(e: RunEvent, out: Output): string | undefined {
  const c = out.color;
  switch (e.type) {
    case 'run-start':
      return `run ${e.runId}: ${e.toRun} to run, ${e.alreadyDone} done before, ${
        e.backend === 'local'
          ? `--jobs ${e.jobs}, GPUs ${e.gpus.length === 0 ? 'none' : e.gpus.join(',')}${e.simulatedGpus ? ' (simulated)' : ''}`
          : `on ${e.backend}, whose scheduler decides jobs and GPUs`
      }`;
    case 'warning':
      // One line: a message may quote what others wrote (the project named in a GPU lock). A
      // bug's stack alone keeps its lines.
      return c.yellow(
        `warning: ${e.message.startsWith('Internal error') ? e.message : escapeLine(e.message)}`,
      );
    case 'forced':
      return `--force: ${e.ids.join(', ')} run${e.ids.length === 1 ? 's' : ''} again${e.downstream.length > 0 ? `; downstream, so these run again too: ${e.downstream.join(', ')} (--keep-downstream to keep them)` : ''}`;
    case 'orphans-killed':
      return `killed ${e.pids.length} leftover process${e.pids.length === 1 ? '' : 'es'} of dead run${e.runIds.length === 1 ? '' : 's'} ${e.runIds.join(', ')}`;
    case 'resumed':
      return `resuming: ${e.interrupted.join(', ')} ${e.interrupted.length === 1 ? 'was' : 'were'} interrupted and will re-run`;
    case 'activity-start':
      return `start ${e.id}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}${e.gpus.length > 0 ? ` gpus ${e.gpus.join(',')}` : ''}`;
    case 'activity-submitted':
      return `${e.adopted ? 'following' : 'submitted'} ${e.id} as ${e.system} job ${e.externalId}`;
    case 'run-detached':
      return `submitted ${e.submitted} job(s), ${e.adopted} already submitted; follow with: critpath status`;
    case 'activity-retry':
      return c.yellow(
        `retry ${e.id}: ${fmtFailure(e.failure)}; attempt ${e.attempt} in ${fmtDuration(e.delayMs)}`,
      );
    case 'activity-done':
      return c.green(
        `done  ${e.id} in ${fmtDuration(e.durationMs)} (planned ${fmtPlanned(e.estimateHours)})`,
      );
    case 'activity-failed':
      return [
        c.red(
          // A timeout says how long already ("timed out after 2s"): no second "after".
          `FAIL  ${e.id}: ${fmtFailure(e.failure)}${e.failure.reason === 'timeout' ? '' : ` after ${fmtDuration(e.durationMs)}`}${onGpus(e.gpus)}, see ${e.log}`,
        ),
        ...tailLines(e.stderrTail),
      ].join('\n');
    case 'activity-interrupted':
      return c.yellow(`interrupted ${e.id} (${e.reason})`);
    case 'activity-blocked':
      return c.dim(`blocked ${e.id}: ${escapeLine(e.text)}`);
    case 'run-end':
      return `run ${e.outcome} after ${fmtDuration(e.durationMs)}`;
  }
}

/**
 * Planned or actual hours for people, in one unit wherever they are shown (run lines, the
 * summary, status): `6.5h`, or under an hour `30m`, `4m30s`, `3s`.
 */
export function fmtPlanned(h: number): string {
  if (h >= 1) return `${fmtHours(h)}h`;
  const s = Math.round(h * 3600);
  return s >= 60 && s % 60 === 0 ? `${s / 60}m` : fmtDuration(h * 3_600_000);
}
const dur = fmtPlanned;

/** The actual/plan cell: a percentage, `—` when nothing was planned (no ratio), empty when not run. */
function actualOverPlan(r: SummaryRow): string {
  if (r.actualHours === undefined) return '';
  if (!(r.estimateHours > 0)) return '—';
  return `${Math.round((r.actualHours / r.estimateHours) * 100)}%`;
}

/** The end summary: actual against planned hours per activity that ran or is left. */
export function renderSummary(rows: readonly SummaryRow[], out: Output): string {
  const shown = rows.filter((r) => r.ranNow || r.status !== 'skipped');
  if (shown.length === 0)
    return 'nothing to do: every activity is done (critpath reset to start over)';
  let est = 0;
  let act = 0;
  const body = shown.map((r) => {
    est += r.estimateHours;
    act += r.actualHours ?? 0;
    const status =
      r.status === 'done'
        ? out.color.green(r.status)
        : r.status === 'failed'
          ? out.color.red(r.status)
          : r.status;
    return [
      r.id,
      status,
      dur(r.estimateHours),
      r.actualHours === undefined ? '-' : dur(r.actualHours),
      actualOverPlan(r),
    ];
  });
  return [
    fitTable(SUMMARY_COLUMNS, [...body, ['total', '', dur(est), dur(act), '']], out.columns),
    wrapProse(ACTUAL_NOTE, out.columns),
  ].join('\n');
}

/** The end summary's columns: a long id wraps, and the ratio goes first when it must. */
const SUMMARY_COLUMNS: readonly Column[] = [
  { header: 'activity', shrink: 'wrap' },
  { header: 'status' },
  { header: 'planned', align: 'r' },
  { header: 'actual', align: 'r' },
  { header: 'actual/plan', align: 'r', drop: 1 },
];

/** What "actual" means wherever the journal's hours are shown (run summary, status, re-planning). */
export const ACTUAL_NOTE =
  'actual: wall-clock time from the first attempt (in the run that finished it) to success, retries included; machine time, not engineer hours';

/**
 * Lines that go out together: what one turn of the event loop reports is one write (a run of
 * short commands reports thousands of events a second), and close() writes what is left.
 */
function lineBatch(write: (text: string) => void): { add(line: string): void; close(): void } {
  let text = '';
  let due = false;
  const flush = (): void => {
    due = false;
    if (text === '') return;
    const t = text;
    text = '';
    write(t);
  };
  return {
    add(line) {
      text += line.endsWith('\n') ? line : `${line}\n`;
      if (!due) {
        due = true;
        setImmediate(flush);
      }
    },
    close: flush,
  };
}

/**
 * An event line after its time stamp (`clock`'s, perhaps coloured), wrapped to `columns` cells:
 * the lines after the first start under the text, past the stamp (`14:03:07 `).
 */
export function stampedLine(stamp: string, line: string, columns: number): string {
  return wrapProse(`${stamp} ${line}`, columns, ' '.repeat(9));
}

/** Plain timestamped lines, for pipes and logs. */
export function plainRunReporter(out: Output): RunReporter {
  const lines = lineBatch((t) => out.out(t));
  return {
    onEvent(e) {
      const line = eventLine(e, out);
      // One line per event, however long: pipes and logs are read by grep and by scripts.
      if (line !== undefined) lines.add(`${clock(e.at)} ${line}`);
      if (e.type === 'run-end') lines.add(renderSummary(e.rows, out));
    },
    close: lines.close,
  };
}

/** NDJSON: one event per line, as the executor emitted it. */
export function jsonRunReporter(write: (text: string) => void): RunReporter {
  const lines = lineBatch(write);
  return {
    onEvent(e) {
      lines.add(JSON.stringify(e));
    },
    close: lines.close,
  };
}
