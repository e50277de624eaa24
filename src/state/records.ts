/**
 * The run journal's records: one JSON object per line in `.critpath/<file>.journal`, appended
 * and fsynced, never rewritten. Every record carries `v` (format version), `t` (its kind) and
 * `at` (epoch milliseconds). Replaying the records in order rebuilds the run state (reducer.ts).
 *
 * Each kind is defined once, here, as a zod schema: the schema checks a line when it is read (a
 * line of valid JSON with the wrong shape is reported like a corrupt one, never half-applied) and
 * its type is derived from it. A new kind is one schema below plus its entry in RECORD_KINDS;
 * the reducer's switch then asks for its case.
 */

import { z } from 'zod';
import { formatPath, valueAt } from '../config/field-path.js';
import { describeValue, issueWords, quotedText } from '../config/issue-words.js';
import { MAX_DURATION_MS, MAX_RECORD_HOURS, MAX_TIME_MS, MIN_TIME_MS } from './record-bounds.js';

/** Journal format version. */
export const JOURNAL_VERSION = 1;

/** Which machinery ran an activity: `local` (this host) or another backend such as `slurm`. */
export type BackendName = string;

/** An instant, in epoch milliseconds, within the years 1970–9999 (record-bounds.ts). */
const time = z
  .number()
  .finite()
  .min(MIN_TIME_MS, 'a time before 1970')
  .max(MAX_TIME_MS, 'a time after 9999-12-30 00:00 UTC (dates end in 9999)');
/** How long an attempt took, in milliseconds: 0 up to the most hours a task may take. */
const durationMs = z
  .number()
  .finite()
  .min(0, 'a negative duration')
  .max(MAX_DURATION_MS, `a duration over ${MAX_RECORD_HOURS} hours`);
const base = { v: z.literal(1), at: time };
const runId = z.string().min(1);
const id = z.string().min(1);
/** 1 for the first try, 2 for the first retry… */
const attempt = z.number().int().positive();
const gpus = z.array(z.number().int().nonnegative()).readonly();

/** A `critpath run` began. */
export const RunStartRecordSchema = z
  .object({
    ...base,
    t: z.literal('run-start'),
    runId,
    pid: z.number().int(),
    /** Process start time and boot id: tell a live run from a dead one whose pid was reused. */
    pidStart: z.string(),
    boot: z.string(),
    host: z.string(),
    backend: z.string(),
    /** 0 for a batch backend (Slurm decides how many run at once). */
    jobs: z.number().int().nonnegative(),
    /** GPU indices the run could use, and whether they were simulated. */
    gpus,
    simulatedGpus: z.boolean(),
  })
  .readonly();

/** An attempt of an activity started (or was submitted, for a batch backend). */
export const StartedRecordSchema = z
  .object({
    ...base,
    t: z.literal('started'),
    runId,
    id,
    attempt,
    backend: z.string(),
    /** Process (group) id of a local attempt. */
    pid: z.number().int().optional(),
    /** A batch backend's job id, when known at start. */
    externalId: z.string().optional(),
    gpus,
    /** Log file, relative to the project root. */
    log: z.string(),
  })
  .readonly();

/** A batch backend learned the job id of a started attempt (e.g. after sbatch answered). */
export const ExternalIdRecordSchema = z
  .object({
    ...base,
    t: z.literal('external-id'),
    runId,
    id,
    attempt,
    backend: z.string(),
    externalId: z.string(),
  })
  .readonly();

/** An attempt succeeded. */
export const FinishedRecordSchema = z
  .object({
    ...base,
    t: z.literal('finished'),
    runId,
    id,
    attempt,
    exitCode: z.literal(0),
    durationMs,
  })
  .readonly();

/** Why an attempt failed. */
const failureReason = z.enum(['exit-non-zero', 'signal', 'timeout', 'spawn-error']);
export type FailureReason = z.infer<typeof failureReason>;

/** An attempt failed; `final` is false when a retry follows. */
export const FailedRecordSchema = z
  .object({
    ...base,
    t: z.literal('failed'),
    runId,
    id,
    attempt,
    reason: failureReason,
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    /** Why it could not start, or what the batch system said. */
    message: z.string().optional(),
    /** The last lines of the attempt's log (its stderr and stdout), for the failure line. */
    stderrTail: z.array(z.string()).readonly().optional(),
    durationMs,
    final: z.boolean(),
  })
  .readonly();

/**
 * Why an attempt was cut short without failing on its own. `no-new`: its retry was due when
 * another activity failed for good and the run started nothing new (the default policy).
 * `environment`: the host failed the run (a log that could not be opened or written, a start the
 * OS refused for want of room), which stopped.
 */
const interruptReason = z.enum(['signal', 'fail-fast', 'crash', 'no-new', 'environment']);
export type InterruptReason = z.infer<typeof interruptReason>;

/** An attempt was stopped (Ctrl-C, --fail-fast) or found running in a run that had died. */
export const InterruptedRecordSchema = z
  .object({
    ...base,
    t: z.literal('interrupted'),
    /** The run the attempt belonged to. */
    runId,
    id,
    attempt,
    reason: interruptReason,
    durationMs: durationMs.nullable(),
  })
  .readonly();

/** A run ended. */
export const RunEndRecordSchema = z
  .object({
    ...base,
    t: z.literal('run-end'),
    runId,
    outcome: z.enum(['ok', 'failed', 'interrupted', 'blocked']),
  })
  .readonly();

/** `critpath reset [ID]` or `run --force ID`: forget the results of these activities (all when null). */
export const ResetRecordSchema = z
  .object({
    ...base,
    t: z.literal('reset'),
    ids: z.array(id).readonly().nullable(),
    /**
     * `kept`: only run results are forgotten; hand records (start, done, block) stay. Absent in
     * resets written before critpath kept them: those forgot hand records too.
     */
    hand: z.literal('kept').optional(),
  })
  .readonly();

const handAction = z.enum(['start', 'done', 'undo', 'block']);
export type HandAction = z.infer<typeof handAction>;

/**
 * Hand work, recorded by people (`critpath start|done|undo|block`): work no command runs, such as
 * writing a role or the docs. `undo` takes back the activity's last hand record. Its hours are an
 * engineer's, kept apart from the machine time of run attempts. `at` is when it happened (`--at`),
 * `recordedAt` when it was written.
 */
export const HandRecordSchema = z
  .object({
    ...base,
    t: z.literal('hand'),
    recordedAt: time,
    id,
    action: handAction,
    /** Who did it (a declared person's id, or a name). */
    by: z.string().min(1).optional(),
    /** `done`: the engineer hours it took (`--hours`). */
    hours: z
      .number()
      .finite()
      .positive('must be above 0')
      .max(MAX_RECORD_HOURS, `must be at most ${MAX_RECORD_HOURS}`)
      .optional(),
    /** `block`: why it cannot go on. */
    reason: z.string().optional(),
  })
  .readonly();

/** Every kind of record: the one list a new kind joins. */
const RECORD_KINDS = [
  RunStartRecordSchema,
  StartedRecordSchema,
  ExternalIdRecordSchema,
  FinishedRecordSchema,
  FailedRecordSchema,
  InterruptedRecordSchema,
  RunEndRecordSchema,
  ResetRecordSchema,
  HandRecordSchema,
] as const;

export const JournalRecordSchema = z.discriminatedUnion('t', RECORD_KINDS);

export type RunStartRecord = z.infer<typeof RunStartRecordSchema>;
export type StartedRecord = z.infer<typeof StartedRecordSchema>;
export type ExternalIdRecord = z.infer<typeof ExternalIdRecordSchema>;
export type FinishedRecord = z.infer<typeof FinishedRecordSchema>;
export type FailedRecord = z.infer<typeof FailedRecordSchema>;
export type InterruptedRecord = z.infer<typeof InterruptedRecordSchema>;
export type RunEndRecord = z.infer<typeof RunEndRecordSchema>;
export type ResetRecord = z.infer<typeof ResetRecordSchema>;
export type HandRecord = z.infer<typeof HandRecordSchema>;
export type JournalRecord = z.infer<typeof JournalRecordSchema>;

/** Distributes Omit over the union, so `Omit<JournalRecord, 'v'>` stays a union. */
export type WithoutVersion<T> = T extends unknown ? Omit<T, 'v'> : never;

/** The kinds a record may be, as its `t` names them. */
const KIND_NAMES: readonly string[] = RECORD_KINDS.map((k) => k.unwrap().shape.t.value);

/** A parsed line as a record, or why it is not one (one line, for a report). */
export function checkRecord(value: unknown): JournalRecord | string {
  const r = JournalRecordSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  return issue === undefined ? 'not a journal record' : issueText(issue, value);
}

/**
 * Why a line is not a record, in words (never zod's own: "Invalid discriminator value. Expected
 * 'run-start' | …"): `field: what is wrong`, the field's value described.
 */
function issueText(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return `expected a JSON object, got ${describeValue(value)}`;
  const known = `known kinds: ${KIND_NAMES.join(', ')}`;
  const t = (value as { t?: unknown }).t;
  if (issue.path.length === 1 && issue.path[0] === 't' && issue.code === 'invalid_union')
    return t === undefined
      ? `the record's kind (field t) is missing (${known})`
      : `t: unknown record kind ${typeof t === 'string' ? quotedText(t) : describeValue(t)} (${known})`;
  const at = valueAt(value, issue.path);
  const words =
    at === undefined ? 'missing' : (issueWords(issue, describeValue(at)) ?? issue.message);
  return issue.path.length === 0 ? words : `${formatPath(issue.path)}: ${words}`;
}
