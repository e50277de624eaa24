import type { Phase, Project } from '../model/project.js';
import { decimalNumber } from '../model/patterns.js';
import type { Result } from '../result.js';
import { err, ok } from '../result.js';
import type { ActivityState, RunState } from '../state/reducer.js';
import { reduce } from '../state/reducer.js';
import { resetClosure } from '../state/reset.js';
import { buildActivityGraph } from '../model/activities.js';
import { unknownIdsText, withHints } from './resolve-ids.js';
import type { HandAction, HandRecord, WithoutVersion } from '../state/records.js';
import { JOURNAL_VERSION } from '../state/records.js';
import { appendBesideRun } from '../state/locked-append.js';
import { readRunState } from '../state/read.js';
import { statePaths } from '../state/paths.js';
import { nearest } from '../util/suggest.js';
import { MAX_RECORD_HOURS, MIN_TIME_MS } from '../state/record-bounds.js';

/**
 * Hand work (`critpath start|done|undo|block FILE ID`): people record work that no command runs.
 * Each verb appends one `hand` record to the task file's journal, which `status` and re-planning
 * read; `undo` takes back the activity's last hand record.
 */

/** A hand-work verb as the CLI parsed it: texts still unchecked. */
export interface HandRequest {
  readonly action: HandAction;
  readonly id: string;
  readonly by?: string | undefined;
  /** `--at`: `YYYY-MM-DD HH:MM`, `YYYY-MM-DDTHH:MM` or `HH:MM` (today), local time. */
  readonly at?: string | undefined;
  /** `--hours` (done). */
  readonly hours?: string | undefined;
  /** `--reason` (block). */
  readonly reason?: string | undefined;
  /** The task file as the command named it, for the commands a message suggests. */
  readonly file?: string | undefined;
}

/** Why a hand-work request is refused; `message` is the one line people read. */
export type HandError =
  | { readonly kind: 'unknown-id'; readonly message: string }
  | { readonly kind: 'phased-task'; readonly message: string }
  | { readonly kind: 'bad-time'; readonly message: string }
  | { readonly kind: 'bad-hours'; readonly message: string }
  | { readonly kind: 'unknown-person'; readonly message: string }
  | { readonly kind: 'bad-reason'; readonly message: string }
  | { readonly kind: 'conflict'; readonly message: string }
  /** A live run runs the activity's command: refused as `run` and `reset` refuse (exit 1). */
  | { readonly kind: 'run-in-progress'; readonly message: string };

const fail = (kind: HandError['kind'], message: string): Result<never, HandError> =>
  err({ kind, message });

/** The most hours one activity may record: what the journal takes on read (the task file's bound). */
const MAX_HOURS = MAX_RECORD_HOURS;

/** The activity a request names: an activity id, or a task id when the task has one phase. */
function activityOf(project: Project, id: string): Result<Phase, HandError> {
  const task = project.tasks.find((t) => t.id === id);
  if (task !== undefined) {
    if (task.phases.length === 1) return ok(task.phases[0]!);
    return fail(
      'phased-task',
      `task "${id}" has phases: name one (${task.phases.map((p) => p.activityId).join(', ')})`,
    );
  }
  const phase = project.tasks.flatMap((t) => t.phases).find((p) => p.activityId === id);
  if (phase !== undefined) return ok(phase);
  return fail('unknown-id', unknownIdsText(withHints(buildActivityGraph(project), project, [id])));
}

/**
 * `--at` as epoch milliseconds, read in local time: a date and time, or a time today. Times to
 * come are refused (a minute's grace for clocks), and so are times long before the work: more
 * than a year before the project's `start` (YYYY-MM-DD, when given), or before 1970 (where the
 * journal's times begin).
 */
export function parseAt(
  text: string | undefined,
  nowMs: number,
  projectStart?: string,
): Result<number, HandError> {
  if (text === undefined) return ok(nowMs);
  const bad = (why: string): Result<never, HandError> =>
    fail('bad-time', `--at: ${why}, got "${text}"`);
  const m =
    /^(?:(\d{4})-(\d{2})-(\d{2})[T ])?(\d{1,2}):(\d{2})$/.exec(text.trim()) ??
    /^(\d{4})-(\d{2})-(\d{2})()()$/.exec(text.trim());
  if (m === null) return bad('expected YYYY-MM-DD HH:MM, YYYY-MM-DD or HH:MM');
  const today = new Date(nowMs);
  const [y, mo, d] =
    m[1] === undefined
      ? [today.getFullYear(), today.getMonth() + 1, today.getDate()]
      : [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi] = m[4] === '' || m[4] === undefined ? [0, 0] : [Number(m[4]), Number(m[5])];
  const at = localTime(y, mo, d, h, mi);
  if (
    at.getFullYear() !== y ||
    at.getMonth() !== mo - 1 ||
    at.getDate() !== d ||
    at.getHours() !== h ||
    at.getMinutes() !== mi
  )
    return bad('no such date or time');
  const earliest = earliestAt(projectStart);
  if (at.getTime() < earliest.ms) return bad(earliest.why);
  if (at.getTime() > nowMs + 60_000) return bad('that is in the future');
  return ok(at.getTime());
}

/** A local date and time; years below 100 are taken as written (`new Date` adds 1900 to them). */
function localTime(y: number, mo: number, d: number, h: number, mi: number): Date {
  const at = new Date(y, mo - 1, d, h, mi);
  if (y < 100) at.setFullYear(y, mo - 1, d);
  return at;
}

/**
 * The earliest time `--at` takes, and why one before it is refused: a year before the project's
 * start (local midnight), but never before 1970, where the journal's times begin.
 */
function earliestAt(projectStart: string | undefined): { ms: number; why: string } {
  const epoch = { ms: MIN_TIME_MS, why: 'that is before 1970 (UTC), where the journal begins' };
  const m = projectStart === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(projectStart);
  if (m === null) return epoch;
  const ms = localTime(Number(m[1]) - 1, Number(m[2]), Number(m[3]), 0, 0).getTime();
  if (!(ms > MIN_TIME_MS)) return epoch;
  return {
    ms,
    why: `that is more than a year before the project's start (${projectStart})`,
  };
}

function parseHoursOption(text: string | undefined): Result<number | undefined, HandError> {
  if (text === undefined) return ok(undefined);
  const h = decimalNumber(text);
  if (!(h > 0 && h <= MAX_HOURS))
    return fail(
      'bad-hours',
      `--hours expects hours above 0 and at most ${MAX_HOURS}, got "${text}"`,
    );
  return ok(h);
}

function checkPerson(
  project: Project,
  by: string | undefined,
): Result<string | undefined, HandError> {
  if (by === undefined) return ok(undefined);
  const known = project.team.map((p) => p.id);
  if (known.length === 0) {
    if (/^[\w.@-]{1,64}$/.test(by)) return ok(by);
    return fail(
      'unknown-person',
      `--by expects a name of ASCII letters, digits, . _ @ or -, got "${by}"`,
    );
  }
  if (known.includes(by)) return ok(by);
  const hint = nearest(by, known);
  return fail(
    'unknown-person',
    `--by: no one called "${by}" in the project's team${hint ? ` (did you mean "${hint}"?)` : ` (known: ${known.join(', ')})`}`,
  );
}

/**
 * Whether the request fits where the activity stands (a done activity is not started again…).
 * While a run is live, an activity with a command is the run's: a hand record would be overwritten
 * by the run's result, so only `undo` is taken.
 */
function checkState(
  action: HandAction,
  phase: Phase,
  a: ActivityState | undefined,
  at: number,
  live: { readonly runId: string | undefined; readonly file: string },
): Result<void, HandError> {
  const id = phase.activityId;
  const file = live.file;
  const conflict = (m: string): Result<never, HandError> => fail('conflict', `${id}: ${m}`);
  if (action !== 'undo' && phase.run !== undefined && live.runId !== undefined)
    return fail(
      'run-in-progress',
      `${id}: run ${live.runId} is in progress and runs this activity's command; let it, or stop it first (critpath cancel ${file})`,
    );
  if (action === 'undo') {
    if (a?.hand === undefined)
      return conflict('no hand work recorded to undo (critpath reset forgets run results)');
    return ok(undefined);
  }
  if (a?.status === 'done')
    return conflict(
      a.hand?.state === 'done'
        ? `already done by hand; take that back first (critpath undo ${file} ${id})`
        : `already done by a run; critpath reset ${file} ${id} forgets that result`,
    );
  if (action === 'done' && a?.hand?.startedAt !== undefined && at < a.hand.startedAt)
    return conflict('--at is before it was started');
  return ok(undefined);
}

/** The hand record a request asks for, checked against the project and the journal's state. */
export function handRecord(
  project: Project,
  state: RunState & { readonly liveRunId?: string | undefined },
  req: HandRequest,
  nowMs: number,
): Result<WithoutVersion<HandRecord>, HandError> {
  const phase = activityOf(project, req.id);
  if (!phase.ok) return phase;
  const id = phase.value.activityId;
  const at = parseAt(req.at, nowMs, project.start);
  if (!at.ok) return at;
  const hours = parseHoursOption(req.hours);
  if (!hours.ok) return hours;
  const by = checkPerson(project, req.by);
  if (!by.ok) return by;
  const reason = req.reason?.trim();
  if (req.action === 'block' && (reason === undefined || reason === ''))
    return fail('bad-reason', '--reason: say why it is blocked');
  // The reason is shown on terminals: no escape sequences or line breaks.
  if (reason !== undefined && /\p{Cc}/u.test(reason))
    return fail(
      'bad-reason',
      '--reason: control characters (line breaks, escapes) are not allowed',
    );
  const live = { runId: state.liveRunId, file: req.file ?? 'FILE' };
  const fits = checkState(req.action, phase.value, state.activities.get(id), at.value, live);
  if (!fits.ok) return fits;
  return ok({
    t: 'hand',
    at: at.value,
    recordedAt: nowMs,
    id,
    action: req.action,
    ...(by.value === undefined ? {} : { by: by.value }),
    ...(hours.value === undefined ? {} : { hours: hours.value }),
    ...(req.action === 'block' && reason !== undefined ? { reason } : {}),
  });
}

/** What a hand-work verb recorded. */
export interface HandOutcome {
  readonly record: WithoutVersion<HandRecord>;
  /**
   * An `undo` that took back the activity's done: the activities after it (downstream) that are
   * done, as they ran or were recorded while it counted as done. Empty otherwise.
   */
  readonly doneDownstream: readonly string[];
}

/** Checks a request against the task file's journal and appends its record (fsynced). */
export function recordHandWork(
  file: string,
  project: Project,
  req: HandRequest,
  nowMs: number,
  root?: string,
): Result<HandOutcome, HandError> {
  const paths = statePaths(file, root);
  const state = readRunState(file, paths);
  const rec = handRecord(project, state, req, nowMs);
  if (!rec.ok) return rec;
  // One write(2) in append mode: safe beside a run that appends to the same journal.
  appendBesideRun(paths, 'critpath hand record', rec.value);
  return ok({ record: rec.value, doneDownstream: doneDownstream(project, state, rec.value) });
}

/** `HandOutcome.doneDownstream` of `rec`, with `state` the journal's state before it (mutated). */
function doneDownstream(
  project: Project,
  state: RunState,
  rec: WithoutVersion<HandRecord>,
): string[] {
  const id = rec.id;
  if (rec.action !== 'undo' || state.activities.get(id)?.status !== 'done') return [];
  reduce(state, { v: JOURNAL_VERSION, ...rec });
  if (state.activities.get(id)?.status === 'done') return [];
  const { downstream } = resetClosure(buildActivityGraph(project), state, [id]);
  // Work done by hand stays as people left it, whatever a reset does: not named.
  return downstream.filter((d) => {
    const a = state.activities.get(d);
    return a?.status === 'done' && a.hand?.state !== 'done';
  });
}
