import type { EstimateMode, Hardware } from '../../model/project.js';
import type { CapacityStep } from '../engine/problem.js';

/**
 * A team plan: the resource-constrained schedule of a project for a team, on the working-time
 * axis (hours from the project start). `src/calendar` adds dates to it; reporters render it.
 * Field names with a comment "contract" are the JSON plan contract and keep their meaning.
 */

/** One engineer of the planned team. */
export interface TeamMember {
  /** `E1…EN`, or the declared person's id. */
  readonly id: string;
  readonly name: string;
  readonly role: string | undefined;
  readonly skills: readonly string[];
  /** True when the person is declared in the project's `team`. */
  readonly declared: boolean;
}

/** A capacity profile of one resource (contract). */
export interface PlanResource {
  readonly id: string;
  readonly profile: readonly CapacityStep[];
}

/** One scheduled activity: a task, or one phase of a phased task. */
/** What the plan contract says of every activity, in a team plan as in a PSPLIB plan. */
export interface ContractActivity {
  /** Activity id: `task` or `task/phase` (contract). */
  readonly id: string;
  /** The task id (contract). */
  readonly task: string;
  /** Working hours, or the problem's periods (contract). */
  readonly duration: number;
  /** Activity ids this one waits for, including the phase chain (contract). */
  readonly predecessors: readonly string[];
  /** Units held while it runs, `gpus: all` resolved, zero demands left out (contract). */
  readonly demand: Readonly<Record<string, number>>;
  /** Axis hours, or periods (contract). */
  readonly start: number;
  readonly end: number;
}

export interface PlannedActivity extends ContractActivity {
  readonly phase: string | null;
  readonly title: string;
  readonly taskTitle: string;
  /** The engineer doing it (contract). */
  readonly assignee: string;
  readonly hardware: Hardware;
  /** On the schedule's critical chain. */
  readonly critical: boolean;
}

/** A dependency edge whose two activities have different assignees. */
export interface Handoff {
  readonly from: string;
  readonly to: string;
  readonly fromAssignee: string;
  readonly toAssignee: string;
  /** When `from` ends (axis hours). */
  readonly at: number;
}

/** Why an activity on the critical chain starts when it does. */
export type ChainReason =
  /** It starts at time 0. */
  | 'project-start'
  /** A predecessor ends exactly then. */
  | 'precedence'
  /** Its engineer finishes another activity then. */
  | 'engineer'
  /** Another activity releases a resource it needs (gpu, host). */
  | 'resource'
  /** Capacity it needs arrives then (GPU hardware). */
  | 'arrival'
  /** Nothing binds it: the schedule leaves slack before it. */
  | 'slack';

export interface ChainLink {
  readonly id: string;
  /** Why it starts when it does; for `resource`, which resource. */
  readonly reason: ChainReason;
  readonly resource?: string;
}

/** Lower bounds on the makespan of any feasible schedule (hours). */
export interface PlanBounds {
  readonly criticalPath: number;
  readonly resource: number;
  readonly arrival: number;
  /** Energetic reasoning over the windows the others give (0: not computed). */
  readonly energetic: number;
  /** The exact method's bound, present only when it raised the others. */
  readonly exact?: number;
}

/** The team plan on the working-time axis. */
export interface TeamPlan {
  readonly project: string;
  /** Contract: always `hour`. */
  readonly unit: 'hour';
  readonly estimate: EstimateMode;
  /** Contract: the number of engineers. */
  readonly team: number;
  readonly engineers: readonly TeamMember[];
  /** `declared` when assignees are the project's declared people, `generic` for E1…EN. */
  readonly assignees: 'declared' | 'generic' | 'mixed';
  /** Contract: the largest `end`. */
  readonly makespan: number;
  readonly resources: readonly PlanResource[];
  readonly activities: readonly PlannedActivity[];
  /** Contract: the critical chain of the schedule, as activity ids. */
  readonly criticalPath: readonly string[];
  readonly criticalChain: readonly ChainLink[];
  readonly handoffs: readonly Handoff[];
  /** Contract: the best lower bound on the makespan. */
  readonly lowerBound: number;
  readonly bounds: PlanBounds;
  /** True when the makespan equals the lower bound or the search proved it optimal. */
  readonly optimal: boolean;
  /** Which search produced the schedule. */
  readonly method: string;
  readonly seed: number;
  /** Sum of all durations: the solo effort in hours. */
  readonly effort: number;
  /** Engineer-hours held per engineer id. */
  readonly hoursByEngineer: Readonly<Record<string, number>>;
}

/** Rounds axis values for output, so floating-point noise never shows up in plans. */
export function roundHours(h: number): number {
  // Nine decimals: far below checkPlan's 1e-6 tolerance, far above floating-point noise.
  return Math.round(h * 1e9) / 1e9;
}

const TOL = 1e-6;

/**
 * Checks a plan in the JSON plan contract (`critpath plan --team N --json`), as an outside tool
 * would: shape, durations, precedence, resource capacities over time, one engineer per activity
 * and no engineer doing two at once, `makespan` = largest `end`, `lowerBound` ≤ `makespan`.
 * Returns every violation found, each a one-line message; an empty list means feasible.
 */
export function checkPlan(plan: unknown): string[] {
  const problems: string[] = [];
  const bad = (m: string): void => void problems.push(m);
  if (!isObj(plan)) return ['plan: expected a JSON object'];
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!num(plan['makespan'])) bad('makespan: expected a number');
  if (plan['unit'] !== 'hour') bad('unit: expected "hour"');
  const team = plan['team'];
  if (!(num(team) && Number.isInteger(team) && team >= 1)) bad('team: expected a whole number ≥ 1');
  if (!num(plan['lowerBound'])) bad('lowerBound: expected a number');
  if (
    !Array.isArray(plan['criticalPath']) ||
    !plan['criticalPath'].every((x) => typeof x === 'string')
  ) {
    bad('criticalPath: expected a list of activity ids');
  }
  for (const k of ['startDate', 'endDate']) {
    if (typeof plan[k] !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(plan[k]))
      bad(`${k}: expected a date YYYY-MM-DD`);
  }

  // Resources.
  const profiles = new Map<string, { from: number; capacity: number }[]>();
  if (!Array.isArray(plan['resources'])) bad('resources: expected a list');
  else {
    plan['resources'].forEach((r: unknown, k) => {
      if (!isObj(r) || typeof r['id'] !== 'string' || !Array.isArray(r['profile'])) {
        bad(`resources[${k}]: expected { id, profile }`);
        return;
      }
      const steps: { from: number; capacity: number }[] = [];
      let last = -Infinity;
      for (const s of r['profile'] as unknown[]) {
        if (!isObj(s) || !num(s['from']) || !num(s['capacity']) || s['capacity'] < 0) {
          bad(`resources[${k}] (${r['id']}): expected profile steps { from, capacity ≥ 0 }`);
          return;
        }
        if (s['from'] <= last)
          bad(`resources[${k}] (${r['id']}): profile steps must be sorted by from`);
        last = s['from'];
        steps.push({ from: s['from'], capacity: s['capacity'] });
      }
      if (profiles.has(r['id'])) bad(`resources: "${r['id']}" appears twice`);
      profiles.set(r['id'], steps);
    });
  }
  const capacity = (id: string, t: number): number => {
    let c = 0;
    for (const s of profiles.get(id) ?? []) if (s.from <= t + TOL) c = s.capacity;
    return c;
  };

  // Activities.
  interface Act {
    id: string;
    start: number;
    end: number;
    duration: number;
    preds: string[];
    demand: Record<string, number>;
    assignee: string;
  }
  const acts: Act[] = [];
  if (!Array.isArray(plan['activities'])) bad('activities: expected a list');
  else {
    plan['activities'].forEach((a: unknown, k) => {
      const where = `activities[${k}]`;
      if (!isObj(a)) return bad(`${where}: expected an object`);
      const id = a['id'];
      if (typeof id !== 'string') return bad(`${where}: id: expected a string`);
      const { start, end, duration, assignee, predecessors, demand } = a;
      if (!num(start) || !num(end) || !num(duration))
        return bad(`${id}: start, end and duration must be numbers`);
      if (typeof a['task'] !== 'string') bad(`${id}: task: expected a string`);
      if (start < -TOL) bad(`${id}: starts before 0 (${start})`);
      if (duration < 0) bad(`${id}: negative duration ${duration}`);
      if (Math.abs(start + duration - end) > TOL)
        bad(`${id}: end ${end} is not start ${start} + duration ${duration}`);
      if (typeof assignee !== 'string' || assignee === '')
        return bad(`${id}: assignee: expected an engineer id`);
      if (!Array.isArray(predecessors) || !predecessors.every((p) => typeof p === 'string')) {
        return bad(`${id}: predecessors: expected a list of activity ids`);
      }
      if (!isObj(demand) || !Object.values(demand).every((v) => num(v) && v >= 0)) {
        return bad(`${id}: demand: expected { resource: amount ≥ 0 }`);
      }
      acts.push({
        id,
        start,
        end,
        duration,
        preds: predecessors as string[],
        demand: demand as Record<string, number>,
        assignee,
      });
    });
  }
  const byId = new Map<string, Act>();
  for (const a of acts) {
    if (byId.has(a.id)) bad(`${a.id}: appears twice`);
    byId.set(a.id, a);
  }

  for (const a of acts) {
    for (const p of a.preds) {
      const q = byId.get(p);
      if (q === undefined) bad(`${a.id}: unknown predecessor ${p}`);
      else if (q.end > a.start + TOL)
        bad(`${a.id}: starts at ${a.start}, before its predecessor ${p} ends at ${q.end}`);
    }
    for (const r of Object.keys(a.demand)) {
      if (profiles.size > 0 && !profiles.has(r))
        bad(`${a.id}: demand names unknown resource "${r}"`);
    }
    if (profiles.has('engineer') && a.demand['engineer'] !== 1)
      bad(`${a.id}: must hold exactly one engineer`);
  }

  // Capacity at every instant where usage can rise: activity starts and capacity steps.
  const running = acts.filter((a) => a.end - a.start > TOL);
  const points = new Set<number>(running.map((a) => a.start));
  for (const steps of profiles.values()) for (const s of steps) points.add(s.from);
  for (const [r] of profiles) {
    for (const t of [...points].sort((x, y) => x - y)) {
      let used = 0;
      const who: string[] = [];
      for (const a of running) {
        const d = a.demand[r] ?? 0;
        if (d > 0 && a.start <= t + TOL && a.end > t + TOL) {
          used += d;
          who.push(a.id);
        }
      }
      const cap = capacity(r, t);
      if (used > cap + TOL)
        bad(`${r}: ${used} in use at ${t} (${who.join(', ')}) but capacity is ${cap}`);
    }
  }

  // Engineers: known, and never two activities at once.
  const engineers = plan['engineers'];
  const known = Array.isArray(engineers)
    ? new Set(
        engineers.flatMap((e: unknown) =>
          isObj(e) && typeof e['id'] === 'string' ? [e['id']] : [],
        ),
      )
    : undefined;
  const byAssignee = new Map<string, Act[]>();
  for (const a of acts) {
    if (known !== undefined && !known.has(a.assignee))
      bad(`${a.id}: assignee ${a.assignee} is not in engineers`);
    const list = byAssignee.get(a.assignee) ?? [];
    list.push(a);
    byAssignee.set(a.assignee, list);
  }
  if (num(team) && byAssignee.size > team)
    bad(`team is ${team} but ${byAssignee.size} engineers have work`);
  for (const [who, list] of byAssignee) {
    const busy = list.filter((a) => a.end - a.start > TOL).sort((x, y) => x.start - y.start);
    for (let k = 1; k < busy.length; k++) {
      const p = busy[k - 1]!;
      const q = busy[k]!;
      if (q.start < p.end - TOL)
        bad(`${who} does ${p.id} and ${q.id} at once (${q.start} < ${p.end})`);
    }
  }

  if (num(plan['makespan'])) {
    const last = acts.reduce((m, a) => Math.max(m, a.end), 0);
    if (Math.abs(last - plan['makespan']) > TOL)
      bad(`makespan ${plan['makespan']} is not the largest end ${last}`);
    if (num(plan['lowerBound']) && plan['lowerBound'] > plan['makespan'] + TOL) {
      bad(`lowerBound ${plan['lowerBound']} is above makespan ${plan['makespan']}`);
    }
  }
  if (Array.isArray(plan['criticalPath'])) {
    for (const id of plan['criticalPath'])
      if (typeof id === 'string' && !byId.has(id)) bad(`criticalPath: unknown activity ${id}`);
  }
  return problems;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
