import type { Project } from '../model/project.js';
import type { TeamSpec, TeamSpecError } from '../model/team-spec.js';
import { parseTeamSpec, teamLabel, unknownMember } from '../model/team-spec.js';
import type { Result } from '../result.js';
import { err, ok } from '../result.js';

/** A `--team` value's error, as the one line the CLI prints. */
function teamSpecMessage(e: TeamSpecError): string {
  switch (e.kind) {
    case 'size':
      return `--team must be between 1 and 64 engineers, got ${e.text}`;
    case 'syntax':
      return `--team expects a number, a list such as 1,2,3, or people such as infra+ml; got "${e.text}"`;
    case 'repeated':
      return `--team names someone twice: "${e.text}"`;
  }
}

/** Parses one `--team` value: `2`, or declared people joined by `+` (`infra+ml`). */
export function parseTeamOption(text: string): Result<TeamSpec, string> {
  const spec = parseTeamSpec(text);
  return spec.ok ? spec : err(teamSpecMessage(spec.error));
}

/** Parses a `--team` value that may list teams to compare: `1,2,3`, `2,infra+ml`. */
export function parseTeamListOption(text: string): Result<TeamSpec[], string> {
  const teams: TeamSpec[] = [];
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    // `2,` or `1,,3`: a comma with no team after it says more than `got ""`.
    if (part.trim() === '' && text.includes(','))
      return err(`--team lists teams between commas, such as 1,2,3; "${text}" has an empty one`);
    const spec = parseTeamOption(part);
    if (!spec.ok) return spec;
    // `1,1` planned and printed the same team twice; `ml+infra` is `infra+ml` again.
    const label = teamLabel({
      ...spec.value,
      ...(spec.value.kind === 'names' ? { ids: [...spec.value.ids].sort() } : {}),
    });
    if (seen.has(label))
      return err(`--team lists the team ${teamLabel(spec.value)} twice: "${text}"`);
    seen.add(label);
    teams.push(spec.value);
  }
  return ok(teams);
}

/** Checks that the people `--team` names are the project's (exit 2 with a hint when not). */
export function checkTeamOption(
  project: Pick<Project, 'team'>,
  teams: readonly TeamSpec[],
): Result<void, string> {
  const declared = project.team.map((p) => p.id);
  for (const spec of teams) {
    const u = unknownMember(spec, declared);
    if (u === undefined) continue;
    if (declared.length === 0)
      return err(`--team ${u.id}: the project declares no team; use a number such as --team 2`);
    return err(
      `--team: no one called "${u.id}" in the project's team${u.hint ? ` (did you mean "${u.hint}"?)` : ` (known: ${declared.join(', ')})`}`,
    );
  }
  return ok(undefined);
}
