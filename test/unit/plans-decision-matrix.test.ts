/**
 * plans/decision-matrix.md is the computed decision matrix of Epic 1A (`critpath plan --compare
 * --format md`). This test regenerates it and fails when the committed file is stale; run it
 * with CRITPATH_UPDATE_PLANS=1 to rewrite the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compareMarkdownOptions,
  DEFAULT_COMPARE_SAMPLES,
} from '../../src/cli/commands/plan-risk.js';
import { loadProjectFile } from '../../src/config/load.js';
import { compareScenarios } from '../../src/app/compare.js';
import { checkClaims, EPIC_1A_CLAIMS } from '../../src/app/claims.js';
import { claimNotes, findings, renderCompareMarkdown } from '../../src/reporters/compare.js';

const FILE = 'plans/decision-matrix.md';

async function generate() {
  const loaded = await loadProjectFile('tasks/epic-1a.yaml');
  if (!loaded.ok) throw new Error(loaded.error.map((d) => d.message).join('\n'));
  const project = loaded.value;
  // The same settings as DECISION_MATRIX_COMMAND: the schedule budget binds, not the clock.
  const cmp = compareScenarios(project, {
    samples: DEFAULT_COMPARE_SAMPLES,
    seed: 1,
    now: () => performance.now(),
    timeLimitMs: 600_000,
  });
  if (!cmp.ok) throw new Error(cmp.error);
  return {
    cmp: cmp.value,
    md: renderCompareMarkdown(cmp.value, compareMarkdownOptions(project, cmp.value)),
  };
}

describe('plans/decision-matrix.md', () => {
  it('is the computed matrix (CRITPATH_UPDATE_PLANS=1 rewrites it)', async () => {
    const { cmp, md } = await generate();
    if (process.env['CRITPATH_UPDATE_PLANS'] === '1') writeFileSync(FILE, md);
    expect(readFileSync(FILE, 'utf8')).toBe(md);
    // Every scenario and team size the issue asks for is there.
    const rows = cmp.rows.map((r) => `${r.scenario}/${r.team}`);
    expect(rows).toEqual([
      'baseline/1',
      'baseline/2',
      'baseline/3',
      'early-gpu/1',
      'early-gpu/2',
      'early-gpu/3',
      'pre-download/1',
      'pre-download/2',
      'pre-download/3',
      'ansible-parallel/1',
      'ansible-parallel/2',
      'ansible-parallel/3',
      'incremental-docs/1',
      'incremental-docs/2',
      'incremental-docs/3',
      'late-prep/1',
      'late-prep/2',
      'late-prep/3',
      'team-2/2',
      'team-2-any/2',
      'team-3/3',
      'team-3-any/3',
    ]);
    expect(md).toContain('## Against the design document');
    // Each finding says in words which way the P50 and the P80 move: "costs 1.1 d … (P80:
    // −1.1 d)" read as a saving at P80.
    const effect = String.raw`(saves [\d.]+ d|costs [\d.]+ d|changes nothing)`;
    const scenarioLine = new RegExp(
      String.raw`^- \S+ with team \d+ ${effect} at P50 against baseline with the same team \(${effect} at P80\), for \$[\d,]+\.$`,
    );
    const teamLine =
      /^- baseline: going from team \d to team \d (brings the P50 end [\d.]+ d (earlier|later)|leaves the P50 end where it is)\.$/;
    const lines = findings(cmp).map((f) => `- ${f}`);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      expect(line).toMatch(line.includes('going from') ? teamLine : scenarioLine);
      expect(md).toContain(line);
    }
  });

  it('says where the computed result disagrees with the design document', async () => {
    const { cmp } = await generate();
    const checks = checkClaims(cmp, EPIC_1A_CLAIMS);
    const verdict = (source: RegExp) => checks.find((c) => source.test(c.claim.source))?.verdict;
    // The early GPU does not save a week for a solo engineer, and a team of 3 cannot finish in
    // week 1: the GPUs only arrive in week 2.
    expect(verdict(/Early GPU procurement/)).toBe('optimistic');
    expect(verdict(/Team of 3 Engineers — Timeline: 1 week/)).toBe('optimistic');
    const early2 = cmp.rows.find((r) => r.scenario === 'early-gpu' && r.team === '2')!;
    expect(early2.savedVsSameTeam!).toBeGreaterThan(0.5);
    // Every optimisation of the document is checked against its claim, with odds for savings.
    for (const s of ['pre-download', 'ansible-parallel', 'incremental-docs', 'late-prep']) {
      const c = checks.find((k) => k.claim.scenario === s || k.claim.against?.scenario === s)!;
      expect(c.verdict).not.toBe('no data');
      expect(c.odds).toBeGreaterThanOrEqual(0);
    }
  });

  it('computes its closing notes from the checks, one per claim, and the cost of roles', async () => {
    const { cmp, md } = await generate();
    const checks = checkClaims(cmp, EPIC_1A_CLAIMS);
    const notes = claimNotes(cmp, checks);
    for (const n of notes) expect(md).toContain(n);
    for (const c of checks) {
      const note = notes.find((n) => n.startsWith(`${c.claim.scenario} (team ${c.claim.team})`));
      expect(note).toBeDefined();
    }
    // The specialisation rows: each team with roles against the same team without.
    for (const team of ['2', '3']) {
      const roles = cmp.rows.find((r) => r.scenario === `team-${team}`)!;
      const any = cmp.rows.find((r) => r.scenario === `team-${team}-any`)!;
      const cost = roles.p50Hours / roles.hoursPerDay - any.p50Hours / any.hoursPerDay;
      const note = notes.find((n) => n.startsWith(`Specialisation, team ${team}:`))!;
      expect(note).toContain(
        cost > 0.05 ? 'specialisation costs' : cost < -0.05 ? 'saves' : 'nothing',
      );
      expect(any.savedVsSameTeam).toBeCloseTo(cost, 6);
    }
  });
});
