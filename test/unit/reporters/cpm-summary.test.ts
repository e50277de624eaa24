import { describe, expect, it } from 'vitest';
import { generateProject, toYaml } from '../../../bench/project-generator.js';
import { loadProjectText } from '../../../src/config/load.js';
import type { Project } from '../../../src/model/project.js';
import { criticalPathPlan } from '../../../src/planner/project/critical-path-plan.js';
import {
  CPM_SUMMARY_ACTIVITIES,
  CPM_SUMMARY_ROWS,
  cpmJsonChunks,
  renderCpmTable,
} from '../../../src/reporters/cpm.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';
import { main } from '../../../src/cli/main.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function project(n: number): Project {
  const r = loadProjectText(toYaml(generateProject(n)), 'gen.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const out = memoryOutput(200);
/** Table rows: lines that start with the critical marker or a blank, then an activity id. */
const rowIds = (text: string): string[] =>
  text.split('\n').flatMap((l) => /^[●\s]\s+(t\d+)\s+[\d.]+\s+(?:mac|gpu)\s/.exec(l)?.[1] ?? []);

describe('the critical-path table of a large project', () => {
  const big = criticalPathPlan(project(2000));
  const critical = [...big.activities].filter((a) => a.critical).map((a) => a.id);

  it('lists only critical activities, at most CPM_SUMMARY_ROWS, and says how to see them all', () => {
    expect(big.activities.length).toBeGreaterThan(CPM_SUMMARY_ACTIVITIES);
    const text = renderCpmTable(big, out);
    const ids = rowIds(text);
    expect(critical.length).toBeLessThan(CPM_SUMMARY_ROWS);
    expect(ids).toEqual(critical.slice(0, CPM_SUMMARY_ROWS));
    expect(text).toContain(
      `(a summary: the ${critical.length} critical activities of ${big.activities.length} listed; --days lists every activity, --json gives them all)`,
    );
    expect(text).toContain(`Effort: `);
    expect(text).toContain(`in ${big.activities.length} activities`);
  });

  it('prints a long critical chain by its ends, and in full with --days', () => {
    // One chain of 600 tasks: every activity critical, the path 600 long.
    const tasks = Array.from({ length: 600 }, (_, i) =>
      i === 0 ? `  - { id: t1, hours: 1 }` : `  - { id: t${i + 1}, hours: 1, deps: [t${i}] }`,
    );
    const r = loadProjectText(
      `project: chain\nstart: 2026-01-05\ntasks:\n${tasks.join('\n')}\n`,
      'c.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const chain = criticalPathPlan(r.value);
    const path = chain.criticalPath;
    expect(path).toHaveLength(600);
    const text = renderCpmTable(chain, memoryOutput(100_000));
    expect(rowIds(text)).toHaveLength(CPM_SUMMARY_ROWS);
    // Every activity is critical: the count is said once, not "200 of 600 …, of 600".
    expect(text).toContain(
      '(a summary: the first 200 of 600 activities listed, every one critical; --days lists',
    );
    expect(text).not.toContain('of 600;');
    // With 50 short tasks beside the chain: 200 of its 600 critical activities, of 650.
    const beside = Array.from({ length: 50 }, (_, i) => `  - { id: s${i}, hours: 1 }`);
    const wider = loadProjectText(
      `project: chain\nstart: 2026-01-05\ntasks:\n${[...tasks, ...beside].join('\n')}\n`,
      'w.yaml',
    );
    if (!wider.ok) throw new Error(JSON.stringify(wider.error));
    expect(renderCpmTable(criticalPathPlan(wider.value), memoryOutput(100_000))).toContain(
      '(a summary: the first 200 of 600 critical activities listed, of 650 activities in all;',
    );
    expect(text).toContain(`${path.slice(0, 10).join(' → ')} → … ${path.length - 20} more … → `);
    expect(text).toContain(path.slice(-10).join(' → '));
    const full = renderCpmTable(chain, memoryOutput(100_000), { days: true });
    expect(full).toContain(path.join(' → '));
  });

  it('--days lists every activity, in order', () => {
    const text = renderCpmTable(big, out, { days: true });
    expect(rowIds(text)).toEqual([...big.activities].map((a) => a.id));
    expect(text).not.toContain('(a summary');
  });

  it('is bounded: ten times the activities, not more lines', () => {
    const lines = renderCpmTable(big, out).split('\n').length;
    expect(lines).toBeLessThanOrEqual(CPM_SUMMARY_ROWS + 40);
  });

  it('leaves a project of up to CPM_SUMMARY_ACTIVITIES as it was: every row, no summary line', () => {
    const small = criticalPathPlan(project(CPM_SUMMARY_ACTIVITIES));
    const text = renderCpmTable(small, out);
    expect(text).toBe(renderCpmTable(small, out, { days: true }));
    expect(rowIds(text)).toHaveLength(CPM_SUMMARY_ACTIVITIES);
  });

  it('keeps --json whole: every activity', () => {
    const json = JSON.parse([...cpmJsonChunks(big)].join('')) as { activities: unknown[] };
    expect(json.activities).toHaveLength(big.activities.length);
  });

  it('--json in pieces is the same bytes, for plans of every size', () => {
    const phased = loadProjectText(
      'project: p\nstart: 2026-01-05\ntasks:\n  - id: a\n    title: "x\\ny"\n    phases:\n      - { name: one, hours: 1 }\n      - { name: two, hours: 2 }\n',
      'p.yaml',
    );
    if (!phased.ok) throw new Error(JSON.stringify(phased.error));
    for (const plan of [criticalPathPlan(phased.value), big, criticalPathPlan(project(4500))])
      expect([...cpmJsonChunks(plan)].join('')).toBe(JSON.stringify(plan, null, 2));
  });

  it('plan --json of a large project prints the same bytes, written in pieces', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'critpath-cpmjson-'));
    try {
      writeFileSync(join(dir, 'package.json'), '{}\n');
      const text = toYaml(generateProject(20_500));
      const file = join(dir, 'big.yaml');
      writeFileSync(file, text);
      const out = memoryOutput();
      expect(await main(['plan', file, '--json'], out)).toBe(0);
      const r = loadProjectText(text, file);
      if (!r.ok) throw new Error('bad');
      expect(out.stdout.join('')).toBe(JSON.stringify(criticalPathPlan(r.value), null, 2));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
