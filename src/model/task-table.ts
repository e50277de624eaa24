import type { GpuDemand, Hardware } from './project.js';

/**
 * A checked project of plain tasks (no phases) held in columns, one entry per task in file
 * order: what `plan`'s critical path reads of a task file of a million tasks, without an object
 * per task. Each task is one activity, with the task's id; `deps` are the edges, once each.
 */
export interface TaskTable {
  readonly project: string;
  readonly size: number;
  id(i: number): string;
  /** The task's title: its id when it has none. */
  title(i: number): string;
  /** Hours: the estimate's low, likely and high points. */
  readonly low: Float64Array;
  readonly likely: Float64Array;
  readonly high: Float64Array;
  hardware(i: number): Hardware;
  gpus(i: number): GpuDemand;
  /** The tasks each task waits for (CSR: `pred[predStart[i] .. predStart[i+1]]`), and the reverse. */
  readonly predStart: Int32Array;
  readonly pred: Int32Array;
  readonly succStart: Int32Array;
  readonly succ: Int32Array;
  /** The tasks in a topological order (Kahn's, as the engine's topoOrder gives it). */
  readonly order: Int32Array;
}
