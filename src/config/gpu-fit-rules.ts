import { gpuProfile, isoAt, projectCalendar } from '../calendar/calendar.js';
import type { Phase, Project } from '../model/project.js';
import { expectedHours } from '../model/project.js';
import type { DiagnosticReason } from '../result.js';
import type { GpuMisfit } from '../planner/project/gpu-fit.js';
import { gpuMisfit, mostGpus, windowWords } from '../planner/project/gpu-fit.js';
import type { FieldPath } from './positions.js';

/** One finding of checkGpuFit: where, why, and the words after the path. */
export interface GpuFitFinding {
  readonly reason: DiagnosticReason;
  readonly path: FieldPath;
  readonly message: string;
}

type Raw = Record<string, unknown>;

/**
 * GPU work that a plan could never schedule: more GPUs than the hardware ever has, or no GPUs at
 * all, or work longer than every stretch of working hours with enough GPUs (the planner never
 * runs an activity across a drop in the GPUs it holds, nor work holding every GPU across any
 * change in their count). Durations are the
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
  checkVariant(project, raw, out);
  return out;
}

function hasGpuWork(project: Project): boolean {
  return project.tasks.some((t) => t.phases.some((p) => p.hardware === 'gpu'));
}

/** The findings of the project's GPU work. */
function checkVariant(p: Project, raw: Raw, out: GpuFitFinding[]): void {
  const cal = projectCalendar(p);
  const steps = gpuProfile(cal, p.gpu);
  const max = mostGpus(steps);
  p.tasks.forEach((t, i) => {
    t.phases.forEach((ph, j) => {
      if (ph.hardware !== 'gpu') return;
      const hours = expectedHours(ph.estimate);
      const misfit = gpuMisfit(steps, ph.gpus, hours, max);
      if (misfit === undefined) return;
      const base: FieldPath = ['tasks', i];
      const at: FieldPath = ph.name === null ? base : [...base, 'phases', j];
      const dateOf = (h: number, kind: 'start' | 'end'): string => isoAt(cal, h, kind);
      const shownHours =
        ph.estimate.low === ph.estimate.high ? `${round(hours)} h` : `${round(hours)} h (expected)`;
      const message =
        misfit.kind === 'window'
          ? windowWords(ph.gpus, shownHours, misfit.longest, dateOf)
          : countWords(misfit, ph.gpus);
      const reason = misfit.kind === 'no-gpus' ? 'gpu-without-hardware' : 'gpu-over-capacity';
      out.push({ reason, path: workPath(at, misfit, raw), message });
    });
  });
}

function countWords(misfit: GpuMisfit, gpus: Phase['gpus']): string {
  if (misfit.kind === 'no-gpus') return 'is GPU work, but the hardware has no GPUs';
  const max = misfit.kind === 'count' ? misfit.max : 0;
  const n = gpus === 'all' ? 'every GPU' : `${gpus} GPUs`;
  return `needs ${n}, but the hardware never has more than ${max}`;
}

/** The field of the work itself a finding points at: its hours (too long) or its GPUs. */
function workPath(at: FieldPath, misfit: GpuMisfit, raw: Raw): FieldPath {
  if (misfit.kind === 'window') return [...at, 'hours'];
  return isWritten(raw, [...at, 'gpus']) ? [...at, 'gpus'] : [...at, 'hardware'];
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
