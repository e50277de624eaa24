import type { ActivityGraph } from '../../model/activities.js';
import { activityDurations, buildActivityGraph, compareIds } from '../../model/activities.js';
import type { EstimateMode, Project } from '../../model/project.js';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import type { TeamSpec, UnknownMember } from '../../model/team-spec.js';
import { unknownMember } from '../../model/team-spec.js';
import { normalizeProfile } from '../engine/capacity.js';
import { idRanks } from '../engine/compile.js';
import { EPS } from '../engine/cpm.js';
import { sortByKey } from '../engine/fbi.js';
import { topoOrder } from '../engine/graph.js';
import type { CapacityStep, Problem, ResourceDef, Schedule } from '../engine/problem.js';
import { ALL } from '../engine/problem.js';
import type {
  ActivityDates,
  ChainLink,
  Handoff,
  PlannedActivity,
  TeamMember,
  TeamPlan,
} from './team-plan.js';
import { roundHours } from './team-plan.js';
import { gpuMisfit, windowWords } from './gpu-fit.js';

/**
 * Project → Problem, and Schedule → TeamPlan. Pure: the calendar (dates → axis hours) is done by
 * the caller, which hands in the GPU capacity profile already on the axis.
 */

/** Resource ids of a project problem, in `Problem.resources` order. */
export const ENGINEER = 'engineer';
export const GPU = 'gpu';
/** The GPU host itself: exists (large capacity) once GPUs have arrived, so `gpus: 0`/`all` GPU work waits for it. */
export const HOST = 'host';

/**
 * The engineers a spec picks. `count`: the declared line-up of N people when there is one;
 * else the largest smaller line-up (or, without line-ups, the declared people in file order), then
 * generic engineers `E<k>` (no skills) up to N; without declared people, E1…EN.
 */
export function selectTeam(
  project: Pick<Project, 'team' | 'lineups'>,
  spec: TeamSpec,
): Result<TeamMember[], UnknownMember> {
  const declared: TeamMember[] = project.team.map((p) => ({
    id: p.id,
    name: p.name,
    role: p.role,
    skills: p.skills,
    declared: true,
  }));
  if (spec.kind === 'count') {
    const members = lineupMembers(project, declared, spec.count);
    for (let k = members.length + 1; k <= spec.count; k++) {
      members.push({
        id: `E${k}`,
        name: `Engineer ${k}`,
        role: undefined,
        skills: [],
        declared: false,
      });
    }
    return ok(members);
  }
  const missing = unknownMember(
    spec,
    declared.map((d) => d.id),
  );
  if (missing !== undefined) return err(missing);
  const byId = new Map(declared.map((m) => [m.id, m]));
  return ok(spec.ids.map((id) => byId.get(id)!));
}

/** The team a forecast plans by default: the largest declared line-up, else every declared person. */
export function defaultTeamSize(project: Pick<Project, 'team' | 'lineups'>): number {
  const largest = project.lineups.reduce((m, l) => Math.max(m, l.length), 0);
  return Math.max(1, largest > 0 ? largest : project.team.length);
}

/** The declared people `--team N` starts from (see selectTeam). */
function lineupMembers(
  project: Pick<Project, 'lineups'>,
  declared: readonly TeamMember[],
  count: number,
): TeamMember[] {
  if (project.lineups.length === 0) return declared.slice(0, count);
  let best: readonly string[] = [];
  for (const l of project.lineups) {
    if (l.length === count) {
      best = l;
      break;
    }
    if (l.length < count && l.length > best.length) best = l;
  }
  const byId = new Map(declared.map((m) => [m.id, m]));
  return best.flatMap((id) => {
    const m = byId.get(id);
    return m === undefined ? [] : [m];
  });
}

/** A project turned into a Problem, with what is needed to read its schedules back. */
export interface ProjectProblem {
  readonly problem: Problem;
  readonly graph: ActivityGraph;
  readonly team: readonly TeamMember[];
  readonly estimate: EstimateMode;
  readonly projectName: string;
}

export interface ProblemOptions {
  readonly team: readonly TeamMember[];
  readonly estimate: EstimateMode;
  /** GPUs on the host over the working-time axis (0 before the first step). */
  readonly gpuProfile: readonly CapacityStep[];
  /** The calendar's dates of axis hours, for messages (GPU work that never fits the profile). */
  readonly dateOf?: DateOf;
}

/**
 * The RCPSP of a project for a team: one activity per phase, resources `engineer` (capacity N),
 * `gpu` (the arrival profile) and, when some GPU work holds no fixed GPU count, `host`. Every
 * activity holds one engineer among those eligible (by the phase's `skill`, when people are
 * declared).
 */
export function projectProblem(
  project: Project,
  opts: ProblemOptions,
): Result<ProjectProblem, string> {
  if (opts.team.length === 0) return err('the team is empty');
  const graph = buildActivityGraph(project);
  const n = graph.activities.length;
  const duration = activityDurations(graph, opts.estimate);

  const gpuSteps = normalizeProfile(opts.gpuProfile);
  const gpuMax = gpuSteps.reduce((m, s) => Math.max(m, s.capacity), 0);
  const needsHost = graph.activities.some(
    (a) => a.phase.hardware === 'gpu' && (a.phase.gpus === 'all' || a.phase.gpus === 0),
  );
  const resources: ResourceDef[] = [
    { id: ENGINEER, profile: [{ from: 0, capacity: opts.team.length }] },
    { id: GPU, profile: gpuSteps },
  ];
  if (needsHost) {
    const big = Math.max(1, n);
    resources.push({
      id: HOST,
      profile: normalizeProfile(
        gpuSteps.map((s) => ({ from: s.from, capacity: s.capacity > 0 ? big : 0 })),
      ),
    });
  }
  const R = resources.length;
  const demand = new Float64Array(n * R);
  const eligible: (number[] | null)[] = [];
  const useRoles = opts.team.some((m) => m.declared);
  for (const a of graph.activities) {
    const i = a.index;
    demand[i * R] = 1;
    if (a.phase.hardware === 'gpu') {
      const g = a.phase.gpus;
      if (g === 'all') {
        if (gpuMax === 0)
          return err(`${a.id} needs every GPU, but the project has no GPU hardware`);
        demand[i * R + 1] = ALL;
      } else {
        if (g > gpuMax)
          return err(`${a.id} needs ${g} GPUs, but the host never has more than ${gpuMax}`);
        demand[i * R + 1] = g;
      }
      // The engine never runs an activity across a drop in the capacity it holds: work longer
      // than every stretch of enough GPUs has no place (said here, in words, not by the engine).
      const misfit = gpuMax > 0 ? gpuMisfit(gpuSteps, g, duration[i]!, gpuMax) : undefined;
      if (misfit?.kind === 'window')
        return err(
          `${a.id} ${windowWords(g, `${roundHours(duration[i]!)} h`, misfit.longest, opts.dateOf)}`,
        );
      if (needsHost) {
        if (gpuMax === 0)
          return err(`${a.id} needs the GPU host, but the project has no GPU hardware`);
        demand[i * R + 2] = 1;
      }
    }
    const skill = a.phase.skill ?? a.task.skill;
    if (skill === undefined || !useRoles) {
      eligible.push(null);
      continue;
    }
    const who = opts.team.flatMap((m, k) => (m.skills.includes(skill) ? [k] : []));
    if (who.length === 0) {
      const names = opts.team.map((m) => m.id).join(', ');
      return err(`${a.id} needs skill "${skill}", but no one in the team (${names}) has it`);
    }
    eligible.push(who.length === opts.team.length ? null : who);
  }
  const problem: Problem = {
    n,
    succStart: graph.succStart,
    succ: graph.succ,
    predStart: graph.predStart,
    pred: graph.pred,
    ids: idsOf(graph),
    duration,
    resources,
    demand,
    workers: { names: opts.team.map((m) => m.id), eligible },
  };
  return ok({
    problem,
    graph,
    team: opts.team,
    estimate: opts.estimate,
    projectName: project.name,
  });
}

/**
 * The activity ids of a graph, one array per graph: every problem built from it (each team size
 * and estimate of a plan) shares it, and with it the engine's id ranks (cached by array).
 */
function idsOf(graph: ActivityGraph): readonly string[] {
  let ids = graphIds.get(graph);
  if (ids === undefined) {
    ids = graph.activities.map((a) => a.id);
    graphIds.set(graph, ids);
  }
  return ids;
}
const graphIds = new WeakMap<ActivityGraph, readonly string[]>();

/** Capacity of a profile at time t. */
export function capacityAt(profile: readonly CapacityStep[], t: number): number {
  let c = 0;
  for (const s of profile) {
    if (s.from <= t + EPS) c = s.capacity;
    else break;
  }
  return c;
}

/** What the search reports besides the schedule (the engine's SolveResult, less the schedule). */
export interface SearchInfo {
  readonly lowerBound: number;
  readonly bounds: {
    readonly criticalPath: number;
    readonly resource: number;
    readonly arrival: number;
    readonly energetic: number;
    readonly exact?: number;
  };
  readonly optimal: boolean;
  readonly method: string;
  readonly seed: number;
}

/** Turns axis hours into a calendar date: the start or the end of work at that hour. */
export type DateOf = (hours: number, kind: 'start' | 'end') => string;

/**
 * Reads a schedule of a project problem back as a team plan; with `dateOf`, each activity also
 * gets its dates (made with the activity, not copied into a second object afterwards).
 */
export function toTeamPlan(pp: ProjectProblem, schedule: Schedule, info: SearchInfo): TeamPlan;
export function toTeamPlan(
  pp: ProjectProblem,
  schedule: Schedule,
  info: SearchInfo,
  dateOf: DateOf,
): TeamPlan<PlannedActivity & ActivityDates>;
export function toTeamPlan(
  pp: ProjectProblem,
  schedule: Schedule,
  info: SearchInfo,
  dateOf?: DateOf,
): TeamPlan<PlannedActivity & Partial<ActivityDates>> {
  const { problem, team } = pp;
  const n = problem.n;
  let makespan = 0;
  for (let i = 0; i < n; i++)
    makespan = Math.max(makespan, schedule.start[i]! + problem.duration[i]!);
  const { links: chain, on: onChain } = chainOf(problem, schedule);
  const { activities, hoursByEngineer, effort } = planActivities(pp, schedule, onChain, dateOf);
  const declared = team.filter((m) => m.declared).length;
  const lowerBound = roundHours(info.lowerBound);
  return {
    project: pp.projectName,
    unit: 'hour',
    estimate: pp.estimate,
    team: team.length,
    engineers: team,
    assignees: declared === team.length ? 'declared' : declared === 0 ? 'generic' : 'mixed',
    makespan: roundHours(makespan),
    resources: problem.resources.map((r) => ({ id: r.id, profile: r.profile })),
    activities,
    criticalPath: chain.map((c) => c.id),
    criticalChain: chain,
    handoffs: handoffsOf(problem, activities),
    lowerBound,
    bounds: {
      criticalPath: roundHours(info.bounds.criticalPath),
      resource: roundHours(info.bounds.resource),
      arrival: roundHours(info.bounds.arrival),
      energetic: roundHours(info.bounds.energetic),
      ...(info.bounds.exact === undefined ? {} : { exact: roundHours(info.bounds.exact) }),
    },
    optimal: info.optimal || makespan <= info.lowerBound + EPS,
    method: info.method,
    seed: info.seed,
    effort: roundHours(effort),
    hoursByEngineer,
  };
}

/** Distinct demand records shared between activities at most (most plans have a handful). */
const SHARED_DEMANDS = 16;

/** The plan's activities (dated with `dateOf`, when given), the hours each engineer holds, the effort. */
function planActivities(
  pp: ProjectProblem,
  schedule: Schedule,
  onChain: Uint8Array,
  dateOf: DateOf | undefined,
): {
  activities: (PlannedActivity & Partial<ActivityDates>)[];
  hoursByEngineer: Record<string, number>;
  effort: number;
} {
  const { problem, graph, team } = pp;
  const R = problem.resources.length;
  const resourceIds = problem.resources.map((r) => r.id);
  const hoursByEngineer: Record<string, number> = {};
  for (const m of team) hoursByEngineer[m.id] = 0;
  // Each worker's name, made once: `E<k+1>` past the team (a problem's own workers).
  let W = team.length;
  for (let i = 0; i < problem.n; i++) W = Math.max(W, schedule.worker[i]! + 1);
  const names = Array.from({ length: W }, (_, w) => team[w]?.id ?? `E${w + 1}`);
  // Activities holding the same units share one demand record (what heldBy gives, the
  // engineer's unit set to 1): read-only data, written the same however many hold it.
  const rows: { held: Float64Array; demand: Readonly<Record<string, number>> }[] = [];
  const demandOf = (i: number): Readonly<Record<string, number>> => {
    const held = schedule.held;
    for (const row of rows) {
      let same = true;
      for (let r = 0; r < R && same; r++) same = row.held[r] === held[i * R + r];
      if (same) return row.demand;
    }
    const demand: Record<string, number> = {};
    for (let r = 0; r < R; r++) {
      const h = held[i * R + r]!;
      if (h > 0) demand[resourceIds[r]!] = h;
    }
    demand[ENGINEER] = 1;
    if (rows.length < SHARED_DEMANDS) rows.push({ held: held.slice(i * R, i * R + R), demand });
    return demand;
  };
  let effort = 0;
  const activities = graph.activities.map((a): PlannedActivity & Partial<ActivityDates> => {
    const i = a.index;
    const w = schedule.worker[i]!;
    const assignee = (w >= 0 ? names[w] : undefined) ?? `E${w + 1}`;
    const d = problem.duration[i]!;
    hoursByEngineer[assignee] = roundHours((hoursByEngineer[assignee] ?? 0) + d);
    effort += d;
    const start = roundHours(schedule.start[i]!);
    const end = roundHours(schedule.start[i]! + d);
    const row: PlannedActivity & { startDate?: string; endDate?: string } = {
      id: a.id,
      task: a.task.id,
      phase: a.phase.name,
      title: a.phase.title,
      taskTitle: a.task.title,
      duration: roundHours(d),
      predecessors: a.predecessors,
      demand: demandOf(i),
      start,
      end,
      assignee,
      hardware: a.phase.hardware,
      critical: onChain[i] === 1,
    };
    // A dated plan's activities have the two dates last (added in the same order to each: one
    // shape for all of them).
    if (dateOf !== undefined) {
      row.startDate = dateOf(start, 'start');
      row.endDate = dateOf(end, 'end');
    }
    return row;
  });
  return { activities, hoursByEngineer, effort };
}

/**
 * Dependency edges between different assignees, by time (when `from` ends), then by the ids of
 * `from` and `to` (the compareIds order). Read off the activities sorted by (end, id), each
 * one's handoffs by the id of `to`: one sort of n activities, not of every handoff.
 */
function handoffsOf(problem: Problem, activities: readonly PlannedActivity[]): Handoff[] {
  const n = problem.n;
  const rank = idRanks(problem.ids);
  const differ = (p: number, i: number): boolean =>
    activities[p]!.assignee !== activities[i]!.assignee;
  // The handoffs from each activity (CSR by `from`), each list in the order of `to`'s index.
  const outStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let e = problem.predStart[i]!; e < problem.predStart[i + 1]!; e++) {
      const p = problem.pred[e]!;
      if (differ(p, i)) outStart[p + 1]!++;
    }
  }
  for (let p = 0; p < n; p++) outStart[p + 1]! += outStart[p]!;
  const out = new Int32Array(outStart[n]!);
  const fill = outStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let e = problem.predStart[i]!; e < problem.predStart[i + 1]!; e++) {
      const p = problem.pred[e]!;
      if (differ(p, i)) out[fill[p]!++] = i;
    }
  }
  const end = new Float64Array(n);
  for (let i = 0; i < n; i++) end[i] = activities[i]!.end;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  sortByKey(order, end, rank);
  const handoffs: Handoff[] = new Array<Handoff>(out.length);
  let k = 0;
  for (const p of order) {
    const from = activities[p]!;
    const lo = outStart[p]!;
    const hi = outStart[p + 1]!;
    // By the id of `to` (insertion sort: a few each; stable, as the sort it replaces).
    for (let x = lo + 1; x < hi; x++) {
      const v = out[x]!;
      let y = x - 1;
      while (y >= lo && rank[out[y]!]! > rank[v]!) {
        out[y + 1] = out[y]!;
        y--;
      }
      out[y + 1] = v;
    }
    for (let x = lo; x < hi; x++) {
      const to = activities[out[x]!]!;
      handoffs[k++] = {
        from: from.id,
        to: to.id,
        fromAssignee: from.assignee,
        toAssignee: to.assignee,
        at: from.end,
      };
    }
  }
  return handoffs;
}

/**
 * The critical chain of a resource-constrained schedule: from the last-finishing activity, walk
 * back through whatever made each activity start when it did: a predecessor ending then, else its
 * engineer finishing other work then, else another activity releasing a resource it needs, else
 * capacity arriving then. Ties go to the smallest id. Returned in time order.
 */
export function criticalChain(problem: Problem, schedule: Schedule): ChainLink[] {
  return chainOf(problem, schedule).links;
}

/** criticalChain, and which activities are on it (`on[i] = 1`). */
function chainOf(problem: Problem, schedule: Schedule): { links: ChainLink[]; on: Uint8Array } {
  const chain = reusableChainFinder()(problem, schedule);
  const links: ChainLink[] = [];
  const on = new Uint8Array(problem.n);
  for (let k = chain.length - 1; k >= 0; k--) {
    on[chain[k]!] = 1;
    links.push(chainLink(problem, schedule, chain[k]!, k + 1 < chain.length ? chain[k + 1]! : -1));
  }
  return { links, on };
}

/**
 * Why `cur` starts when it does, given `from`, the activity the walk went back to from it (-1 at
 * the walk's end). The walk takes the first kind of candidate that exists (predecessor, then
 * engineer, then each resource in order), so the kind `from` is decides the reason.
 */
function chainLink(problem: Problem, schedule: Schedule, cur: number, from: number): ChainLink {
  const R = problem.resources.length;
  const id = problem.ids[cur]!;
  const s = schedule.start[cur]!;
  if (s < 1e-6) return { id, reason: 'project-start' };
  const w = schedule.worker[cur]!;
  if (from >= 0) {
    for (let e = problem.predStart[cur]!; e < problem.predStart[cur + 1]!; e++)
      if (problem.pred[e] === from) return { id, reason: 'precedence' };
    if (w >= 0 && schedule.worker[from] === w) return { id, reason: 'engineer' };
    for (let r = 0; r < R; r++) {
      if (problem.resources[r]!.id === ENGINEER && w >= 0) continue;
      if (problem.demand[cur * R + r] !== 0 && schedule.held[from * R + r]! > 0)
        return { id, reason: 'resource', resource: problem.resources[r]!.id };
    }
  }
  for (let r = 0; r < R; r++) {
    if (problem.demand[cur * R + r] === 0) continue;
    if (problem.resources[r]!.profile.some((st) => Math.abs(st.from - s) < 1e-6))
      return { id, reason: 'arrival', resource: problem.resources[r]!.id };
  }
  return { id, reason: 'slack' };
}

/**
 * The walk of `criticalChain` as activity indices, without allocating per call (Monte Carlo runs
 * it on every sample): from the last-finishing activity back through a predecessor ending at its
 * start, else its engineer's previous activity ending then, else an activity releasing a resource
 * it needs then, ties by id; it stops at time 0, an arrival or slack. Returns the chain end to
 * start; valid until the next call.
 */
export function reusableChainFinder(): (problem: Problem, schedule: Schedule) => Int32Array {
  let ids: readonly string[] | null = null;
  let rank: Int32Array = new Int32Array(0);
  /** Position in a topological order: of two activities ending last together, the later one. */
  let topoPos: Int32Array = new Int32Array(0);
  let seen = new Int32Array(0);
  let out: Int32Array = new Int32Array(0);
  let engineer = -1;
  let stamp = 0;
  return (problem: Problem, schedule: Schedule): Int32Array => {
    const n = problem.n;
    const R = problem.resources.length;
    if (ids !== problem.ids) {
      ids = problem.ids;
      rank = idRanks(problem.ids);
      topoPos = new Int32Array(n);
      (topoOrder(problem) ?? []).forEach((v, k) => (topoPos[v] = k));
      seen = new Int32Array(n);
      out = new Int32Array(n);
      stamp = 0;
      engineer = problem.resources.findIndex((r) => r.id === ENGINEER);
    }
    if (n === 0) return out.subarray(0, 0);
    stamp++;
    const start = schedule.start;
    const dur = problem.duration;
    const near = (x: number, y: number): boolean => Math.abs(x - y) < 1e-6;
    let cur = 0;
    for (let i = 1; i < n; i++) {
      const ei = start[i]! + dur[i]!;
      const ec = start[cur]! + dur[cur]!;
      // Ending together (zero-hour milestones), a successor goes after its predecessor.
      const later = topoPos[i]! - topoPos[cur]! || rank[cur]! - rank[i]!;
      if (ei - ec > 1e-6 || (near(ei, ec) && later > 0)) cur = i;
    }
    // Activities by finish time, built the first time the walk looks past the predecessors: the
    // candidates ending at a time are then a binary search away, not a scan of every activity.
    let byEnd: Int32Array = new Int32Array(0);
    let ends: Float64Array = new Float64Array(0);
    const endingAt = (t: number): [number, number] => {
      if (ends.length !== n) {
        ends = new Float64Array(n);
        for (let i = 0; i < n; i++) ends[i] = start[i]! + dur[i]!;
        byEnd = new Int32Array(n);
        for (let i = 0; i < n; i++) byEnd[i] = i;
        // Ties by index: a typed merge sort (a comparator per pair cost 100 ms at 100k).
        sortByKey(byEnd, ends, byEnd.slice());
      }
      // a little wider than `near`, which `better` still applies to each candidate
      return [firstEndAbove(t - 2e-6), firstEndAbove(t + 2e-6)];
    };
    const firstEndAbove = (t: number): number => {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ends[byEnd[mid]!]! > t) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    let len = 0;
    for (;;) {
      seen[cur] = stamp;
      out[len++] = cur;
      const s = start[cur]!;
      if (s < 1e-6) break;
      let next = -1;
      const better = (i: number): void => {
        if (
          seen[i] !== stamp &&
          near(start[i]! + dur[i]!, s) &&
          (next < 0 || rank[i]! < rank[next]!)
        )
          next = i;
      };
      for (let e = problem.predStart[cur]!; e < problem.predStart[cur + 1]!; e++)
        better(problem.pred[e]!);
      const w = schedule.worker[cur]!;
      if (next < 0 && w >= 0) {
        const [lo, hi] = endingAt(s);
        for (let q = lo; q < hi; q++) {
          const i = byEnd[q]!;
          // A zero-hour activity holds its engineer for no time: it kept nothing waiting.
          if (i !== cur && dur[i]! > 0 && schedule.worker[i] === w) better(i);
        }
      }
      for (let r = 0; r < R && next < 0; r++) {
        if (r === engineer && w >= 0) continue;
        if (problem.demand[cur * R + r] === 0) continue;
        const [lo, hi] = endingAt(s);
        for (let q = lo; q < hi; q++) {
          const i = byEnd[q]!;
          if (i !== cur && dur[i]! > 0 && schedule.held[i * R + r]! > 0) better(i);
        }
      }
      if (next < 0) break;
      cur = next;
    }
    return out.subarray(0, len);
  };
}

/**
 * A plain serial schedule (activities in topological order, ties by id, each at its earliest
 * feasible start): the safety net when the engine cannot schedule a problem it should. Returns
 * undefined when some activity never fits. Quadratic-ish; meant for task files, not benchmarks.
 */
export function fallbackSchedule(problem: Problem): Schedule | undefined {
  const n = problem.n;
  const R = problem.resources.length;
  const order = topoOrder(problem);
  if (order === null) return undefined;
  const ranked = [...order];
  // Kahn's order by index; re-rank ready activities by id for the usual tie-break.
  const indeg = new Int32Array(n);
  for (let i = 0; i < n; i++) indeg[i] = problem.predStart[i + 1]! - problem.predStart[i]!;
  const ready = ranked.filter((i) => indeg[i] === 0);
  const seq: number[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => compareIds(problem.ids[a]!, problem.ids[b]!));
    const v = ready.shift()!;
    seq.push(v);
    for (let e = problem.succStart[v]!; e < problem.succStart[v + 1]!; e++) {
      const w = problem.succ[e]!;
      if (--indeg[w]! === 0) ready.push(w);
    }
  }
  const start = new Float64Array(n);
  const worker = new Int32Array(n).fill(-1);
  const held = new Float64Array(n * R);
  const placed: number[] = [];
  const W = problem.workers?.names.length ?? 0;
  const end = (i: number): number => start[i]! + problem.duration[i]!;
  const steps = problem.resources.flatMap((r) => r.profile.map((s) => s.from));
  let makespan = 0;
  for (const i of seq) {
    const d = problem.duration[i]!;
    let est = 0;
    for (let e = problem.predStart[i]!; e < problem.predStart[i + 1]!; e++)
      est = Math.max(est, end(problem.pred[e]!));
    const cands = [...new Set([est, ...placed.map(end), ...steps].filter((t) => t >= est))].sort(
      (a, b) => a - b,
    );
    let done = false;
    for (const t of cands) {
      const overlaps = placed.filter(
        (j) => d > 0 && problem.duration[j]! > 0 && start[j]! < t + d - EPS && end(j) > t + EPS,
      );
      const take = new Float64Array(R);
      let fits = true;
      for (let r = 0; r < R && fits; r++) {
        const dem = problem.demand[i * R + r]!;
        if (dem === 0 || d === 0) continue;
        const prof = problem.resources[r]!.profile;
        const inside = [
          t,
          ...prof.map((s) => s.from).filter((x) => x > t && x < t + d - EPS),
          ...overlaps.map((j) => start[j]!).filter((x) => x > t),
        ];
        const cap0 = capacityAt(prof, t);
        for (const x of inside) {
          const cap = capacityAt(prof, x);
          if (dem === ALL && cap !== cap0) fits = false;
          let used = 0;
          for (const j of overlaps)
            if (start[j]! <= x + EPS && end(j) > x + EPS) used += held[j * R + r]!;
          if (used + (dem === ALL ? cap0 : dem) > cap + EPS) fits = false;
        }
        take[r] = dem === ALL ? cap0 : dem;
      }
      if (!fits) continue;
      let who = -1;
      if (W > 0) {
        const elig = problem.workers!.eligible[i] ?? null;
        for (let w = 0; w < W && who < 0; w++) {
          if (elig !== null && !elig.includes(w)) continue;
          if (d > 0 && overlaps.some((j) => worker[j] === w)) continue;
          who = w;
        }
        if (who < 0) continue;
      }
      start[i] = t;
      worker[i] = who;
      held.set(take, i * R);
      placed.push(i);
      makespan = Math.max(makespan, t + d);
      done = true;
      break;
    }
    if (!done) return undefined;
  }
  return { start, worker, held, makespan };
}
