import { gpuProfile, isoAt, projectCalendar } from '../calendar/calendar.js';
import type { Phase, Project, Scenario } from '../model/project.js';
import { expectedHours } from '../model/project.js';
import type { DiagnosticReason } from '../result.js';
import type { GpuMisfit } from '../planner/project/gpu-fit.js';
import { gpuMisfit, mostGpus, windowWords } from '../planner/project/gpu-fit.js';
import { applyScenario } from '../planner/project/scenarios.js';
import type { FieldPath } from './field-path.js';

/** One finding of checkGpuFit: where, why, and the words after the path. */
export interface GpuFitFinding {
  readonly reason: DiagnosticReason;
  readonly path: FieldPath;
  readonly message: string;
}

type Raw = Record<string, unknown>;

/**
 * GPU work that a plan could never schedule, in the project as written and in each scenario (its
 * hardware, hours per day, moves, estimates and tasks applied as `plan --scenario` applies them):
 * more GPUs than that hardware ever has, or no GPUs at all, or work longer than every stretch of
 * working hours with enough GPUs (the planner never runs an activity across a drop in the GPUs
 * it holds, nor work holding every GPU across any change in their count). A scenario's finding
 * is said at the scenario's own field that causes it; the file's hardware must do for the file. Durations are the
 * expected hours, what plans use by default; `--estimate high` and `--monte-carlo` say in the
 * same words when a longer duration does not fit.
 *
 * Runs on the normalized project of a file that passed every other check; `raw` is the value it
 * came from, read only for which fields the file wrote.
 */
export function checkGpuFit(project: Project, raw: Raw): GpuFitFinding[] {
  const out: GpuFitFinding[] = [];
  // No GPU work anywhere (most large files): nothing to place.
  if (!hasGpuWork(project)) return out;
  checkVariant(project, undefined, raw, out);
  for (const s of project.scenarios)
    checkVariant(applyScenario(project, s).project, s, raw, out, project);
  return out;
}

function hasGpuWork(project: Project): boolean {
  const gpu = (p: Phase): boolean => p.hardware === 'gpu';
  if (project.tasks.some((t) => t.phases.some(gpu))) return true;
  return project.scenarios.some(
    (s) =>
      s.tasks.some((t) => t.phases.some(gpu)) || Object.values(s.moves).some((m) => m === 'gpu'),
  );
}

/** The findings of one variant: the project as written (`scenario` undefined), or a scenario applied. */
function checkVariant(
  p: Project,
  scenario: Scenario | undefined,
  raw: Raw,
  out: GpuFitFinding[],
  written: Project = p,
): void {
  const cal = projectCalendar(p);
  const steps = gpuProfile(cal, p.gpu);
  const max = mostGpus(steps);
  const own = Array.isArray(raw['tasks']) ? raw['tasks'].length : 0;
  p.tasks.forEach((t, i) => {
    t.phases.forEach((ph, j) => {
      if (ph.hardware !== 'gpu') return;
      const hours = expectedHours(ph.estimate);
      const misfit = gpuMisfit(steps, ph.gpus, hours, max);
      if (misfit === undefined) return;
      // Where the work is written: the file's task, or one the scenario adds.
      const base: FieldPath =
        i < own ? ['tasks', i] : ['scenarios', scenario?.name ?? '', 'tasks', i - own];
      const at: FieldPath = ph.name === null ? base : [...base, 'phases', j];
      const dateOf = (h: number, kind: 'start' | 'end'): string => isoAt(cal, h, kind);
      const shownHours =
        ph.estimate.low === ph.estimate.high ? `${round(hours)} h` : `${round(hours)} h (expected)`;
      const words =
        misfit.kind === 'window'
          ? windowWords(ph.gpus, shownHours, misfit.longest, dateOf)
          : countWords(misfit, ph.gpus, scenario);
      const path =
        scenario === undefined || i >= own
          ? workPath(at, misfit, raw)
          : scenarioCause(scenario, t.id, ph, misfit, written.tasks[i]?.phases[j]?.hardware);
      // A scenario that changes nothing this work depends on: the file's own finding says it.
      if (path === undefined) return;
      const reason = misfit.kind === 'no-gpus' ? 'gpu-without-hardware' : 'gpu-over-capacity';
      const message =
        scenario === undefined
          ? words
          : `in scenario "${scenario.name}", ${ph.activityId} ${words}`;
      out.push({ reason, path, message });
    });
  });
}

function countWords(
  misfit: GpuMisfit,
  gpus: Phase['gpus'],
  scenario: Scenario | undefined,
): string {
  const hardware = scenario === undefined ? 'the hardware' : "the scenario's hardware";
  // A scenario's hardware counts only in that scenario: the file's own must do for the file.
  const only =
    scenario === undefined ? " (a scenario's hardware counts only in that scenario)" : '';
  if (misfit.kind === 'no-gpus') return `is GPU work, but ${hardware} has no GPUs${only}`;
  const max = misfit.kind === 'count' ? misfit.max : 0;
  const n = gpus === 'all' ? 'every GPU' : `${gpus} GPUs`;
  return `needs ${n}, but ${hardware} never has more than ${max}${only}`;
}

/** The field of the work itself a finding points at: its hours (too long) or its GPUs. */
function workPath(at: FieldPath, misfit: GpuMisfit, raw: Raw): FieldPath {
  if (misfit.kind === 'window') return [...at, 'hours'];
  return isWritten(raw, [...at, 'gpus']) ? [...at, 'gpus'] : [...at, 'hardware'];
}

/**
 * The scenario's own field that makes the file's work misfit: its move of the work to the GPU
 * host, its estimate of the work (too long), its hardware, or its hours per day (stretches of
 * fewer working hours). Undefined when it changes none of them.
 */
function scenarioCause(
  s: Scenario,
  task: string,
  ph: Phase,
  misfit: GpuMisfit,
  /** The work's hardware in the file, before the scenario's moves. */
  was: Phase['hardware'] | undefined,
): FieldPath | undefined {
  const base: FieldPath = ['scenarios', s.name];
  const key = (map: Readonly<Record<string, unknown>>): string | undefined =>
    ph.name !== null && map[ph.activityId] !== undefined
      ? ph.activityId
      : map[task] !== undefined
        ? task
        : undefined;
  const moved = key(s.moves);
  if (moved !== undefined && s.moves[moved] === 'gpu' && was !== 'gpu')
    return [...base, 'moves', moved];
  const window = misfit.kind === 'window';
  const estimated = key(s.estimates);
  if (window && estimated !== undefined) return [...base, 'estimates', estimated];
  if (s.gpu !== undefined) return [...base, 'hardware'];
  if (window && s.hoursPerDay !== undefined) return [...base, 'hoursPerDay'];
  return undefined;
}

/** Whether the file writes a value at `path`. */
function isWritten(raw: unknown, path: FieldPath): boolean {
  let v: unknown = raw;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return false;
    v = (v as Record<PropertyKey, unknown>)[k as string];
  }
  return v !== undefined;
}

function round(h: number): string {
  return String(Math.round(h * 100) / 100);
}
