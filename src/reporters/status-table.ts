import type { ActivityStatus, StatusModel } from '../state/status.js';
import { escapeLine } from './escape.js';
import { fmtDate, fmtDatesIn } from './format.js';
import type { Column } from './layout.js';
import { fitTable, wrapProse } from './layout.js';
import { fmtPlanned, onGpus, tailLines } from './run-plain.js';
import type { Output } from './terminal.js';

const dur = fmtPlanned;

/** The status table's columns: the detail (a reason, a log path) wraps. */
const STATUS_COLUMNS: readonly Column[] = [
  { header: 'activity' },
  { header: 'status' },
  { header: 'planned', align: 'r' },
  { header: 'took', align: 'r' },
  { header: 'detail', shrink: 'wrap', min: 20 },
];

/** The status table: one row per task, and one per phase under a phased task. */
export function renderStatusTable(m: StatusModel, out: Output): string {
  const c = out.color;
  const paint = (s: string): string =>
    s === 'done'
      ? c.green(s)
      : s === 'failed'
        ? c.red(s)
        : s === 'running'
          ? c.cyan(s)
          : s === 'blocked'
            ? c.yellow(s)
            : s;
  const rows: string[][] = [];
  for (const a of m.activities) {
    const hand =
      a.by === undefined
        ? undefined
        : a.status === 'running'
          ? `${a.by} is on it`
          : a.status === 'done'
            ? `done by ${a.by}${a.hoursOf === 'engineer' ? ' (engineer hours)' : ''}`
            : undefined;
    const detail =
      a.reason ??
      hand ??
      (a.status === 'running' && a.gpus.length > 0
        ? `gpus ${a.gpus.join(',')}`
        : a.status === 'failed'
          ? `${statusFailure(a)}${onGpus(a.gpus)}; see ${a.log ?? 'its log'}`
          : a.leftoverPid !== null
            ? `its run died, its command still runs (pid ${a.leftoverPid}); the next run stops it and re-runs it`
            : a.interrupted
              ? 'interrupted; re-runs on resume'
              : '');
    rows.push([
      a.phase === null ? a.id : `  ${a.id}`,
      paint(a.status),
      dur(a.estimateHours),
      a.hours === undefined ? '' : dur(a.hours),
      fmtDatesIn(escapeLine(detail)),
    ]);
  }
  const counts = Object.entries(m.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const head = `${escapeLine(m.project)}: ${counts}${m.liveRunId !== undefined ? ` — run ${m.liveRunId} is running` : ''}`;
  const cp = m.criticalSteps.length > 0 ? formatCriticalSteps(m.criticalSteps) : 'nothing left';
  const w = out.columns;
  const failures = m.activities.flatMap((a) =>
    a.status === 'failed' && a.stderrTail.length > 0
      ? [wrapProse(`${a.id}, the end of its log:`, w, '  '), ...tailLines(a.stderrTail, '  ', w)]
      : [],
  );
  const table = [wrapProse(head, w, '  '), fitTable(STATUS_COLUMNS, rows, w)];
  if (failures.length > 0) table.push('', ...failures);
  if (m.finishedAt !== undefined)
    return [...table, '', `finished at ${fmtDate(m.finishedAt)}: every activity is done`].join(
      '\n',
    );
  return [
    ...table,
    '',
    ...m.people.map((p) => wrapProse(personLine(p), w, '  ')),
    ...(m.people.length > 0 ? [''] : []),
    wrapProse(
      `remaining critical path (${dur(m.remainingHours)}): ${cp}${m.forecastBy === 'team' ? ` — alone it ends ${fmtDate(m.criticalPathEnd)}` : ''}`,
      w,
      '  ',
    ),
    wrapProse(
      m.forecastBy === 'team'
        ? `forecast end: ${fmtDate(m.forecastAt ?? m.forecast)} with ${engineers(m.team ?? '1')}, done work at its actual times, the rest re-planned from now (plan baseline ${fmtDate(m.baselineEnd ?? '')})`
        : `forecast end: ${fmtDate(m.forecast)} (${fmtDatesIn(m.forecastNote ?? 'remaining critical path alone')})`,
      w,
      '  ',
    ),
  ].join('\n');
}

/** How a failed activity's last attempt ended: `exit 3`, `killed by SIGKILL`, `timed out`. */
function statusFailure(a: ActivityStatus): string {
  if (a.failure === 'timeout') return 'timed out';
  if (a.failure === 'spawn-error') return `could not start: ${escapeLine(a.failureMessage ?? '')}`;
  if (a.signal !== null) return `killed by ${a.signal}`;
  if (a.exitCode !== null) return `exit ${a.exitCode}`;
  return escapeLine(a.failureMessage ?? 'failed');
}

const engineers = (team: string): string =>
  team === '1' ? '1 engineer' : /^\d+$/.test(team) ? `${team} engineers` : team;

/** `ml: on 1a.7; 2 done by hand, 3.5 h recorded against 4 h planned`. */
function personLine(p: StatusModel['people'][number]): string {
  const on = p.on.length > 0 ? `on ${p.on.join(', ')}` : 'on nothing now';
  const done =
    p.done === 0
      ? ''
      : `; ${p.done} done by hand, ${dur(p.recordedHours)} recorded against ${dur(p.plannedHours)} planned`;
  return `${p.by}: ${on}${done}`;
}

/** Status as one JSON document. */
export function renderStatusJson(m: StatusModel): string {
  return JSON.stringify(m, null, 2);
}

/** `a → (b → c | d) → e`: the steps of criticalSteps with ids. */
export function formatCriticalSteps(steps: readonly (readonly (readonly string[])[])[]): string {
  return steps
    .map((step) => {
      const branches = step.map((b) => b.join(' → '));
      return branches.length === 1 ? branches[0]! : `(${branches.join(' | ')})`;
    })
    .join(' → ');
}
