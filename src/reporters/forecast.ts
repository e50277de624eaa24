import type { Forecast } from '../app/forecast.js';
import { fmtHours, yearsDiffer } from './format.js';
import type { Column } from './layout.js';
import { fitTable, wrapProse } from './layout.js';
import { dateTimeName } from './team-common.js';
import type { Output } from './terminal.js';

function signedHours(h: number): string {
  const r = Math.round(h * 10) / 10;
  return r === 0 ? '±0 h' : `${r > 0 ? '+' : '−'}${fmtHours(Math.abs(r))} h`;
}

/** Baseline against the current forecast, per team; and the calibration ratios. */
export function renderForecast(forecasts: readonly Forecast[], out: Output): string {
  const c = out.color;
  const first = forecasts[0];
  if (first === undefined) return '';
  const year = yearsDiffer([
    first.nowAt,
    ...forecasts.flatMap((f) => [f.baselineEnd, f.forecastEnd]),
  ]);
  const lines = [
    c.bold(`Progress from the run journal (now: ${dateTimeName(first.nowAt, year)})`),
    `${first.done} of ${first.total} activities done, ${first.running} running; the rest re-planned from now.`,
  ];
  const rows: string[][] = [];
  for (const f of forecasts) {
    rows.push([
      f.team,
      `${dateTimeName(f.baselineEnd, year)} (${fmtHours(Math.round(f.replan.baseline * 10) / 10)} h)`,
      `${dateTimeName(f.forecastEnd, year)} (${fmtHours(Math.round(f.replan.forecast * 10) / 10)} h)`,
      signedHours(f.replan.forecast - f.replan.baseline),
    ]);
  }
  lines.push(fitTable(FORECAST_COLUMNS, rows, out.columns));
  const cal = first.replan.calibration;
  const ratio = (tag: 'macbook' | 'gpu'): string =>
    cal[tag].samples === 0
      ? `${tag}: no finished work with planned hours yet`
      : `${tag}: actual/estimate ${cal[tag].ratio.toFixed(2)} over ${cal[tag].samples} finished (${fmtHours(Math.round(cal[tag].actualHours * 10) / 10)} h vs ${fmtHours(Math.round(cal[tag].estimatedHours * 10) / 10)} h)`;
  lines.push(
    `Observed ${ratio('macbook')}; ${ratio('gpu')}.` +
      (first.replan.calibrated
        ? ' Remaining estimates are scaled by these ratios.'
        : ' Use --calibrate to scale the remaining estimates by them.'),
  );
  return lines.map((l) => wrapProse(l, out.columns)).join('\n');
}

/** Baseline against forecast per team: a long line-up of names wraps. */
const FORECAST_COLUMNS: readonly Column[] = [
  { header: 'Team', shrink: 'wrap' },
  { header: 'Baseline end' },
  { header: 'Forecast end' },
  { header: 'Slip', align: 'r' },
];
