import type { BlockReason } from './scheduler.js';
import type { FailureReason, InterruptReason } from '../state/records.js';

/**
 * What `run` reports while it works. The executor emits these; reporters in src/reporters
 * render them (live TTY view, plain lines, NDJSON). Times are epoch milliseconds.
 */

/** Why an attempt failed, as data. */
export type Failure =
  | { readonly reason: 'exit-non-zero'; readonly exitCode: number }
  | { readonly reason: 'signal'; readonly signal: string }
  | { readonly reason: 'timeout'; readonly seconds: number }
  | { readonly reason: 'spawn-error'; readonly message: string };

export type FailureKind = Failure['reason'] & FailureReason;

/** How the run ended: everything done, a failure, a signal, or work the host cannot do. */
export type RunOutcome = 'ok' | 'failed' | 'interrupted' | 'blocked';

/** One row of the end summary. */
export interface SummaryRow {
  readonly id: string;
  readonly status: 'done' | 'failed' | 'interrupted' | 'blocked' | 'skipped' | 'not-run';
  /** Planned hours (PERT expected). */
  readonly estimateHours: number;
  /** Hours the successful attempt took in this or an earlier run; undefined when not done. */
  readonly actualHours: number | undefined;
  /** Whether it ran in this run (false: done earlier, or never started). */
  readonly ranNow: boolean;
}

export type RunEvent =
  | {
      readonly type: 'run-start';
      readonly at: number;
      readonly runId: string;
      /** Where the commands run: `local`, or `slurm` (whose scheduler then decides jobs and GPUs). */
      readonly backend: string;
      readonly jobs: number;
      readonly gpus: readonly number[];
      readonly simulatedGpus: boolean;
      /** Activities this run will try, and those already done from earlier runs. */
      readonly toRun: number;
      readonly alreadyDone: number;
      /** Planned hours of the whole project, and of what is already done. */
      readonly plannedHours: number;
      readonly doneHours: number;
    }
  | { readonly type: 'warning'; readonly at: number; readonly message: string }
  /** `--force`: these run again, and so does what ran downstream of them (make's rule). */
  | {
      readonly type: 'forced';
      readonly at: number;
      readonly ids: readonly string[];
      /**
       * Done or failed activities downstream of `ids`, reset with them (none under
       * --keep-downstream); those with hand records keep them, do not run again, and are left out.
       */
      readonly downstream: readonly string[];
    }
  | {
      readonly type: 'orphans-killed';
      readonly at: number;
      readonly pids: readonly number[];
      readonly runIds: readonly string[];
    }
  | { readonly type: 'resumed'; readonly at: number; readonly interrupted: readonly string[] }
  | {
      readonly type: 'activity-start';
      readonly at: number;
      readonly id: string;
      readonly attempt: number;
      readonly gpus: readonly number[];
      readonly gpuUuids: readonly string[];
      readonly log: string;
      readonly pid: number | undefined;
      readonly estimateHours: number;
    }
  /** Handed to a system that runs it out of our sight (Slurm), or taken over from an earlier run. */
  | {
      readonly type: 'activity-submitted';
      readonly at: number;
      readonly id: string;
      readonly attempt: number;
      /** Who runs it, for people: `Slurm`. */
      readonly system: string;
      /** Its id there (the Slurm job id). */
      readonly externalId: string;
      /** True when an earlier run submitted it and this run follows it. */
      readonly adopted: boolean;
    }
  | {
      readonly type: 'activity-retry';
      readonly at: number;
      readonly id: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly failure: Failure;
    }
  | {
      readonly type: 'activity-done';
      readonly at: number;
      readonly id: string;
      readonly attempt: number;
      readonly durationMs: number;
      readonly estimateHours: number;
    }
  | {
      readonly type: 'activity-failed';
      readonly at: number;
      readonly id: string;
      readonly attempt: number;
      readonly failure: Failure;
      readonly durationMs: number;
      readonly log: string;
      /** GPUs the failed attempt held (none on a batch backend, which picks its own). */
      readonly gpus: readonly number[];
      /** The last lines of the attempt's log (its stderr and stdout), control characters as written. */
      readonly stderrTail: readonly string[];
    }
  | {
      readonly type: 'activity-interrupted';
      readonly at: number;
      readonly id: string;
      readonly attempt: number;
      readonly reason: InterruptReason;
    }
  | {
      readonly type: 'activity-blocked';
      readonly at: number;
      readonly id: string;
      readonly reason: BlockReason;
      readonly text: string;
    }
  /** The run submitted its work and returns without following it (`--no-follow`); no run-end. */
  | {
      readonly type: 'run-detached';
      readonly at: number;
      readonly runId: string;
      /** Jobs this run submitted, and jobs of earlier runs still in the system. */
      readonly submitted: number;
      readonly adopted: number;
    }
  | {
      readonly type: 'run-end';
      readonly at: number;
      readonly runId: string;
      readonly outcome: RunOutcome;
      readonly durationMs: number;
      readonly rows: readonly SummaryRow[];
    };

/** Renders events. `close` runs once, after `run-end` or on abort. */
export interface RunReporter {
  onEvent(e: RunEvent): void;
  close(): void;
}
