import type { Project } from '../../model/project.js';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import type { MonteCarloResult, SampleScheduler } from '../engine/monte-carlo.js';
import { monteCarlo } from '../engine/monte-carlo.js';
import { reusableFastScheduler } from '../engine/monte-carlo-fast.js';
import type { CapacityStep, Problem, Schedule } from '../engine/problem.js';
import type { DateOf, ProjectProblem } from './project-problem.js';
import { GPU, projectProblem, reusableChainFinder } from './project-problem.js';
import type { Distribution, SamplingOptions } from '../engine/sampling.js';
import { distributionOf } from '../engine/sampling.js';
import { solve } from '../engine/solve.js';
import type { TeamMember } from './team-plan.js';
import { gpuMisfit, windowWords } from './gpu-fit.js';
import { roundHours } from './team-plan.js';

/**
 * Monte Carlo for a project and a team: the project becomes a Problem (engineers, GPUs on the
 * arrival profile, the GPU host), every sample is re-scheduled with the engine's fast mode (one
 * LFT serial pass improved by forward-backward iteration), and the critical chain is the one the
 * team plan reports. Everything is on the working-time axis; dates are the caller's business.
 */

export interface ProjectMonteCarloOptions {
  readonly team: readonly TeamMember[];
  /** GPUs over the working-time axis (the calendar's `gpuProfile` of the project's arrivals). */
  readonly gpuProfile: readonly CapacityStep[];
  /** The calendar's dates of axis hours, for messages (GPU work that never fits the profile). */
  readonly dateOf?: DateOf;
  readonly samples: number;
  readonly seed: number;
  /** Axis hours by which to finish. */
  readonly deadline?: number;
  /** The engine's clock (fast mode reads it once); the planner has none of its own. */
  readonly now: () => number;
  readonly sampling?: SamplingOptions;
  readonly drivers?: number;
  /** `reuse` (default): the fast mode on a problem compiled once; `solve`: call solve() per sample. */
  readonly scheduler?: 'reuse' | 'solve';
  /**
   * The deterministic plan (expected hours) of the same problem, e.g. the team plan's schedule.
   * Samples may follow it; without one it is solved here within `planBudget` schedules.
   */
  readonly plan?: Schedule;
  /** Told the samples done so far (MonteCarloOptions.onProgress). */
  readonly onProgress?: (done: number) => void;
  /** @default 2000 */
  readonly planBudget?: number;
}

export interface ProjectMonteCarlo {
  readonly pp: ProjectProblem;
  readonly distributions: readonly Distribution[];
  readonly result: MonteCarloResult;
  /** The deterministic plan on expected hours, and its makespan. */
  readonly plan: Schedule;
}

/** The distribution of each activity of a project problem, in problem order. */
export function activityDistributions(
  pp: ProjectProblem,
  opts: SamplingOptions = {},
): Distribution[] {
  return pp.graph.activities.map((a) => distributionOf(a.phase.estimate, a.task.risk, opts));
}

/** A sample scheduler on the engine's fast mode. */
export function fastScheduler(seed: number, now: () => number): SampleScheduler {
  return (problem: Problem) => solve(problem, { seed, timeLimitMs: 0, mode: 'fast', now }).schedule;
}

export function projectMonteCarlo(
  project: Project,
  opts: ProjectMonteCarloOptions,
): Result<ProjectMonteCarlo, string> {
  const pp = projectProblem(project, {
    team: opts.team,
    estimate: 'expected',
    gpuProfile: opts.gpuProfile,
    ...(opts.dateOf === undefined ? {} : { dateOf: opts.dateOf }),
  });
  if (!pp.ok) return err(pp.error);
  const distributions = activityDistributions(pp.value, opts.sampling);
  const misfit = sampledMisfit(pp.value, distributions, opts.dateOf);
  if (misfit !== undefined) return err(misfit);
  try {
    const plan =
      opts.plan ??
      solve(pp.value.problem, {
        seed: opts.seed,
        timeLimitMs: 2000,
        maxSchedules: opts.planBudget ?? 2000,
        now: opts.now,
      }).schedule;
    const result = monteCarlo(pp.value.problem, distributions, {
      samples: opts.samples,
      seed: opts.seed,
      deadline: opts.deadline,
      schedule:
        opts.scheduler === 'solve'
          ? fastScheduler(opts.seed, opts.now)
          : // Each sample also follows the plan (its order and engineers) and keeps the shorter
            // schedule, so a sample with the plan's hours never ends later than the plan.
            reusableFastScheduler({ plan: { schedule: plan } }),
      chain: reusableChainFinder(),
      groups: pp.value.graph.activities.map((a) => a.task.id),
      drivers: opts.drivers,
      ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
    });
    return ok({ pp: pp.value, distributions, result, plan });
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Why a sample could never be scheduled: GPU work whose longest draw (the top of its range,
 * widened by `risk: high`) is longer than every stretch of the GPUs it holds; undefined when
 * every draw fits. The expected hours fit (projectProblem checked them).
 */
function sampledMisfit(
  pp: ProjectProblem,
  distributions: readonly Distribution[],
  dateOf: DateOf | undefined,
): string | undefined {
  const gpu = pp.problem.resources.find((r) => r.id === GPU)?.profile ?? [];
  for (const a of pp.graph.activities) {
    if (a.phase.hardware !== 'gpu') continue;
    const high = distributions[a.index]!.high;
    const misfit = gpuMisfit(gpu, a.phase.gpus, high);
    if (misfit?.kind === 'window') {
      const hours = `up to ${roundHours(high)} h (the longest duration the samples draw)`;
      return `${a.id} ${windowWords(a.phase.gpus, hours, misfit.longest, dateOf)}`;
    }
  }
  return undefined;
}
