import type { BlockReason } from '../model/block-reason.js';
import type {
  FailureReason,
  HandRecord,
  InterruptReason,
  JournalRecord,
  RunStartRecord,
} from './records.js';

/**
 * Journal records → run state, purely. Whether a "running" attempt is really still running
 * depends on whether its run is alive, which only IO can tell: see `readRunState`.
 */

/**
 * Where an activity stands in the journal:
 * - `done`: an attempt finished with exit 0 (and no reset since);
 * - `failed`: the last attempt failed for good;
 * - `running`: an attempt started and has no outcome yet;
 * - `interrupted`: the last attempt was stopped (signal, --fail-fast, or its run died);
 * - `by-hand`: a person has it, started or blocked by hand and not done (see `hand`): runs
 *   leave it alone until they record it done, or undo;
 * - absent from the map: never started, or reset.
 */
export type JournalStatus = 'done' | 'failed' | 'running' | 'interrupted' | 'by-hand';

/** One attempt of an activity. */
export interface Attempt {
  readonly runId: string;
  readonly attempt: number;
  readonly backend: string;
  readonly startedAt: number;
  /** End time; undefined while running. */
  endedAt: number | undefined;
  outcome: 'running' | 'finished' | 'failed' | 'interrupted';
  exitCode: number | null;
  signal: string | null;
  failure: FailureReason | undefined;
  /** Why it could not start (spawn-error), or what the batch system said; undefined otherwise. */
  message: string | undefined;
  /** The last lines of its log when it failed (its stderr and stdout); empty otherwise. */
  stderrTail: readonly string[];
  interrupt: InterruptReason | undefined;
  durationMs: number | null;
  readonly gpus: readonly number[];
  readonly log: string;
  readonly pid: number | undefined;
  externalId: string | undefined;
}

/** An activity's state, from its attempts since the last reset. */
export interface ActivityState {
  readonly id: string;
  status: JournalStatus;
  /** Every attempt since the last reset, oldest first. */
  readonly attempts: Attempt[];
  /**
   * What re-planning, `status` and the run summary call the activity's actual hours: wall-clock
   * time from the start of its first attempt in the run that finished it to that finish, so
   * failed attempts and retry waits of that run count. It is machine time, not engineer effort:
   * the journal only sees commands run. Undefined unless done.
   */
  actualHours: number | undefined;
  /** When that elapsed time began (epoch ms); undefined unless done. */
  actualFrom: number | undefined;
  /** Work people recorded by hand (`critpath start|done|block`), or undefined for none. */
  hand?: HandWork | undefined;
}

/**
 * An activity's hand work, folded from its hand records. Done by hand, the activity is `done`
 * with the engineer's hours as its actual hours (`--hours`, else the time from its start).
 */
export interface HandWork {
  /** Its hand records since the last reset, oldest first, with undone ones taken out. */
  readonly log: readonly HandRecord[];
  readonly state: 'started' | 'done' | 'blocked';
  /** Who is on it, or did it. */
  readonly by: string | undefined;
  readonly startedAt: number | undefined;
  readonly doneAt: number | undefined;
  /** Engineer hours: given with `done --hours`, else the time from start to done. */
  readonly hours: number | undefined;
  /** Why it is blocked. */
  readonly reason: string | undefined;
  /** The activity's run status before its first hand record, restored when all are undone. */
  readonly before: Pick<ActivityState, 'status' | 'actualHours' | 'actualFrom'> | undefined;
}

/** A run as the journal tells it. */
export interface RunInfo {
  readonly start: RunStartRecord;
  endedAt: number | undefined;
  outcome: 'ok' | 'failed' | 'interrupted' | 'blocked' | undefined;
}

export interface RunState {
  readonly activities: Map<string, ActivityState>;
  /** Runs in journal order. */
  readonly runs: RunInfo[];
}

export function emptyState(): RunState {
  return { activities: new Map(), runs: [] };
}

/** Applies one record to the state (mutating it) and returns it. */
export function reduce(state: RunState, r: JournalRecord): RunState {
  switch (r.t) {
    case 'run-start':
      state.runs.push({ start: r, endedAt: undefined, outcome: undefined });
      return state;
    case 'run-end': {
      const run = findRun(state, r.runId);
      if (run !== undefined) {
        run.endedAt = r.at;
        run.outcome = r.outcome;
      }
      return state;
    }
    case 'reset':
      for (const id of r.ids ?? [...state.activities.keys()])
        forgetRuns(state, id, r.hand === 'kept');
      return state;
    case 'started': {
      const a = activityOf(state, r.id);
      a.status = 'running';
      a.actualHours = undefined;
      a.actualFrom = undefined;
      a.attempts.push({
        runId: r.runId,
        attempt: r.attempt,
        backend: r.backend,
        startedAt: r.at,
        endedAt: undefined,
        outcome: 'running',
        exitCode: null,
        signal: null,
        failure: undefined,
        message: undefined,
        stderrTail: [],
        interrupt: undefined,
        durationMs: null,
        gpus: r.gpus,
        log: r.log,
        pid: r.pid,
        externalId: r.externalId,
      });
      return state;
    }
    case 'external-id': {
      const at = findAttempt(state.activities.get(r.id), r.runId, r.attempt);
      if (at !== undefined) at.externalId = r.externalId;
      return state;
    }
    case 'finished': {
      const a = state.activities.get(r.id);
      const at = findAttempt(a, r.runId, r.attempt);
      if (a === undefined || at === undefined) return state;
      at.endedAt = r.at;
      at.outcome = 'finished';
      at.exitCode = 0;
      at.durationMs = r.durationMs;
      a.status = 'done';
      // Elapsed since the first attempt of this run: earlier failed tries and backoffs count.
      let from = r.at - r.durationMs;
      for (let i = 0; i < a.attempts.length; i++) {
        const t = a.attempts[i]!;
        if (t.runId === r.runId && t.startedAt < from) from = t.startedAt;
      }
      a.actualFrom = from;
      a.actualHours = Math.max(0, r.at - from) / 3_600_000;
      return state;
    }
    case 'failed': {
      const a = state.activities.get(r.id);
      const at = findAttempt(a, r.runId, r.attempt);
      if (a === undefined || at === undefined) return state;
      at.endedAt = r.at;
      at.outcome = 'failed';
      at.exitCode = r.exitCode;
      at.signal = r.signal;
      at.failure = r.reason;
      at.message = r.message;
      at.stderrTail = r.stderrTail ?? [];
      at.durationMs = r.durationMs;
      if (a.status !== 'done') a.status = r.final ? 'failed' : 'running';
      return state;
    }
    case 'hand':
      reduceHand(state, r);
      return state;
    case 'interrupted': {
      const a = state.activities.get(r.id);
      const at = findAttempt(a, r.runId, r.attempt);
      if (a === undefined || at === undefined) return state;
      if (at.outcome === 'running') {
        at.endedAt = r.at;
        at.outcome = 'interrupted';
        at.interrupt = r.reason;
        at.durationMs = r.durationMs;
      }
      if (a.status === 'running') a.status = 'interrupted';
      return state;
    }
  }
}

/** The activity's state, created (running, no attempts yet) when the journal first names it. */
function activityOf(state: RunState, id: string): ActivityState {
  let a = state.activities.get(id);
  if (a === undefined) {
    a = { id, status: 'running', attempts: [], actualHours: undefined, actualFrom: undefined };
    state.activities.set(id, a);
  }
  return a;
}

/** A hand record: `undo` takes the activity's last one back; the rest are folded in order. */
function reduceHand(state: RunState, r: HandRecord): void {
  const fresh = !state.activities.has(r.id);
  const a = activityOf(state, r.id);
  // The run state before the first hand record (none for an activity only hands touched).
  const before =
    a.hand !== undefined
      ? a.hand.before
      : fresh
        ? undefined
        : { status: a.status, actualHours: a.actualHours, actualFrom: a.actualFrom };
  const log = [...(a.hand?.log ?? [])];
  if (r.action === 'undo') log.pop();
  else log.push(r);
  if (log.length === 0) {
    a.hand = undefined;
    if (before === undefined) state.activities.delete(r.id);
    else Object.assign(a, before);
    return;
  }
  applyHand(a, foldHand(log, before));
}

/**
 * A reset of one activity: its run results are forgotten; its hand records too unless `keepHand`
 * (resets written before hand records were kept forgot them).
 */
function forgetRuns(state: RunState, id: string, keepHand: boolean): void {
  const a = state.activities.get(id);
  if (a === undefined) return;
  if (!keepHand || a.hand === undefined) {
    state.activities.delete(id);
    return;
  }
  a.attempts.length = 0;
  // Undone to the last, the activity is as if never run: no run state to give back.
  applyHand(a, { ...a.hand, before: undefined });
}

/** Sets the activity's hand work and the status and actual hours that follow from it. */
function applyHand(a: ActivityState, h: HandWork): void {
  a.hand = h;
  if (h.state === 'done') {
    a.status = 'done';
    a.actualHours = h.hours;
    a.actualFrom =
      h.startedAt ?? (h.hours === undefined ? h.doneAt : h.doneAt! - h.hours * 3_600_000);
  } else {
    // Started or blocked by hand: the person's, whatever runs did before, until done or undone.
    a.status = 'by-hand';
    a.actualHours = undefined;
    a.actualFrom = undefined;
  }
}

/**
 * Why a run leaves an activity alone because a person has it (started or blocked by hand, not
 * done); undefined when no one does.
 */
export function handHold(a: ActivityState | undefined): BlockReason | undefined {
  const h = a?.hand;
  if (h === undefined || h.state === 'done') return undefined;
  if (h.state === 'started') return { kind: 'in-progress', by: h.by };
  return { kind: 'hand', reason: h.reason ?? 'blocked', by: h.by };
}

function foldHand(log: readonly HandRecord[], before: HandWork['before']): HandWork {
  let state: HandWork['state'] = 'started';
  let by: string | undefined;
  let startedAt: number | undefined;
  let doneAt: number | undefined;
  let hours: number | undefined;
  let reason: string | undefined;
  for (const rec of log) {
    by = rec.by ?? by;
    if (rec.action === 'start') {
      state = 'started';
      startedAt ??= rec.at;
      doneAt = undefined;
      reason = undefined;
    } else if (rec.action === 'done') {
      state = 'done';
      doneAt = rec.at;
      hours =
        rec.hours ??
        (startedAt === undefined ? undefined : Math.max(0, rec.at - startedAt) / 3_600_000);
      reason = undefined;
    } else if (rec.action === 'block') {
      state = 'blocked';
      reason = rec.reason;
    }
  }
  return { log, state, by, startedAt, doneAt, hours, reason, before };
}

function findRun(state: RunState, runId: string): RunInfo | undefined {
  for (let i = state.runs.length - 1; i >= 0; i--)
    if (state.runs[i]!.start.runId === runId) return state.runs[i];
  return undefined;
}

function findAttempt(
  a: ActivityState | undefined,
  runId: string,
  attempt: number,
): Attempt | undefined {
  const list = a?.attempts ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const at = list[i]!;
    if (at.runId === runId && at.attempt === attempt) return at;
  }
  return undefined;
}

/** Replays records into a fresh state. */
export function replay(records: Iterable<JournalRecord>): RunState {
  const s = emptyState();
  for (const r of records) reduce(s, r);
  return s;
}

/**
 * Attempts still marked running whose run is not `liveRunId`: their run died (crash, reboot).
 * They count as interrupted; the next run records that.
 */
export function orphanedAttempts(
  state: RunState,
  liveRunId: string | undefined,
): { id: string; attempt: Attempt }[] {
  const out: { id: string; attempt: Attempt }[] = [];
  for (const a of state.activities.values()) {
    const last = a.attempts[a.attempts.length - 1];
    // A failed attempt awaiting its retry also counts: the retry never started.
    if (a.status === 'running' && last !== undefined && last.runId !== liveRunId) {
      out.push({ id: a.id, attempt: last });
    }
  }
  return out;
}
