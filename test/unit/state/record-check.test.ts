import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quickRecord } from '../../../src/state/record-check.js';
import { checkRecord } from '../../../src/state/records.js';
import {
  MAX_DURATION_MS,
  MAX_TIME_MS,
  recordDurationMs,
} from '../../../src/state/record-bounds.js';

/** One well-formed record of every kind (optional fields present and absent). */
const GOOD: readonly Record<string, unknown>[] = [
  {
    v: 1,
    at: 1,
    t: 'run-start',
    runId: 'r',
    pid: 7,
    pidStart: '1',
    boot: 'b',
    host: 'h',
    backend: 'local',
    jobs: 2,
    gpus: [0, 1],
    simulatedGpus: false,
  },
  {
    v: 1,
    at: 2,
    t: 'started',
    runId: 'r',
    id: 'a',
    attempt: 1,
    backend: 'local',
    gpus: [],
    log: 'l',
  },
  {
    v: 1,
    at: 2,
    t: 'started',
    runId: 'r',
    id: 'a/x',
    attempt: 2,
    backend: 'slurm',
    pid: 3,
    externalId: '99',
    gpus: [3],
    log: 'l',
  },
  { v: 1, at: 3, t: 'external-id', runId: 'r', id: 'a', attempt: 1, backend: 's', externalId: '1' },
  { v: 1, at: 4, t: 'finished', runId: 'r', id: 'a', attempt: 1, exitCode: 0, durationMs: 5.5 },
  {
    v: 1,
    at: 5,
    t: 'failed',
    runId: 'r',
    id: 'a',
    attempt: 1,
    reason: 'signal',
    exitCode: null,
    signal: 'SIGKILL',
    message: 'm',
    stderrTail: ['x', 'y'],
    durationMs: 1,
    final: false,
  },
  {
    v: 1,
    at: 5,
    t: 'failed',
    runId: 'r',
    id: 'a',
    attempt: 1,
    reason: 'exit-non-zero',
    exitCode: 1,
    signal: null,
    durationMs: 1,
    final: true,
  },
  {
    v: 1,
    at: 6,
    t: 'interrupted',
    runId: 'r',
    id: 'a',
    attempt: 1,
    reason: 'crash',
    durationMs: null,
  },
  { v: 1, at: 7, t: 'run-end', runId: 'r', outcome: 'blocked' },
  { v: 1, at: 8, t: 'reset', ids: null },
  { v: 1, at: 8, t: 'reset', ids: ['a', 'b'] },
  { v: 1, at: 8, t: 'reset', ids: null, hand: 'kept' },
  { v: 1, at: 9, t: 'hand', recordedAt: 10, id: 'a', action: 'done', by: 'ann', hours: 2 },
  { v: 1, at: 9, t: 'hand', recordedAt: 10, id: 'a', action: 'block', reason: 'waiting' },
];

/** Values of every JSON kind, including ones near each field's limits. */
const anyValue = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    1,
    0.5,
    2 ** 53,
    1e308,
    MAX_TIME_MS,
    MAX_TIME_MS + 1,
    MAX_DURATION_MS,
    MAX_DURATION_MS + 1,
    100_000,
    100_001,
    '',
    'x',
    'signal',
    'ok',
    true,
    false,
    null,
    [],
    [0],
    ['a'],
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A good record with one field changed, dropped or added, or its keys shuffled. */
const mutated = fc
  .tuple(
    fc.constantFrom(...GOOD),
    fc.constantFrom('set', 'drop', 'add', 'reorder'),
    fc.nat(),
    anyValue,
  )
  .map(([good, how, k, value]) => {
    const keys = Object.keys(good);
    const key = keys[k % keys.length]!;
    const r: Record<string, unknown> = { ...good };
    if (how === 'set') r[key] = value;
    else if (how === 'drop') delete r[key];
    else if (how === 'add') r[`extra${k % 3}`] = value;
    else return Object.fromEntries([...keys].reverse().map((x) => [x, good[x]]));
    return r;
  });

/** The value as zod gives it, frozen where zod freezes (records and their lists). */
function shape(r: unknown): { json: string; frozen: boolean[] } {
  const o = r as Record<string, unknown>;
  return {
    json: JSON.stringify(o),
    frozen: [Object.isFrozen(o), ...Object.values(o).filter(Array.isArray).map(Object.isFrozen)],
  };
}

/**
 * Numbers out of range for each kind's time, duration and hours fields, each with the field the
 * reason names: a time in the year 10000 or NaN-like overflow stopped re-planning with an
 * internal error ("bad date 10000-01-01").
 */
const OUT_OF_RANGE: readonly (readonly [field: string, values: readonly number[]])[] = [
  ['at', [-1, MAX_TIME_MS + 1, 253402300800000, 1e17, 1e308]],
  ['recordedAt', [-1, MAX_TIME_MS + 1, 1e308]],
  ['durationMs', [-1, MAX_DURATION_MS + 1, 1e308]],
  ['hours', [0, -4, 100_001, 1e308]],
];

describe('record ranges', () => {
  it('skips a record whose time, duration or hours is out of range, naming the field', () => {
    let checked = 0;
    for (const good of GOOD) {
      for (const [field, values] of OUT_OF_RANGE) {
        if (!Object.hasOwn(good, field)) continue;
        for (const value of values) {
          const bad = { ...good, [field]: value };
          expect(quickRecord(structuredClone(bad)), JSON.stringify(bad)).toBeUndefined();
          expect(checkRecord(structuredClone(bad)), JSON.stringify(bad)).toMatch(
            new RegExp(`^${field}: `),
          );
          checked++;
        }
      }
    }
    // Every kind has `at`; three carry a duration, the hand kind its two times and hours.
    expect(checked).toBe(GOOD.length * 5 + 4 * 3 + 2 * 3 + 4);
  });

  it('takes the edges of each range', () => {
    const kind = (t: string, has = 't'): Record<string, unknown> =>
      GOOD.find((g) => g['t'] === t && Object.hasOwn(g, has))!;
    const edges = [
      { ...kind('run-start'), at: 0 },
      { ...kind('run-start'), at: MAX_TIME_MS },
      { ...kind('finished'), durationMs: 0 },
      { ...kind('finished'), durationMs: MAX_DURATION_MS },
      { ...kind('interrupted'), durationMs: MAX_DURATION_MS },
      { ...kind('hand', 'hours'), recordedAt: MAX_TIME_MS, hours: 100_000 },
      { ...kind('hand', 'hours'), hours: 0.01 },
    ];
    for (const r of edges) {
      expect(quickRecord(structuredClone(r)), JSON.stringify(r)).toBeDefined();
      expect(typeof checkRecord(structuredClone(r))).toBe('object');
    }
  });
});

describe('why a line is not a record', () => {
  const KINDS =
    'known kinds: run-start, started, external-id, finished, failed, interrupted, run-end, reset, hand';
  const started = GOOD[1]!;
  it.each([
    // It said zod's "t: Invalid discriminator value. Expected 'run-start' | 'started' | …".
    [{ type: 'done', id: 'a' }, `the record's kind (field t) is missing (${KINDS})`],
    [{ ...started, t: 'done' }, `t: unknown record kind "done" (${KINDS})`],
    [{ ...started, t: 5 }, `t: unknown record kind 5 (number) (${KINDS})`],
    // "Invalid input: expected string, received undefined"
    [{ ...started, runId: undefined }, 'runId: missing'],
    // "Too small: expected number to be >0"
    [{ ...started, attempt: 0 }, 'attempt: must be above 0, got 0 (number)'],
    [{ ...started, id: '' }, 'id: must not be empty'],
    [{ ...started, gpus: [-1] }, 'gpus[0]: must be at least 0, got -1 (number)'],
    [{ ...started, log: 3 }, 'log: expected text, got 3 (number)'],
    [{ ...started, v: 2 }, 'v: expected one of 1, got 2 (number)'],
    [[started], 'expected a JSON object, got a list'],
    [7, 'expected a JSON object, got 7 (number)'],
  ] as const)('%j: says so in words', (value, why) => {
    const r = checkRecord(structuredClone(value));
    expect(r).toBe(why);
  });

  it("never passes on zod's own wording", () => {
    fc.assert(
      fc.property(fc.oneof(mutated, anyValue), (value) => {
        const r = checkRecord(structuredClone(value));
        // The value shown (quoted, or after "got") is the line's own, not wording.
        const words =
          typeof r === 'string' ? r.split(', got ')[0]!.replace(/"(?:[^"\\]|\\.)*"/g, '""') : '';
        expect(words).not.toMatch(/Invalid|Too small|Too big|received|>=|<=/);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('quickRecord', () => {
  it('takes every well-formed record as zod does: same keys, order, values, frozen', () => {
    for (const good of GOOD) {
      const quick = quickRecord(structuredClone(good));
      const zod = checkRecord(structuredClone(good));
      expect(quick, JSON.stringify(good)).toBeDefined();
      expect(typeof zod).toBe('object');
      expect(shape(quick)).toEqual(shape(zod));
    }
  });

  it('accepts only what zod accepts, and then gives what zod gives', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, anyValue), (value) => {
        const quick = quickRecord(structuredClone(value));
        if (quick === undefined) return;
        const zod = checkRecord(structuredClone(value));
        expect(typeof zod, JSON.stringify(value)).toBe('object');
        expect(shape(quick)).toEqual(shape(zod));
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves to zod what it cannot tell: unknown keys and kinds, wrong types', () => {
    const started = GOOD[1]!;
    expect(quickRecord({ ...started, extra: 1 })).toBeUndefined();
    expect(quickRecord({ ...started, t: 'nope' })).toBeUndefined();
    expect(quickRecord({ ...started, attempt: 0 })).toBeUndefined();
    expect(quickRecord({ ...started, gpus: [-1] })).toBeUndefined();
    expect(quickRecord({ ...started, v: 2 })).toBeUndefined();
    expect(quickRecord([started])).toBeUndefined();
  });
});

describe('recordDurationMs', () => {
  it('keeps an elapsed time within what a record may carry (a clock stepped back gives 0)', () => {
    expect(recordDurationMs(-5)).toBe(0);
    expect(recordDurationMs(1234)).toBe(1234);
    expect(recordDurationMs(1e308)).toBe(MAX_DURATION_MS);
  });
});
