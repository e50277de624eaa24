import type { DatedActivity, DatedTeamPlan } from '../app/plan-team.js';
import { fmtHours } from './format.js';

/**
 * The team plan as an iCalendar file (RFC 5545; `plan --team N --format ics`): one VEVENT per
 * activity, for each engineer to import their schedule. Times are floating local times (the plan
 * has working hours, not a time zone: 09:00 is 09:00 wherever the calendar is). The output is a
 * function of the plan alone, so the same plan gives the same bytes:
 * - UID: the activity, the team and the project, stable across runs, so a re-import updates the
 *   events instead of adding copies;
 * - DTSTAMP: the plan's start date at 00:00 UTC (it must be a UTC time; the clock would make
 *   every export differ).
 * Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character); TEXT values
 * escape backslash, semicolon, comma and newlines, and drop other control characters.
 */

/** A TEXT value (RFC 5545 3.3.11). */
export function icsText(value: string): string {
  let out = '';
  for (const ch of value.replace(/\r\n?/g, '\n')) {
    const c = ch.charCodeAt(0);
    if (ch === '\n') out += '\\n';
    else if (ch === '\\' || ch === ';' || ch === ',') out += `\\${ch}`;
    else if (c !== 9 && (c < 32 || c === 127)) continue;
    else out += ch;
  }
  return out;
}

/** Octets of one character (one code point) in UTF-8. */
function utf8Size(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

/** Folds a content line into lines of at most 75 octets, the next ones starting with a space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  // An escape (`\n`, `\,`) stays on one line: lenient readers unfold it more reliably.
  for (const ch of line.match(/\\.|[\s\S]/gu) ?? []) {
    const size = ch.length === 2 && ch.startsWith('\\') ? 2 : utf8Size(ch);
    // Continuation lines start with a space, which counts toward their 75.
    if (octets + size > 75) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

/** `20261130T093000` from `YYYY-MM-DDTHH:MM`. */
function localTime(iso: string): string {
  return `${iso.slice(0, 10).replace(/-/g, '')}T${iso.slice(11, 13)}${iso.slice(14, 16)}00`;
}

/** Letters, digits, `.`, `-` and `_`: what UIDs keep of a name. */
function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '') || 'project';
}

function gpuText(a: DatedActivity): string {
  const g = a.demand['gpu'] ?? 0;
  return g === 0 ? 'none' : `${g} GPU${g === 1 ? '' : 's'}`;
}

function eventLines(plan: DatedTeamPlan, a: DatedActivity, stamp: string): string[] {
  const who = plan.engineers.find((m) => m.id === a.assignee);
  const description = [
    `Assignee: ${a.assignee}${who !== undefined && who.name !== who.id ? ` (${who.name})` : ''}`,
    `Task: ${a.task}${a.phase === null ? '' : `, phase ${a.phase}`}`,
    `Working hours ${fmtHours(a.start)}–${fmtHours(a.end)} (${fmtHours(a.duration)} h of work)`,
    `Hardware: ${a.hardware}; GPUs: ${gpuText(a)}`,
    a.critical ? 'On the critical chain' : 'Not on the critical chain',
    `Predecessors: ${a.predecessors.join(', ') || 'none'}`,
  ].join('\n');
  return [
    'BEGIN:VEVENT',
    `UID:${icsText(`${a.id}.team-${plan.teamLabel}.${slug(plan.project)}@critpath`)}`,
    `DTSTAMP:${stamp}`,
    `DTSTART:${localTime(a.startDate)}`,
    `DTEND:${localTime(a.endDate)}`,
    `SUMMARY:${icsText(`${a.id} ${a.title} (${a.assignee})`)}`,
    `DESCRIPTION:${icsText(description)}`,
    `CATEGORIES:${icsText(a.assignee)}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
  ];
}

/** One calendar for one team plan. */
export function renderTeamIcs(plan: DatedTeamPlan): string {
  const stamp = `${plan.startDate.slice(0, 10).replace(/-/g, '')}T000000Z`;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//critpath//team plan//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(`${plan.project} · team ${plan.teamLabel}`)}`,
    ...plan.activities.flatMap((a) => eventLines(plan, a, stamp)),
    'END:VCALENDAR',
  ];
  return lines.map((l) => `${foldLine(l)}\r\n`).join('');
}
