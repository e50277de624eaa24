import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatedTeamPlan } from '../../../src/app/plan-team.js';
import { buildTeamPlans } from '../../../src/app/plan-team.js';
import { teamSize } from '../../../src/model/team-spec.js';
import { loadProjectFile, loadProjectText } from '../../../src/config/load.js';
import { CSV_HEADER, csvField, renderTeamCsv } from '../../../src/reporters/csv.js';
import { foldLine, icsText, renderTeamIcs } from '../../../src/reporters/ics.js';

/**
 * The CSV and iCalendar exports of a team plan, on Epic 1A and on a project whose titles and
 * names hold commas, quotes, newlines, semicolons, backslashes, formula starts and non-ASCII text.
 */

async function plansOf(file: string, teams: number[]): Promise<DatedTeamPlan[]> {
  const p = await loadProjectFile(file);
  if (!p.ok) throw new Error(`${file} does not load`);
  const r = buildTeamPlans(p.value, teams.map(teamSize), { now: () => 0 });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

let epic: DatedTeamPlan[];
let hostile: DatedTeamPlan;
beforeAll(async () => {
  epic = await plansOf('tasks/epic-1a.yaml', [1, 2]);
  hostile = (await plansOf('test/fixtures/export-titles.yaml', [2]))[0]!;
});

/** An RFC 4180 reader, independent of the writer: records of fields, CRLF between records. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"') {
      expect(field).toBe(''); // a quote only opens a field
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      expect(c).not.toMatch(/[\r\n]/); // a bare line break only inside quotes
      field += c;
      i++;
    }
  }
  expect(quoted).toBe(false);
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

/** What a spreadsheet shows for a cell the writer protected: the value, minus the leading `'`. */
const unprotect = (cell: string): string => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

describe('CSV export', () => {
  it('has a header and one row per activity with the plan’s fields, for every team', () => {
    const rows = readCsv(renderTeamCsv(epic));
    expect(rows[0]).toEqual([...CSV_HEADER]);
    const body = rows.slice(1);
    expect(body).toHaveLength(epic[0]!.activities.length + epic[1]!.activities.length);
    const col = (name: (typeof CSV_HEADER)[number]): number => CSV_HEADER.indexOf(name);
    for (const plan of epic) {
      const mine = body.filter((r) => r[col('team')] === plan.teamLabel);
      expect(mine.map((r) => r[col('id')])).toEqual(plan.activities.map((a) => a.id));
      plan.activities.forEach((a, k) => {
        const r = mine[k]!;
        expect(r[col('task')]).toBe(a.task);
        expect(r[col('phase')]).toBe(a.phase ?? '');
        expect(r[col('title')]).toBe(a.title);
        expect(r[col('assignee')]).toBe(a.assignee);
        expect(r[col('start')]).toBe(a.startDate.replace('T', ' '));
        expect(r[col('end')]).toBe(a.endDate.replace('T', ' '));
        expect(Number(r[col('start_hour')])).toBe(a.start);
        expect(Number(r[col('end_hour')])).toBe(a.end);
        expect(Number(r[col('hours')])).toBe(a.duration);
        expect(Number(r[col('gpus')])).toBe(a.demand['gpu'] ?? 0);
        expect(r[col('critical')]).toBe(a.critical ? 'yes' : 'no');
      });
    }
    // Epic 1A's driver test holds every GPU: the count, not `all`.
    expect(body.find((r) => r[col('id')] === '1a.8/test')?.[col('gpus')]).toBe('4');
  });

  it('quotes commas, quotes and newlines as RFC 4180 says, and reads back to the titles', () => {
    const text = renderTeamCsv([hostile]);
    expect(text).toContain('"Rack, cable, and ""label"""');
    expect(text).toContain('"two\nlines; back\\slash"');
    const rows = readCsv(text).slice(1);
    expect(rows.map((r) => unprotect(r[4]!))).toEqual(hostile.activities.map((a) => a.title));
    for (const r of rows) expect(r).toHaveLength(CSV_HEADER.length);
  });

  it('keeps spreadsheets from running a cell as a formula (OWASP: prefix =, +, -, @, tab, CR)', () => {
    const rows = readCsv(renderTeamCsv([hostile])).slice(1);
    const titles = rows.map((r) => r[4]!);
    expect(titles).toContain('\'=HYPERLINK("http://evil","x")');
    expect(titles.filter((t) => t.startsWith("'@SUM(1+1)"))).toHaveLength(2);
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    for (const [value, cell] of [
      ['=1+1', "'=1+1"],
      ['+1', "'+1"],
      ['-1', "'-1"],
      ['@x', "'@x"],
      ['\tx', "'\tx"],
      ['\rx', `"'\rx"`],
      ['a=1', 'a=1'],
      ['', ''],
    ] as const)
      expect(csvField(value)).toBe(cell);
  });

  it('gives back titles with line breaks, a carriage return alone included; other controls are escaped', () => {
    const r = loadProjectText(
      [
        'project: P',
        'start: 2026-11-30',
        'tasks:',
        '  - { id: a, hours: 1, title: "step 1\\rstep 2" }',
        '  - { id: b, hours: 1, title: "one\\r\\ntwo\\nthree\\r" }',
        '  - { id: c, hours: 1, title: "bell\\a \\e]0;pwned\\a \\e[2J \\x9b1A \\u202eevil\\r" }',
        '',
      ].join('\n'),
      'cr.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const plan = buildTeamPlans(r.value, [teamSize(1)], { now: () => 0 });
    if (!plan.ok) throw new Error(plan.error);
    const text = renderTeamCsv(plan.value);
    const titles = new Map(
      readCsv(text)
        .slice(1)
        .map((row) => [row[1], row[4]]),
    );
    expect(titles.get('a')).toBe('step 1\rstep 2');
    expect(titles.get('b')).toBe('one\r\ntwo\nthree\r');
    expect(titles.get('c')).toBe('bell\\x07 \\x1b]0;pwned\\x07 \\x1b[2J \\u009b1A \\u202eevil\r');
    // No control character but the line breaks, and those only inside quotes (readCsv checks).
    // eslint-disable-next-line no-control-regex -- control characters are what it is about
    expect(text).not.toMatch(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u202e]/);
  });
});

/** The unfolded content lines of an iCalendar text. */
function unfolded(text: string): string[] {
  return text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .slice(0, -1);
}

describe('iCalendar export', () => {
  it('is CRLF throughout, folded at 75 octets, and ends with a line break', () => {
    for (const plan of [epic[1]!, hostile]) {
      const text = renderTeamIcs(plan);
      expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      const lines = text.split('\r\n').slice(0, -1);
      for (const l of lines) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
      // Folding cut some lines, and never inside a UTF-8 character (the text decodes the same).
      expect(lines.some((l) => l.startsWith(' '))).toBe(true);
      expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
    }
  });

  it('parses with ical.js: one VEVENT per activity, each field as the plan says', () => {
    for (const plan of [...epic, hostile]) {
      const cal = new ICAL.Component(ICAL.parse(renderTeamIcs(plan)));
      expect(cal.name).toBe('vcalendar');
      expect(cal.getFirstPropertyValue('version')).toBe('2.0');
      const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
      expect(events).toHaveLength(plan.activities.length);
      const uids = new Set<string>();
      plan.activities.forEach((a, k) => {
        const e = events[k]!;
        uids.add(e.uid);
        expect(e.uid).toContain(a.id);
        expect(e.summary).toBe(`${a.id} ${a.title} (${a.assignee})`);
        expect(e.startDate.toString()).toBe(`${a.startDate}:00`);
        expect(e.endDate.toString()).toBe(`${a.endDate}:00`);
        // Floating local times: working hours, not an instant in one zone.
        expect(e.startDate.zone?.tzid).toBe('floating');
        expect(e.description).toContain(`Assignee: ${a.assignee}`);
        expect(e.description).toContain(`Task: ${a.task}`);
        expect(e.description).toContain(`GPUs: ${a.demand['gpu'] ?? 'none'}`);
        expect(e.description).toContain(
          a.critical ? 'On the critical chain' : 'Not on the critical chain',
        );
        const stamp = e.component.getFirstPropertyValue('dtstamp') as ICAL.Time;
        expect(stamp.toString()).toBe(`${plan.startDate.slice(0, 10)}T00:00:00Z`);
      });
      expect(uids.size).toBe(plan.activities.length);
    }
  });

  it('round-trips titles with commas, semicolons, backslashes, newlines and non-ASCII text', () => {
    const cal = new ICAL.Component(ICAL.parse(renderTeamIcs(hostile)));
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.summary)).toEqual(
      hostile.activities.map((a) => `${a.id} ${a.title} (${a.assignee})`),
    );
    expect(events[0]!.description).toContain('Assignee: ana (Ana "Ops", SRE)');
    // ical.js keeps an X- property's value as written.
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Lab\\, "west"\\; rack 2 · team 2');
  });

  it('is a function of the plan: UIDs and DTSTAMP do not change between runs', async () => {
    const again = (await plansOf('tasks/epic-1a.yaml', [2]))[0]!;
    expect(renderTeamIcs(again)).toBe(renderTeamIcs(epic[1]!));
    expect(renderTeamIcs(epic[1]!)).toContain('UID:1a.8/test.team-2.Epic-1A@critpath\r\n');
  });

  it('escapes TEXT and folds by octets', () => {
    expect(icsText('a,b;c\\d\ne\r\nf\u0007g\th')).toBe('a\\,b\\;c\\\\d\\ne\\nfg\th');
    const long = `SUMMARY:${'é'.repeat(60)}`;
    const folded = foldLine(long).split('\r\n');
    for (const l of folded) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
    expect(folded.map((l, k) => (k === 0 ? l : l.slice(1))).join('')).toBe(long);
    // An escape pair is never split by a fold.
    expect(foldLine(`X:${'a'.repeat(71)}\\n`)).toBe(`X:${'a'.repeat(71)}\\n`);
    expect(foldLine(`X:${'a'.repeat(72)}\\n`)).toBe(`X:${'a'.repeat(72)}\r\n \\n`);
    expect(unfolded(`${foldLine(long)}\r\n`)).toEqual([long]);
  });
});
