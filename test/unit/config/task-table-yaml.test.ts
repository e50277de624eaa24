import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateProject, toYaml } from '../../../bench/project-generator.js';
import { loadProjectText } from '../../../src/config/load.js';
import { readTaskTableYaml } from '../../../src/config/task-table-yaml.js';
import {
  criticalPathPlan,
  criticalPathPlanOfTable,
} from '../../../src/planner/project/critical-path-plan.js';
import type { EstimateMode } from '../../../src/model/project.js';
import { projectArb } from './plain-projects.js';

/**
 * The columnar YAML reader (config/task-table-yaml.ts): wherever it accepts a text, the usual
 * load must accept it too and give the same critical-path plan, byte for byte as JSON.
 */

/** Whether the reader accepted `text`; where it did, the usual load agrees. */
function agree(text: string, mode: EstimateMode = 'expected'): boolean {
  const table = readTaskTableYaml(Buffer.from(text, 'utf8'));
  if (table === undefined) return false;
  const loaded = loadProjectText(text, 'f.yaml');
  expect(loaded.ok, text).toBe(true);
  if (loaded.ok)
    expect(JSON.stringify(criticalPathPlanOfTable(table, mode), null, 2), text).toBe(
      JSON.stringify(criticalPathPlan(loaded.value, mode), null, 2),
    );
  return true;
}

/** How a file is written: each choice taken in turn from `picks`. */
interface Style {
  readonly picks: readonly number[];
  readonly itemIndent: number;
  readonly dashSpaces: number;
  readonly crlf: boolean;
  /** Text of letters, digits and spaces only, and hours of two decimals: most such files are read. */
  readonly tidy: boolean;
}

/** A YAML writer of plain projects that varies quoting, spacing, comments and line ends. */
function emit(p: Record<string, unknown>, style: Style): string {
  let k = 0;
  const pick = (n: number): number => (style.picks[k++ % style.picks.length] ?? 0) % n;
  const tidy = (v: unknown, key = 'title'): unknown => {
    if (!style.tidy || !['title', 'notes', 'tags', 'run', 'hours'].includes(key)) return v;
    if (typeof v === 'number') return Math.round(v * 100) / 100;
    if (typeof v !== 'string' || key === 'hours') return v;
    return v.replace(/[^A-Za-z0-9 ]/g, 'x').trim() || 'x';
  };
  const scalar = (raw: unknown, key?: string): string => {
    const v = tidy(raw, key);
    if (typeof v !== 'string') return String(v);
    // A plain `2h` starts like a number: the loader's plain-shape reader leaves it to `yaml`.
    if (style.tidy && key === 'timeout') return JSON.stringify(v);
    switch (pick(6)) {
      case 0:
        return JSON.stringify(v);
      case 1:
        return `'${v.replace(/'/g, "''")}'`;
      default:
        return v;
    }
  };
  const value = (v: unknown, key: string): string =>
    Array.isArray(v)
      ? `[${v.map((x) => (pick(10) === 0 ? scalar(x, key) : String(tidy(x, key)))).join(', ')}]`
      : scalar(v, key);
  const comment = (): string => (pick(5) === 0 ? '  # note' : '');
  const lines: string[] = [];
  lines.push(
    `project: ${scalar(p['project'], 'project')}`,
    `start: ${scalar(p['start'], 'start')}`,
  );
  const hw = p['hardware'] as { gpu: { count: number; from: string }[] } | undefined;
  if (hw !== undefined)
    lines.push('hardware:', `  gpu: [{ count: ${hw.gpu[0]!.count}, from: ${hw.gpu[0]!.from} }]`);
  if (p['team'] !== undefined) lines.push('team: [{ id: ana, skills: [linux, ml] }]');
  lines.push(`tasks:${comment()}`);
  const pad = ' '.repeat(style.itemIndent);
  const inner = ' '.repeat(style.itemIndent + 1 + style.dashSpaces);
  for (const t of p['tasks'] as Record<string, unknown>[]) {
    const entries = Object.entries(t).filter(([, v]) => v !== undefined);
    entries.forEach(([key, v], i) => {
      const head = i === 0 ? `${pad}-${' '.repeat(style.dashSpaces)}` : inner;
      lines.push(`${head}${key}: ${value(v, key)}${comment()}`);
      if (pick(9) === 0) lines.push(pick(2) === 0 ? '' : `${inner}# a comment line`);
    });
  }
  return lines.join(style.crlf ? '\r\n' : '\n') + '\n';
}

const styleArb = fc.record({
  picks: fc.array(fc.nat(100), { minLength: 1, maxLength: 40 }),
  itemIndent: fc.constantFrom(0, 2, 4),
  dashSpaces: fc.constantFrom(1, 1, 3),
  crlf: fc.boolean(),
  tidy: fc.constantFrom(true, true, true, false),
});

describe('the columnar YAML reader', () => {
  it('reads what the usual load reads, with the same critical-path plan', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        projectArb,
        styleArb,
        fc.constantFrom<EstimateMode>('low', 'expected', 'high'),
        (p, style, mode) => {
          if (agree(emit(p as Record<string, unknown>, style), mode)) accepted++;
        },
      ),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('reads the generated benchmark files', () => {
    expect(agree(toYaml(generateProject(300, 3)))).toBe(true);
  });

  it('never accepts a text the usual load rejects or reads otherwise (mutated files)', () => {
    const base = toYaml(generateProject(6, 5)).replace('tasks:', 'tasks: # the work');
    const mutation = fc.record({
      at: fc.nat(base.length),
      cut: fc.nat(3),
      put: fc.constantFrom(
        '',
        ' ',
        '\t',
        '\n',
        '\r',
        '#',
        ':',
        ': ',
        '- ',
        '"',
        "'",
        '\\',
        '[',
        ']',
        ',',
        '{',
        '0',
        '1e3',
        'true',
        'null',
        '~',
        '&a ',
        '*a',
        '!!str ',
        '|',
        '>',
        '\u00a0',
        '\u2028',
        'é',
        'tasks:\n',
        '\n  - id: z\n    hours: 1\n',
        '\n---\n',
        '%YAML 1.1\n',
      ),
    });
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        let text = base;
        for (const m of ms) {
          const at = Math.min(m.at, text.length);
          text = text.slice(0, at) + m.put + text.slice(at + m.cut);
        }
        if (agree(text)) accepted++;
      }),
      { numRuns: 4000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  const good = [
    'project: P',
    'start: 2026-01-05',
    'hardware:',
    '  gpu: [{ count: 2, from: 2026-01-07 }]',
    'tasks:',
    '  - id: a',
    '    hours: 1-3',
    '    hardware: gpu',
    '  - id: b',
    '    hours: 2',
    '    deps: [a]',
    '',
  ].join('\n');

  it('reads a good file', () => {
    expect(agree(good)).toBe(true);
  });

  const declined: Record<string, string> = {
    'an unknown dependency': good.replace('deps: [a]', 'deps: [zz]'),
    'a block list of deps': good.replace('deps: [a]', 'deps:\n      - a'),
    'a flow mapping as a task': good.replace('  - id: b\n    hours: 2', '  - { id: b, hours: 2 }'),
    'a numeric id': good.replace('id: b', 'id: 12'),
    'a boolean title': good.replace('id: b', 'id: b\n    title: true'),
    'an escape in a double-quoted title': good.replace('id: b', 'id: b\n    title: "a\\tb"'),
    'a tab before a value line': good.replace('    hours: 2', '\t  hours: 2'),
    'a line indented off its mapping': good.replace('    hours: 2', '     hours: 2'),
    'a duplicate key': good.replace('    hours: 2', '    hours: 2\n    hours: 3'),
    'an alias': good.replace('hours: 1-3', 'hours: &h 1-3'),
    'a second tasks key': `${good}tasks: []\n`,
    'a document marker': `${good}---\n`,
    // The loader refuses a command holding a NUL; YAML reads one written raw in single quotes.
    'a NUL in a single-quoted command': good.replace('id: b', "id: b\n    run: 'a\u0000b'"),
    // The rules refuse a blank command and a program with blanks in it.
    'a blank quoted command': good.replace('id: b', 'id: b\n    run: "  "'),
    'a program named with its arguments': good.replace('id: b', 'id: b\n    run: [python3 -c, x]'),
  };
  for (const [what, text] of Object.entries(declined))
    it(`declines a file with ${what}`, () => {
      expect(readTaskTableYaml(Buffer.from(text, 'utf8'))).toBeUndefined();
    });
});
