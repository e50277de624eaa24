/**
 * The run journal's record types: one JSON object per line in `.critpath/<name>.journal`,
 * appended and fsynced, never rewritten. Every record carries `v` (format version), `t` (type)
 * and `at` (epoch milliseconds). Replaying the records in order rebuilds the run state.
 */

import { z } from 'zod';

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
  /** The last lines the command wrote to its log (stdout and stderr), for the failure line. */
  readonly stderrTail?: readonly string[];
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

export type JournalRecord =
  | RunStartRecord
  | StartedRecord
  | ExternalIdRecord
  | FinishedRecord
  | FailedRecord
  | InterruptedRecord
  | RunEndRecord
  | ResetRecord;

/** Distributes Omit over the union, so `Omit<JournalRecord, 'v'>` stays a union. */
export type WithoutVersion<T> = T extends unknown ? Omit<T, 'v'> : never;

/**
 * What a journal line must look like to be replayed, checked on read: a line of valid JSON with
 * the wrong shape is reported like a corrupt one, never half-applied. One schema per record
 * kind, joined on `t`: a new kind is one more member of the union.
 */
const base = { v: z.literal(1), at: z.number().finite() };
const runId = z.string().min(1);
const id = z.string().min(1);
const attempt = z.number().int().positive();
const gpus = z.array(z.number().int().nonnegative());

export const RunStartRecordSchema = z.object({
  ...base,
  t: z.literal('run-start'),
  runId,
  pid: z.number().int(),
  pidStart: z.string(),
  boot: z.string(),
  host: z.string(),
  backend: z.string(),
  // 0 for a batch backend (Slurm decides how many run at once).
  jobs: z.number().int().nonnegative(),
  gpus,
  simulatedGpus: z.boolean(),
});

export const StartedRecordSchema = z.object({
  ...base,
  t: z.literal('started'),
  runId,
  id,
  attempt,
  backend: z.string(),
  pid: z.number().int().optional(),
  externalId: z.string().optional(),
  gpus,
  log: z.string(),
});

export const ExternalIdRecordSchema = z.object({
  ...base,
  t: z.literal('external-id'),
  runId,
  id,
  attempt,
  backend: z.string(),
  externalId: z.string(),
});

export const FinishedRecordSchema = z.object({
  ...base,
  t: z.literal('finished'),
  runId,
  id,
  attempt,
  exitCode: z.literal(0),
  durationMs: z.number().finite(),
});

export const FailedRecordSchema = z.object({
  ...base,
  t: z.literal('failed'),
  runId,
  id,
  attempt,
  reason: z.enum(['exit-non-zero', 'signal', 'timeout', 'spawn-error']),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  message: z.string().optional(),
  stderrTail: z.array(z.string()).optional(),
  durationMs: z.number().finite(),
  final: z.boolean(),
});

export const InterruptedRecordSchema = z.object({
  ...base,
  t: z.literal('interrupted'),
  runId,
  id,
  attempt,
  reason: z.enum(['signal', 'fail-fast', 'crash', 'no-new']),
  durationMs: z.number().finite().nullable(),
});

export const RunEndRecordSchema = z.object({
  ...base,
  t: z.literal('run-end'),
  runId,
  outcome: z.enum(['ok', 'failed', 'interrupted', 'blocked']),
});

export const ResetRecordSchema = z.object({
  ...base,
  t: z.literal('reset'),
  ids: z.array(id).nullable(),
});

export const JournalRecordSchema = z.discriminatedUnion('t', [
  RunStartRecordSchema,
  StartedRecordSchema,
  ExternalIdRecordSchema,
  FinishedRecordSchema,
  FailedRecordSchema,
  InterruptedRecordSchema,
  RunEndRecordSchema,
  ResetRecordSchema,
]);

/** The schema and the record types say the same thing. */
type SameAs<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesTypes: SameAs<z.infer<typeof JournalRecordSchema>['t'], JournalRecord['t']> =
  true;
void schemaMatchesTypes;

/** A parsed line as a record, or why it is not one (one line, for a report). */
export function checkRecord(value: unknown): JournalRecord | string {
  const r = JournalRecordSchema.safeParse(value);
  if (r.success) return r.data as JournalRecord;
  const issue = r.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
  return `${where}${issue?.message ?? 'not a journal record'}`;
}
