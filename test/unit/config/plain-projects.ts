import fc from 'fast-check';

/** Plain projects for the columnar readers' tests (task-table*.test.ts). */

const idArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,4}$/);
const titleArb = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('Ünïcode ✓', 'tab\there', 'quote " and \\ back', 'line\nbreak', '\u2028'),
);
const hoursArb = fc.oneof(
  fc.constantFrom(0, 1, 2.5, 8, '1-3', ' 2 - 4 ', '5', '0.5-1.25', '3-3', '1e3'),
  fc.integer({ min: 0, max: 5000 }).map((x) => x / 100),
  fc.double({ min: 0, max: 50, noNaN: true }),
);

/** A task's fields, each holding a value the loader accepts (but GPUs against the host). */
const fieldsArb = fc.record(
  {
    title: titleArb,
    hours: hoursArb,
    hardware: fc.constantFrom('macbook', 'gpu'),
    gpus: fc.constantFrom(1, 2, 'all', 4),
    deps: fc.array(fc.nat(11), { maxLength: 4 }),
    run: fc.oneof(fc.constantFrom('make x', 'make y'), fc.array(fc.string(), { minLength: 1 })),
    risk: fc.constantFrom('low', 'medium', 'high'),
    skill: fc.constantFrom('linux', 'ml', 'linux', 'cuda'),
    // A timeout of 0 is a problem the readers must leave to the usual load.
    timeout: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom('30m', '2h', ' 1.5 d ', '30d') },
      { weight: 1, arbitrary: fc.constantFrom('0s', ' 0.0 m ') },
    ),
    retries: fc.constantFrom(0, 2, 3),
    tags: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    notes: fc.string({ maxLength: 5 }),
  },
  { requiredKeys: ['hours'] },
);

/**
 * A project of up to 12 tasks, each depending on earlier ones (or on any: cycles), most of which
 * pass every check; a few break one rule (GPU capacity, skills, ids, cycles).
 */
export const projectArb = fc
  .record({
    n: fc.integer({ min: 0, max: 12 }),
    ids: fc.oneof(
      { weight: 4, arbitrary: fc.constant(Array.from({ length: 12 }, (_, i) => `t${i + 1}`)) },
      { weight: 1, arbitrary: fc.array(idArb, { minLength: 12, maxLength: 12 }) },
    ),
    gpuCount: fc.constantFrom(0, 2, 4, 4),
    team: fc.boolean(),
    forward: fc.integer({ min: 0, max: 4 }).map((k) => k === 0),
  })
  .chain(({ n, ids, gpuCount, team, forward }) =>
    fc.array(fieldsArb, { minLength: n, maxLength: n }).map((tasks) => ({
      project: 'P',
      start: '2026-01-05',
      ...(gpuCount > 0 ? { hardware: { gpu: [{ count: gpuCount, from: '2026-01-07' }] } } : {}),
      ...(team ? { team: [{ id: 'ana', skills: ['linux', 'ml'] }] } : {}),
      tasks: tasks.map((t, i) => ({
        id: ids[i]!,
        ...t,
        // MacBook work holds no GPUs.
        ...(t.hardware === 'macbook' ? { gpus: undefined } : {}),
        ...(t.deps === undefined
          ? {}
          : { deps: t.deps.filter((d) => forward || d < i).map((d) => ids[d]!) }),
      })),
    })),
  );
