import { fitTable } from './layout.js';

/**
 * `n` and the word, plural but for one: "1 working day", "2 working days", "1.5 hours";
 * `plural` for a word that takes more than an s ("1 activity", "2 activities").
 */
export function counted(n: number | string, word: string, plural = `${word}s`): string {
  return `${n} ${Number(n) === 1 ? word : plural}`;
}

/**
 * A number with thousands separated by commas (`10,000`, `-1,234.5`), at most three decimals:
 * what `toLocaleString('en-US')` prints, without loading the ICU data that costs a process
 * 15–30 ms the first time (every `plan` names its default sample count in its help).
 */
export function grouped(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e21) return String(n);
  const rounded = Number(Math.abs(n).toFixed(3));
  if (rounded === 0) return '0';
  const [int = '', frac] = String(rounded).split('.');
  let out = '';
  for (let end = int.length; end > 0; end -= 3)
    out = `${int.slice(Math.max(0, end - 3), end)}${out === '' ? '' : ','}${out}`;
  return `${n < 0 ? '-' : ''}${out}${frac === undefined ? '' : `.${frac}`}`;
}

/** `a, b, c and 5 more`: the first `shown` of `items`, and how many more there are. */
export function listed(items: readonly string[], shown: number): string {
  const more = items.length - shown;
  return more > 0 ? `${items.slice(0, shown).join(', ')} and ${more} more` : items.join(', ');
}

/** Hours for people: at most two decimals, no trailing zeros (6, 6.5, 6.17). */
export function fmtHours(h: number): string {
  return String(Math.round(h * 100) / 100);
}

/**
 * Pads cells into aligned columns; the first row is the header, a rule goes under it. Reporters
 * that print to a terminal use `fitTable` (layout.ts) with column priorities instead.
 */
export function table(
  rows: readonly (readonly string[])[],
  align: readonly ('l' | 'r')[] = [],
  width = Infinity,
): string {
  const [head, ...body] = rows;
  if (head === undefined) return '';
  return fitTable(
    head.map((h, i) => ({ header: h, align: align[i] ?? 'l' })),
    body,
    width,
  );
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The one date style of every terminal view: `Mon 7 Dec` from `YYYY-MM-DD`, `Mon 7 Dec 14:30`
 * from `YYYY-MM-DDTHH:MM` (or with a space), and the year after the month with `year`.
 */
export function fmtDate(iso: string, year = false): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}))?/.exec(iso);
  if (m === null) return iso;
  const [, y, mo, d, time] = m;
  // setUTCFullYear, not Date.UTC, which reads the years 0 to 99 as 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  const day = `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}${year ? ` ${y}` : ''}`;
  return time === undefined ? day : `${day} ${time}`;
}

/**
 * Whether dates (`YYYY-MM-DD`, with a time after it or not) fall in more than one calendar year:
 * a view showing them then names the year of each, where `Mon 7 Dec` would be every year's.
 */
export function yearsDiffer(dates: Iterable<string>): boolean {
  let first: string | undefined;
  for (const d of dates) {
    const y = d.slice(0, 4);
    if (first === undefined) first = y;
    else if (y !== first) return true;
  }
  return false;
}

/** Free text (a reason from the scheduler, say) with its ISO dates in fmtDate's style. */
export function fmtDatesIn(text: string): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?\b/g, (iso) => fmtDate(iso));
}

/**
 * Which case a plan is: "optimal (proven)" when the lower bound meets the makespan, else
 * "best found; lower bound X (gap Y %)", the gap rounded up so that it never reads 0.0 %.
 */
export function planQuality(
  optimal: boolean,
  lowerBound: number,
  gap: number,
  unit: string,
): string {
  if (optimal) return 'optimal (proven)';
  const pctUp = Math.max(0.1, Math.ceil(gap * 1000 - 1e-9) / 10);
  return `best found; lower bound ${fmtHours(lowerBound)}${unit} (gap ${pctUp.toFixed(1)} %)`;
}
