import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlainProject } from '../../../src/model/plain-project.js';
import { ProjectSchema } from '../../../src/model/schema.js';

/** Values near and beyond what each head field accepts. */
const anyValue = fc.oneof(
  fc.constantFrom('p', '', '2026-01-05', '2026-1-5', 'x', 0, 0.001, 0.01, 8, 24, 25, -1, 1.5),
  fc.constantFrom(null, true),
  fc.constantFrom([], ['2026-01-06'], ['bad'], {}, { gpu: [] }, { gpuModel: 'H100' }),
  fc.constantFrom({ gpu: [{ count: 2, from: '2026-01-05' }] }, { gpu: [{ count: -1, from: 'x' }] }),
  fc.constantFrom({ gpu: [{ count: 1, from: '2026-01-05', extra: 1 }] }, { gpus: 1 }),
  fc.constantFrom([{ id: 'a', hours: 1 }], [{ id: 'a', phases: [{ name: 'x', hours: 1 }] }]),
  fc.constantFrom([{ id: 'bad id', hours: 1 }], [{ id: 'a' }], [{ id: 'a', hours: 1, x: 1 }]),
);
const KEYS = ['project', 'description', 'start', 'hoursPerDay', 'holidays', 'deadline'];
const MORE_KEYS = ['hardware', 'tasks', 'team', 'teams', 'scenarios', 'extra', '__proto__'];
const headLike = fc
  .tuple(fc.boolean(), fc.dictionary(fc.constantFrom(...KEYS, ...MORE_KEYS), anyValue))
  .map(
    ([base, rest]) =>
      JSON.parse(
        JSON.stringify({
          ...(base ? { project: 'p', start: '2026-01-05', tasks: [{ id: 'a', hours: 2 }] } : {}),
          ...rest,
        }),
      ) as unknown,
  );

describe('parsePlainProject', () => {
  it('accepts only files ProjectSchema accepts, and gives the value it gives', () => {
    fc.assert(
      fc.property(headLike, (raw) => {
        const plain = parsePlainProject(raw);
        if (plain === undefined) return;
        const z = ProjectSchema.safeParse(raw);
        expect(z.success, JSON.stringify(raw)).toBe(true);
        expect(z.success && z.data).toStrictEqual(plain);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts a plain file, and declines people, line-ups, scenarios and unusual tasks', () => {
    const file = {
      project: 'p',
      start: '2026-01-05',
      hoursPerDay: 6,
      holidays: ['2026-01-06'],
      hardware: { gpu: [{ count: 2, from: '2026-01-05' }], gpuModel: 'H100' },
      tasks: [{ id: 'a', hours: '1-3', deps: [], run: 'true' }],
    };
    expect(parsePlainProject(file)).toBe(file);
    for (const more of [
      { team: [{ id: 'ann' }] },
      { teams: [['ann']] },
      { scenarios: {} },
      { tasks: [{ id: 'a', phases: [{ name: 'x', hours: 1 }] }] },
      { tasks: undefined },
    ])
      expect(parsePlainProject({ ...file, ...more }), JSON.stringify(more)).toBeUndefined();
  });
});
