import type { ActivityGraph } from '../model/activities.js';
import { activityDurations } from '../model/activities.js';
import type { Project } from '../model/project.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import {
  axisHourOf,
  dayBefore,
  hourOfDate,
  localDate,
  makeCalendar,
  pointAt,
  todayAt,
} from '../calendar/calendar.js';
import { cpm, EPS } from '../planner/engine/cpm.js';
import type { Dag } from '../planner/engine/graph.js';
import { topoOrder } from '../planner/engine/graph.js';
import { criticalSteps } from '../planner/project/critical-path-plan.js';
import type { BlockReason } from '../model/block-reason.js';
import {
  formatBlockReason,
  gpuArrivalFor,
  hardwareBlock,
  needsGpu,
} from '../model/block-reason.js';
import type { RunState } from './reducer.js';
import type { FailureReason } from './records.js';

/**
 * `critpath status`'s model, computed from the project, the replayed journal and the host's GPU
 * count. Pure: `now` and `liveRunId` come from the caller.
 */

/** done, running, ready, blocked, failed or pending (waiting for predecessors). */
export type ShownStatus = 'done' | 'running' | 'ready' | 'blocked' | 'failed' | 'pending';

export interface ActivityStatus {
  readonly id: string;
  readonly task: string;
  readonly phase: string | null;
  readonly title: string;
  readonly status: ShownStatus;
  /** Planned hours (PERT expected). */
  readonly estimateHours: number;
  /** Actual hours (done), hours so far (running), or hours of the failed attempt. */
  readonly hours: number | undefined;
  /** Why it is blocked, as data and as a line for people. */
  readonly blocked: BlockReason | undefined;
  readonly reason: string | undefined;
  /** The last attempt was interrupted (it re-runs on resume). */
  readonly interrupted: boolean;
  /**
   * The process group of the last attempt, still running though its run died (a kill -9, a
   * crash): nothing will record its result, and the next run stops it. Null when there is none.
   */
  readonly leftoverPid: number | null;
  readonly log: string | undefined;
  /** GPUs the last attempt held (running or ended); none before any attempt. */
  readonly gpus: readonly number[];
  readonly attempts: number;
  /** How the last attempt failed (null unless the activity failed), its exit code or signal. */
  readonly failure: FailureReason | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Why it failed beyond its exit (could not start, what the batch system said). */
  readonly failureMessage: string | null;
  /** The last lines of the failed attempt's log (its stderr and stdout); empty unless failed. */
  readonly stderrTail: readonly string[];
  /** Who is on it or did it, as recorded by hand (`critpath start|done --by`). */
  readonly by: string | undefined;
  /** Whose hours `hours` are: an engineer's (recorded by hand) or the machine's (run attempts). */
  readonly hoursOf: 'engineer' | 'machine' | undefined;
}

/** One person's recorded hand work: planned hours of those activities against recorded hours. */
export interface PersonWork {
  readonly by: string;
  /** Activities they are on now. */
  readonly on: readonly string[];
  readonly done: number;
  /** Planned (expected) hours of the activities they finished, and the hours they recorded. */
  readonly plannedHours: number;
  readonly recordedHours: number;
}

export interface StatusModel {
  readonly project: string;
  readonly liveRunId: string | undefined;
  readonly hostGpus: number;
  readonly activities: readonly ActivityStatus[];
  readonly counts: Readonly<Record<ShownStatus, number>>;
  /** Hand work per person, in order of name. */
  readonly people: readonly PersonWork[];
  /** Remaining critical path (activity ids) and its length in working hours. */
  readonly criticalPath: readonly string[];
  /** The same as steps in time order, each a set of parallel branches (chains of ids). */
  readonly criticalSteps: readonly (readonly (readonly string[])[])[];
  readonly remainingHours: number;
  /** Forecast finish date (YYYY-MM-DD): the team forecast's, or else the critical path's. */
  readonly forecast: string;
  /**
   * Where `forecast` comes from: `team`, the planner's re-plan of the journal for a team (what
   * `plan --team N` prints as its forecast); `cpm`, the remaining critical path alone (unlimited
   * people), when the team forecast was not made (see `forecastNote`).
   */
  readonly forecastBy: 'team' | 'cpm';
  /** The team forecast's team (`2`, `infra+ml`), its end and its baseline's (`YYYY-MM-DDTHH:MM`). */
  readonly team: string | undefined;
  readonly forecastAt: string | undefined;
  readonly baselineEnd: string | undefined;
  /** The date the remaining critical path alone ends (YYYY-MM-DD). */
  readonly criticalPathEnd: string;
  /** Why the forecast is the critical path's, when it is. */
  readonly forecastNote: string | undefined;
  /**
   * When every activity is done: when the last one finished (local time, `YYYY-MM-DDTHH:MM`);
   * the forecast then says nothing worth showing.
   */
  readonly finishedAt: string | undefined;
}

/** What `computeStatus` is told besides the project, the graph and the journal. */
export interface StatusOptions {
  readonly hostGpus: number;
  readonly now: number;
  readonly liveRunId: string | undefined;
  /**
   * Activities a batch backend (Slurm) reports queued (`pending`) or `running`, whatever run
   * submitted them.
   */
  readonly batchLive?: ReadonlyMap<string, 'pending' | 'running'>;
  /**
   * Activities whose last attempt's process group outlived its run (interrupted, as its run
   * died): the group's id.
   */
  readonly leftovers?: ReadonlyMap<string, number>;
}

/** Per activity (by graph index): shown status, block reason, hours left, and hours spent. */
interface Walk {
  readonly status: ShownStatus[];
  readonly block: (BlockReason | undefined)[];
  readonly remaining: Float64Array;
  readonly hoursOf: (number | undefined)[];
}

export function computeStatus(
  project: Project,
  graph: ActivityGraph,
  state: RunState,
  opts: StatusOptions,
): StatusModel {
  const est = activityDurations(graph, 'expected');
  const walk = walkStatuses(project, graph, state, opts, est);
  const { activities, counts } = activityRows(graph, state, walk, est, opts.leftovers);
  const open = (v: number): boolean => walk.status[v] !== 'done';
  const { path, steps, length } = remainingCriticalPath(graph, walk.remaining, open);
  // The end also waits for GPU hardware still to come (the path's hours are work alone).
  const waits = arrivalWaits(project, graph, open, opts.now);
  const end = waits === undefined ? length : cpm(dagOf(graph), walk.remaining, waits)!.length;
  const cpmEnd = forecastDate(project, opts.now, end);
  return {
    project: project.name,
    liveRunId: opts.liveRunId,
    hostGpus: opts.hostGpus,
    activities,
    counts,
    people: peopleOf(activities),
    criticalPath: path,
    criticalSteps: steps,
    remainingHours: length,
    forecast: cpmEnd,
    forecastBy: 'cpm',
    team: undefined,
    forecastAt: undefined,
    baselineEnd: undefined,
    criticalPathEnd: cpmEnd,
    forecastNote: undefined,
    finishedAt: finishedAt(state, counts.done === activities.length ? activities : []),
  };
}

/** When the last of `done` finished, in local time; undefined when none is given. */
function finishedAt(state: RunState, done: readonly ActivityStatus[]): string | undefined {
  let last = -Infinity;
  for (const a of done) {
    const attempts = state.activities.get(a.id)?.attempts ?? [];
    const end = attempts[attempts.length - 1]?.endedAt;
    if (end !== undefined && end > last) last = end;
  }
  if (!Number.isFinite(last)) return undefined;
  const d = new Date(last);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${localDate(d)}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Hand work per person: what they are on, and their finished work's planned and recorded hours. */
function peopleOf(activities: readonly ActivityStatus[]): PersonWork[] {
  const by = new Map<string, { on: string[]; done: number; planned: number; recorded: number }>();
  for (let i = 0; i < activities.length; i++) {
    const a = activities[i]!;
    if (a.by === undefined || (a.status !== 'running' && a.status !== 'done')) continue;
    const p = by.get(a.by) ?? { on: [], done: 0, planned: 0, recorded: 0 };
    by.set(a.by, p);
    if (a.status === 'running') p.on.push(a.id);
    else if (a.hours !== undefined) {
      p.done++;
      p.planned += a.estimateHours;
      p.recorded += a.hours ?? 0;
    }
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([who, p]) => ({
      by: who,
      on: p.on,
      done: p.done,
      plannedHours: p.planned,
      recordedHours: p.recorded,
    }));
}

function dagOf(graph: ActivityGraph): Dag {
  const { succStart, succ, predStart, pred } = graph;
  return { n: graph.activities.length, succStart, succ, predStart, pred };
}

/** Each activity's status from the journal, walked in topological order (file order is not always one). */
function walkStatuses(
  project: Project,
  graph: ActivityGraph,
  state: RunState,
  opts: StatusOptions,
  est: Float64Array,
): Walk {
  const n = graph.activities.length;
  const today = todayAt(opts.now);
  const arrives = opts.hostGpus === 0 ? gpuArrivalFor(project.gpu, today) : undefined;
  let cal: WorkCalendar | undefined;
  const walk: Walk = {
    status: new Array<ShownStatus>(n),
    block: new Array<BlockReason | undefined>(n).fill(undefined),
    remaining: new Float64Array(n),
    hoursOf: new Array<number | undefined>(n).fill(undefined),
  };
  const { status, block, remaining, hoursOf } = walk;
  const order = topoOrder(dagOf(graph));
  if (order === null) throw new Error('Internal error: cycle in a validated project');
  // Indexed loops over the activities here and below: they run once, before the JIT compiles
  // them, where a for-of makes an iterator result per element.
  for (let k = 0; k < order.length; k++) {
    const v = order[k]!;
    const a = graph.activities[v]!;
    const st = state.activities.get(a.id);
    const last = st?.attempts[st.attempts.length - 1];
    const batch = st?.status === 'running' ? opts.batchLive?.get(a.id) : undefined;
    const live =
      (st?.status === 'running' &&
        last?.runId === opts.liveRunId &&
        opts.liveRunId !== undefined) ||
      batch === 'running';
    if (st?.status === 'done') {
      status[v] = 'done';
      hoursOf[v] = st.actualHours;
      remaining[v] = 0;
      continue;
    }
    if (st?.hand !== undefined && st.hand.state !== 'done') {
      remaining[v] = est[v]!;
      if (st.hand.state === 'blocked') {
        status[v] = 'blocked';
        block[v] = { kind: 'hand', reason: st.hand.reason ?? 'blocked', by: st.hand.by };
      } else {
        status[v] = 'running';
        const since = st.hand.startedAt ?? opts.now;
        hoursOf[v] = Math.max(0, opts.now - since) / 3_600_000;
        // A person's work counts working hours (nights and weekends are not), a command's the
        // clock.
        cal ??= makeCalendar(project);
        const worked = axisHourOf(cal, opts.now) - axisHourOf(cal, since);
        remaining[v] = Math.max(0, est[v]! - Math.max(0, worked));
      }
      continue;
    }
    if (batch === 'pending') {
      // Submitted and waiting in the batch queue: not started yet.
      status[v] = 'pending';
      remaining[v] = est[v]!;
      continue;
    }
    if (live) {
      status[v] = 'running';
      const h = (opts.now - (last?.startedAt ?? opts.now)) / 3_600_000;
      hoursOf[v] = h;
      remaining[v] = Math.max(0, est[v]! - h);
      continue;
    }
    remaining[v] = est[v]!;
    if (st?.status === 'failed') {
      status[v] = 'failed';
      hoursOf[v] =
        last?.durationMs !== null && last?.durationMs !== undefined
          ? last.durationMs / 3_600_000
          : undefined;
      continue;
    }
    let s = fromPredecessors(graph, state, walk, v);
    if (s !== 'blocked') {
      const hw = hardwareBlock(a.phase, opts.hostGpus, arrives);
      if (hw !== undefined) {
        s = 'blocked';
        block[v] = hw;
      }
    }
    status[v] = s;
  }
  return walk;
}

/**
 * An activity not yet started, judged by its predecessors: `blocked` (with the reason set in
 * the walk) behind a failed or blocked one, `pending` behind unfinished ones, else `ready`.
 */
function fromPredecessors(
  graph: ActivityGraph,
  state: RunState,
  walk: Walk,
  v: number,
): ShownStatus {
  const { status, block } = walk;
  let s: ShownStatus = 'ready';
  for (let e = graph.predStart[v]!; e < graph.predStart[v + 1]!; e++) {
    const p = graph.pred[e]!;
    const ps = status[p]!;
    const pid = graph.activities[p]!.id;
    if (ps === 'failed') {
      const log = state.activities.get(pid)?.attempts.at(-1)?.log;
      block[v] = { kind: 'dependency', on: pid, status: 'failed', log, cause: undefined };
      return 'blocked';
    }
    if (ps === 'blocked') {
      const b = block[p];
      block[v] =
        b?.kind === 'dependency'
          ? b
          : { kind: 'dependency', on: pid, status: 'blocked', log: undefined, cause: b };
      return 'blocked';
    }
    if (ps !== 'done') s = 'pending';
  }
  return s;
}

/** The empty list rows share (the JSON is the same as a list of their own). */
const NONE: readonly never[] = Object.freeze([]);

/** One row per activity, in file order, and the count of each status. */
function activityRows(
  graph: ActivityGraph,
  state: RunState,
  walk: Walk,
  est: Float64Array,
  leftovers: ReadonlyMap<string, number> | undefined,
): { activities: ActivityStatus[]; counts: Record<ShownStatus, number> } {
  const { status, block, hoursOf } = walk;
  const counts: Record<ShownStatus, number> = {
    done: 0,
    running: 0,
    ready: 0,
    blocked: 0,
    failed: 0,
    pending: 0,
  };
  const activities: ActivityStatus[] = [];
  for (let i = 0; i < graph.activities.length; i++) {
    const a = graph.activities[i]!;
    const v = a.index;
    const st = state.activities.get(a.id);
    const last = st?.attempts[st.attempts.length - 1];
    const failed = status[v] === 'failed' ? last : undefined;
    counts[status[v]!]++;
    activities.push({
      id: a.id,
      task: a.task.id,
      phase: a.phase.name,
      title: a.phase.title,
      status: status[v]!,
      estimateHours: est[v]!,
      hours: hoursOf[v],
      blocked: block[v],
      reason: block[v] !== undefined ? formatBlockReason(block[v]) : undefined,
      interrupted: st?.status === 'interrupted',
      leftoverPid: leftovers?.get(a.id) ?? null,
      log: last?.log,
      gpus: last?.gpus ?? NONE,
      attempts: st?.attempts.length ?? 0,
      // How a failed attempt ended; all empty for any other.
      failure: failed?.failure ?? null,
      exitCode: failed?.exitCode ?? null,
      signal: failed?.signal ?? null,
      failureMessage: failed?.message ?? null,
      stderrTail: failed?.stderrTail ?? NONE,
      by: st?.hand?.by,
      hoursOf:
        hoursOf[v] === undefined
          ? undefined
          : st?.hand !== undefined && st.hand.state !== 'blocked'
            ? 'engineer'
            : 'machine',
    });
  }
  return { activities, counts };
}

/**
 * Remaining critical path: CPM over what is left (done work takes no time), as steps of
 * parallel zero-slack branches, and flat in step order.
 */
function remainingCriticalPath(
  graph: ActivityGraph,
  remaining: Float64Array,
  open: (v: number) => boolean,
): { path: string[]; steps: string[][][]; length: number } {
  const r = cpm(dagOf(graph), remaining)!;
  const crit: number[] = [];
  for (let k = 0; k < r.order.length; k++) {
    const v = r.order[k]!;
    // Open zero-hour milestones stay on it: "nothing left" was said while they were.
    if (r.critical[v] === 1 && open(v)) crit.push(v);
  }
  const preds = (v: number): ArrayLike<number> & Iterable<number> =>
    graph.pred.subarray(graph.predStart[v]!, graph.predStart[v + 1]!);
  const steps = criticalSteps(crit, r.es, r.ef, preds).map((step) =>
    step.map((b) => b.map((v) => graph.activities[v]!.id)),
  );
  return { path: steps.flatMap((step) => step.flat()), steps, length: r.length };
}

/**
 * Above this many activities `status` forecasts from the remaining critical path alone: the
 * team plan and re-plan grow faster than linearly and would make `status` slow.
 */
export const STATUS_TEAM_FORECAST_MAX = 300;

/**
 * The model as it stays when it has more than `max` activities: the critical-path forecast, with
 * a note saying why there is no team forecast; undefined when the team forecast should be made
 * (withTeamForecast in ./status-forecast.js, which loads the planner).
 */
export function teamForecastSkipped(
  model: StatusModel,
  max = STATUS_TEAM_FORECAST_MAX,
): StatusModel | undefined {
  const n = model.activities.length;
  if (n <= max) return undefined;
  return {
    ...model,
    forecastNote: `remaining critical path alone: ${n} activities is over the ${max} the team forecast handles quickly (critpath plan --team N re-plans them)`,
  };
}

/**
 * The project's working calendar from the day before today (the machine's date, as axisHourOf
 * reads `now`, whose long working day may run past midnight): its walks stay short.
 */
function calendarNear(
  project: Pick<Project, 'hoursPerDay' | 'holidays' | 'start'>,
  now: number,
): WorkCalendar {
  const yesterday = dayBefore(todayAt(now));
  return makeCalendar({
    start: yesterday > project.start ? yesterday : project.start,
    hoursPerDay: project.hoursPerDay,
    holidays: project.holidays,
  });
}

/**
 * Working hours from now until the GPU hardware each activity with work left needs arrives
 * (0 where it is here, or needs none); undefined when no such wait is ahead.
 */
function arrivalWaits(
  project: Project,
  graph: ActivityGraph,
  open: (v: number) => boolean,
  now: number,
): Float64Array | undefined {
  const arrives = gpuArrivalFor(project.gpu, todayAt(now));
  let waits: Float64Array | undefined;
  let cal: WorkCalendar | undefined;
  for (let v = 0; v < graph.activities.length; v++) {
    const phase = graph.activities[v]!.phase;
    // A zero-hour milestone on the GPU host waits for it too.
    if (!open(v) || !needsGpu(phase)) continue;
    const date = arrives(phase.gpus);
    if (date === undefined) continue;
    cal ??= calendarNear(project, now);
    const wait = hourOfDate(cal, date) - axisHourOf(cal, now);
    if (wait > EPS) (waits ??= new Float64Array(graph.activities.length))[v] = wait;
  }
  return waits;
}

/** The working day on which `hours` of work starting now ends: weekdays, minus holidays, hoursPerDay each. */
export function forecastDate(
  project: Pick<Project, 'hoursPerDay' | 'holidays' | 'start'>,
  now: number,
  hours: number,
): string {
  const today = todayAt(now);
  const cal = calendarNear(project, now);
  // With nothing left it ends now: today (an end at a day's boundary would be dated the evening
  // before), or the project's first working day when it has not started.
  if (hours <= EPS) {
    return today > project.start ? today : pointAt(cal, 0, 'start').date;
  }
  return pointAt(cal, axisHourOf(cal, now) + hours, 'end').date;
}
