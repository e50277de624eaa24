/** The scheduling engine's public surface. */
export type { Problem, Schedule, ResourceDef, CapacityStep } from './problem.js';
export { ALL } from './problem.js';
export type { SolveOptions, SolveResult } from './solve.js';
export { solve } from './solve.js';
export type { Bounds, BoundsResult } from './bounds.js';
export { computeBounds, arrivalRelease } from './bounds.js';
export type { Compiled } from './compile.js';
export { compile, normalizeSteps, idRanks, gridCells, gridFits } from './compile.js';
export { Resolver, latestFinish } from './resolve.js';
export { Sgs, InfeasibleError } from './sgs.js';
export { Fbi, sortByKey } from './fbi.js';
export type { PriorityRule } from './priority.js';
export {
  PRIORITY_RULES,
  priorityValues,
  priorityList,
  sampledList,
  totalSuccessors,
} from './priority.js';
export type { Individual, GaOptions } from './ga.js';
export { runGa, twoPointCrossover, mutate } from './ga.js';
export { Profile } from './profile.js';
export { Rng } from './rng.js';
export { checkSchedule } from './check-schedule.js';
export { serialSgs, parallelSgs, forwardBackward } from './building-blocks.js';
