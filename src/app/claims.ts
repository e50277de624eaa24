import type { Project } from '../model/project.js';
import type { Comparison, CompareRow } from './compare.js';
import { earlierShare } from './compare.js';

/**
 * What a design document claims about rows of the decision matrix, and each claim checked
 * against the computed rows: agrees, optimistic or pessimistic, with the odds for savings.
 */

/** Working days per week, for claims in weeks. */
const WEEK_DAYS = 5;

/** A claim of a design document about one row of the matrix. */
export interface Claim {
  /** Where it is said, with the words. */
  readonly source: string;
  readonly scenario: string;
  readonly team: string;
  /**
   * `weeks`: the calendar time (in working weeks to the end) lies in [min, max];
   * `saved-weeks` / `saved-hours`: the time saved against `against` lies in [min, max] working
   * weeks / working hours. NaN bounds: the document names the benefit but gives no figure.
   */
  readonly kind: 'weeks' | 'saved-weeks' | 'saved-hours';
  readonly min: number;
  readonly max: number;
  readonly against?: { readonly scenario: string; readonly team: string };
}

/** The seed design document's calendar claims about Epic 1A (docs: Epic 1A Resource Allocation Strategy). */
export const EPIC_1A_CLAIMS: readonly Claim[] = [
  {
    source: '"Option 2: Wait for Full 4-GPU System … Total calendar time: 3 weeks"',
    scenario: 'baseline',
    team: '1',
    kind: 'weeks',
    min: 3,
    max: 3,
  },
  {
    source: '"Single RTX 5090 in Week 1 … Total calendar time: 2 weeks"',
    scenario: 'early-gpu',
    team: '1',
    kind: 'weeks',
    min: 2,
    max: 2,
  },
  {
    source: '"Early GPU procurement | $3,500 | 1 week" (time saved)',
    scenario: 'early-gpu',
    team: '1',
    kind: 'saved-weeks',
    min: 1,
    max: 1,
    against: { scenario: 'baseline', team: '1' },
  },
  {
    source:
      '"Pre-download packages | $0 | 3h" ("saves 2-3h during installation", for 4h of effort)',
    scenario: 'pre-download',
    team: '1',
    kind: 'saved-hours',
    min: 2,
    max: 3,
    against: { scenario: 'baseline', team: '1' },
  },
  {
    source: '"Ansible parallelization | $0 | 18h"',
    scenario: 'ansible-parallel',
    team: '1',
    kind: 'saved-hours',
    min: 18,
    max: 18,
    against: { scenario: 'baseline', team: '1' },
  },
  {
    source: '"Incremental docs | $0 | 4h"',
    scenario: 'incremental-docs',
    team: '1',
    kind: 'saved-hours',
    min: 4,
    max: 4,
    against: { scenario: 'baseline', team: '1' },
  },
  {
    source:
      '"Prepare Playbooks on MacBook (11h effort) … Reduce GPU hardware wait time" (no figure)',
    scenario: 'baseline',
    team: '1',
    kind: 'saved-hours',
    min: NaN,
    max: NaN,
    against: { scenario: 'late-prep', team: '1' },
  },
  {
    source: '"Scenario 2: Team of 2 Engineers — Timeline: 1.5-2 weeks"',
    scenario: 'team-2',
    team: '2',
    kind: 'weeks',
    min: 1.5,
    max: 2,
  },
  {
    source: '"Team of 2 engineers | 1× salary | 1 week" (time saved)',
    scenario: 'team-2',
    team: '2',
    kind: 'saved-weeks',
    min: 1,
    max: 1,
    against: { scenario: 'baseline', team: '1' },
  },
  {
    source: '"Scenario 3: Team of 3 Engineers — Timeline: 1 week"',
    scenario: 'team-3',
    team: '3',
    kind: 'weeks',
    min: 1,
    max: 1,
  },
  {
    source: '"Team of 3 engineers | 2× salary | 2 weeks" (time saved)',
    scenario: 'team-3',
    team: '3',
    kind: 'saved-weeks',
    min: 2,
    max: 2,
    against: { scenario: 'baseline', team: '1' },
  },
];

export interface ClaimCheck {
  readonly claim: Claim;
  /** Computed P50 and P80 in working weeks (calendar time, or saved). */
  readonly p50: number;
  readonly p80: number;
  /** For savings: the share of paired samples in which the row finishes earlier. */
  readonly odds: number | undefined;
  readonly verdict: 'agrees' | 'optimistic' | 'pessimistic' | 'no figure' | 'no data';
}

/** Slack (weeks) within which a claim counts as agreeing: about one working day. */
const AGREE = 0.2;
/** Slack (working hours) for claims given in hours. */
const AGREE_HOURS = 1;

export function checkClaims(cmp: Comparison, claims: readonly Claim[]): ClaimCheck[] {
  const row = (s: string, t: string): CompareRow | undefined =>
    cmp.rows.find((r) => r.scenario === s && r.team === t);
  return claims.map((claim) => {
    const r = row(claim.scenario, claim.team);
    const base =
      claim.against === undefined ? undefined : row(claim.against.scenario, claim.against.team);
    if (r === undefined || (claim.kind === 'saved-weeks' && base === undefined)) {
      return { claim, p50: NaN, p80: NaN, odds: undefined, verdict: 'no data' };
    }
    // Savings in hours are working hours of the row's own day length.
    const unit = (rr: CompareRow): number =>
      claim.kind === 'saved-hours' ? 1 : rr.hoursPerDay * WEEK_DAYS;
    const wk = (h: number, rr: CompareRow): number => h / unit(rr);
    let p50: number;
    let p80: number;
    if (claim.kind === 'weeks') {
      p50 = wk(r.p50Hours, r);
      p80 = wk(r.p80Hours, r);
    } else {
      p50 = wk(base!.p50Hours, base!) - wk(r.p50Hours, r);
      p80 = wk(base!.p80Hours, base!) - wk(r.p80Hours, r);
    }
    let verdict: ClaimCheck['verdict'] = 'agrees';
    // Within about a working day: AGREE weeks, or a day's hours for claims in hours.
    const slack = claim.kind === 'saved-hours' ? AGREE_HOURS : AGREE;
    // For calendar time, a claim shorter than computed is optimistic; for savings, a claim
    // larger than computed is optimistic.
    if (Number.isNaN(claim.min)) verdict = 'no figure';
    else if (claim.kind === 'weeks') {
      if (claim.max + slack < p50) verdict = 'optimistic';
      else if (claim.min - slack > p80) verdict = 'pessimistic';
    } else {
      if (claim.min - slack > p50) verdict = 'optimistic';
      else if (claim.max + slack < p50) verdict = 'pessimistic';
    }
    const odds = claim.kind === 'weeks' ? undefined : earlierShare(r, base);
    return { claim, p50, p80, odds, verdict };
  });
}

/** The claims that apply to a project: the seed document's, for Epic 1A, the project it was written for. */
export function projectClaims(project: Pick<Project, 'name'>): readonly Claim[] {
  return project.name === 'Epic 1A' ? EPIC_1A_CLAIMS : [];
}
