/**
 * The run journal's record types: one JSON object per line in `.critpath/<name>.journal`,
 * appended and fsynced, never rewritten. Every record carries `v` (format version), `t` (type)
 * and `at` (epoch milliseconds). Replaying the records in order rebuilds the run state.
 */

/** Journal format version. */
export const JOURNAL_VERSION = 1;

/** Which machinery ran an activity: `local` (this host) or another backend such as `slurm`. */
export type BackendName = string;

/** A `critpath run` began. */
export interface RunStartRecord {
  readonly v: 1;
  readonly t: 'run-start';
  readonly at: number;
  readonly runId: string;
  readonly pid: number;
  /** Process start time and boot id: tell a live run from a dead one whose pid was reused. */
  readonly pidStart: string;
  readonly boot: string;
  readonly host: string;
  readonly backend: BackendName;
  readonly jobs: number;
  /** GPU indices the run could use, and whether they were simulated. */
  readonly gpus: readonly number[];
  readonly simulatedGpus: boolean;
}

/** An attempt of an activity started (or was submitted, for a batch backend). */
export interface StartedRecord {
  readonly v: 1;
  readonly t: 'started';
  readonly at: number;
  readonly runId: string;
  readonly id: string;
  /** 1 for the first try, 2 for the first retry… */
  readonly attempt: number;
  readonly backend: BackendName;
  /** Process (group) id of a local attempt. */
  readonly pid?: number;
  /** A batch backend's job id, when known at start. */
  readonly externalId?: string;
  readonly gpus: readonly number[];
  /** Log file, relative to the project root. */
  readonly log: string;
}

/** A batch backend learned the job id of a started attempt (e.g. after sbatch answered). */
export interface ExternalIdRecord {
  readonly v: 1;
  readonly t: 'external-id';
  readonly at: number;
  readonly runId: string;
  readonly id: string;
  readonly attempt: number;
  readonly backend: BackendName;
  readonly externalId: string;
}

/** An attempt succeeded. */
export interface FinishedRecord {
  readonly v: 1;
  readonly t: 'finished';
  readonly at: number;
  readonly runId: string;
  readonly id: string;
  readonly attempt: number;
  readonly exitCode: 0;
  readonly durationMs: number;
}

/** Why an attempt failed. */
export type FailureReason = 'exit-non-zero' | 'signal' | 'timeout' | 'spawn-error';

/** An attempt failed; `final` is false when a retry follows. */
export interface FailedRecord {
  readonly v: 1;
  readonly t: 'failed';
  readonly at: number;
  readonly runId: string;
  readonly id: string;
  readonly attempt: number;
  readonly reason: FailureReason;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly message?: string;
  readonly durationMs: number;
  readonly final: boolean;
}

/**
 * Why an attempt was cut short without failing on its own. `no-new`: its retry was due when
 * another activity failed for good and the run started nothing new (the default policy).
 */
export type InterruptReason = 'signal' | 'fail-fast' | 'crash' | 'no-new';

/** An attempt was stopped (Ctrl-C, --fail-fast) or found running in a run that had died. */
export interface InterruptedRecord {
  readonly v: 1;
  readonly t: 'interrupted';
  readonly at: number;
  /** The run the attempt belonged to. */
  readonly runId: string;
  readonly id: string;
  readonly attempt: number;
  readonly reason: InterruptReason;
  readonly durationMs: number | null;
}

/** A run ended. */
export interface RunEndRecord {
  readonly v: 1;
  readonly t: 'run-end';
  readonly at: number;
  readonly runId: string;
  readonly outcome: 'ok' | 'failed' | 'interrupted' | 'blocked';
}

/** `critpath reset [ID]` or `run --force ID`: forget the results of these activities (all when null). */
export interface ResetRecord {
  readonly v: 1;
  readonly t: 'reset';
  readonly at: number;
  readonly ids: readonly string[] | null;
}

/**
 * Hand work, recorded by people (`critpath start|done|undo|block`): work no command runs, such as
 * writing a role or the docs. `undo` takes back the activity's last hand record. Its hours are an
 * engineer's, kept apart from the machine time of run attempts.
 */
export interface HandRecord {
  readonly v: 1;
  readonly t: 'hand';
  /** When it happened (`--at`), epoch milliseconds; `recordedAt` is when it was written. */
  readonly at: number;
  readonly recordedAt: number;
  readonly id: string;
  readonly action: HandAction;
  /** Who did it (a declared person's id, or a name). */
  readonly by?: string;
  /** `done`: the engineer hours it took (`--hours`). */
  readonly hours?: number;
  /** `block`: why it cannot go on. */
  readonly reason?: string;
}

export type HandAction = 'start' | 'done' | 'undo' | 'block';

export type JournalRecord =
  | RunStartRecord
  | StartedRecord
  | ExternalIdRecord
  | FinishedRecord
  | FailedRecord
  | InterruptedRecord
  | RunEndRecord
  | ResetRecord
  | HandRecord;

/** Distributes Omit over the union, so `Omit<JournalRecord, 'v'>` stays a union. */
export type WithoutVersion<T> = T extends unknown ? Omit<T, 'v'> : never;
