import type { Result } from '../result.js';
import { err, ok } from '../result.js';
import { nearest } from '../util/suggest.js';

/**
 * Which engineers plan: the first N (declared people first, then E…), or named people. The CLI
 * parses `--team` into one and the config a scenario's `team:`; each says its own errors (with
 * the flag, or with the file position), so nothing here names either.
 */
export type TeamSpec =
  | { readonly kind: 'count'; readonly count: number }
  | { readonly kind: 'names'; readonly ids: readonly string[] };

/** The most engineers a team may have. */
export const MAX_TEAM = 64;

/** Why a team text is not a team. */
export type TeamSpecError =
  /** A number outside 1…MAX_TEAM. */
  | { readonly kind: 'size'; readonly text: string }
  /** Neither a number nor ids joined by `+`. */
  | { readonly kind: 'syntax'; readonly text: string }
  /** The same person named twice. */
  | { readonly kind: 'repeated'; readonly text: string };

/** Parses one team: `2`, or declared people joined by `+` (`infra+ml`). */
export function parseTeamSpec(text: string): Result<TeamSpec, TeamSpecError> {
  const t = text.trim();
  // `-1` is a count below 1, not someone called "-1".
  if (/^-?\d+$/.test(t)) {
    const count = Number(t);
    if (count < 1 || count > MAX_TEAM) return err({ kind: 'size', text: t });
    return ok({ kind: 'count', count });
  }
  const ids = t.split('+').map((s) => s.trim());
  if (ids.some((s) => !/^[A-Za-z0-9_-]+$/.test(s))) return err({ kind: 'syntax', text });
  if (new Set(ids).size !== ids.length) return err({ kind: 'repeated', text });
  return ok({ kind: 'names', ids });
}

/** A readable label for a team spec: `2`, `infra+ml`. */
export function teamLabel(spec: TeamSpec): string {
  return spec.kind === 'count' ? String(spec.count) : spec.ids.join('+');
}

/** A named person the project does not declare. */
export interface UnknownMember {
  readonly id: string;
  /** The project's declared people (empty: it declares no team). */
  readonly known: readonly string[];
  /** The closest declared id, when one is close. */
  readonly hint: string | undefined;
}

/** The first name in `spec` that is not among `declared`, or undefined when all are. */
export function unknownMember(
  spec: TeamSpec,
  declared: readonly string[],
): UnknownMember | undefined {
  if (spec.kind === 'count') return undefined;
  const known = new Set(declared);
  const id = spec.ids.find((x) => !known.has(x));
  if (id === undefined) return undefined;
  return { id, known: declared, hint: nearest(id, declared) };
}

/** What is wrong with a named person, without saying where the name came from. */
export function unknownMemberMessage(u: UnknownMember): string {
  if (u.known.length === 0) return `"${u.id}": the project declares no team; use a team size`;
  return `no one called "${u.id}" in the project's team${u.hint ? ` (did you mean "${u.hint}"?)` : ` (known: ${u.known.join(', ')})`}`;
}

/** The first `count` engineers. */
export function teamSize(count: number): TeamSpec {
  return { kind: 'count', count };
}
