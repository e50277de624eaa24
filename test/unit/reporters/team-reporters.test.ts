import { Chalk } from 'chalk';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatedTeamPlan } from '../../../src/app/plan-team.js';
import { buildTeamPlans } from '../../../src/app/plan-team.js';
import { loadProjectFile, loadProjectText } from '../../../src/config/load.js';
import { renderTeamJson } from '../../../src/reporters/team-json.js';
import {
  renderTeamGantt,
  renderTeamMarkdown,
  renderTeamsMarkdown,
} from '../../../src/reporters/team-markdown.js';
import { renderTeamMatrix, renderTeamTable } from '../../../src/reporters/team-table.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';
import { dateTimeName, handoffLines } from '../../../src/reporters/team-common.js';
import { teamSize } from '../../../src/model/team-spec.js';

let plans: DatedTeamPlan[];
beforeAll(async () => {
  const p = await loadProjectFile('tasks/epic-1a.yaml');
  if (!p.ok) throw new Error('epic-1a.yaml does not load');
  const r = buildTeamPlans(p.value, [1, 2, 3].map(teamSize), { now: () => 0 });
  if (!r.ok) throw new Error(r.error);
  plans = r.value;
});
const two = (): DatedTeamPlan => plans[1]!;

describe('team table (terminal)', () => {
  it('shows week by week a row per day per engineer, then totals, handoffs, critical path, numbers', () => {
    const text = renderTeamTable(two(), memoryOutput(Infinity));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Epic 1A · team of 2 (infra, ml) · expected hours');
    expect(text).toContain('Week 1 (Mon 30 Nov – Fri 4 Dec)');
    expect(text).toContain('Week 2 (Mon 7 Dec –');
    expect(lines).toContainEqual(expect.stringMatching(/^Day\s+Engineer\s+Tasks\s+Hours\s+Focus$/));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^Mon 30 Nov\s+infra\s+1a\.1, 1a\.2, start 1a\.4\s+8\s+Ansible base role$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^Fri 4 Dec\s+—\s+—\s+0\s+waiting for GPU hardware$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^Total\s+infra\s+[\d.]+$/));
    expect(text).toContain('Totals per engineer');
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}infra finishes 1a\.4 on Tue 1 Dec 11:30 → ml can start 1a\.7/),
    );
    expect(text).toMatch(
      /Critical path \(resource-constrained\): GPUs arrive Mon 7 Dec → 1a\.8\/test \(\w+\) → /,
    );
    for (const label of [
      'End date:',
      'Duration:',
      'Effort:',
      'Utilisation:',
      'Speed-up:',
      'Lower bound:',
      'Confidence:',
    ]) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${label}`)));
    }
    expect(text).toMatch(
      /Lower bound: +69 h \(critical path 39\.5, resources 59\.25, GPU arrival 64, energetic 69\): (optimal \(proven\)|best found; lower bound 69 h \(gap [\d.]+ %\))/,
    );
    expect(text).toMatch(/Confidence: +low–high estimates: [\d.]+–[\d.]+ h/);
    expect(text).toContain('deadline Fri 18 Dec: met');
  });

  it('says a handoff lets work start only where it starts then, and else when it starts', () => {
    // "infra finishes 1a.16/test on Tue 8 Dec 12:30 → ml can start 1a.17/stress" was false:
    // stress waited for other work until Thu 10 Dec.
    let waits = 0;
    for (const plan of plans) {
      const byId = new Map(plan.activities.map((a) => [a.id, a]));
      for (const line of handoffLines(plan)) {
        const m = /^\S+ finishes (\S+) on .+? → (.*)$/.exec(line);
        expect(m, line).not.toBeNull();
        const from = byId.get(m![1]!)!;
        for (const part of m![2]!.split('; ')) {
          const can = /^\S+ can start (.*)$/.exec(part);
          const needs = /^\S+ needs it for (.*)$/.exec(part);
          expect(can ?? needs, part).not.toBeNull();
          for (const id of can?.[1]!.split(', ') ?? [])
            expect(byId.get(id)!.start).toBeCloseTo(from.end, 6);
          for (const [, id, when] of needs?.[1]!.matchAll(/(\S+) \(starts ([^)]+)\)/g) ?? []) {
            const to = byId.get(id!)!;
            expect(to.start).toBeGreaterThan(from.end);
            expect(dateTimeName(to.startDate)).toBe(when);
            waits++;
          }
        }
      }
    }
    expect(waits).toBeGreaterThan(0);
    expect(handoffLines(two())).toContain(
      'infra finishes 1a.16/test on Tue 8 Dec 12:30 → ml needs it for 1a.17/stress (starts Thu 10 Dec 09:00)',
    );
  });

  it('marks the critical tasks in a way the output at hand shows, and says which', () => {
    // Piped or NO_COLOR output said "bold tasks are on the critical path" with nothing bold.
    const plain = renderTeamTable(two(), memoryOutput(Infinity));
    expect(plain).not.toContain('bold');
    expect(plain).toContain('(tasks marked * are on the critical path;');
    expect(plain).toMatch(/^Mon 7 Dec\s+infra\s+1a\.8\/test\*, /m);
    expect(plain).toMatch(/^Mon 30 Nov\s+infra\s+1a\.1, 1a\.2, start 1a\.4\s/m);
    const colour = renderTeamTable(two(), {
      ...memoryOutput(Infinity),
      color: new Chalk({ level: 1 }),
    });
    expect(colour).toContain('(bold tasks are on the critical path;');
    expect(colour).toContain(`${new Chalk({ level: 1 }).bold('1a.8/test')}, `);
    expect(colour).not.toContain('1a.8/test*');
  });

  it('prints team sizes side by side', () => {
    const text = renderTeamMatrix(plans, memoryOutput());
    expect(text).toMatch(/^\s+team 1\s+team 2\s+team 3$/m);
    expect(text).toMatch(/^Makespan\s+77 h\s+[\d.]+ h\s+[\d.]+ h$/m);
    expect(text).toMatch(/^Speed-up vs solo\s+1\.00×/m);
    expect(text).toMatch(/^Engineers\s+solo\s+infra, ml\s+packer, nvidia, frameworks$/m);
  });
});

describe('Markdown, Mermaid and JSON', () => {
  it('embeds a Mermaid Gantt in the Markdown', () => {
    const md = renderTeamMarkdown(two(), 'note');
    expect(md.startsWith('# Epic 1A · team of 2 (infra, ml) · expected hours\n\nnote\n')).toBe(
      true,
    );
    expect(md).toContain('| Day | Engineer | Tasks | Hours | Focus |');
    expect(md).toContain('```mermaid\ngantt\n');
    expect(renderTeamsMarkdown(plans)).toContain('|  | team 1 | team 2 | team 3 |');
  });

  it('draws a Gantt section per engineer with dated bars, critical ones tagged', () => {
    const g = renderTeamGantt(two()).split('\n');
    expect(g.slice(0, 4)).toEqual([
      'gantt',
      '  title Epic 1A · team of 2 (infra, ml) · expected hours',
      '  dateFormat YYYY-MM-DD HH:mm',
      '  axisFormat %a %d %b',
    ]);
    expect(g).toContain('  section infra');
    expect(g).toContain('    1a.1 Dev environment :a0, 2026-11-30 09:00, 2026-11-30 11:30');
    expect(g.filter((l) => l.includes(':crit, ')).length).toBe(two().criticalPath.length);
  });

  it('keeps the contract names first, in a fixed order', () => {
    const json = JSON.parse(renderTeamJson(two())) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 9)).toEqual([
      'makespan',
      'unit',
      'team',
      'resources',
      'activities',
      'criticalPath',
      'lowerBound',
      'startDate',
      'endDate',
    ]);
    expect(json).toMatchObject({
      unit: 'hour',
      team: 2,
      startDate: '2026-11-30T09:00',
      assignees: 'declared',
    });
    const a = (json['activities'] as Record<string, unknown>[])[0]!;
    expect(a).toMatchObject({
      id: '1a.1',
      task: '1a.1',
      duration: 2.5,
      demand: { engineer: 1 },
      start: 0,
      assignee: 'infra',
    });
    expect(a['startDate']).toBe('2026-11-30T09:00');
  });
});

describe('one of each', () => {
  it('says "1 working hour = 1 working day (1 calendar day" and "1 activity", not "1 … days"', () => {
    const p = loadProjectText(
      'project: O\nstart: 2026-01-05\ntasks:\n  - { id: a, hours: 1 }\n',
      'o.yaml',
    );
    if (!p.ok) throw new Error('does not load');
    const r = buildTeamPlans(p.value, [teamSize(1)], { now: () => 0 });
    if (!r.ok) throw new Error(r.error);
    const text = renderTeamTable(r.value[0]!, memoryOutput(Infinity));
    expect(text).toContain('1 working hour = 1 working day (1 calendar day, 8 h/day)');
    expect(text).toContain('1 h in 1 activity');
    expect(renderTeamTable(two(), memoryOutput(Infinity))).toMatch(
      /69 working hours = 9 working days \(11 calendar days, 8 h\/day\)/,
    );
  });
});
