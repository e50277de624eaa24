import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainTask, parseProjectQuick } from '../../../src/model/plain-task.js';
import { ProjectSchema, TaskSchema } from '../../../src/model/schema.js';

/** Values near and beyond what each field accepts, so both sides of every check are tried. */
const anyValue = fc.oneof(
  fc.constantFrom('t1', 'a b', '', '5-9', ' 2 ', '1-', '30m', '2 h', '9x', 'all', 'gpu', 'macbook'),
  fc.constantFrom('0s', ' 0.0 m', '30d', `1${'0'.repeat(400)}s`),
  fc.constantFrom('low', 'medium', 'high', 'GPU', '__proto__'),
  fc.constantFrom(0, -0, 1, 2.5, -1, 1e300, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity),
  fc.constantFrom(null, true, [], ['a'], ['a', 1], [[]], {}, { low: 1, high: 2 }, { A: 'b' }),
);
const KEYS = ['id', 'title', 'hours', 'hardware', 'gpus', 'deps', 'run', 'risk', 'skill'];
const MORE_KEYS = ['timeout', 'retries', 'tags', 'notes', 'env', 'phases', 'extra', '__proto__'];
const taskLike = fc
  .tuple(
    fc.constantFrom('t1', 'x.y-z_1', 'bad id', 7),
    fc.dictionary(fc.constantFrom(...KEYS, ...MORE_KEYS), anyValue, { maxKeys: 6 }),
  )
  .map(([id, rest]) => JSON.parse(JSON.stringify({ id, ...rest })) as unknown);

describe('the quick task check', () => {
  it('accepts only tasks zod accepts, and gives the value zod gives', () => {
    fc.assert(
      fc.property(taskLike, (t) => {
        if (!isPlainTask(t)) return;
        const z = TaskSchema.safeParse(t);
        expect(z.success).toBe(true);
        expect(z.success && z.data).toStrictEqual(t);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts the plain tasks of a generated file and declines the unusual', () => {
    expect(isPlainTask({ id: 't1', hours: '5-9', deps: ['t0'], run: 'make', gpus: 2 })).toBe(true);
    expect(isPlainTask({ id: 't1', hours: 3, hardware: 'gpu', retries: 1, tags: [] })).toBe(true);
    for (const t of [
      { hours: 1 },
      { id: 't1', phases: [{ name: 'a', hours: 1 }] },
      { id: 't1', env: { A: 'b' } },
      { id: 't1', run: '' },
      { id: 't1', run: [] },
      { id: 't1', gpus: 1.5 },
      { id: 't1', hours: '1 -' },
      { id: 't1', typo: 1 },
      { id: 't1', timeout: '0s' },
      { id: 't1', timeout: `1${'0'.repeat(400)}d` },
      JSON.parse('{"id":"t1","__proto__":{}}') as unknown,
    ])
      expect(isPlainTask(t), JSON.stringify(t)).toBe(false);
  });

  it('gives what ProjectSchema gives, or declines when ProjectSchema finds a problem', () => {
    fc.assert(
      fc.property(fc.array(taskLike, { maxLength: 5 }), fc.boolean(), (tasks, badHead) => {
        const raw = { project: badHead ? '' : 'p', start: '2026-01-05', tasks };
        const quick = parseProjectQuick(raw);
        const z = ProjectSchema.safeParse(raw);
        if (quick === undefined) expect(z.success).toBe(false);
        else expect(z.success && z.data).toStrictEqual(quick);
      }),
      { numRuns: 1000 },
    );
  });
});
