import type { RunReporter } from '../executor/events.js';
import {
  clock,
  eventLine,
  fmtDuration,
  fmtPlanned,
  renderSummary,
  stampedLine,
} from './run-plain.js';
import { elide } from './layout.js';
import type { Output } from './terminal.js';
import { UNKNOWN_ROWS } from './terminal.js';
import { escapeTerminal } from './escape.js';
import type { ChalkInstance } from 'chalk';

interface Live {
  readonly id: string;
  readonly startedAt: number;
  readonly estimateHours: number;
  readonly gpus: readonly number[];
}

/** A running activity's line: elapsed, ETA from its planned hours, GPUs held. */
function runningLine(r: Live, now: number, c: ChalkInstance): string {
  const elapsed = now - r.startedAt;
  const left = r.estimateHours * 3_600_000 - elapsed;
  const eta =
    left > 0 ? `ETA ${fmtDuration(left)}` : c.yellow(`over plan by ${fmtDuration(-left)}`);
  return `  ${c.cyan('▶')} ${r.id.padEnd(18)} ${fmtDuration(elapsed).padStart(7)}  ${eta}${r.gpus.length > 0 ? `  gpus ${r.gpus.join(',')}` : ''}`;
}

/**
 * The lines of the live block on a terminal of `rows` lines: a quarter of the screen is left to
 * the event lines above it, and one line to the cursor under it, so that the redraw can move up
 * over the whole block. `running` are the running activities' lines in the order they started,
 * `end` when each is planned to end; `footer` the progress and ETA lines, the last the most
 * needed. When not all fit, the running lines shown are those planned to end first (the ones
 * over plan first) and one line counts the rest.
 */
export function fitBlock(
  running: readonly string[],
  end: readonly number[],
  footer: readonly string[],
  rows: number,
): string[] {
  const room = Math.max(0, rows - 1 - Math.floor(rows / 4));
  if (running.length + footer.length <= room) return [...running, ...footer];
  const kept = footer.slice(Math.max(0, footer.length - room));
  const left = room - kept.length;
  if (left === 0) return kept;
  const shown = running
    .map((line, k) => ({ line, end: end[k]! }))
    .sort((a, b) => a.end - b.end)
    .slice(0, left - 1)
    .map((r) => r.line);
  const rest = running.length - shown.length;
  return [...shown, `  … ${shown.length > 0 ? 'and ' : ''}${rest} more running`, ...kept];
}

/**
 * The TTY view: event lines scroll above a live block with one line per running activity
 * (elapsed, ETA from the planned hours, GPUs held) and a bar of hours done over hours planned,
 * fitting the terminal's `columns` and `rows` (asked at each redraw: they follow a resize).
 * `write` writes raw text to the terminal.
 */
export function liveRunReporter(
  out: Output,
  write: (s: string) => void,
  columns = () => 100,
  rows = () => UNKNOWN_ROWS,
): RunReporter {
  const running = new Map<string, Live>();
  let planned = 0;
  let doneHours = 0;
  /** Planned hours done when the run started, and when it started: the run's pace for its ETA. */
  let doneAtStart = 0;
  let startedAt = 0;
  let toRun = 0;
  let finished = 0;
  let blocked = 0;
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const c = out.color;

  const block = (): string[] => {
    const now = Date.now();
    const live = [...running.values()];
    const width = Math.max(10, Math.min(40, columns() - 40));
    const frac = planned > 0 ? Math.min(1, doneHours / planned) : 0;
    const fill = Math.round(frac * width);
    const lines = fitBlock(
      live.map((r) => runningLine(r, now, c)),
      live.map((r) => r.startedAt + r.estimateHours * 3_600_000),
      [
        `  [${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${Math.round(frac * 100)}% · ${fmtPlanned(doneHours)} of ${fmtPlanned(planned)} planned`,
        `  ${runEta(now)} · ${running.size} running, ${Math.max(0, toRun - finished - running.size - blocked)} queued, ${blocked} blocked`,
      ],
      rows(),
    );
    // One terminal line each, never wrapped: the redraw moves up as many lines as it drew.
    return lines.map((l) => elide(l, Math.max(20, columns() - 1)));
  };

  /**
   * The whole run's ETA: the planned hours left at the pace this run has done planned hours so far
   * (parallel work included); unknown until something finished.
   */
  const runEta = (now: number): string => {
    const pace = (doneHours - doneAtStart) / Math.max(1, now - startedAt);
    if (pace <= 0) return 'ETA: after the first activity finishes';
    return `ETA ${fmtDuration(Math.max(0, planned - doneHours) / pace)} for the run`;
  };

  /** The lines `above` over the live block, then the block again unless the run is over. */
  const redraw = (above: readonly string[] = [], last = false): void => {
    let s = drawn > 0 ? `\u001b[${drawn}F\u001b[J` : '';
    for (const l of above) s += `${escapeTerminal(l, c.level > 0)}\n`;
    const b = last ? [] : block();
    if (b.length > 0) s += `${escapeTerminal(b.join('\n'), c.level > 0)}\n`;
    drawn = b.length;
    write(s);
  };

  return {
    onEvent(e) {
      if (e.type === 'run-start') {
        planned = e.plannedHours;
        doneHours = e.doneHours;
        doneAtStart = e.doneHours;
        startedAt = e.at;
        toRun = e.toRun;
        timer = setInterval(() => redraw(), 1000);
        timer.unref();
      } else if (e.type === 'activity-start') {
        running.set(e.id, {
          id: e.id,
          startedAt: e.at,
          estimateHours: e.estimateHours,
          gpus: e.gpus,
        });
      } else if (e.type === 'activity-done') {
        running.delete(e.id);
        doneHours += e.estimateHours;
        finished++;
      } else if (e.type === 'activity-failed' || e.type === 'activity-interrupted') {
        running.delete(e.id);
        finished++;
      } else if (e.type === 'activity-blocked') {
        blocked++;
      }
      const text = eventLine(e, out);
      const line =
        text === undefined ? undefined : stampedLine(c.dim(clock(e.at)), text, out.columns);
      if (e.type === 'run-end') {
        if (timer !== undefined) clearInterval(timer);
        running.clear();
        // The summary takes the block's place: its progress and ETA would be stale above it.
        redraw(line === undefined ? [] : [line], true);
        write(`${escapeTerminal(renderSummary(e.rows, out), c.level > 0)}\n`);
        return;
      }
      redraw(line === undefined ? [] : [line]);
    },
    close() {
      if (timer !== undefined) clearInterval(timer);
    },
  };
}
