/**
 * A quick check of journal records that needs no zod: for each kind in records.ts, its fields in
 * the schema's order and a test each. It accepts only what the zod schema accepts, and gives the
 * same value (a frozen copy with the schema's keys in the schema's order, arrays frozen); for
 * anything else (an unknown key, a wrong type, an unsafe integer) it answers `undefined`, and the
 * schema decides (and says why a line is skipped). `status` reads a journal of well-formed
 * records without loading zod; a test holds this to the schemas.
 */
import type { JournalRecord } from './records.js';
import { isRecordDuration, isRecordHours, isRecordTime } from './record-bounds.js';

type Test = (x: unknown) => boolean;

const str: Test = (x) => typeof x === 'string';
const nonEmpty: Test = (x) => typeof x === 'string' && x.length > 0;
const int: Test = (x) => Number.isSafeInteger(x);
const positiveInt: Test = (x) => Number.isSafeInteger(x) && (x as number) > 0;
const nonNegativeInt: Test = (x) => Number.isSafeInteger(x) && (x as number) >= 0;
const bool: Test = (x) => typeof x === 'boolean';
const is =
  (...values: readonly unknown[]): Test =>
  (x) =>
    values.includes(x);
const nullable =
  (t: Test): Test =>
  (x) =>
    x === null || t(x);
const listOf =
  (t: Test): Test =>
  (x) =>
    Array.isArray(x) && x.every(t);
const time: Test = isRecordTime;
const duration: Test = isRecordDuration;
const hours: Test = isRecordHours;

/** A field: its key, its test, whether it may be absent. Lists are frozen as zod's readonly(). */
type Field = readonly [key: string, test: Test, optional?: boolean];

const gpus: Field = ['gpus', listOf(nonNegativeInt)];
const runId: Field = ['runId', nonEmpty];
const id: Field = ['id', nonEmpty];
const attempt: Field = ['attempt', positiveInt];

/** Each kind's fields after `v`, `at` and `t`, in its schema's order (records.ts). */
const KINDS: Readonly<Record<string, readonly Field[]>> = {
  'run-start': [
    runId,
    ['pid', int],
    ['pidStart', str],
    ['boot', str],
    ['host', str],
    ['backend', str],
    ['jobs', nonNegativeInt],
    gpus,
    ['simulatedGpus', bool],
  ],
  started: [
    runId,
    id,
    attempt,
    ['backend', str],
    ['pid', int, true],
    ['externalId', str, true],
    gpus,
    ['log', str],
  ],
  'external-id': [runId, id, attempt, ['backend', str], ['externalId', str]],
  finished: [runId, id, attempt, ['exitCode', is(0)], ['durationMs', duration]],
  failed: [
    runId,
    id,
    attempt,
    ['reason', is('exit-non-zero', 'signal', 'timeout', 'spawn-error')],
    ['exitCode', nullable(int)],
    ['signal', nullable(str)],
    ['message', str, true],
    ['stderrTail', listOf(str), true],
    ['durationMs', duration],
    ['final', bool],
  ],
  interrupted: [
    runId,
    id,
    attempt,
    ['reason', is('signal', 'fail-fast', 'crash', 'no-new', 'environment')],
    ['durationMs', nullable(duration)],
  ],
  'run-end': [runId, ['outcome', is('ok', 'failed', 'interrupted', 'blocked')]],
  reset: [
    ['ids', nullable(listOf(nonEmpty))],
    ['hand', is('kept'), true],
  ],
  hand: [
    ['recordedAt', time],
    id,
    ['action', is('start', 'done', 'undo', 'block')],
    ['by', nonEmpty, true],
    ['hours', hours, true],
    ['reason', str, true],
  ],
};

/**
 * The record a parsed journal line is, when it plainly is one; `undefined` when the zod schema
 * must decide (records.ts `checkRecord`).
 */
export function quickRecord(value: unknown): JournalRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const t = v['t'];
  if (v['v'] !== 1 || !time(v['at']) || typeof t !== 'string') return undefined;
  const fields = Object.hasOwn(KINDS, t) ? KINDS[t] : undefined;
  if (fields === undefined) return undefined;
  const out: Record<string, unknown> = { v: 1, at: v['at'], t };
  let keys = 3;
  // Indexed loops, no destructuring: a journal has a record a line, and this runs cold.
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const key = field[0];
    const x = v[key];
    if (x === undefined && !Object.hasOwn(v, key)) {
      if (field[2] === true) continue;
      return undefined;
    }
    if (!field[1](x)) return undefined;
    out[key] = Array.isArray(x) ? frozenCopy(x) : x;
    keys++;
  }
  // A key the schema does not know: zod drops it; let it decide.
  for (const k in v) if (Object.hasOwn(v, k)) keys--;
  if (keys !== 0) return undefined;
  return Object.freeze(out) as unknown as JournalRecord;
}

/** Shared by every empty list (most records' `gpus`): frozen, it is the same value as a copy. */
const EMPTY: readonly never[] = Object.freeze([]);

function frozenCopy(list: readonly unknown[]): readonly unknown[] {
  return list.length === 0 ? EMPTY : Object.freeze(list.slice());
}
