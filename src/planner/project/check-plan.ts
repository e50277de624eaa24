/**
 * The JSON plan contract's checker (`critpath plan --team N --json`), as an outside tool would
 * read a plan. The engine's own feasibility check of a Schedule against its Problem is
 * `engine/check-schedule.ts`.
 */

const TOL = 1e-6;

type Report = (message: string) => void;
type Steps = { from: number; capacity: number }[];

/** One activity as the checker reads it. */
interface Act {
  id: string;
  start: number;
  end: number;
  duration: number;
  preds: string[];
  demand: Record<string, number>;
  assignee: string;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The plan's scalar fields: makespan, unit, team, lowerBound, criticalPath, dates. */
function checkFields(plan: Record<string, unknown>, bad: Report): void {
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
}

/** Each resource's capacity profile, by id. */
function readProfiles(resources: unknown, bad: Report): Map<string, Steps> {
  const profiles = new Map<string, Steps>();
  if (!Array.isArray(resources)) {
    bad('resources: expected a list');
    return profiles;
  }
  resources.forEach((r: unknown, k) => {
    if (!isObj(r) || typeof r['id'] !== 'string' || !Array.isArray(r['profile'])) {
      bad(`resources[${k}]: expected { id, profile }`);
      return;
    }
    const steps: Steps = [];
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
  return profiles;
}

/** The well-formed activities; each malformed one is reported and left out. */
function readActivities(activities: unknown, bad: Report): Act[] {
  const acts: Act[] = [];
  if (!Array.isArray(activities)) {
    bad('activities: expected a list');
    return acts;
  }
  activities.forEach((a: unknown, k) => {
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
  return acts;
}

/** Predecessors end before their successors start; demands name known resources. */
function checkPrecedence(
  acts: readonly Act[],
  byId: ReadonlyMap<string, Act>,
  profiles: ReadonlyMap<string, Steps>,
  bad: Report,
): void {
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
}

/** Capacity at every instant where usage can rise: activity starts and capacity steps. */
function checkCapacity(
  acts: readonly Act[],
  profiles: ReadonlyMap<string, Steps>,
  bad: Report,
): void {
  const capacity = (id: string, t: number): number => {
    let c = 0;
    for (const s of profiles.get(id) ?? []) if (s.from <= t + TOL) c = s.capacity;
    return c;
  };
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
}

/** Engineers: known, no more than the team, and never two activities at once. */
function checkEngineers(plan: Record<string, unknown>, acts: readonly Act[], bad: Report): void {
  const team = plan['team'];
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
}

/** makespan is the largest end, lowerBound is not above it, the critical path names activities. */
function checkTotals(
  plan: Record<string, unknown>,
  acts: readonly Act[],
  byId: ReadonlyMap<string, Act>,
  bad: Report,
): void {
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
}

/**
 * Checks a plan in the JSON plan contract (`critpath plan --team N --json`), as an outside tool
 * would: shape, durations, precedence, resource capacities over time, one engineer per activity
 * and no engineer doing two at once, `makespan` = largest `end`, `lowerBound` ≤ `makespan`.
 * Returns every violation found, each a one-line message; an empty list means feasible.
 */
export function checkPlan(plan: unknown): string[] {
  const problems: string[] = [];
  const bad: Report = (m) => void problems.push(m);
  if (!isObj(plan)) return ['plan: expected a JSON object'];
  checkFields(plan, bad);
  const profiles = readProfiles(plan['resources'], bad);
  const acts = readActivities(plan['activities'], bad);
  const byId = new Map<string, Act>();
  for (const a of acts) {
    if (byId.has(a.id)) bad(`${a.id}: appears twice`);
    byId.set(a.id, a);
  }
  checkPrecedence(acts, byId, profiles, bad);
  checkCapacity(acts, profiles, bad);
  checkEngineers(plan, acts, bad);
  checkTotals(plan, acts, byId, bad);
  return problems;
}
