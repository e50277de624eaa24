import type { DiagnosticReason } from '../result.js';
import { parseTeamSpec, unknownMember, unknownMemberMessage } from '../model/team-spec.js';
import { DATE_RE, isCalendarDate } from '../model/patterns.js';
import { HintBudget, nearest } from '../util/suggest.js';
import { parseHours } from './hours.js';
import { quotedText } from './issue-words.js';
import type { FieldPath } from './field-path.js';
import type { TaskIndex } from '../model/activities.js';

/**
 * A finding at `path`. `onKey`: said at the key of `path`'s last step rather than its value; a
 * string: at that key of the mapping at `path` (the finding names the mapping, and the key).
 */
export type Report = (
  reason: DiagnosticReason,
  path: FieldPath,
  message: string,
  onKey?: boolean | string,
) => void;
type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);
const isHoursShape = (v: unknown): boolean =>
  (typeof v === 'number' && !Number.isNaN(v)) || typeof v === 'string' || isRecord(v);

/**
 * Hours as `{ low, likely, high }` with a number at each point given: the hour rules judge their
 * values. A point missing or of another kind is the schema's to word (`hours.high` is missing).
 */
const isPoints = (v: unknown): boolean =>
  isRecord(v) &&
  typeof v['low'] === 'number' &&
  typeof v['high'] === 'number' &&
  (v['likely'] === undefined || typeof v['likely'] === 'number');

/** The closest known id to an unknown one, when one is close (see `nearest`). */
type HintId = (word: string) => string | undefined;

/**
 * Semantic checks on the raw parsed file. They read defensively, because they also run on files
 * whose shape is partly wrong: each rule looks only at values of the shape it needs. Their
 * did-you-mean hints are paid from `budget` (none when a caller only counts the findings).
 */
export function checkRules(
  root: Raw,
  tasks: unknown[],
  report: Report,
  budget: HintBudget = new HintBudget(),
): TaskIndex {
  checkDates(root, report);
  checkPeople(root, report);
  if (Array.isArray(root['tasks']) && tasks.length === 0) {
    report('empty-project', ['tasks'], 'the project has no tasks');
  }
  // Where an arrival's count is itself a finding, no work is judged against the GPUs: "no GPU
  // hardware" or "never has more than" would only repeat it.
  const maxGpu = gpuCountsStated(root) ? maxGpuCount(root) : Infinity;
  const skills = declaredSkills(root);

  const firstIndex = new Map<string, number>();
  // 1 where the task is the first of its id: the node of the cycle check.
  const isFirst = new Uint8Array(tasks.length);
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i];
    if (!isRecord(t) || typeof t['id'] !== 'string') continue;
    const id = t['id'];
    const first = firstIndex.get(id);
    if (first === undefined) {
      firstIndex.set(id, i);
      isFirst[i] = 1;
    } else
      report(
        'duplicate-id',
        ['tasks', i, 'id'],
        `duplicate id "${id}" (first used by tasks[${first}])`,
      );
  }
  // The ids, for did-you-mean hints: listed only when a dependency is unknown.
  let idList: string[] | undefined;
  const hintId: HintId = (word) => nearest(word, (idList ??= [...firstIndex.keys()]), budget);

  // One pass, no per-task closures; a finding's path is built only when it is reported. Each
  // dependency is looked up once: the edges of the cycle check (in CSR, by task index: the task's
  // deps, then its phases', each once) are collected on the way, for the first task of each id.
  // (Findings come in another order than the file's: the loader sorts them by position.)
  const edgeStart = new Int32Array(tasks.length + 1);
  const sink: EdgeSink = { list: [], from: 0 };
  // Each task's `deps` entries as task indices, as written (-1: not a known task): for the graph.
  const depStart = new Int32Array(tasks.length + 1);
  const dep: number[] = [];
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i];
    sink.from = sink.list.length;
    edgeStart[i] = sink.from;
    edgeStart[i + 1] = sink.from;
    depStart[i + 1] = dep.length;
    if (!isRecord(t)) continue;
    const into = isFirst[i] === 1 ? sink : undefined;
    const base: FieldPath = ['tasks', i];
    checkTaskShape(t, base, report);
    checkWork(t, base, maxGpu, report);
    checkCommand(t, base, report);
    checkDeps(t['deps'], t['id'], base, DEPS, firstIndex, hintId, report, into, dep);
    depStart[i + 1] = dep.length;
    if (Array.isArray(t['phases']))
      checkPhases(t, t['phases'], base, maxGpu, skills, firstIndex, hintId, report, into, budget);
    checkSkill(t, base, skills, report, budget);
    edgeStart[i + 1] = sink.list.length;
  }

  checkCycles(tasks, firstIndex, report, undefined, { edgeStart, edges: sink.list });
  checkLineups(root, report, budget);
  checkScenarios(root, tasks, firstIndex, maxGpu, skills, report, budget);
  return { byId: firstIndex, depStart, dep: Int32Array.from(dep) };
}

/** The `deps` key of a task: where its dependency findings are. */
const DEPS: FieldPath = ['deps'];

/** A task's phases: work, skill and deps of each, and names used once. */
function checkPhases(
  t: Raw,
  phases: unknown[],
  base: FieldPath,
  maxGpu: number,
  skills: Set<string> | undefined,
  firstIndex: ReadonlyMap<string, number>,
  hintId: HintId,
  report: Report,
  sink: EdgeSink | undefined,
  budget: HintBudget,
): void {
  const seen = new Set<string>();
  phases.forEach((p, j) => {
    if (!isRecord(p)) return;
    checkWork(p, [...base, 'phases', j], maxGpu, report);
    checkCommand(p, [...base, 'phases', j], report);
    checkSkill(p, [...base, 'phases', j], skills, report, budget);
    checkDeps(p['deps'], t['id'], base, ['phases', j, 'deps'], firstIndex, hintId, report, sink);
    if (typeof p['name'] === 'string') {
      if (seen.has(p['name'])) {
        report(
          'duplicate-phase',
          [...base, 'phases', j, 'name'],
          `duplicate phase name "${p['name']}"`,
        );
      }
      seen.add(p['name']);
    }
  });
}

function checkSkill(
  w: Raw,
  base: FieldPath,
  skills: Set<string> | undefined,
  report: Report,
  budget: HintBudget,
): void {
  const skill = w['skill'];
  if (typeof skill !== 'string' || skills === undefined || skills.has(skill)) return;
  const hint = nearest(skill, skills, budget);
  report(
    'unknown-skill',
    [...base, 'skill'],
    `no one in the team has skill "${skill}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
  );
}

/**
 * A person's id names one person: line-ups, `--by` and the team plan's columns find people by
 * it, so a second person of an id is a finding, as a second task of an id is.
 */
function checkPeople(root: Raw, report: Report): void {
  const team = root['team'];
  if (!Array.isArray(team)) return;
  const firstIndex = new Map<string, number>();
  team.forEach((m, i) => {
    if (!isRecord(m) || typeof m['id'] !== 'string') return;
    const first = firstIndex.get(m['id']);
    if (first === undefined) firstIndex.set(m['id'], i);
    else
      report(
        'duplicate-id',
        ['team', i, 'id'],
        `duplicate id "${m['id']}" (first used by team[${first}])`,
      );
  });
}

/** Line-ups name declared people, once each, and at most one line-up has a given size. */
function checkLineups(root: Raw, report: Report, budget: HintBudget): void {
  const lineups = root['teams'];
  if (!Array.isArray(lineups)) return;
  const people = Array.isArray(root['team'])
    ? root['team'].flatMap((m) => (isRecord(m) && typeof m['id'] === 'string' ? [m['id']] : []))
    : [];
  const sizes = new Map<number, number>();
  lineups.forEach((l, i) => {
    if (!Array.isArray(l)) return;
    const seen = new Set<unknown>();
    l.forEach((id, k) => {
      if (typeof id !== 'string') return;
      if (!people.includes(id)) {
        const hint = nearest(id, people, budget);
        report(
          'schema',
          ['teams', i, k],
          `no one called "${id}" in the team${hint ? ` (did you mean "${hint}"?)` : ''}`,
        );
      } else if (seen.has(id)) report('schema', ['teams', i, k], `"${id}" is named twice`);
      seen.add(id);
    });
    const first = sizes.get(l.length);
    if (first !== undefined)
      report('schema', ['teams', i], `a second line-up of ${l.length} (first: teams[${first}])`);
    else sizes.set(l.length, i);
  });
}

/** Where the cycle check's edges of one task are collected: `list` from `from` on, each once. */
interface EdgeSink {
  readonly list: number[];
  from: number;
}

/**
 * Each entry of the list at `[...base, ...key]` names another known task; the index of each that
 * does goes to `sink` (unless there already).
 */
function checkDeps(
  deps: unknown,
  self: unknown,
  base: FieldPath,
  key: FieldPath,
  known: ReadonlyMap<string, number>,
  hintId: HintId,
  report: Report,
  sink?: EdgeSink,
  /** Where each entry's task index goes, -1 for one that names no other known task. */
  resolved?: number[],
): void {
  if (!Array.isArray(deps)) return;
  for (let k = 0; k < deps.length; k++) {
    const d: unknown = deps[k];
    const at = typeof d !== 'string' || d === self ? undefined : known.get(d);
    resolved?.push(at ?? -1);
    if (typeof d !== 'string') continue;
    if (d === self) {
      report('self-dependency', [...base, ...key, k], `task "${d}" depends on itself`);
    } else if (at === undefined) {
      const task = d.includes('/') ? d.slice(0, d.indexOf('/')) : undefined;
      const hint = task !== undefined && known.has(task) ? undefined : hintId(d);
      report(
        'unknown-dependency',
        [...base, ...key, k],
        hint === undefined && task !== undefined && known.has(task)
          ? `unknown dependency "${d}": deps name tasks, not phases (depend on "${task}")`
          : `unknown dependency "${d}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
      );
    } else if (sink !== undefined) {
      const list = sink.list;
      let listed = false;
      for (let q = sink.from; q < list.length && !listed; q++) listed = list[q] === at;
      if (!listed) list.push(at);
    }
  }
}

/** Every dependency of a raw task, with the path of each entry: task deps, then phase deps. */
function depEntries(t: unknown): { dep: string; path: FieldPath }[] {
  if (!isRecord(t)) return [];
  const out: { dep: string; path: FieldPath }[] = [];
  const add = (list: unknown, path: FieldPath): void => {
    if (Array.isArray(list))
      list.forEach((d, k) => typeof d === 'string' && out.push({ dep: d, path: [...path, k] }));
  };
  add(t['deps'], ['deps']);
  if (Array.isArray(t['phases']))
    t['phases'].forEach((p, j) => isRecord(p) && add(p['deps'], ['phases', j, 'deps']));
  return out;
}

/** The file's dates are days the calendar has: its start, deadline, holidays and GPU arrivals. */
function checkDates(root: Raw, report: Report): void {
  checkDate(root['start'], ['start'], report);
  checkDate(root['deadline'], ['deadline'], report);
  const start = root['start'];
  const deadline = root['deadline'];
  // Dates compare as text (YYYY-MM-DD); a deadline before the start is one no plan can meet.
  if (isDay(start) && isDay(deadline) && deadline < start)
    report('schema', ['deadline'], `deadline ${deadline} is before the start, ${start}`);
  if (Array.isArray(root['holidays']))
    root['holidays'].forEach((h, i) => checkDate(h, ['holidays', i], report));
  checkHardwareDates(root['hardware'], ['hardware'], report);
}

/** The GPU arrival dates of a `hardware:` entry (the file's or a scenario's, at `base`). */
function checkHardwareDates(hw: unknown, base: FieldPath, report: Report): void {
  if (!isRecord(hw) || !Array.isArray(hw['gpu'])) return;
  hw['gpu'].forEach(
    (a, i) => isRecord(a) && checkDate(a['from'], [...base, 'gpu', i, 'from'], report),
  );
}

/** A `YYYY-MM-DD` that names a day. */
function isDay(v: unknown): v is string {
  return typeof v === 'string' && DATE_RE.test(v) && isCalendarDate(v);
}

/** A `YYYY-MM-DD` that names no day (2026-02-30); a string of another shape is the schema's. */
function checkDate(v: unknown, path: FieldPath, report: Report): void {
  if (typeof v === 'string' && DATE_RE.test(v) && !isCalendarDate(v))
    report('schema', path, `"${v}" is not a calendar date`);
}

/** The most GPUs the host ever has, over the base project and every scenario. */
export function maxGpuCount(root: Raw): number {
  let max = gpusOf(root['hardware']);
  if (isRecord(root['scenarios']))
    for (const s of Object.values(root['scenarios']))
      if (isRecord(s)) max = Math.max(max, gpusOf(s['hardware']));
  return max;
}

/**
 * Whether every `hardware:` entry (the file's and each scenario's) states its GPU counts in the
 * schema's shape: a list of arrivals, each count a whole number ≥ 0.
 */
function gpuCountsStated(root: Raw): boolean {
  const all = [root, ...(isRecord(root['scenarios']) ? Object.values(root['scenarios']) : [])];
  return all.every((s) => !isRecord(s) || hardwareStated(s['hardware']));
}

/** A `hardware:` entry absent, or one whose GPU arrivals all have whole counts ≥ 0. */
function hardwareStated(hw: unknown): boolean {
  if (hw === undefined) return true;
  if (!isRecord(hw)) return false;
  const gpu = hw['gpu'];
  if (gpu === undefined) return true;
  return (
    Array.isArray(gpu) &&
    gpu.every((a) => isRecord(a) && Number.isSafeInteger(a['count']) && (a['count'] as number) >= 0)
  );
}

/** The most GPUs a `hardware:` entry ever gives (0 for none). */
function gpusOf(hw: unknown): number {
  let max = 0;
  if (isRecord(hw) && Array.isArray(hw['gpu']))
    for (const a of hw['gpu'])
      if (isRecord(a) && typeof a['count'] === 'number') max = Math.max(max, a['count']);
  return max;
}

/** Work a scenario moves to the GPU host needs a host: GPUs, the scenario's or the file's. */
function checkMovesToGpu(root: Raw, s: Raw, base: FieldPath, report: Report): void {
  const moves = s['moves'];
  const hw = s['hardware'] ?? root['hardware'];
  // Hardware whose counts are a finding already: moving work there is not a second one.
  if (!isRecord(moves) || !hardwareStated(hw) || gpusOf(hw) > 0) return;
  for (const [key, to] of Object.entries(moves))
    if (to === 'gpu')
      report(
        'gpu-without-hardware',
        [...base, 'moves', key],
        `moves ${key} to the GPU host, but the scenario has no GPU hardware`,
      );
}

export function declaredSkills(root: Raw): Set<string> | undefined {
  if (!Array.isArray(root['team'])) return undefined;
  const skills = new Set<string>();
  for (const m of root['team']) {
    if (isRecord(m) && Array.isArray(m['skills']))
      for (const s of m['skills']) if (typeof s === 'string') skills.add(s);
  }
  return skills;
}

/** A task gives hours itself or through phases, never both. */
function checkTaskShape(t: Raw, base: FieldPath, report: Report): void {
  const phased = Array.isArray(t['phases']);
  if (!phased && t['hours'] === undefined) {
    report('schema', base, 'missing hours (give hours, or phases with hours each)');
  }
  if (phased) {
    for (const k of ['hours', 'hardware', 'gpus', 'run'] as const) {
      if (t[k] !== undefined)
        report('schema', [...base, k], `a task with phases gives ${k} per phase`, true);
    }
  }
}

/** Hours, and GPU demand against hardware, of a task without phases or of one phase. */
function checkWork(w: Raw, base: FieldPath, maxGpu: number, report: Report): void {
  const hours = w['hours'];
  if (isHoursShape(hours)) {
    const h = hours as Parameters<typeof parseHours>[0];
    const shapeOk =
      typeof h === 'number' ||
      (typeof h === 'string' && /^\s*\d+(\.\d+)?\s*(-\s*\d+(\.\d+)?\s*)?$/.test(h)) ||
      isPoints(h);
    if (shapeOk) {
      const p = parseHours(h);
      if (!p.ok) report('bad-hours', [...base, 'hours'], p.message);
    }
  }
  const gpus = w['gpus'];
  const hardware = w['hardware'];
  // GPUs held: a count the schema refuses (1.5) is its finding alone.
  const holds = gpus === 'all' || (Number.isSafeInteger(gpus) && (gpus as number) > 0);
  const needsGpu = hardware === 'gpu' || holds;
  if (hardware === 'macbook' && holds) {
    report('schema', [...base, 'gpus'], 'MacBook work cannot hold GPUs (set hardware: gpu)');
    return;
  }
  if (needsGpu && maxGpu === 0) {
    const at = hardware === 'gpu' ? 'hardware' : 'gpus';
    report(
      'gpu-without-hardware',
      [...base, at],
      'GPU work, but the project declares no GPU hardware (hardware.gpu)',
    );
  } else if (typeof gpus === 'number' && Number.isInteger(gpus) && gpus > maxGpu) {
    report(
      'gpu-over-capacity',
      [...base, 'gpus'],
      `needs ${gpus} GPUs, but the hardware never has more than ${maxGpu}`,
    );
  }
}

/** Why a command line cannot carry a NUL character (a process gets C strings). */
const NUL_IN_RUN = 'holds a NUL character (\\0), which no command line can carry';

/**
 * A command a process can be given (its shape is the schema's): an argv array names its program
 * first, and no part of it holds a NUL. Each passed validate and failed only when run, in Node's
 * words ("The argument 'file' cannot be empty") or with no word at all. Then its environment.
 */
function checkCommand(w: Raw, base: FieldPath, report: Report): void {
  checkEnv(w['env'], [...base, 'env'], report);
  const run = w['run'];
  if (typeof run === 'string') {
    if (run.includes('\0')) report('schema', [...base, 'run'], NUL_IN_RUN);
    else if (run !== '' && run.trim() === '')
      report(
        'schema',
        [...base, 'run'],
        'the command is blank: /bin/sh would run nothing and report success',
      );
    return;
  }
  if (!Array.isArray(run)) return;
  const program = programProblem(run[0]);
  if (program !== undefined) report('schema', [...base, 'run', 0], program);
  run.forEach((a, k) => {
    if (typeof a === 'string' && a.includes('\0'))
      report('schema', [...base, 'run', k], NUL_IN_RUN);
  });
}

/**
 * What is wrong with an argv array's first entry as the name of a program, if anything: empty or
 * blank, white space around it (`"python3 "`), or a bare name holding white space
 * (`"python3 -c"`), which the PATH search takes whole. A path may hold spaces
 * (`/opt/My Tools/bin/check`); no program's name starts or ends with one.
 */
function programProblem(program: unknown): string | undefined {
  if (typeof program !== 'string') return undefined;
  const trimmed = program.trim();
  if (trimmed === '')
    return `the program to run is ${program === '' ? 'empty' : 'blank'} (an argv array starts with the program's name or path)`;
  if (trimmed !== program)
    return `${quotedText(program)} has white space at its start or end, which no program's name has (write the name alone)`;
  if (!program.includes('/') && /\s/.test(program))
    return `${quotedText(program)} is looked up on PATH as one name, spaces included (put each argument in an entry of its own, or give run a string for /bin/sh)`;
  return undefined;
}

/**
 * Environment variables a process can be given: a name that is not empty and holds no `=` (the
 * command saw `FOO=BAR: y` as FOO set to `BAR=y`) nor NUL, a value without NUL.
 */
function checkEnv(env: unknown, at: FieldPath, report: Report): void {
  if (!isRecord(env)) return;
  for (const [name, value] of Object.entries(env)) {
    const message =
      name === ''
        ? "an environment variable's name cannot be empty"
        : name.includes('=') || name.includes('\0')
          ? `${quotedText(name)} cannot name an environment variable (a name holds no ${name.includes('=') ? '"="' : 'NUL character'})`
          : undefined;
    if (message !== undefined) report('schema', at, message, name);
    if (typeof value === 'string' && value.includes('\0'))
      report(
        'schema',
        [...at, name],
        'holds a NUL character (\\0), which no environment can carry',
      );
  }
}

/** A scenario's additions to the graph: edges (its `deps`) and tasks (node index → its `tasks` index). */
interface ScenarioPart {
  readonly base: FieldPath;
  readonly added: ReadonlyMap<number, number>;
  readonly extra: readonly { id: string; dep: string; path: FieldPath }[];
}

/**
 * Finds dependency cycles (one report per strongly connected group) and prints the loop. With a
 * scenario's part, only loops through its edges or tasks are reported, each at the scenario's
 * own entry; otherwise each loop is reported at the task that closes it.
 */
function checkCycles(
  tasks: unknown[],
  firstIndex: Map<string, number>,
  report: Report,
  scenario?: ScenarioPart,
  built?: { readonly edgeStart: Int32Array; readonly edges: readonly number[] },
): void {
  const { edgeStart, edges } = built ?? cycleEdges(tasks, firstIndex, scenario?.extra ?? []);
  // Iterative DFS colouring (0 new, 1 on the stack, 2 done); on a back edge, the stack holds the loop.
  const state = new Uint8Array(tasks.length);
  const inReported = new Set<number>();
  const stackNode: number[] = [];
  const stackNext: number[] = [];
  for (const root of firstIndex.values()) {
    if (state[root] !== 0) continue;
    stackNode.push(root);
    stackNext.push(edgeStart[root]!);
    state[root] = 1;
    while (stackNode.length > 0) {
      const top = stackNode.length - 1;
      const v = stackNode[top]!;
      const next = stackNext[top]!;
      if (next >= edgeStart[v + 1]!) {
        state[v] = 2;
        stackNode.pop();
        stackNext.pop();
        continue;
      }
      stackNext[top] = next + 1;
      const d = edges[next]!;
      if (state[d] === 0) {
        state[d] = 1;
        stackNode.push(d);
        stackNext.push(edgeStart[d]!);
      } else if (state[d] === 1) {
        const loop = stackNode.slice(stackNode.indexOf(d));
        if (loop.some((k) => inReported.has(k))) continue;
        loop.forEach((k) => inReported.add(k));
        reportCycle(tasks, loop, d, report, scenario);
      }
    }
  }
}

/** The edges checkCycles follows: task index to task index, in CSR. */
function cycleEdges(
  tasks: unknown[],
  firstIndex: Map<string, number>,
  extra: readonly { id: string; dep: string; path: FieldPath }[],
): { edgeStart: Int32Array; edges: number[] } {
  // Nodes are task indices (a duplicate id's first); edges in CSR, each list as written, once.
  const extraOf = new Map<string, string[]>();
  for (const e of extra) {
    const list = extraOf.get(e.id);
    if (list === undefined) extraOf.set(e.id, [e.dep]);
    else list.push(e.dep);
  }
  const edgeStart = new Int32Array(tasks.length + 1);
  const edges: number[] = [];
  // The edges of the task with id `id` to each known task of `list` not listed yet (from `from`).
  const add = (list: unknown, id: string, from: number): void => {
    if (!Array.isArray(list)) return;
    for (const d of list as unknown[]) {
      if (typeof d !== 'string' || d === id) continue;
      const k = firstIndex.get(d);
      if (k === undefined) continue;
      let listed = false;
      for (let q = from; q < edges.length && !listed; q++) listed = edges[q] === k;
      if (!listed) edges.push(k);
    }
  };
  for (const [id, i] of firstIndex) {
    const from = edges.length;
    const t = tasks[i];
    if (isRecord(t)) {
      add(t['deps'], id, from);
      if (Array.isArray(t['phases']))
        for (const p of t['phases']) if (isRecord(p)) add(p['deps'], id, from);
    }
    add(extraOf.get(id), id, from);
    edgeStart[i] = from;
    edgeStart[i + 1] = edges.length;
  }
  return { edgeStart, edges };
}

/** A loop found by checkCycles (task indices, `closing` the one the last depends on), as one report. */
function reportCycle(
  tasks: unknown[],
  loop: readonly number[],
  closing: number,
  report: Report,
  scenario: ScenarioPart | undefined,
): void {
  const idOf = (k: number): string => (tasks[k] as Raw)['id'] as string;
  // Dependencies point backwards in time; print the loop in the order work would flow.
  const flow = loop.map(idOf).reverse();
  const message = `dependency cycle: ${[...flow, flow[0]!].join(' → ')}`;
  if (scenario !== undefined) {
    const at = scenarioCycleAt(loop, idOf, scenario);
    if (at !== undefined) report('cycle', at, message);
    return;
  }
  const i = loop[loop.length - 1]!;
  const entry = depEntries(tasks[i]).find((e) => e.dep === idOf(closing));
  report('cycle', ['tasks', i, ...(entry?.path ?? ['deps'])], message);
}

/**
 * Where a scenario's loop is reported: at a `deps` entry of the scenario that the loop follows,
 * else at the deps of a task the scenario adds; undefined for a loop of the file's own.
 */
function scenarioCycleAt(
  loop: readonly number[],
  idOf: (k: number) => string,
  scenario: ScenarioPart,
): FieldPath | undefined {
  // loop[j] depends on loop[j + 1], and the last on the first.
  for (let j = 0; j < loop.length; j++) {
    const id = idOf(loop[j]!);
    const dep = idOf(loop[(j + 1) % loop.length]!);
    const e = scenario.extra.find((x) => x.id === id && x.dep === dep);
    if (e !== undefined) return e.path;
  }
  const added = loop.find((k) => scenario.added.has(k));
  return added === undefined
    ? undefined
    : [...scenario.base, 'tasks', scenario.added.get(added)!, 'deps'];
}

function checkScenarios(
  root: Raw,
  tasks: unknown[],
  firstIndex: Map<string, number>,
  maxGpu: number,
  skills: Set<string> | undefined,
  report: Report,
  budget: HintBudget,
): void {
  const sc = root['scenarios'];
  if (!isRecord(sc)) return;
  for (const [name, s] of Object.entries(sc)) {
    if (!isRecord(s)) continue;
    checkScenarioTeam(root, s['team'], ['scenarios', name, 'team'], report);
    const base: FieldPath = ['scenarios', name];
    checkHardwareDates(s['hardware'], [...base, 'hardware'], report);
    // The scenario's own tasks join the file's for every check below.
    const all = [...tasks];
    const index = new Map(firstIndex);
    const added = Array.isArray(s['tasks']) ? s['tasks'] : [];
    const addedAt = new Map<number, number>();
    added.forEach((t, i) => {
      if (!isRecord(t) || typeof t['id'] !== 'string') return;
      if (index.has(t['id'])) {
        report('duplicate-id', [...base, 'tasks', i, 'id'], `duplicate id "${t['id']}"`);
        return;
      }
      index.set(t['id'], all.length);
      addedAt.set(all.length, i);
      all.push(t);
    });
    let idList: string[] | undefined;
    const hintId: HintId = (word) => nearest(word, (idList ??= [...index.keys()]), budget);
    added.forEach((t, i) => {
      if (!isRecord(t)) return;
      const at: FieldPath = [...base, 'tasks', i];
      checkTaskShape(t, at, report);
      checkWork(t, at, maxGpu, report);
      checkCommand(t, at, report);
      checkSkill(t, at, skills, report, budget);
      checkDeps(t['deps'], t['id'], at, DEPS, index, hintId, report);
      // As the file's own phases: work, skill, deps and names used once.
      if (Array.isArray(t['phases']))
        checkPhases(t, t['phases'], at, maxGpu, skills, index, hintId, report, undefined, budget);
    });
    checkMovesToGpu(root, s, base, report);
    for (const key of ['estimates', 'deps', 'moves'] as const) {
      const map = s[key];
      if (!isRecord(map)) continue;
      for (const k of Object.keys(map))
        checkActivityKey(k, all, index, [...base, key, k], report, hintId, budget);
    }
    const extra: { id: string; dep: string; path: FieldPath }[] = [];
    if (isRecord(s['deps'])) {
      for (const [k, list] of Object.entries(s['deps'])) {
        const id = k.split('/')[0] ?? k;
        checkDeps(list, id, base, ['deps', k], index, hintId, report);
        if (Array.isArray(list))
          list.forEach((d, j) => {
            if (typeof d === 'string') extra.push({ id, dep: d, path: [...base, 'deps', k, j] });
          });
      }
    }
    // Only loops through the scenario's edges or tasks: the file's own were reported already.
    if (extra.length > 0 || added.length > 0)
      checkCycles(all, index, report, { base, added: addedAt, extra });
    if (isRecord(s['estimates'])) checkScenarioHours(s['estimates'], base, report);
  }
}

/** A scenario key names a task, or a phase as `task/phase`. */
function checkActivityKey(
  key: string,
  tasks: readonly unknown[],
  index: ReadonlyMap<string, number>,
  path: FieldPath,
  report: Report,
  hintId: HintId,
  budget: HintBudget,
): void {
  const [task = key, phase] = key.split('/');
  const i = index.get(task);
  if (i === undefined) {
    const hint = hintId(task);
    report(
      'bad-scenario',
      path,
      `unknown task "${task}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
      true,
    );
    return;
  }
  if (phase === undefined) return;
  const t = tasks[i];
  const names =
    isRecord(t) && Array.isArray(t['phases'])
      ? t['phases'].flatMap((p) =>
          isRecord(p) && typeof p['name'] === 'string' ? [p['name']] : [],
        )
      : [];
  if (!names.includes(phase)) {
    const hint = nearest(phase, names, budget);
    report(
      'bad-scenario',
      path,
      `task "${task}" has no phase "${phase}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
      true,
    );
  }
}

function checkScenarioHours(est: Raw, base: FieldPath, report: Report): void {
  for (const [key, h] of Object.entries(est)) {
    if (!isHoursShape(h)) continue;
    const p = parseHours(h as Parameters<typeof parseHours>[0]);
    if (
      !p.ok &&
      (typeof h === 'number' || isPoints(h) || /^\s*[\d.]+\s*(-\s*[\d.]+\s*)?$/.test(String(h)))
    ) {
      report('bad-hours', [...base, 'estimates', key], p.message);
    }
  }
}

/** A scenario's `team:`: a size from 1 to 64, or declared people joined by `+`. */
function checkScenarioTeam(root: Raw, team: unknown, at: FieldPath, report: Report): void {
  if (typeof team !== 'number' && typeof team !== 'string') return;
  if (typeof team === 'number' && (!Number.isInteger(team) || team < 1)) return; // the schema's
  const spec = parseTeamSpec(String(team));
  if (!spec.ok) {
    const e = spec.error;
    const message =
      e.kind === 'size'
        ? `a team has 1 to 64 engineers, got ${e.text}`
        : e.kind === 'repeated'
          ? `names someone twice: "${e.text}"`
          : `expected a team size or people such as infra+ml, got "${e.text}"`;
    report('bad-scenario', at, message);
    return;
  }
  const declared = Array.isArray(root['team'])
    ? root['team'].flatMap((m) => (isRecord(m) && typeof m['id'] === 'string' ? [m['id']] : []))
    : [];
  const missing = unknownMember(spec.value, declared);
  if (missing !== undefined) report('bad-scenario', at, unknownMemberMessage(missing));
}
