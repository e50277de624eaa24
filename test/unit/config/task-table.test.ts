import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { readTaskTableJson } from '../../../src/config/task-table-json.js';
import {
  criticalPathPlan,
  criticalPathPlanOfTable,
} from '../../../src/planner/project/critical-path-plan.js';
import type { EstimateMode } from '../../../src/model/project.js';
import { projectArb } from './plain-projects.js';

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
    'hours too large to plan': withTask({ hours: 1e12 }),
    'a range too large to plan': withTask({ hours: '1-1000000' }),
    'unknown skill': withTask({ skill: 'cuda' }),
    'an argv array with an empty program': withTask({ run: ['', 'x'] }),
    'a NUL in a command': withTask({ run: ['echo', 'a\u0000b'] }),
    'a NUL in a command string': withTask({ run: 'echo a\u0000b' }),
    'a blank command string': withTask({ run: '  ' }),
    'a blank command string written as an escape': withTask({ run: '\t' }),
    'a blank program': withTask({ run: [' ', 'x'] }),
    'a program with white space around it': withTask({ run: ['python3 ', '-c', '1'] }),
    'a program named with its arguments': withTask({ run: ['python3 -c', '1'] }),
    'a program with a non-breaking space': withTask({ run: ['\u00a0python3'] }),
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
