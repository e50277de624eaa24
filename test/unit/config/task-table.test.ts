import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { readTaskTableJson } from '../../../src/config/task-table-json.js';
import {
  criticalPathPlan,
  criticalPathPlanOfTable,
} from '../../../src/planner/project/critical-path-plan.js';
import type { EstimateMode } from '../../../src/model/project.js';

/**
 * The columnar reader (config/task-table.ts) reads a JSON task file of plain tasks, for `plan`'s
 * critical path of a huge file. Wherever it accepts a text, the usual load must accept it too
 * and give the same plan, byte for byte as JSON; wherever the usual load finds a problem, the
 * reader must decline (the usual load then reports it at its line).
 */

const MODES: readonly EstimateMode[] = ['low', 'expected', 'high'];

/** Both ways to the critical-path plan of `text`, as JSON (undefined: that way has none). */
function bothWays(text: string, mode: EstimateMode): { table?: string; usual?: string } {
  const table = readTaskTableJson(Buffer.from(text, 'utf8'));
  const loaded = loadProjectText(text, 'f.json');
  return {
    ...(table === undefined
      ? {}
      : { table: JSON.stringify(criticalPathPlanOfTable(table, mode), null, 2) }),
    ...(loaded.ok ? { usual: JSON.stringify(criticalPathPlan(loaded.value, mode), null, 2) } : {}),
  };
}

/** Where the table reader accepts `text`, the usual load does, with the same plan. */
function agree(text: string, mode: EstimateMode = 'expected'): boolean {
  const r = bothWays(text, mode);
  if (r.table === undefined) return false;
  expect(r.usual, text).toBeDefined();
  expect(r.table, text).toBe(r.usual);
  return true;
}

const idArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,4}$/);
const titleArb = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('Ünïcode ✓', 'tab\there', 'quote " and \\ back', 'line\nbreak', '\u2028'),
);
const hoursArb = fc.oneof(
  fc.constantFrom(0, 1, 2.5, 8, '1-3', ' 2 - 4 ', '5', '0.5-1.25', '3-3', '1e3'),
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
    timeout: fc.constantFrom('30m', '2h', ' 1.5 d '),
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
const projectArb = fc
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

describe('the columnar task-file reader', () => {
  it('reads what the usual load reads, with the same critical-path plan (all estimates)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(projectArb, fc.constantFrom(...MODES), fc.boolean(), (p, mode, pretty) => {
        if (agree(JSON.stringify(p, null, pretty ? 2 : undefined), mode)) accepted++;
      }),
      { numRuns: 1500 },
    );
    // The generator must reach the accepting side often enough to test it.
    expect(accepted).toBeGreaterThan(100);
  });

  it('never accepts a text the usual load rejects or reads otherwise (mutated files)', () => {
    const base = JSON.stringify({
      project: 'P',
      start: '2026-01-05',
      hardware: { gpu: [{ count: 2, from: '2026-01-07' }] },
      tasks: [
        { id: 'a', title: 'A \\u00e9', hours: '1-3', hardware: 'gpu', gpus: 2 },
        { id: 'b', hours: 2, deps: ['a', 'a'], run: ['x', 'y'] },
        { id: 'c', hours: 0.5, deps: ['b'], gpus: 'all', tags: [] },
      ],
    });
    const mutation = fc.record({
      at: fc.nat(base.length),
      cut: fc.nat(3),
      put: fc.constantFrom('', ',', '"', '\\', ']', '}', '{', ' ', '0', '-', 'a', 'e', '\u0001'),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        let text = base;
        for (const m of ms) {
          const at = Math.min(m.at, text.length);
          text = text.slice(0, at) + m.put + text.slice(at + m.cut);
        }
        agree(text);
      }),
      { numRuns: 3000 },
    );
  });

  const good = {
    project: 'P',
    start: '2026-01-05',
    hardware: { gpu: [{ count: 2, from: '2026-01-07' }] },
    team: [{ id: 'ana', skills: ['linux'] }],
    tasks: [
      { id: 'a', hours: '1-3', hardware: 'gpu' },
      { id: 'b', hours: 2, deps: ['a'], skill: 'linux' },
    ],
  };
  const withTask = (extra: object, at = 1): string =>
    JSON.stringify({
      ...good,
      tasks: good.tasks.map((t, i) => (i === at ? { ...t, ...extra } : t)),
    });

  it('reads a good file', () => {
    expect(agree(JSON.stringify(good))).toBe(true);
  });

  // Each file has one problem the usual load reports (or a shape the reader leaves to it).
  const declined: Record<string, string> = {
    'duplicate id': withTask({ id: 'a' }),
    'unknown dependency': withTask({ deps: ['zz'] }),
    'self-dependency': withTask({ deps: ['b'] }),
    cycle: JSON.stringify({
      ...good,
      tasks: [
        { id: 'a', hours: 1, deps: ['b'] },
        { id: 'b', hours: 1, deps: ['a'] },
      ],
    }),
    'no tasks': JSON.stringify({ ...good, tasks: [] }),
    'unknown task field': withTask({ hrs: 1 }),
    phases: withTask({ phases: [{ name: 'x', hours: 1 }] }),
    'MacBook work holding GPUs': withTask({ hardware: 'macbook', gpus: 1 }),
    'GPUs over capacity': withTask({ gpus: 3 }),
    'GPU work without hardware': JSON.stringify({ ...good, hardware: undefined }),
    'hours low above high': withTask({ hours: '5-3' }),
    'negative hours': withTask({ hours: -1 }),
    'unknown skill': withTask({ skill: 'cuda' }),
    'an id with an escape': withTask({ id: 'b\u00e9' }).replace('bé', 'b\\u00e9'),
    scenarios: JSON.stringify({ ...good, scenarios: { s: { cost: 1 } } }),
    'not a calendar date': JSON.stringify({ ...good, start: '2026-02-30' }),
    'hours per day over 24': JSON.stringify({ ...good, hoursPerDay: 30 }),
    'a duplicate task key': withTask({}).replace('"hours":2', '"hours":2,"hours":3'),
    'tasks given twice': JSON.stringify(good).replace(/}$/, ',"tasks":[]}'),
    'a trailing comma': JSON.stringify(good).replace(']}]', ']},]'),
    'text after the value': `${JSON.stringify(good)} x`,
  };
  for (const [what, text] of Object.entries(declined))
    it(`declines a file with ${what}`, () => {
      expect(readTaskTableJson(Buffer.from(text, 'utf8'))).toBeUndefined();
    });
});
